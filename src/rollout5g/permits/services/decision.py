"""Review comments, item decisions, the bundled decision and the certificate."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.notifications.services import notify
from rollout5g.platform.formats import long_date
from rollout5g.platform.workflow import authorize, transition
from rollout5g.sites.choices import SiteState

from ..choices import (
    Decision,
    ItemState,
)
from ..models import (
    Application,
    ApprovalItem,
    Certificate,
    Comment,
)
from .common import (
    ApprovalError,
    _event,
    _lock,
    _move_sites,
    _person,
    _today,
    _url,
)


# ---------------------------------------------------------------------------------------------------- review
def comment_add(*, actor, application: Application, text: str, item: ApprovalItem | None = None) -> Comment:
    """A reviewer's comment (the applicant sees every one)."""
    authorize(actor, "comment", application)  # the applicant, a department with an item in it, the office
    if item is not None:
        authorize(actor, "comment", item)  # a department comments on its own items
    if not text.strip():
        raise ApprovalError(_("The comment is empty."))
    with transaction.atomic():
        c = Comment.objects.create(application=application, item=item, author=_person(actor),
                                   organization=actor.organization, text=text.strip())
        _event(actor, c, AuditAction.CREATE, after={"item": item.pk if item else None, "text": c.text})
    if actor.organization_id != application.applicant_id:
        notify(message=gettext_noop("New review comment on %(code)s"), params={"code": application.code}, body=text, url=_url(application),
               key=f"permits:comment:{c.pk}", organizations=[application.applicant], roles=[Role.OPERATOR])
    return c


def item_decide(*, actor, item: ApprovalItem, approve: bool, reasons: str, on: dt.date | None = None) -> ApprovalItem:
    """A department decides its item with reasons. When the last item is decided the bundled decision follows."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(item.application)
        item = ApprovalItem.objects.select_for_update().get(pk=item.pk)
        # its department (or the office), in review, and after the joint survey record is signed where it applies
        authorize(actor, "decide", item)
        if not reasons.strip():
            raise ApprovalError(_("A decision states its reasons."))
        if app.accepted_on and on < app.accepted_on:
            raise ApprovalError(_("The decision date %(on)s is before the acceptance (%(accepted)s).") % {
                "on": long_date(on), "accepted": long_date(app.accepted_on)})
        transition(item, "decide", actor=actor, note=reasons.strip(),
                   state=ItemState.APPROVED if approve else ItemState.REJECTED, decided_on=on,
                   reasons=reasons.strip(), decided_by=_person(actor),
                   permit_number=f"{app.code}-{item.pk:04d}" if approve else "")
        Comment.objects.create(application=app, item=item, author=item.decided_by, organization=item.department,
                               text=f"{item.get_state_display()}: {item.reasons}")
        if not app.items.filter(state__in=[ItemState.IN_REVIEW, ItemState.WAITING]).exists():
            _bundle_decision(actor, app, on)
    return item


def _bundle_decision(actor, app: Application, on: dt.date) -> Application:
    """All items decided: one decision for the whole application; approved sites move to ``approved``."""
    rejected = list(app.items.filter(state=ItemState.REJECTED).select_related("item_type", "app_site__site"))
    decision = Decision.REJECTED if rejected else Decision.APPROVED
    if rejected:
        summary = _("Not approved: %(reasons)s") % {"reasons": "；".join(
            f"{i.app_site.site.code} {i.item_type.name}：{i.reasons}" for i in rejected)}
    else:
        summary = _("Approved: %(items)s permission(s) for %(sites)s site(s)") % {
            "items": app.items.count(), "sites": app.sites.count()}
    transition(app, "conclude", actor=actor, note=summary, decided_on=on, decision=decision, decision_summary=summary)
    for pause in app.pauses.filter(end__isnull=True):
        pause.end = on
        pause.save(update_fields=["end"])
    _move_sites(app, from_state=SiteState.APPLIED,
                to_state=SiteState.APPROVED if decision == Decision.APPROVED else SiteState.PLANNED, on=on,
                note=_("approval application %(code)s: %(decision)s") % {
                    "code": app.code, "decision": Decision(decision).label})
    if decision == Decision.APPROVED:
        certificate_issue(actor=actor, application=app, on=on)
    notify(message=gettext_noop("Decision on %(code)s: %(decision)s"),
           params={"code": app.code, "decision": Decision(decision).label}, body=summary, url=_url(app),
           key=f"permits:decided:{app.pk}", organizations=[app.applicant], roles=[Role.OPERATOR])
    return app


def certificate_issue(*, actor, application: Application, on: dt.date) -> Certificate:
    """Issue the one certificate listing every permission, with its QR code (PDF kept as issued)."""
    from ..certificates import render_certificate_pdf

    if application.decision != Decision.APPROVED:
        raise ApprovalError(_("Only an approved application gets a certificate."))
    token = secrets.token_urlsafe(24)
    number = f"JX5G-{on:%Y%m%d}-{application.code[-5:]}"
    cert = Certificate(application=application, number=number, token=token, issued_on=on)
    pdf = render_certificate_pdf(cert)
    cert.pdf, cert.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    cert.save()
    _event(actor, cert, AuditAction.CREATE, after={"number": number, "issued_on": on, "pdf_sha256": cert.pdf_sha256},
           note=_("bundled certificate issued"))
    return cert


def certificate_revoke(*, actor, certificate: Certificate, reason: str, on: dt.date | None = None) -> Certificate:
    """Revoke a certificate (the public verification page then says so)."""
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        authorize(actor, "revoke", cert)  # the office, once
        if not reason.strip():
            raise ApprovalError(_("Give the reason."))
        before = {"revoked_on": None}
        cert.revoked_on, cert.revoked_reason = _today(on), reason.strip()[:300]
        cert.save(update_fields=["revoked_on", "revoked_reason"])
        _event(actor, cert, AuditAction.TRANSITION, before=before,
               after={"revoked_on": cert.revoked_on, "reason": cert.revoked_reason}, note=_("certificate revoked"))
    return cert


