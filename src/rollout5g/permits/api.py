"""JSON API of the one-stop approval service, mounted at /api/approvals. Reads go through ``restrict()``; writes
call the same services as the pages (logged-in session, CSRF token)."""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions
from rollout5g.sites.models import Site

from . import selectors, services
from .exports import application_export
from .models import Application, ApprovalItem, Certificate, ItemRule, ItemType, RuleSet

router = Router(tags=["Approvals"])


def _app(request, code) -> Application:
    return get_object_or_404(Application.objects.restrict(request.user), code=code)


def _clock(c) -> dict:
    return {"label": c.label, "limit_days": c.limit_days, "extension_days": c.extension_days,
            "due": c.status.due.date, "provisional": c.status.provisional, "state": c.state,
            "days_left": c.status.days_left}


def _out(app: Application, user) -> dict:
    items = ApprovalItem.objects.restrict(user).filter(application=app).select_related(
        "item_type", "department", "app_site__site")
    data = application_export(app)
    data["items"] = [
        {"id": i.pk, "site_code": i.app_site.site.code, "item": i.item_type.code, "name": i.item_type.name,
         "department": i.department.code, "state": i.state, "decided": i.decided_on, "reasons": i.reasons,
         "permit_number": i.permit_number or None, "clocks": [_clock(c) for c in selectors.item_clocks(i)]}
        for i in items
    ]
    data["clocks"] = [_clock(c) for c in selectors.application_clocks(app)]
    data["completeness_problems"] = [{"target": p["target"], "ref": p["ref"], "message": p["message"]}
                                     for p in services.completeness_problems(app)]
    data["deficiencies"] = [{"id": d.pk, "target": d.target, "ref": d.ref, "message": d.message,
                             "department": d.department.code if d.department_id else None,
                             "automatic": d.automatic, "in_notice": d.in_notice, "resolved": d.resolved}
                            for d in app.deficiencies.select_related("department")]
    data["comments"] = [{"organization": c.organization.code if c.organization_id else None,
                         "item": c.item_id, "text": c.text, "at": c.created_at}
                        for c in app.comments.select_related("organization")]
    data["required_materials"] = services.required_materials(app)
    data["actions"] = [name for name, ok in available_actions(user, app).items() if ok]
    if hasattr(app, "certificate"):
        data["certificate"]["verify_path"] = f"/approvals/verify/{app.certificate.token}/"
    return data


class ApplicationIn(Schema):
    title: str
    project_code: str = ""
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class NewSiteIn(Schema):
    name: str
    lon: float
    lat: float
    site_type: str
    address: str = ""
    height_m: float | None = None


class SiteIn(Schema):
    site_code: str | None = None
    new_site: NewSiteIn | None = None
    new_structure: bool = False
    on_existing_building: bool = False
    in_road: bool = False
    new_power_connection: bool = False
    transmitting: bool = True
    band: str = "n78"
    antenna_height_m: float = 30.0
    azimuths: str = "0,120,240"
    total_power_w: float = 200.0


class OnIn(Schema):
    on: dt.date | None = None


class FlagIn(Schema):
    target: str
    ref: str
    message: str
    site_code: str | None = None


class ReasonIn(Schema):
    reason: str
    on: dt.date | None = None


class SurveyIn(Schema):
    on: dt.date
    meeting_point: str = ""


class ConsultIn(Schema):
    on: dt.date
    notes: str


class HoldIn(Schema):
    on: dt.date
    record: str


class SignIn(Schema):
    opinion: str = ""
    on: dt.date | None = None


class DecideIn(Schema):
    approve: bool
    reasons: str
    on: dt.date | None = None


class CommentIn(Schema):
    text: str
    item: int | None = None


class PauseIn(Schema):
    kind: str
    start: dt.date
    reason: str
    item: int | None = None


class PauseEndIn(Schema):
    end: dt.date


class ExtensionIn(Schema):
    days: int
    reason: str
    item: int | None = None


# ---- responses

class ApprovalPartyOut(Schema):
    code: str
    name: str


class ApprovalMaterialOut(Schema):
    code: str
    file_name: str
    size: int
    sha256: str


class ApprovalExportOut(Schema):
    """The exchange format rollout5g.approval-application/1 (sites, items, materials, notice, survey, certificate)."""

    format: str
    project_code: str | None
    application_code: str
    title: str
    applicant: ApprovalPartyOut
    state: str
    dates: dict[str, Any]
    limits_working_days: dict[str, Any]
    decision: str | None
    sites: list[dict[str, Any]]
    items: list[dict[str, Any]]
    materials: list[ApprovalMaterialOut]
    notice: list[dict[str, Any]]
    joint_survey: dict[str, Any] | None
    certificate: dict[str, Any] | None


class ApprovalClockOut(Schema):
    label: str
    limit_days: int | None
    extension_days: int | None
    due: dt.date | None
    provisional: bool
    state: str
    days_left: int | None


class ApprovalApplicationOut(ApprovalExportOut):
    """One application as its reader may see it: the export plus clocks, flags, comments and materials needed."""

    clocks: list[ApprovalClockOut]
    completeness_problems: list[dict[str, Any]]
    deficiencies: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    required_materials: list[dict[str, Any]]
    actions: list[str] = []  # the declared steps the reader may take now (platform.workflow)


class ApprovalRowOut(Schema):
    code: str
    title: str
    applicant: str
    state: str
    project_code: str
    received_on: dt.date | None
    decided_on: dt.date | None


class ApprovalQueueItemOut(Schema):
    id: int
    application: str
    site_code: str
    item: str
    department: str
    clocks: list[ApprovalClockOut]


class ApprovalRulesOut(Schema):
    ruleset: dict[str, Any] | None
    item_types: list[dict[str, Any]]
    rules: list[dict[str, Any]]


class ApprovalStatusOut(Schema):
    code: str
    state: str
    state_label: str
    received_on: dt.date | None
    accepted_on: dt.date | None
    decided_on: dt.date | None
    decision: str
    items_total: int
    items_decided: int


class CertificateVerifyOut(Schema):
    number: str
    application: str
    holder: str
    issued_on: dt.date | None
    revoked: bool
    revoked_on: dt.date | None
    revoked_reason: str
    pdf_sha256: str
    permissions: list[dict[str, Any]]


class ApprovalSummaryOut(Schema):
    in_progress: int
    late: int
    decided: int
    median_working_days: float | None


class ApprovalMaterialsOut(Schema):
    ok: bool
    required_materials: list[dict[str, Any]]


class CertificateRevokedOut(Schema):
    number: str
    revoked: bool


# ---- public and fixed paths first ('/{code}' would shadow them)
@router.get("/rules", response=ApprovalRulesOut, summary="The approval rules in force (public)", openapi_extra=PUBLIC_API)
def rules(request):
    ruleset = RuleSet.objects.order_by("-updated_at").first()
    if ruleset is None:
        return {"ruleset": None, "item_types": [], "rules": []}
    return {
        "ruleset": {"code": ruleset.code, "name": ruleset.name, "version": ruleset.version,
                    "acceptance_limit_days": ruleset.acceptance_limit_days,
                    "legal_limit_days": ruleset.legal_limit_days, "promised_limit_days": ruleset.promised_limit_days},
        "item_types": [{"code": t.code, "name": t.name, "department": t.department.code,
                        "legal_limit_days": t.legal_limit_days, "promised_limit_days": t.promised_limit_days,
                        "joint_survey": t.joint_survey, "community_consultation": t.community_consultation,
                        "materials": t.materials}
                       for t in ItemType.objects.filter(ruleset=ruleset, active=True).select_related("department")],
        "rules": [{"code": r.code, "item": r.item_type.code, "description": r.description, "when": r.when,
                   "unless": r.unless} for r in ItemRule.objects.filter(ruleset=ruleset).select_related("item_type")],
    }


@router.get("/status/{code}", response=ApprovalStatusOut, summary="Public status of an application by its code (no login; status only)", openapi_extra=PUBLIC_API)
def public_status(request, code: str):
    status = selectors.public_status(code)
    if status is None:
        raise HttpError(404, f"no application {code}")
    return status


@router.get("/verify/{token}", response=CertificateVerifyOut, summary="Verify a certificate (public): valid or revoked, and what it permits", openapi_extra=PUBLIC_API)
def verify(request, token: str):
    cert = get_object_or_404(Certificate.objects.select_related("application__applicant"), token=token)
    return {"number": cert.number, "application": cert.application.code, "holder": cert.application.applicant.name,
            "issued_on": cert.issued_on, "revoked": cert.revoked_on is not None, "revoked_on": cert.revoked_on,
            "revoked_reason": cert.revoked_reason, "pdf_sha256": cert.pdf_sha256,
            "permissions": [{"permit_number": i.permit_number, "site_code": i.app_site.site.code,
                             "item": i.item_type.code, "department": i.department.code}
                            for i in cert.application.items.select_related("item_type", "department",
                                                                           "app_site__site")]}


@router.get("/queue", auth=session_or_token, response=list[ApprovalQueueItemOut], summary="Items waiting for the caller's department, with their clocks")
def queue(request):
    return [{"id": i.pk, "application": i.application.code, "site_code": i.app_site.site.code,
             "item": i.item_type.code, "department": i.department.code,
             "clocks": [_clock(c) for c in selectors.item_clocks(i)]} for i in selectors.department_queue(request.user)]


@router.get("/summary", auth=session_or_token, response=ApprovalSummaryOut, summary="In progress / late / decided / median working days")
def summary(request, region: str = ""):
    from rollout5g.regions.models import Region

    if not request.user.is_program_office:
        raise HttpError(403, "the programme office's view")
    return selectors.approval_summary(region=get_object_or_404(Region, pk=region) if region else None)


@router.get("/", auth=session_or_token, response=list[ApprovalRowOut], summary="Applications the caller may see")
def list_applications(request, state: str = ""):
    qs = Application.objects.restrict(request.user).select_related("applicant").distinct()
    if state:
        qs = qs.filter(state=state)
    return [{"code": a.code, "title": a.title, "applicant": a.applicant.code, "state": a.state,
             "project_code": a.project_code, "received_on": a.received_on, "decided_on": a.decided_on}
            for a in qs.order_by("-created_at")[:500]]


@router.post("/", auth=session_or_token, response=ApprovalApplicationOut, summary="Create a draft application (operator or tower company)")
@idempotent
def create(request, payload: ApplicationIn):
    app = services.application_create(actor=request.user, **payload.dict())
    return _out(app, request.user)


@router.get("/{code}", auth=session_or_token, response=ApprovalApplicationOut, summary="One application with its items, clocks, flags and comments",
            openapi_extra=api_record("permits.Application", "code", "code"))
def get_application(request, code: str):
    return _out(_app(request, code), request.user)


@router.get("/{code}/export", auth=session_or_token, response=ApprovalExportOut,
            summary="The application in the exchange format rollout5g.approval-application/1")
def export(request, code: str):
    return application_export(_app(request, code))


@router.post("/{code}/sites", auth=session_or_token, response=ApprovalApplicationOut, summary="Add an existing planned site or a new one")
@idempotent
def add_site(request, code: str, payload: SiteIn):
    app = _app(request, code)
    data = payload.dict()
    site_code, new = data.pop("site_code"), data.pop("new_site")
    site = None
    if site_code:
        site = Site.objects.restrict(request.user).filter(code=site_code).first()
        if site is None:
            raise HttpError(422, f"site {site_code}: not found among the sites you may see")
    services.application_add_site(actor=request.user, application=app, site=site, new_site=new, **data)
    return _out(app, request.user)


@router.post("/{code}/materials", auth=session_or_token, response=ApprovalMaterialsOut, summary="Upload one material (multipart: code, file)")
@idempotent
def upload(request, code: str, material: Form[str], file: File[UploadedFile]):
    app = _app(request, code)
    services.material_upload(actor=request.user, application=app, code=material, file_name=file.name,
          content=file.read())
    return {"ok": True, "required_materials": services.required_materials(app)}


def _simple(name, func, schema=None, summary=""):
    """Register POST /{code}/<name> calling ``func(app, payload, user)``."""
    operation_id = f"rollout5g_permits_api_post_{name.replace('/', '_')}"
    if schema is None:
        @router.post(f"/{{code}}/{name}", auth=session_or_token, response=ApprovalApplicationOut, summary=summary,
                     operation_id=operation_id)
        @idempotent
        def endpoint(request, code: str):
            app = _app(request, code)
            func(app=app, payload=None, user=request.user)
            app.refresh_from_db()
            return _out(app, request.user)
    else:
        @router.post(f"/{{code}}/{name}", auth=session_or_token, response=ApprovalApplicationOut, summary=summary,
                     operation_id=operation_id)
        @idempotent
        def endpoint(request, code: str, payload: schema):  # type: ignore[valid-type]
            app = _app(request, code)
            func(app=app, payload=payload, user=request.user)
            app.refresh_from_db()
            return _out(app, request.user)
    endpoint.__name__ = f"post_{name.replace('/', '_')}"
    return endpoint


def _site_entry(app, site_code):
    if not site_code:
        return None
    entry = app.sites.filter(site__code=site_code).first()
    if entry is None:
        raise ValidationError({"site_code": _("%(site)s is not in %(code)s.") % {"site": site_code, "code": app.code}})
    return entry


def _item(app, user, pk, action="view"):
    if pk is None:
        return None
    # an item the reader cannot see is not found; what it may do with one it sees, the service's declaration says
    return get_object_or_404(ApprovalItem.objects.restrict(user, action), application=app, pk=pk)


_simple("submit", lambda app, payload, user: services.application_submit(
    actor=user, application=app, on=payload.on), OnIn, "Submit: items from the rules, completeness window starts")
_simple("flags", lambda app, payload, user: services.deficiency_flag(
    actor=user, application=app, target=payload.target, ref=payload.ref, message=payload.message,
    app_site=_site_entry(app, payload.site_code)), FlagIn, "Flag a field or document (completeness check)")
_simple("notice", lambda app, payload, user: services.notice_issue(actor=user, application=app, on=payload.on),
        OnIn, "Issue the one-time notice (everything missing, every department)")
_simple("resubmit", lambda app, payload, user: services.application_resubmit(
    actor=user, application=app, on=payload.on), OnIn, "Resubmit once with everything fixed")
_simple("accept", lambda app, payload, user: services.application_accept(actor=user, application=app, on=payload.on),
        OnIn, "Accept: every item goes to its department at once")
_simple("refuse", lambda app, payload, user: services.application_refuse(
    actor=user, application=app, reason=payload.reason, on=payload.on), ReasonIn, "Do not accept, with the reason")
_simple("survey", lambda app, payload, user: services.survey_schedule(
    actor=user, application=app, on=payload.on, meeting_point=payload.meeting_point), SurveyIn,
    "Schedule the one joint survey")
_simple("survey/consultation", lambda app, payload, user: services.survey_consultation(
    actor=user, application=app, consulted_on=payload.on, notes=payload.notes), ConsultIn,
    "Record the community consultation before the survey")
_simple("survey/hold", lambda app, payload, user: services.survey_hold(
    actor=user, application=app, held_on=payload.on, record=payload.record), HoldIn, "Write the survey record")
_simple("survey/sign", lambda app, payload, user: services.survey_sign(
    actor=user, application=app, opinion=payload.opinion, on=payload.on), SignIn,
    "Sign the survey record for the caller's department")
_simple("comments", lambda app, payload, user: services.comment_add(
    actor=user, application=app, text=payload.text, item=_item(app, user, payload.item)), CommentIn, "Comment")
_simple("pauses", lambda app, payload, user: services.pause_start(
    actor=user, application=app, kind=payload.kind, start=payload.start, reason=payload.reason,
    item=_item(app, user, payload.item)), PauseIn, "Pause a clock (survey, testing, expert review, applicant)")
_simple("extensions", lambda app, payload, user: services.extension_grant(
    actor=user, application=app, days=payload.days, reason=payload.reason, item=_item(app, user, payload.item)),
    ExtensionIn, "Record an extension (the office approves)")


@router.post("/{code}/pauses/{pause_id}/end", auth=session_or_token, response=ApprovalApplicationOut, summary="End a pause")
@idempotent
def end_pause(request, code: str, pause_id: int, payload: PauseEndIn):
    app = _app(request, code)
    pause = get_object_or_404(app.pauses, pk=pause_id)
    services.pause_end(actor=request.user, pause=pause, end=payload.end)
    return _out(app, request.user)


@router.post("/{code}/items/{item_id}/decide", auth=session_or_token, response=ApprovalApplicationOut, summary="Decide one item with reasons")
@idempotent
def decide(request, code: str, item_id: int, payload: DecideIn):
    app = _app(request, code)
    item = ApprovalItem.objects.restrict(request.user, "change").filter(application=app, pk=item_id).first()
    if item is None:
        raise HttpError(403, f"item {item_id}: not your department's")
    services.item_decide(actor=request.user, item=item, approve=payload.approve, reasons=payload.reasons,
          on=payload.on)
    app.refresh_from_db()
    return _out(app, request.user)


@router.post("/{code}/certificate/revoke", auth=session_or_token, response=CertificateRevokedOut, summary="Revoke the certificate (the office)")
@idempotent
def revoke(request, code: str, payload: ReasonIn):
    app = _app(request, code)
    cert = get_object_or_404(Certificate, application=app)
    services.certificate_revoke(actor=request.user, certificate=cert, reason=payload.reason, on=payload.on)
    return {"number": cert.number, "revoked": True}
