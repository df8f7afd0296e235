"""Business actions of the one-stop approval service. Each is keyword-only with the actor first, runs in one
transaction and records its audit event there; views, the API, the CLI and the demo call them.

The flow (docs/approvals.md): draft → received → (one-time notice → resubmitted → received) → accepted, items in
parallel review → joint survey (scheduled, community consulted, held, signed by every department) → each
department decides its items → one bundled decision and certificate; the sites move to ``approved``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.codes import next_code
from rollout5g.sites.choices import SiteState, SiteType
from rollout5g.sites.models import Site
from rollout5g.sites.services import site_create, site_transition
from rollout5g.workcalendar.services import working_calendar

from .choices import (
    FLAGGABLE_FIELDS,
    REVIEW_STATES,
    SITUATION_FLAGS,
    ApplicationState,
    Decision,
    DeficiencyTarget,
    ItemState,
    PauseKind,
    SurveyState,
)
from .models import (
    Application,
    ApplicationSite,
    ApprovalItem,
    Certificate,
    ClockExtension,
    ClockPause,
    Comment,
    Deficiency,
    ItemType,
    JointSurvey,
    Material,
    SurveySignature,
)
from .rules import active_ruleset, items_needed

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
APPLICANT_KINDS = ("operator", "tower_company")

#: 项目代码 of the investment-project online approval platform (投资项目在线审批监管平台):
#: year-adcode-industry-type-serial, e.g. 2026-330402-63-03-012345 (type 01 approval 审批, 02 核准, 03 备案).
PROJECT_CODE = re.compile(r"^(?P<year>\d{4})-(?P<adcode>\d{6})-(?P<industry>\d{2})-(?P<type>0[123])-(?P<serial>\d{6})$")


class ApprovalError(ValidationError):
    """An action refused for a business reason; the message says which rule and what to do."""


# ---------------------------------------------------------------------------------------------------- helpers
def _today(on) -> dt.date:
    return on or dt.date.today()


def _event(actor, obj, action, before=None, after=None, note=""):
    return record_event(actor=actor, action=action, obj=obj, before=before, after=after, note=note)


def _state_change(actor, app: Application, to_state: str, note: str = "", **fields) -> Application:
    before = snapshot(app)
    app.state = to_state
    for key, value in fields.items():
        setattr(app, key, value)
    app.save()
    record_changes(actor=actor, obj=app, before=before, action=AuditAction.TRANSITION, note=note)
    return app


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _require_state(app: Application, *states, doing: str):
    if app.state not in states:
        labels = ", ".join(str(ApplicationState(s).label) for s in states)
        raise ApprovalError(f"cannot {doing}: application {app.code} is {app.get_state_display()}; "
                            f"this needs: {labels}")


def _require_applicant(actor, app: Application):
    if actor is None or actor.is_superuser:
        return
    if actor.organization_id != app.applicant_id:
        raise PermissionDenied(f"only the applicant ({app.applicant}) may do this")


def _require_office(actor, doing: str):
    if actor is not None and not actor.is_program_office:
        raise PermissionDenied(f"only the programme office's one-stop window may {doing}")


def _departments(app: Application) -> list[Organization]:
    ids = app.items.values_list("department_id", flat=True).distinct()
    return list(Organization.objects.filter(pk__in=list(ids)).order_by("code"))


def _require_department(actor, app: Application) -> Organization | None:
    """A reviewer of a department with an item in the application (or the office); returns the department."""
    if actor is None or actor.is_superuser or actor.is_program_office:
        return actor.organization if actor is not None else None
    if actor.role != Role.DEPARTMENT or not app.items.filter(department_id=actor.organization_id).exists():
        raise PermissionDenied("only a department with an item in this application may do this")
    return actor.organization


def _url(app: Application) -> str:
    return reverse("permits:detail", args=[app.code])


def validate_project_code(code: str) -> str:
    """Check the 项目代码 format (empty allowed in a draft); returns it normalised (upper case, trimmed)."""
    code = (code or "").strip().upper()
    if not code:
        return code
    m = PROJECT_CODE.match(code)
    if m is None:
        raise ApprovalError(f"project_code: {code!r} is not a project code of the investment-project platform "
                            "(YYYY-AAAAAA-II-TT-NNNNNN, e.g. 2026-330402-63-03-012345)")
    year = int(m["year"])
    if not 2014 <= year <= dt.date.today().year + 1:
        raise ApprovalError(f"project_code: year {year} is outside 2014-{dt.date.today().year + 1}")
    if not 11 <= int(m["adcode"][:2]) <= 82:
        raise ApprovalError(f"project_code: {m['adcode']} is not an administrative division code")
    return code


def _next_code(year: int) -> str:
    return next_code(model=Application, prefix=f"YJS{year}", width=5)


# ---------------------------------------------------------------------------------------------------- drafting
EDITABLE = ("title", "project_code", "description", "contact_name", "contact_phone")


def application_create(*, actor, title: str, applicant: Organization | None = None, project_code: str = "",
                       description: str = "", contact_name: str = "", contact_phone: str = "") -> Application:
    """Start a draft application of an operator or the tower company (the actor's organization)."""
    applicant = applicant or (actor.organization if actor is not None else None)
    if applicant is None or applicant.kind not in APPLICANT_KINDS:
        raise ApprovalError(f"applicant: {applicant} is not an operator or tower company")
    if actor is not None and not actor.is_superuser and not actor.is_program_office:
        if actor.role != Role.OPERATOR or actor.organization_id != applicant.pk:
            raise PermissionDenied("an operator or tower company applies for itself only")
    if not title.strip():
        raise ApprovalError("title: required")
    ruleset = active_ruleset()
    with transaction.atomic():
        app = Application(code=_next_code(dt.date.today().year), title=title.strip()[:200],
                          project_code=validate_project_code(project_code), description=description,
                          applicant=applicant, created_by=actor if actor is not None and actor.pk else None,
                          contact_name=contact_name[:60], contact_phone=contact_phone[:30], ruleset=ruleset,
                          acceptance_limit_days=ruleset.acceptance_limit_days,
                          legal_limit_days=ruleset.legal_limit_days, promised_limit_days=ruleset.promised_limit_days)
        app.full_clean()
        app.save()
        _event(actor, app, AuditAction.CREATE, after=snapshot(app), note="draft created")
    return app


def application_update(*, actor, application: Application, **fields) -> Application:
    """Change the form's fields while the application is a draft or answers the one-time notice."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApprovalError(f"cannot change {sorted(unknown)}; editable: {', '.join(EDITABLE)}")
    _require_applicant(actor, application)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.DRAFT, ApplicationState.NOTICE_ISSUED, doing="edit the form")
        before = snapshot(app)
        if "project_code" in fields:
            fields["project_code"] = validate_project_code(fields["project_code"])
        for key, value in fields.items():
            setattr(app, key, value)
        if not app.title.strip():
            raise ApprovalError("title: required")
        app.full_clean()
        app.save()
        record_changes(actor=actor, obj=app, before=before)
    return app


def _planned_antenna(values: dict) -> dict:
    out = {}
    if "band" in values:
        from rollout5g.sites.choices import BAND_RANGES_MHZ

        if values["band"] not in BAND_RANGES_MHZ:
            raise ApprovalError(f"band: {values['band']!r} is not a band; valid: {', '.join(BAND_RANGES_MHZ)}")
        out["band"] = values["band"]
    if values.get("antenna_height_m") is not None:
        h = float(values["antenna_height_m"])
        if not 1 <= h <= 150:
            raise ApprovalError(f"antenna_height_m: {h} m is outside 1-150 m")
        out["antenna_height_m"] = h
    if values.get("azimuths") is not None:
        try:
            az = [float(a) for a in str(values["azimuths"]).replace("，", ",").split(",") if a.strip()]
        except ValueError:
            raise ApprovalError(f"azimuths: {values['azimuths']!r} is not a comma-separated list of degrees") from None
        if not az or len(az) > 6 or any(not 0 <= a < 360 for a in az):
            raise ApprovalError("azimuths: give 1 to 6 directions between 0 and 359 degrees")
        out["azimuths"] = ",".join(f"{a:g}" for a in az)
    if values.get("total_power_w") is not None:
        p = float(values["total_power_w"])
        if not 0 < p <= 1000:
            raise ApprovalError(f"total_power_w: {p} W is outside 0-1000 W")
        out["total_power_w"] = p
    return out


def application_add_site(*, actor, application: Application, site: Site | None = None, new_site: dict | None = None,
                         **situation) -> ApplicationSite:
    """Add a site: an existing registry site in the ``planned`` state that the applicant owns or shares, or a new
    one created in the registry now (``new_site``: name, lon, lat, site_type, address, height_m). ``situation``:
    the flags of :data:`SITUATION_FLAGS` and the planned antenna (band, antenna_height_m, azimuths,
    total_power_w)."""
    _require_applicant(actor, application)
    unknown = set(situation) - set(SITUATION_FLAGS) - {"band", "antenna_height_m", "azimuths", "total_power_w"}
    if unknown:
        raise ApprovalError(f"unknown site fields {sorted(unknown)}")
    if (site is None) == (new_site is None):
        raise ApprovalError("site: give either an existing site or the fields of a new one")
    antenna = _planned_antenna(situation)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.DRAFT, doing="add a site")
        if new_site is not None:
            missing = [k for k in ("name", "lon", "lat", "site_type") if new_site.get(k) in (None, "")]
            if missing:
                raise ApprovalError(f"new site: {', '.join(missing)} required")
            if new_site["site_type"] not in SiteType.values:
                raise ApprovalError(f"new site: site_type {new_site['site_type']!r} unknown; valid: "
                                    f"{', '.join(SiteType.values)}")
            try:
                site = site_create(actor=actor, owner=app.applicant, name=str(new_site["name"]),
                                   lon=float(new_site["lon"]), lat=float(new_site["lat"]),
                                   site_type=new_site["site_type"], address=str(new_site.get("address", "")),
                                   height_m=new_site.get("height_m") or None,
                                   note=f"created for approval application {app.code}")
            except ValidationError as exc:
                raise ApprovalError(f"new site: {'; '.join(exc.messages)}") from None
        else:
            if not Site.objects.filter(pk=site.pk).filter(
                    owner=app.applicant).exists() and not site.operators.filter(pk=app.applicant_id).exists():
                raise ApprovalError(f"site {site.code}: not owned or shared by {app.applicant}")
            if site.state != SiteState.PLANNED:
                raise ApprovalError(f"site {site.code}: is {site.get_state_display()}; only planned sites are applied for")
            if ApplicationSite.objects.filter(site=site).exclude(
                    application__state__in=[ApplicationState.NOT_ACCEPTED, ApplicationState.WITHDRAWN]).exclude(
                    application=app).exists():
                raise ApprovalError(f"site {site.code}: already in another open application")
        if app.sites.filter(site=site).exists():
            raise ApprovalError(f"site {site.code}: already in this application")
        flags = {k: bool(situation.get(k, k == "transmitting")) for k in SITUATION_FLAGS}
        entry = ApplicationSite(application=app, site=site, order=app.sites.count() + 1, **flags, **antenna)
        entry.full_clean()
        entry.save()
        _event(actor, entry, AuditAction.CREATE, after=snapshot(entry), note=f"site {site.code} added to {app.code}")
    return entry


def application_remove_site(*, actor, entry: ApplicationSite) -> None:
    _require_applicant(actor, entry.application)
    with transaction.atomic():
        app = _lock(entry.application)
        _require_state(app, ApplicationState.DRAFT, doing="remove a site")
        _event(actor, entry, AuditAction.DELETE, before=snapshot(entry), note=f"site {entry.site.code} removed")
        entry.delete()


def material_upload(*, actor, application: Application, code: str, file_name: str, content: bytes) -> Material:
    """Add (or replace) one document of the single set of materials; in a draft or in answer to the notice."""
    _require_applicant(actor, application)
    if not code or not re.fullmatch(r"[-a-z0-9_]+", code):
        raise ApprovalError(f"code: {code!r} is not a material code (lower-case letters, digits, _ and -)")
    if not content:
        raise ApprovalError(f"{file_name or code}: the file is empty")
    if len(content) > MAX_MATERIAL_BYTES:
        raise ApprovalError(f"{file_name}: {len(content)} bytes is over the {MAX_MATERIAL_BYTES} byte limit")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.DRAFT, ApplicationState.NOTICE_ISSUED, doing="upload materials")
        replaced = list(app.materials.filter(code=code))
        for old in replaced:
            _event(actor, old, AuditAction.DELETE, before={"code": old.code, "file_name": old.file_name,
                                                           "sha256": old.sha256}, note="replaced")
            old.delete()
        mat = Material(application=app, code=code, file_name=(file_name or code)[:200], content=content,
                       size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                       uploaded_by=actor if actor is not None and actor.pk else None)
        mat.save()
        _event(actor, mat, AuditAction.CREATE, after={"code": code, "file_name": mat.file_name, "size": mat.size,
                                                      "sha256": mat.sha256}, note=f"material for {app.code}")
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
                         "message": "项目代码 missing: register the project on the investment-project platform"})
    if not application.contact_phone:
        problems.append({"target": DeficiencyTarget.FIELD, "ref": "contact_phone", "message": "contact phone missing"})
    for row in required_materials(application):
        if not row["present"]:
            problems.append({"target": DeficiencyTarget.MATERIAL, "ref": row["code"],
                             "message": f"{row['name']} missing (needed by {', '.join(row['items'])})"})
    return problems


# ---------------------------------------------------------------------------------------------------- submission
def application_submit(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """Submit the one form: the items are derived from the rules, the sites move to ``applied`` in the registry and
    the completeness-check window starts (day of receipt not counted)."""
    _require_applicant(actor, application)
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.DRAFT, doing="submit")
        if not app.sites.exists():
            raise ApprovalError("sites: add at least one site before submitting")
        planned = items_for_application(app)
        if not planned:
            raise ApprovalError("sites: no approval item applies to these sites under the rules")
        for entry, item_type, rule_codes in planned:
            item = ApprovalItem.objects.create(
                application=app, app_site=entry, item_type=item_type, department=item_type.department,
                rule_codes=rule_codes, legal_limit_days=item_type.legal_limit_days,
                promised_limit_days=item_type.promised_limit_days)
            _event(actor, item, AuditAction.CREATE, after=snapshot(item), note=f"required by {', '.join(rule_codes)}")
        for entry in app.sites.select_related("site"):
            if entry.site.state == SiteState.PLANNED:
                site_transition(actor=None, site=entry.site, to_state=SiteState.APPLIED, on=on,
                                note=f"approval application {app.code} submitted")
        _state_change(actor, app, ApplicationState.RECEIVED, note="submitted", received_on=on)
    notify(subject=f"Approval application {app.code} received: completeness check",
           body=f"{app.applicant}: {app.title}. Check the materials within {app.acceptance_limit_days} working days.",
           url=_url(app), key=f"permits:received:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(subject=f"Approval application {app.code} received: completeness check", url=_url(app),
           key=f"permits:received:{app.pk}", roles=[Role.PROGRAM_OFFICE],
           organizations=Organization.objects.filter(users__role=Role.PROGRAM_OFFICE).distinct())
    return app


def deficiency_flag(*, actor, application: Application, target: str, ref: str, message: str,
                    app_site: ApplicationSite | None = None) -> Deficiency:
    """A reviewer flags the exact field or document that is missing or wrong (during the completeness check)."""
    department = _require_department(actor, application)
    if target not in DeficiencyTarget.values:
        raise ApprovalError(f"target: {target!r}; valid: {', '.join(DeficiencyTarget.values)}")
    if target == DeficiencyTarget.FIELD and ref not in FLAGGABLE_FIELDS:
        raise ApprovalError(f"ref: {ref!r} is not a field of the form; valid: {', '.join(FLAGGABLE_FIELDS)}")
    if target == DeficiencyTarget.MATERIAL:
        known = {m["code"] for m in required_materials(application)} | set(
            application.materials.values_list("code", flat=True))
        if ref not in known:
            raise ApprovalError(f"ref: {ref!r} is not a material of this application; known: {', '.join(sorted(known))}")
    if not message.strip():
        raise ApprovalError("message: say what is missing or wrong")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.RECEIVED, doing="flag a deficiency")
        flag = Deficiency.objects.create(application=app, department=department, target=target, ref=ref,
                                         app_site=app_site, message=message.strip()[:500],
                                         raised_by=actor if actor is not None and actor.pk else None)
        _event(actor, flag, AuditAction.CREATE, after=snapshot(flag), note=f"flagged on {app.code}")
    return flag


def _acceptance_lapsed(app: Application, on: dt.date) -> bool:
    from .selectors import acceptance_due

    due = acceptance_due(app)
    return due is not None and on > due.date


def notice_issue(*, actor, application: Application, on: dt.date | None = None) -> list[Deficiency]:
    """The one-time notice (一次性告知): everything missing, from the automatic check and from every department's
    flags, in one notice. Only once per application, and only within the completeness-check window."""
    _require_office(actor, "issue the one-time notice")
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.RECEIVED, doing="issue the one-time notice")
        if app.notice_issued_on is not None:
            raise ApprovalError(f"the one-time notice of {app.code} was issued on {app.notice_issued_on}; a second "
                                "notice is not allowed: accept the application or refuse it")
        if _acceptance_lapsed(app, on):
            raise ApprovalError("the completeness-check window has passed: the application counts as accepted on "
                                f"the day it was received ({app.received_on})")
        for p in completeness_problems(app):
            if not app.deficiencies.filter(target=p["target"], ref=p["ref"], resolved=False).exists():
                flag = Deficiency.objects.create(application=app, automatic=True, **p)
                _event(actor, flag, AuditAction.CREATE, after=snapshot(flag), note="completeness check")
        flags = list(app.deficiencies.filter(resolved=False))
        if not flags:
            raise ApprovalError("nothing is missing or flagged: accept the application instead")
        app.deficiencies.filter(resolved=False).update(in_notice=True)
        _state_change(actor, app, ApplicationState.NOTICE_ISSUED, note=f"one-time notice: {len(flags)} item(s)",
                      notice_issued_on=on)
        for flag in flags:
            flag.in_notice = True
    notify(subject=f"One-time notice for {app.code}: {len(flags)} item(s) to complete",
           body="\n".join(f"- {f.get_target_display()} {f.ref}: {f.message}" for f in flags), url=_url(app),
           level="warning", key=f"permits:notice:{app.pk}", organizations=[app.applicant], roles=[Role.OPERATOR])
    return flags


def application_resubmit(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """The applicant answers the notice once, with everything fixed; the completeness window starts again."""
    _require_applicant(actor, application)
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.NOTICE_ISSUED, doing="resubmit")
        still = [p for p in completeness_problems(app) if p["target"] == DeficiencyTarget.MATERIAL]
        if still:
            raise ApprovalError("still missing: " + "; ".join(p["message"] for p in still))
        for flag in app.deficiencies.filter(resolved=False):
            flag.resolved = True
            flag.save(update_fields=["resolved"])
            _event(actor, flag, AuditAction.UPDATE, before={"resolved": False}, after={"resolved": True})
        _state_change(actor, app, ApplicationState.RECEIVED, note="resubmitted after the one-time notice",
                      resubmitted_on=on)
    notify(subject=f"{app.code} resubmitted after the one-time notice", url=_url(app),
           key=f"permits:resubmitted:{app.pk}", organizations=_departments(app), roles=[Role.DEPARTMENT])
    return app


def _start_review(actor, app: Application, accepted_on: dt.date, deemed: bool, note: str) -> Application:
    for item in app.items.filter(state=ItemState.WAITING):
        item.state = ItemState.IN_REVIEW
        item.save(update_fields=["state"])
        _event(actor, item, AuditAction.TRANSITION, before={"state": ItemState.WAITING},
               after={"state": ItemState.IN_REVIEW}, note="parallel review starts")
    _state_change(actor, app, ApplicationState.UNDER_REVIEW, note=note, accepted_on=accepted_on,
                  deemed_accepted=deemed)
    notify(subject=f"{app.code} accepted: review your items", url=_url(app), key=f"permits:accepted:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(subject=f"{app.code} accepted", url=_url(app), key=f"permits:accepted:{app.pk}",
           organizations=[app.applicant], roles=[Role.OPERATOR])
    return app


def application_accept(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """Accept (受理): every item goes to its department at once. After the completeness window the application
    already counts as accepted on the day it was received (or resubmitted)."""
    _require_office(actor, "accept applications")
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.RECEIVED, doing="accept")
        if _acceptance_lapsed(app, on):
            start = app.resubmitted_on or app.received_on
            return _start_review(actor, app, start, True, "accepted by lapse of the completeness-check window")
        open_flags = app.deficiencies.filter(resolved=False, in_notice=False).count()
        if open_flags and app.notice_issued_on is None:
            raise ApprovalError(f"{open_flags} open flag(s): issue the one-time notice, or withdraw the flags")
        missing = [p for p in completeness_problems(app) if p["target"] == DeficiencyTarget.MATERIAL]
        if missing:
            raise ApprovalError("materials missing: " + "; ".join(p["message"] for p in missing))
        return _start_review(actor, app, on, False, "accepted")


def application_refuse(*, actor, application: Application, reason: str, on: dt.date | None = None) -> Application:
    """Not accepted (不予受理), with the reason: e.g. the resubmission still does not meet the requirements."""
    _require_office(actor, "refuse applications")
    if not reason.strip():
        raise ApprovalError("reason: required")
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.RECEIVED, doing="refuse")
        if _acceptance_lapsed(app, on):
            raise ApprovalError("the completeness-check window has passed: the application counts as accepted")
        for entry in app.sites.select_related("site"):
            if entry.site.state == SiteState.APPLIED:
                site_transition(actor=None, site=entry.site, to_state=SiteState.PLANNED, on=on,
                                note=f"approval application {app.code} not accepted")
        _state_change(actor, app, ApplicationState.NOT_ACCEPTED, note=reason.strip(), decided_on=on,
                      decision_summary=reason.strip())
    notify(subject=f"{app.code} not accepted", body=reason, url=_url(app), level="warning",
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
                    done.append(_start_review(None, locked, start, True,
                                              "accepted by lapse of the completeness-check window"))
    return done


# ---------------------------------------------------------------------------------------------------- survey
def survey_departments(app: Application) -> list[Organization]:
    """Departments that sign the survey record: every department with an item in the application."""
    return _departments(app)


def survey_schedule(*, actor, application: Application, on: dt.date, meeting_point: str = "") -> JointSurvey:
    """Schedule the one joint survey for every department (needed when any item's rules ask for a survey)."""
    _require_office(actor, "schedule the joint survey")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.UNDER_REVIEW, doing="schedule the joint survey")
        if JointSurvey.objects.filter(application=app).exists():
            raise ApprovalError(f"{app.code} already has its one joint survey")
        types = ItemType.objects.filter(items__application=app).distinct()
        if not types.filter(joint_survey=True).exists():
            raise ApprovalError(f"no item of {app.code} needs a site survey under the rules")
        if app.accepted_on and on < app.accepted_on:
            raise ApprovalError(f"scheduled_on: {on} is before the acceptance ({app.accepted_on})")
        survey = JointSurvey.objects.create(application=app, scheduled_on=on, meeting_point=meeting_point[:200],
                                            consultation_required=types.filter(community_consultation=True).exists())
        _event(actor, survey, AuditAction.CREATE, after=snapshot(survey), note="joint survey scheduled")
        _state_change(actor, app, ApplicationState.SURVEY_SCHEDULED, note=f"joint survey on {on}")
    body = f"Joint site survey of {app.code} on {on} at {meeting_point or 'the site'}."
    notify(subject=f"Joint survey of {app.code} on {on}", body=body, url=_url(app), key=f"permits:survey:{app.pk}",
           organizations=[*_departments(app), app.applicant], roles=[Role.DEPARTMENT, Role.OPERATOR])
    return survey


def survey_consultation(*, actor, application: Application, consulted_on: dt.date, notes: str) -> JointSurvey:
    """Record the community consultation held before the survey (where the rules require one)."""
    _require_office(actor, "record the community consultation")
    if not notes.strip():
        raise ApprovalError("consultation outcome: required")
    with transaction.atomic():
        survey = JointSurvey.objects.select_for_update().get(application=application)
        if survey.state != SurveyState.SCHEDULED:
            raise ApprovalError("the survey was already held: the community is consulted beforehand")
        before = snapshot(survey)
        survey.consulted_on, survey.consultation_notes = consulted_on, notes.strip()
        survey.save()
        record_changes(actor=actor, obj=survey, before=before, note="community consulted")
    return survey


def survey_hold(*, actor, application: Application, held_on: dt.date, record: str) -> JointSurvey:
    """The survey took place: its record is written; the clocks pause until every department has signed it."""
    _require_office(actor, "record the joint survey")
    if not record.strip():
        raise ApprovalError("survey record: required")
    with transaction.atomic():
        survey = JointSurvey.objects.select_for_update().get(application=application)
        if survey.state != SurveyState.SCHEDULED:
            raise ApprovalError("the survey record was already written")
        if survey.consultation_required and (survey.consulted_on is None or survey.consulted_on > held_on):
            raise ApprovalError("the rules require the community to be consulted before the survey: record the "
                                "consultation first (on or before the survey day)")
        before = snapshot(survey)
        survey.held_on, survey.record, survey.state = held_on, record.strip(), SurveyState.HELD
        survey.save()
        record_changes(actor=actor, obj=survey, before=before, action=AuditAction.TRANSITION, note="survey held")
        pause = ClockPause.objects.create(application=application, kind=PauseKind.SURVEY, start=held_on,
                                          reason="joint survey: until the record is signed by every department",
                                          created_by=actor if actor is not None and actor.pk else None)
        _event(actor, pause, AuditAction.CREATE, after=snapshot(pause), note="clocks paused for the survey")
    notify(subject=f"Sign the joint survey record of {application.code}", url=_url(application),
           key=f"permits:survey-sign:{application.pk}", organizations=_departments(application),
           roles=[Role.DEPARTMENT])
    return survey


def survey_sign(*, actor, application: Application, opinion: str = "", on: dt.date | None = None) -> SurveySignature:
    """A department signs the one survey record; the last signature closes the survey and its clock pause."""
    department = _require_department(actor, application)
    if department is None or not application.items.filter(department=department).exists():
        raise PermissionDenied("only a department with an item in this application signs the survey record")
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        survey = JointSurvey.objects.select_for_update().get(application=app)
        if survey.state != SurveyState.HELD:
            raise ApprovalError(f"the survey record is not open for signatures (it is {survey.get_state_display()})")
        if survey.signatures.filter(department=department).exists():
            raise ApprovalError(f"{department} already signed the survey record")
        if on < survey.held_on:
            raise ApprovalError(f"signed_on: {on} is before the survey ({survey.held_on})")
        sig = SurveySignature.objects.create(survey=survey, department=department, signed_by=actor, signed_on=on,
                                             opinion=opinion.strip())
        _event(actor, sig, AuditAction.CREATE, after=snapshot(sig), note=f"survey record signed by {department}")
        signed = set(survey.signatures.values_list("department_id", flat=True))
        if signed >= {d.pk for d in survey_departments(app)}:
            before = snapshot(survey)
            survey.state = SurveyState.SIGNED
            survey.save()
            record_changes(actor=actor, obj=survey, before=before, action=AuditAction.TRANSITION,
                           note="record signed by every department")
            for pause in app.pauses.filter(kind=PauseKind.SURVEY, end__isnull=True):
                pause.end = on
                pause.save(update_fields=["end"])
                _event(actor, pause, AuditAction.UPDATE, before={"end": None}, after={"end": on},
                       note="survey pause ends")
            _state_change(actor, app, ApplicationState.UNDER_REVIEW, note="joint survey complete")
    return sig


# ---------------------------------------------------------------------------------------------------- review
def comment_add(*, actor, application: Application, text: str, item: ApprovalItem | None = None) -> Comment:
    """A reviewer's comment (the applicant sees every one)."""
    if item is not None and actor is not None and not actor.is_program_office and not actor.is_superuser:
        if item.department_id != actor.organization_id:
            raise PermissionDenied("a department comments on its own items")
    if actor is not None and actor.organization_id != application.applicant_id:
        _require_department(actor, application)
    if not text.strip():
        raise ApprovalError("comment: empty")
    with transaction.atomic():
        c = Comment.objects.create(application=application, item=item, author=actor,
                                   organization=actor.organization if actor is not None else None, text=text.strip())
        _event(actor, c, AuditAction.CREATE, after={"item": item.pk if item else None, "text": c.text})
    if actor is None or actor.organization_id != application.applicant_id:
        notify(subject=f"New review comment on {application.code}", body=text, url=_url(application),
               key=f"permits:comment:{c.pk}", organizations=[application.applicant], roles=[Role.OPERATOR])
    return c


def item_decide(*, actor, item: ApprovalItem, approve: bool, reasons: str, on: dt.date | None = None) -> ApprovalItem:
    """A department decides its item with reasons. When the last item is decided the bundled decision follows."""
    if actor is not None and not actor.is_superuser and not actor.is_program_office:
        if actor.role != Role.DEPARTMENT or actor.organization_id != item.department_id:
            raise PermissionDenied(f"only {item.department} decides this item")
    if not reasons.strip():
        raise ApprovalError("reasons: a decision states its reasons")
    on = _today(on)
    with transaction.atomic():
        app = _lock(item.application)
        item = ApprovalItem.objects.select_for_update().get(pk=item.pk)
        _require_state(app, *REVIEW_STATES, doing="decide an item")
        if item.state != ItemState.IN_REVIEW:
            raise ApprovalError(f"item already {item.get_state_display()}")
        survey = JointSurvey.objects.filter(application=app).first()
        if item.item_type.joint_survey and (survey is None or survey.state != SurveyState.SIGNED):
            raise ApprovalError(f"{item.item_type.name} is decided after the joint survey record is signed")
        if app.accepted_on and on < app.accepted_on:
            raise ApprovalError(f"decided_on: {on} is before the acceptance ({app.accepted_on})")
        before = snapshot(item)
        item.state = ItemState.APPROVED if approve else ItemState.REJECTED
        item.decided_on, item.reasons = on, reasons.strip()
        item.decided_by = actor if actor is not None and actor.pk else None
        if approve:
            item.permit_number = f"{app.code}-{item.pk:04d}"
        item.save()
        record_changes(actor=actor, obj=item, before=before, action=AuditAction.TRANSITION, note=item.reasons)
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
        summary = "Not approved: " + "; ".join(f"{i.app_site.site.code} {i.item_type.name}: {i.reasons}"
                                               for i in rejected)
    else:
        summary = f"Approved: {app.items.count()} permission(s) for {app.sites.count()} site(s)"
    _state_change(actor, app, ApplicationState.DECIDED, note=summary, decided_on=on, decision=decision,
                  decision_summary=summary)
    for pause in app.pauses.filter(end__isnull=True):
        pause.end = on
        pause.save(update_fields=["end"])
    for entry in app.sites.select_related("site"):
        if entry.site.state == SiteState.APPLIED:
            site_transition(actor=None, site=entry.site,
                            to_state=SiteState.APPROVED if decision == Decision.APPROVED else SiteState.PLANNED,
                            on=on, note=f"approval application {app.code}: {decision}")
    if decision == Decision.APPROVED:
        certificate_issue(actor=actor, application=app, on=on)
    notify(subject=f"Decision on {app.code}: {Decision(decision).label}", body=summary, url=_url(app),
           key=f"permits:decided:{app.pk}", organizations=[app.applicant], roles=[Role.OPERATOR])
    return app


def certificate_issue(*, actor, application: Application, on: dt.date) -> Certificate:
    """Issue the one certificate listing every permission, with its QR code (PDF kept as issued)."""
    from .certificates import render_certificate_pdf

    if application.decision != Decision.APPROVED:
        raise ApprovalError("only an approved application gets a certificate")
    token = secrets.token_urlsafe(24)
    number = f"JX5G-{on:%Y%m%d}-{application.code[-5:]}"
    cert = Certificate(application=application, number=number, token=token, issued_on=on)
    pdf = render_certificate_pdf(cert)
    cert.pdf, cert.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    cert.save()
    _event(actor, cert, AuditAction.CREATE, after={"number": number, "issued_on": on, "pdf_sha256": cert.pdf_sha256},
           note="bundled certificate issued")
    return cert


def certificate_revoke(*, actor, certificate: Certificate, reason: str, on: dt.date | None = None) -> Certificate:
    """Revoke a certificate (the public verification page then says so)."""
    _require_office(actor, "revoke certificates")
    if not reason.strip():
        raise ApprovalError("reason: required")
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_on:
            raise ApprovalError(f"certificate {cert.number} was already revoked on {cert.revoked_on}")
        before = {"revoked_on": None}
        cert.revoked_on, cert.revoked_reason = _today(on), reason.strip()[:300]
        cert.save(update_fields=["revoked_on", "revoked_reason"])
        _event(actor, cert, AuditAction.TRANSITION, before=before,
               after={"revoked_on": cert.revoked_on, "reason": cert.revoked_reason}, note="certificate revoked")
    return cert


# ---------------------------------------------------------------------------------------------------- clocks
def pause_start(*, actor, application: Application, kind: str, start: dt.date, reason: str,
                item: ApprovalItem | None = None) -> ClockPause:
    """Stop the clock of one item (its department or the office) or of the whole application (the office)."""
    if kind not in PauseKind.values:
        raise ApprovalError(f"kind: {kind!r}; valid: {', '.join(PauseKind.values)}")
    if item is None:
        _require_office(actor, "pause the whole application")
    elif actor is not None and not actor.is_program_office and actor.organization_id != item.department_id:
        raise PermissionDenied("a department pauses its own items only")
    if not reason.strip():
        raise ApprovalError("reason: required")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, *REVIEW_STATES, doing="pause a clock")
        if app.pauses.filter(item=item, end__isnull=True).exists():
            raise ApprovalError("that clock is already paused")
        pause = ClockPause.objects.create(application=app, item=item, kind=kind, start=start, reason=reason.strip(),
                                          created_by=actor if actor is not None and actor.pk else None)
        _event(actor, pause, AuditAction.CREATE, after=snapshot(pause), note="clock paused")
    return pause


def pause_end(*, actor, pause: ClockPause, end: dt.date) -> ClockPause:
    if pause.item is None:
        _require_office(actor, "resume the whole application")
    elif actor is not None and not actor.is_program_office and actor.organization_id != pause.item.department_id:
        raise PermissionDenied("a department resumes its own items only")
    if pause.end is not None:
        raise ApprovalError("that pause has ended")
    if end < pause.start:
        raise ApprovalError(f"end: {end} is before the start ({pause.start})")
    with transaction.atomic():
        pause.end = end
        pause.save(update_fields=["end"])
        _event(actor, pause, AuditAction.UPDATE, before={"end": None}, after={"end": end}, note="clock resumed")
    return pause


def extension_grant(*, actor, application: Application, days: int, reason: str, item: ApprovalItem | None = None,
                    on: dt.date | None = None) -> ClockExtension:
    """Extend a clock by working days (行政许可法 第四十二条: with the approval of the head of the office);
    the approver is the actor, the reason is required."""
    _require_office(actor, "approve an extension")
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ApprovalError(f"days: {days!r} must be a whole number of working days between 1 and 30")
    if not reason.strip():
        raise ApprovalError("reason: required")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, *REVIEW_STATES, doing="extend a clock")
        ext = ClockExtension.objects.create(application=app, item=item, days=days, reason=reason.strip()[:300],
                                            approved_by=actor if actor is not None and actor.pk else None,
                                            approved_on=_today(on))
        _event(actor, ext, AuditAction.CREATE, after=snapshot(ext), note="clock extended")
    return ext


# ---------------------------------------------------------------------------------------------------- reminders
def clock_check(today: dt.date | None = None) -> dict:
    """Deemed acceptance, warnings before a deadline and escalation after it (idempotent: notification keys name
    the item, the due date and the level)."""
    from .selectors import item_clock

    today = _today(today)
    accepted = deem_accepted_lapsed(today)
    calendar = working_calendar()
    warned = escalated = 0
    office = Organization.objects.filter(users__role=Role.PROGRAM_OFFICE).distinct()
    items = ApprovalItem.objects.filter(state=ItemState.IN_REVIEW, application__state__in=REVIEW_STATES)
    for item in items.select_related("application", "item_type", "department", "app_site__site"):
        for promised in (True, False):
            clock = item_clock(item, promised=promised)
            status = clock.status(calendar, today)
            which = "promised" if promised else "legal"
            what = f"{item.application.code} {item.app_site.site.code} {item.item_type.name}"
            url = _url(item.application)
            if status.state == "due_soon":
                warned += len(notify(
                    subject=f"Due {status.due.date} ({which} limit): {what}", url=url, level="warning",
                    key=f"permits:due:{item.pk}:{which}:{status.due.date}", organizations=[item.department],
                    roles=[Role.DEPARTMENT]))
            elif status.state == "overdue":
                escalated += len(notify(
                    subject=f"Overdue since {status.due.date} ({which} limit): {what}", url=url, level="overdue",
                    key=f"permits:overdue:{item.pk}:{which}:{status.due.date}",
                    organizations=[item.department, *office], roles=[Role.DEPARTMENT, Role.PROGRAM_OFFICE]))
    return {"deemed_accepted": len(accepted), "warnings": warned, "escalations": escalated}
