"""Drafting, submission, acceptance and refusal of an application (the applicant and the one-stop window)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.sites.choices import SiteState, SiteType
from rollout5g.sites.models import Site
from rollout5g.sites.services import site_create

from ..choices import (
    SITUATION_FLAGS,
    ApplicationState,
    DeficiencyTarget,
    ItemState,
)
from ..models import (
    Application,
    ApplicationSite,
    ApprovalItem,
    ItemRule,
    ItemType,
    Material,
)
from ..rules import DepartmentResolver, active_ruleset, items_needed
from .common import (
    APPLICANT_KINDS,
    CLOCK,
    MAX_MATERIAL_BYTES,
    ApprovalError,
    _departments,
    _event,
    _lock,
    _move_sites,
    _next_code,
    _offices,
    _person,
    _today,
    _url,
    validate_project_code,
)

# ---------------------------------------------------------------------------------------------------- drafting
EDITABLE = ("title", "project_code", "description", "contact_name", "contact_phone")


def application_create(*, actor, title: str, applicant: Organization | None = None, project_code: str = "",
                       description: str = "", contact_name: str = "", contact_phone: str = "") -> Application:
    """Start a draft application of an operator or the tower company (the actor's organization)."""
    applicant = applicant or getattr(actor, "organization", None)
    authorize_create(actor, Application, owner=applicant)  # an operator applies for its own organization only
    if applicant is None or applicant.kind not in APPLICANT_KINDS:
        raise ApprovalError(_("The applicant %(org)s is not an operator or the tower company.") % {"org": applicant})
    if not title.strip():
        raise ApprovalError(_("The title is required."))
    ruleset = active_ruleset()
    with transaction.atomic():
        app = Application(code=_next_code(dt.date.today().year), title=title.strip()[:200],
                          project_code=validate_project_code(project_code), description=description,
                          applicant=applicant, created_by=_person(actor),
                          contact_name=contact_name[:60], contact_phone=contact_phone[:30], ruleset=ruleset,
                          acceptance_limit_days=ruleset.acceptance_limit_days,
                          legal_limit_days=ruleset.legal_limit_days, promised_limit_days=ruleset.promised_limit_days)
        app.full_clean()
        app.save()
        _event(actor, app, AuditAction.CREATE, after=snapshot(app), note=_("draft created"))
    return app


def application_update(*, actor, application: Application, **fields) -> Application:
    """Change the form's fields while the application is a draft or answers the one-time notice."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApprovalError(_("These fields cannot be changed: %(fields)s; editable: %(editable)s") % {
            "fields": ", ".join(sorted(unknown)), "editable": ", ".join(EDITABLE)})
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "edit", app)
        before = snapshot(app)
        if "project_code" in fields:
            fields["project_code"] = validate_project_code(fields["project_code"])
        for key, value in fields.items():
            setattr(app, key, value)
        if not app.title.strip():
            raise ApprovalError(_("The title is required."))
        app.full_clean()
        app.save()
        record_changes(actor=actor, obj=app, before=before)
    return app


def _planned_antenna(values: dict) -> dict:
    out = {}
    if "band" in values:
        from rollout5g.sites.choices import BAND_RANGES_MHZ

        if values["band"] not in BAND_RANGES_MHZ:
            raise ApprovalError(_("%(band)s is not a band; valid: %(valid)s") % {
                "band": values["band"], "valid": ", ".join(BAND_RANGES_MHZ)})
        out["band"] = values["band"]
    if values.get("antenna_height_m") is not None:
        h = float(values["antenna_height_m"])
        if not 1 <= h <= 150:
            raise ApprovalError(_("The antenna height %(h)s m is outside 1–150 m.") % {"h": h})
        out["antenna_height_m"] = h
    if values.get("azimuths") is not None:
        try:
            az = [float(a) for a in str(values["azimuths"]).replace("，", ",").split(",") if a.strip()]
        except ValueError:
            raise ApprovalError(_("The azimuths %(value)s are not a comma-separated list of degrees.") % {
                "value": values["azimuths"]}) from None
        if not az or len(az) > 6 or any(not 0 <= a < 360 for a in az):
            raise ApprovalError(_("Give 1 to 6 azimuths between 0 and 359 degrees."))
        out["azimuths"] = ",".join(f"{a:g}" for a in az)
    if values.get("total_power_w") is not None:
        p = float(values["total_power_w"])
        if not 0 < p <= 1000:
            raise ApprovalError(_("The total power %(p)s W is outside 0–1000 W.") % {"p": p})
        out["total_power_w"] = p
    return out


def application_add_site(*, actor, application: Application, site: Site | None = None, new_site: dict | None = None,
                         **situation) -> ApplicationSite:
    """Add a site: an existing registry site in the ``planned`` state that the applicant owns or shares, or a new
    one created in the registry now (``new_site``: name, lon, lat, site_type, address, height_m). ``situation``:
    the flags of :data:`SITUATION_FLAGS` and the planned antenna (band, antenna_height_m, azimuths,
    total_power_w)."""
    authorize(actor, "add_site", application)  # checked again on the locked row below
    unknown = set(situation) - set(SITUATION_FLAGS) - {"band", "antenna_height_m", "azimuths", "total_power_w"}
    if unknown:
        raise ApprovalError(_("Unknown site fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if (site is None) == (new_site is None):
        raise ApprovalError(_("Choose an existing site or give the fields of a new one."))
    antenna = _planned_antenna(situation)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "add_site", app)
        if new_site is not None:
            missing = [k for k in ("name", "lon", "lat", "site_type") if new_site.get(k) in (None, "")]
            if missing:
                raise ApprovalError(_("New site: %(fields)s required.") % {"fields": "、".join(
                    str(Site._meta.get_field(k).verbose_name) for k in missing)})
            if new_site["site_type"] not in SiteType.values:
                raise ApprovalError(_("New site: the site type %(type)s is unknown; valid: %(valid)s") % {
                    "type": new_site["site_type"], "valid": "、".join(str(label) for label in SiteType.labels)})
            try:
                site = site_create(actor=actor, owner=app.applicant, name=str(new_site["name"]),
                                   lon=float(new_site["lon"]), lat=float(new_site["lat"]),
                                   site_type=new_site["site_type"], address=str(new_site.get("address", "")),
                                   height_m=new_site.get("height_m") or None,
                                   note=_("created for approval application %(code)s") % {"code": app.code})
            except ValidationError as exc:
                raise ApprovalError(_("New site: %(errors)s") % {"errors": "；".join(exc.messages)}) from None
        else:
            if not Site.objects.filter(pk=site.pk).filter(
                    owner=app.applicant).exists() and not site.operators.filter(pk=app.applicant_id).exists():
                raise ApprovalError(_("Site %(site)s is neither owned nor shared by %(org)s.") % {
                    "site": site.code, "org": app.applicant})
            if site.state != SiteState.PLANNED:
                raise ApprovalError(_("Site %(site)s is %(state)s; only planned sites are applied for.") % {
                    "site": site.code, "state": site.get_state_display()})
            if ApplicationSite.objects.filter(site=site).exclude(
                    application__state__in=[ApplicationState.NOT_ACCEPTED, ApplicationState.WITHDRAWN]).exclude(
                    application=app).exists():
                raise ApprovalError(_("Site %(site)s is already in another open application.") % {"site": site.code})
        if app.sites.filter(site=site).exists():
            raise ApprovalError(_("Site %(site)s is already in this application.") % {"site": site.code})
        flags = {k: bool(situation.get(k, k == "transmitting")) for k in SITUATION_FLAGS}
        entry = ApplicationSite(application=app, site=site, order=app.sites.count() + 1, **flags, **antenna)
        entry.full_clean()
        entry.save()
        _event(actor, entry, AuditAction.CREATE, after=snapshot(entry), note=_("site %(site)s added to %(code)s") % {
            "site": site.code, "code": app.code})
    return entry


def application_remove_site(*, actor, entry: ApplicationSite) -> None:
    with transaction.atomic():
        app = _lock(entry.application)
        authorize(actor, "remove_site", app)
        _event(actor, entry, AuditAction.DELETE, before=snapshot(entry), note=_("site %(site)s removed") % {
            "site": entry.site.code})
        entry.delete()


def material_upload(*, actor, application: Application, code: str, file_name: str, content: bytes) -> Material:
    """Add (or replace) one document of the single set of materials; in a draft or in answer to the notice."""
    authorize(actor, "upload", application)  # checked again on the locked row below
    if not code or not re.fullmatch(r"[-a-z0-9_]+", code):
        raise ApprovalError(_("%(code)s is not a material code (lower-case letters, digits, _ and -).") % {"code": code})
    if not content:
        raise ApprovalError(_("%(file)s: the file is empty.") % {"file": file_name or code})
    if len(content) > MAX_MATERIAL_BYTES:
        raise ApprovalError(_("%(file)s: %(size)s bytes is over the limit of %(limit)s bytes.") % {
            "file": file_name, "size": f"{len(content):,}", "limit": f"{MAX_MATERIAL_BYTES:,}"})
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "upload", app)
        replaced = list(app.materials.filter(code=code).defer("content"))
        # the history names the material (站址总平面图: plan.pdf), not its code
        names = {row["code"]: row["name"] for row in required_materials(app)}
        for old in replaced:
            _event(actor, old, AuditAction.DELETE, before={"code": old.code, "file_name": old.file_name,
                                                           "sha256": old.sha256}, note=_("replaced"),
                   label=f"{names.get(code, code)}: {old.file_name}")
            old.delete()
        mat = Material(application=app, code=code, file_name=(file_name or code)[:200], content=content,
                       size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                       uploaded_by=_person(actor))
        mat.save()
        _event(actor, mat, AuditAction.CREATE, after={"code": code, "file_name": mat.file_name, "size": mat.size,
                                                      "sha256": mat.sha256}, note=_("material for %(code)s") % {"code": app.code},
               label=f"{names.get(code, code)}: {mat.file_name}")
    return mat


# ---------------------------------------------------------------------------------------------------- rules
def items_for_application(application: Application) -> list[tuple[ApplicationSite, ItemType, list[str]]]:
    """(site entry, item type, rule codes) for every item the rules require, in site and rule order."""
    rules = list(application.ruleset.rules.select_related("item_type").filter(item_type__active=True))
    out = []
    for entry in application.sites.select_related("site"):
        needed = items_needed(entry.situation(), rules)
        types = {t.code: t for t in ItemType.objects.filter(ruleset=application.ruleset, code__in=list(needed))}
        for code in sorted(needed, key=lambda c: types[c].order):
            out.append((entry, types[code], needed[code]))
    return out


def required_materials(application: Application) -> list[dict]:
    """The one set of materials: each code once, with the items that need it (from the rules)."""
    seen: dict[str, dict] = {}
    for _entry, item_type, _rules in items_for_application(application):
        for mat in item_type.materials:
            row = seen.setdefault(mat["code"], {"code": mat["code"], "name": mat["name"], "items": []})
            if item_type.name not in row["items"]:
                row["items"].append(item_type.name)
    have = set(application.materials.values_list("code", flat=True))
    for row in seen.values():
        row["present"] = row["code"] in have
    return list(seen.values())


def completeness_problems(application: Application) -> list[dict]:
    """What the automatic check finds missing: form fields and materials (each with target, ref, message)."""
    problems = []
    if not application.project_code:
        problems.append({"target": DeficiencyTarget.FIELD, "ref": "project_code",
                         "message": _("The project code (项目代码) is missing: register the project on the "
                                    "investment-project platform.")})
    if not application.contact_phone:
        problems.append({"target": DeficiencyTarget.FIELD, "ref": "contact_phone", "message": _("The contact phone is missing.")})
    for row in required_materials(application):
        if not row["present"]:
            problems.append({"target": DeficiencyTarget.MATERIAL, "ref": row["code"],
                             "message": _("%(name)s missing (needed by %(items)s)") % {
                                 "name": row["name"], "items": "、".join(row["items"])}})
    return problems


# ---------------------------------------------------------------------------------------------------- submission
def application_submit(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """Submit the one form: the items are derived from the rules, the sites move to ``applied`` in the registry and
    the completeness-check window starts (day of receipt not counted)."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "submit", app)  # a draft with at least one site
        planned = items_for_application(app)
        if not planned:
            raise ApprovalError(_("No approval item applies to these sites under the rules."))
        # the history names a rule by its explanation (新建落地铁塔需办理施工许可), never by its code
        explained = dict(ItemRule.objects.filter(ruleset_id=app.ruleset_id).values_list("code", "description"))
        # each item goes to the department of the site's own city (the rule set's department or its counterpart)
        resolver = DepartmentResolver()
        for entry, item_type, rule_codes in planned:
            item = ApprovalItem.objects.create(
                application=app, app_site=entry, item_type=item_type,
                department=resolver.department(item_type, entry.site.region_id),
                rule_codes=rule_codes, legal_limit_days=item_type.legal_limit_days,
                promised_limit_days=item_type.promised_limit_days)
            _event(actor, item, AuditAction.CREATE, after=snapshot(item), note=_("required by the rules: %(rules)s") % {
                "rules": "；".join(explained.get(code) or code for code in rule_codes)})
        _move_sites(app, from_state=SiteState.PLANNED, to_state=SiteState.APPLIED, on=on,
                    note=_("approval application %(code)s submitted") % {"code": app.code})
        transition(app, "submit", actor=actor, note=_("submitted"), received_on=on)
    notify(message=gettext_noop("Approval application %(code)s received: completeness check"),
           params={"code": app.code},
           body_message=gettext_noop("%(applicant)s: %(title)s. Check the materials within %(days)s working days."),
           body_params={"applicant": app.applicant.name, "title": app.title, "days": app.acceptance_limit_days},
           url=_url(app), key=f"permits:received:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(message=gettext_noop("Approval application %(code)s received: completeness check"),
           params={"code": app.code}, url=_url(app),
           key=f"permits:received:{app.pk}", roles=[Role.PROGRAM_OFFICE],
           organizations=_offices(app))
    return app



def _acceptance_lapsed(app: Application, on: dt.date) -> bool:
    from ..selectors import acceptance_due

    due = acceptance_due(app)
    return due is not None and on > due.date



def _start_review(actor, app: Application, accepted_on: dt.date, deemed: bool, note: str) -> Application:
    for item in app.items.filter(state=ItemState.WAITING):
        transition(item, "start_review", actor=actor, note=_("parallel review starts"))
    transition(app, "accept", actor=actor, note=note, accepted_on=accepted_on, deemed_accepted=deemed)
    notify(message=gettext_noop("%(code)s accepted: review your items"), params={"code": app.code}, url=_url(app), key=f"permits:accepted:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(message=gettext_noop("%(code)s accepted"), params={"code": app.code}, url=_url(app), key=f"permits:accepted:{app.pk}",
           organizations=[app.applicant], roles=[Role.OPERATOR])
    return app


def application_accept(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """Accept (受理): every item goes to its department at once. After the completeness window the application
    already counts as accepted on the day it was received (or resubmitted)."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "accept", app)
        if _acceptance_lapsed(app, on):
            start = app.resubmitted_on or app.received_on
            return _start_review(actor, app, start, True, "accepted by lapse of the completeness-check window")
        open_flags = app.deficiencies.filter(resolved=False, in_notice=False).count()
        if open_flags and app.notice_issued_on is None:
            raise ApprovalError(_("%(n)s open flag(s): issue the one-time notice, or withdraw the flags.") % {"n": open_flags})
        missing = [p for p in completeness_problems(app) if p["target"] == DeficiencyTarget.MATERIAL]
        if missing:
            raise ApprovalError(_("Materials missing: %(list)s") % {"list": "；".join(str(p["message"]) for p in missing)})
        return _start_review(actor, app, on, False, "accepted")


def application_refuse(*, actor, application: Application, reason: str, on: dt.date | None = None) -> Application:
    """Not accepted (不予受理), with the reason: e.g. the resubmission still does not meet the requirements."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "refuse", app)
        if not reason.strip():
            raise ApprovalError(_("Give the reason."))
        if _acceptance_lapsed(app, on):
            raise ApprovalError(_("The completeness-check window has passed: the application counts as accepted."))
        _move_sites(app, from_state=SiteState.APPLIED, to_state=SiteState.PLANNED, on=on,
                    note=_("approval application %(code)s not accepted") % {"code": app.code})
        transition(app, "refuse", actor=actor, note=reason.strip(), decided_on=on, decision_summary=reason.strip())
    notify(message=gettext_noop("%(code)s not accepted"), params={"code": app.code}, body=reason, url=_url(app), level="warning",
           key=f"permits:refused:{app.pk}", organizations=[app.applicant], roles=[Role.OPERATOR])
    return app


def deem_accepted_lapsed(today: dt.date | None = None) -> list[Application]:
    """Accept every received application whose completeness window has passed (periodic; idempotent)."""
    today = _today(today)
    done = []
    for app in Application.objects.filter(state=ApplicationState.RECEIVED):
        if _acceptance_lapsed(app, today):
            with transaction.atomic():
                locked = _lock(app)
                if locked.state == ApplicationState.RECEIVED:
                    start = locked.resubmitted_on or locked.received_on
                    done.append(_start_review(CLOCK, locked, start, True,
                                              "accepted by lapse of the completeness-check window"))
    return done


