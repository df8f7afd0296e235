"""Drafting, submission, acceptance and refusal of an application (the applicant and the one-stop window)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction

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
    ItemType,
    Material,
)
from ..rules import active_ruleset, items_needed
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
        raise ApprovalError(f"applicant: {applicant} is not an operator or tower company")
    if not title.strip():
        raise ApprovalError("title: required")
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
        _event(actor, app, AuditAction.CREATE, after=snapshot(app), note="draft created")
    return app


def application_update(*, actor, application: Application, **fields) -> Application:
    """Change the form's fields while the application is a draft or answers the one-time notice."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApprovalError(f"cannot change {sorted(unknown)}; editable: {', '.join(EDITABLE)}")
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "edit", app)
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
    authorize(actor, "add_site", application)  # checked again on the locked row below
    unknown = set(situation) - set(SITUATION_FLAGS) - {"band", "antenna_height_m", "azimuths", "total_power_w"}
    if unknown:
        raise ApprovalError(f"unknown site fields {sorted(unknown)}")
    if (site is None) == (new_site is None):
        raise ApprovalError("site: give either an existing site or the fields of a new one")
    antenna = _planned_antenna(situation)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "add_site", app)
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
    with transaction.atomic():
        app = _lock(entry.application)
        authorize(actor, "remove_site", app)
        _event(actor, entry, AuditAction.DELETE, before=snapshot(entry), note=f"site {entry.site.code} removed")
        entry.delete()


def material_upload(*, actor, application: Application, code: str, file_name: str, content: bytes) -> Material:
    """Add (or replace) one document of the single set of materials; in a draft or in answer to the notice."""
    authorize(actor, "upload", application)  # checked again on the locked row below
    if not code or not re.fullmatch(r"[-a-z0-9_]+", code):
        raise ApprovalError(f"code: {code!r} is not a material code (lower-case letters, digits, _ and -)")
    if not content:
        raise ApprovalError(f"{file_name or code}: the file is empty")
    if len(content) > MAX_MATERIAL_BYTES:
        raise ApprovalError(f"{file_name}: {len(content)} bytes is over the {MAX_MATERIAL_BYTES} byte limit")
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "upload", app)
        replaced = list(app.materials.filter(code=code))
        for old in replaced:
            _event(actor, old, AuditAction.DELETE, before={"code": old.code, "file_name": old.file_name,
                                                           "sha256": old.sha256}, note="replaced")
            old.delete()
        mat = Material(application=app, code=code, file_name=(file_name or code)[:200], content=content,
                       size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                       uploaded_by=_person(actor))
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
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "submit", app)  # a draft with at least one site
        planned = items_for_application(app)
        if not planned:
            raise ApprovalError("sites: no approval item applies to these sites under the rules")
        for entry, item_type, rule_codes in planned:
            item = ApprovalItem.objects.create(
                application=app, app_site=entry, item_type=item_type, department=item_type.department,
                rule_codes=rule_codes, legal_limit_days=item_type.legal_limit_days,
                promised_limit_days=item_type.promised_limit_days)
            _event(actor, item, AuditAction.CREATE, after=snapshot(item), note=f"required by {', '.join(rule_codes)}")
        _move_sites(app, from_state=SiteState.PLANNED, to_state=SiteState.APPLIED, on=on,
                    note=f"approval application {app.code} submitted")
        transition(app, "submit", actor=actor, note="submitted", received_on=on)
    notify(subject=f"Approval application {app.code} received: completeness check",
           body=f"{app.applicant}: {app.title}. Check the materials within {app.acceptance_limit_days} working days.",
           url=_url(app), key=f"permits:received:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(subject=f"Approval application {app.code} received: completeness check", url=_url(app),
           key=f"permits:received:{app.pk}", roles=[Role.PROGRAM_OFFICE],
           organizations=Organization.objects.filter(users__role=Role.PROGRAM_OFFICE).distinct())
    return app



def _acceptance_lapsed(app: Application, on: dt.date) -> bool:
    from ..selectors import acceptance_due

    due = acceptance_due(app)
    return due is not None and on > due.date



def _start_review(actor, app: Application, accepted_on: dt.date, deemed: bool, note: str) -> Application:
    for item in app.items.filter(state=ItemState.WAITING):
        transition(item, "start_review", actor=actor, note="parallel review starts")
    transition(app, "accept", actor=actor, note=note, accepted_on=accepted_on, deemed_accepted=deemed)
    notify(subject=f"{app.code} accepted: review your items", url=_url(app), key=f"permits:accepted:{app.pk}",
           organizations=_departments(app), roles=[Role.DEPARTMENT])
    notify(subject=f"{app.code} accepted", url=_url(app), key=f"permits:accepted:{app.pk}",
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
            raise ApprovalError(f"{open_flags} open flag(s): issue the one-time notice, or withdraw the flags")
        missing = [p for p in completeness_problems(app) if p["target"] == DeficiencyTarget.MATERIAL]
        if missing:
            raise ApprovalError("materials missing: " + "; ".join(p["message"] for p in missing))
        return _start_review(actor, app, on, False, "accepted")


def application_refuse(*, actor, application: Application, reason: str, on: dt.date | None = None) -> Application:
    """Not accepted (不予受理), with the reason: e.g. the resubmission still does not meet the requirements."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "refuse", app)
        if not reason.strip():
            raise ApprovalError("reason: required")
        if _acceptance_lapsed(app, on):
            raise ApprovalError("the completeness-check window has passed: the application counts as accepted")
        _move_sites(app, from_state=SiteState.APPLIED, to_state=SiteState.PLANNED, on=on,
                    note=f"approval application {app.code} not accepted")
        transition(app, "refuse", actor=actor, note=reason.strip(), decided_on=on, decision_summary=reason.strip())
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
                    done.append(_start_review(CLOCK, locked, start, True,
                                              "accepted by lapse of the completeness-check window"))
    return done


