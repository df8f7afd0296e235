"""The completeness check's flags, the one-time notice (一次性告知) and the one resubmission."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import snapshot
from rollout5g.notifications.messages import msg
from rollout5g.notifications.services import notify
from rollout5g.platform.formats import long_date
from rollout5g.platform.workflow import authorize, transition

from ..choices import (
    FLAGGABLE_FIELDS,
    DeficiencyTarget,
)
from ..labels import flaggable_fields, ref_label
from ..models import (
    Application,
    ApplicationSite,
    Deficiency,
)
from .application import _acceptance_lapsed, completeness_problems, required_materials
from .common import (
    ApprovalError,
    _departments,
    _event,
    _lock,
    _person,
    _today,
    _url,
)


def deficiency_flag(*, actor, application: Application, target: str, ref: str, message: str,
                    app_site: ApplicationSite | None = None) -> Deficiency:
    """A reviewer flags the exact field or document that is missing or wrong (during the completeness check)."""
    authorize(actor, "flag", application)  # a department with an item in it, or the office; checked again below
    department = actor.organization
    if target not in DeficiencyTarget.values:
        raise ApprovalError(_("%(target)s is not a kind of flag; valid: %(valid)s") % {
            "target": target, "valid": "、".join(str(label) for label in DeficiencyTarget.labels)})
    if target == DeficiencyTarget.FIELD and ref not in FLAGGABLE_FIELDS:
        raise ApprovalError(_("%(ref)s is not a field of the form; valid: %(valid)s") % {
            "ref": ref, "valid": "、".join(label for _code, label in flaggable_fields())})
    if target == DeficiencyTarget.MATERIAL:
        known = {m["code"] for m in required_materials(application)} | set(
            application.materials.values_list("code", flat=True))
        if ref not in known:
            raise ApprovalError(_("%(ref)s is not a material of this application; known: %(known)s") % {
                "ref": ref, "known": "、".join(sorted(known))})
    if not message.strip():
        raise ApprovalError(_("Say what is missing or wrong."))
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "flag", app)
        flag = Deficiency.objects.create(application=app, department=department, target=target, ref=ref,
                                         app_site=app_site, message=message.strip()[:500],
                                         raised_by=_person(actor))
        _event(actor, flag, AuditAction.CREATE, after=snapshot(flag), note=_("flagged on %(code)s") % {"code": app.code})
    return flag



def notice_issue(*, actor, application: Application, on: dt.date | None = None) -> list[Deficiency]:
    """The one-time notice (一次性告知): everything missing, from the automatic check and from every department's
    flags, in one notice. Only once per application, and only within the completeness-check window."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "notice", app)  # once per application
        if _acceptance_lapsed(app, on):
            raise ApprovalError(_("The completeness-check window has passed: the application counts as accepted "
                                  "on the day it was received (%(on)s).") % {"on": long_date(app.received_on)})
        for p in completeness_problems(app):
            if not app.deficiencies.filter(target=p["target"], ref=p["ref"], resolved=False).exists():
                flag = Deficiency.objects.create(application=app, automatic=True, **p)
                _event(actor, flag, AuditAction.CREATE, after=snapshot(flag), note=_("completeness check"))
        flags = list(app.deficiencies.filter(resolved=False))
        if not flags:
            raise ApprovalError(_("Nothing is missing or flagged: accept the application instead."))
        app.deficiencies.filter(resolved=False).update(in_notice=True)
        transition(app, "notice", actor=actor, note=_("one-time notice: %(n)s item(s)") % {"n": len(flags)}, notice_issued_on=on)
        for flag in flags:
            flag.in_notice = True
    materials = {m["code"]: m["name"] for m in required_materials(app)}
    notify(message=gettext_noop("One-time notice for %(code)s: %(n)s item(s) to complete"),
           params={"code": app.code, "n": len(flags)},
           body_message="%(flags)s", body_params={"flags": [
               msg(gettext_noop("- %(target)s %(ref)s: %(message)s"), target=DeficiencyTarget(f.target).label,
                   ref=ref_label(f.target, f.ref, materials), message=f.message) for f in flags]}, url=_url(app),
           level="warning", key=f"permits:notice:{app.pk}", organizations=[app.applicant], roles=[Role.OPERATOR])
    return flags


def application_resubmit(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """The applicant answers the notice once, with everything fixed; the completeness window starts again."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "resubmit", app)
        still = [p for p in completeness_problems(app) if p["target"] == DeficiencyTarget.MATERIAL]
        if still:
            raise ApprovalError(_("Still missing: %(list)s") % {"list": "；".join(str(p["message"]) for p in still)})
        for flag in app.deficiencies.filter(resolved=False):
            flag.resolved = True
            flag.save(update_fields=["resolved"])
            _event(actor, flag, AuditAction.UPDATE, before={"resolved": False}, after={"resolved": True})
        transition(app, "resubmit", actor=actor, note=_("resubmitted after the one-time notice"), resubmitted_on=on)
    notify(message=gettext_noop("%(code)s resubmitted after the one-time notice"), params={"code": app.code},
           url=_url(app),
           key=f"permits:resubmitted:{app.pk}", organizations=_departments(app), roles=[Role.DEPARTMENT])
    return app


