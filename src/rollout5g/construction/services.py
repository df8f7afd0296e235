"""Business actions on construction projects and their 5G facilities. Each is atomic, validates its input (a
``ValidationError`` naming the field, nothing written) and records its audit row in its transaction.

Who takes which step, from which state, is declared once on the models (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`:

- the developer (or the programme office for it) registers a project, records the facilities its design reserves
  and submits it to the design review;
- the planning and the construction department each approve or return the design (a working-day clock each); when
  both approved, the design is approved; a return sends it back to the developer for the next round;
- the developer starts construction and requests completion acceptance with what was built;
- the construction department accepts (what was built is at least what was reserved, which is at least what the
  guideline requires) or orders rectification; on acceptance the reserved sites enter the registry's special plan
  as planned sites, through ``rollout5g.sites.services``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor, is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.regions.models import Region
from rollout5g.sites.choices import SiteType
from rollout5g.sites.services import assign_regions, planned_site_create

from .choices import (
    DEFAULT_GUIDELINE,
    DEFAULT_REVIEW_LIMIT_DAYS,
    DEFAULT_REVIEW_WARN_DAYS,
    FACILITIES,
    ProjectKind,
    ReviewDecision,
    ReviewKind,
)
from .models import ConstructionProject, DesignReview, FacilityGuideline, ReservedSite

#: The process that loads the default guideline, and the one that enters accepted sites in the special plan: the
#: acceptance is the authority (its own audit row names the person who accepted).
GUIDELINE_LOADER = SystemActor("construction")
REGISTRY_ENTRY = GUIDELINE_LOADER

INTEGER_FACILITIES = ("sites", "duct_holes")


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


# -- guideline ---------------------------------------------------------------------------------------------------
def ensure_guideline(actor=GUIDELINE_LOADER) -> int:
    """Create the programme office's default guideline rows that are missing (idempotent); returns how many."""
    have = set(FacilityGuideline.objects.values_list("kind", flat=True))
    created = 0
    with transaction.atomic():
        for kind, (per_site, min_sites, room, power, ducts, roof) in DEFAULT_GUIDELINE.items():
            if kind in have:
                continue
            row = FacilityGuideline.objects.create(
                kind=kind, size_per_site=per_site, min_sites=min_sites, machine_room_m2=room, power_kw_per_site=power,
                duct_holes=ducts, roof_m2_per_site=roof, is_default=True,
                note="programme office default; the policy documents set no figure")
            record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
            created += 1
    return created


def guideline_for(kind: str) -> FacilityGuideline:
    row = FacilityGuideline.objects.filter(kind=kind).first()
    if row is None:
        ensure_guideline()
        row = FacilityGuideline.objects.get(kind=kind)
    return row


def guideline_update(*, actor, guideline: FacilityGuideline, **values) -> FacilityGuideline:
    """The programme office changes a guideline row; projects keep the requirement they were registered with."""
    authorize(actor, "change", guideline)
    editable = {"size_per_site", "min_sites", "machine_room_m2", "power_kw_per_site", "duct_holes",
                "roof_m2_per_site", "note"}
    unknown = set(values) - editable
    if unknown:
        raise _error(sorted(unknown)[0], _("cannot be changed here"))
    with transaction.atomic():
        before = snapshot(guideline)
        for key, value in values.items():
            setattr(guideline, key, value)
        if Decimal(guideline.size_per_site) <= 0:
            raise _error("size_per_site", _("must be more than 0"))
        guideline.is_default = False
        guideline.full_clean()
        guideline.save()
        record_changes(actor=actor, obj=guideline, before=before)
    return guideline


# -- input -------------------------------------------------------------------------------------------------------
def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _number(value, field: str, *, integer: bool = False, positive: bool = False) -> Decimal | int:
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _error(field, _("%(value)s is not a number") % {"value": value}) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise _error(field, _("must be more than 0") if positive else _("must be 0 or more"))
    if integer:
        if number != number.to_integral_value():
            raise _error(field, _("must be a whole number"))
        return int(number)
    if number != number.quantize(Decimal("0.1")):
        raise _error(field, _("at most one decimal"))
    return number


def _facility_values(values: dict, prefix: str) -> dict:
    """Validated ``{prefix_facility: value}`` of the facilities given in ``values`` (keys without the prefix)."""
    out = {}
    for name, _label in FACILITIES:
        if name == "sites" or name not in values:
            continue
        out[f"{prefix}_{name}"] = _number(values[name], name, integer=name in INTEGER_FACILITIES)
    return out


def _point(lon, lat, field: str = "location") -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise _error(field, _("give the longitude and latitude (WGS-84)")) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _error(field, _("the longitude or latitude is out of range"))
    return lon, lat


def _created_by(actor):
    return None if is_system(actor) or not getattr(actor, "pk", None) else actor


def project_url(project) -> str:
    return reverse("construction:detail", kwargs={"code": project.code})


# -- registration and design -------------------------------------------------------------------------------------
def project_register(*, actor, name: str, kind: str, region: Region, size, lon, lat, planning_department:
                     Organization, construction_department: Organization, operator: Organization,
                     developer: Organization | None = None, address: str = "", registered_on=None,
                     is_synthetic: bool = False) -> ConstructionProject:
    """Register a construction project; its required 5G facilities are computed from the guideline now and kept
    (editing the guideline later does not move a registered project's requirement)."""
    developer = developer or getattr(actor, "organization", None)
    if developer is None:
        raise _error("developer", _("name the developer"))
    authorize_create(actor, ConstructionProject, owner=developer)
    name = (name or "").strip()
    if not name:
        raise _error("name", _("required"))
    if kind not in ProjectKind.values:
        raise _error("kind", _("%(value)s is not a project kind") % {"value": kind})
    size = _number(size, "size", positive=True)
    lon, lat = _point(lon, lat)
    if region is None or region.level != "county":
        raise _error("region", _("choose a county"))
    if (assign_regions([lon], [lat]) or [None])[0] != region.adcode:
        raise _error("location", _("the location is not inside %(county)s") % {"county": region.name})
    for field, org in (("planning_department", planning_department),
                       ("construction_department", construction_department)):
        if org is None or org.kind != "government_department":
            raise _error(field, _("choose a government department"))
    if operator is None or operator.kind not in ("operator", "tower_company"):
        raise _error("operator", _("choose an operator or the tower company"))
    registered_on = _date(registered_on or dt.date.today(), "registered_on")
    required = guideline_for(kind).required(size)
    with transaction.atomic():
        project = ConstructionProject(
            code=next_code(model=ConstructionProject, prefix=f"CP-{registered_on.year}-", width=4), name=name[:150],
            kind=kind, region=region, address=(address or "").strip()[:300], lon=lon, lat=lat, size=size,
            developer=developer, planning_department=planning_department,
            construction_department=construction_department, operator=operator, registered_on=registered_on,
            created_by=_created_by(actor), is_synthetic=is_synthetic,
            **{f"required_{k}": v for k, v in required.items()})
        project.full_clean()
        project.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=project, after=snapshot(project))
    return project


def project_design(*, actor, project: ConstructionProject, facilities: dict | None = None, sites: list[dict] | None = None,
                   note: str = "") -> ConstructionProject:
    """Record what the design reserves: machine room, power, ducts, roof space (``facilities``) and the reserved
    sites with their locations (``sites``: ``[{"name", "lon", "lat", "site_type"}]``; given, they replace the
    earlier ones). Open while the project is registered or returned."""
    authorize(actor, "design", project)
    values = _facility_values(facilities or {}, "reserved")
    new_sites = None
    if sites is not None:
        new_sites = []
        for i, s in enumerate(sites, start=1):
            site_name = str(s.get("name") or "").strip() or f"{project.name} #{i}"
            lon, lat = _point(s.get("lon"), s.get("lat"), "sites")
            site_type = s.get("site_type") or SiteType.ROOFTOP
            if site_type not in SiteType.values:
                raise _error("sites", _("%(value)s is not a site type") % {"value": site_type})
            new_sites.append((site_name[:100], lon, lat, site_type))
    with transaction.atomic():
        if new_sites is not None:
            for old in project.site_reservations.all():
                record_event(actor=actor, action=AuditAction.DELETE, obj=old, before=snapshot(old))
            project.site_reservations.all().delete()
            for site_name, lon, lat, site_type in new_sites:
                row = ReservedSite.objects.create(project=project, name=site_name, lon=lon, lat=lat,
                                                  site_type=site_type)
                record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
            values["reserved_sites"] = len(new_sites)
        project = transition(project, "design", actor=actor, note=note, audit_action=AuditAction.UPDATE, **values)
    return project


def _shortfall_error(project, stage: str, against: str, field_prefix: str = "") -> ValidationError | None:
    missing = project.shortfall(stage, against)
    if not missing:
        return None
    labels = dict(FACILITIES)
    errors = {}
    for name in missing:
        errors[f"{field_prefix}{name}"] = [
            _("%(have)s is less than the %(against)s %(need)s") % {
                "have": project.facilities(stage)[name], "need": project.facilities(against)[name],
                "against": {"required": _("required"), "reserved": _("reserved")}[against]}
            + f" ({labels[name]})"]
    return ValidationError(errors)


def project_submit(*, actor, project: ConstructionProject, on=None, note: str = "") -> ConstructionProject:
    """Submit the design to the design review: one review by the planning and one by the construction department,
    each with its working-day clock from ``on``. Refused while the design reserves less than the guideline
    requires (the field names the facility)."""
    authorize(actor, "submit", project)
    error = _shortfall_error(project, "reserved", "required")
    if error is not None:
        raise error
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        project = transition(project, "submit", actor=actor, note=note, review_round=project.review_round + 1)
        for kind, department in ((ReviewKind.PLANNING, project.planning_department),
                                 (ReviewKind.CONSTRUCTION, project.construction_department)):
            review = DesignReview.objects.create(
                project=project, kind=kind, department=department, round=project.review_round, received_on=on,
                limit_days=DEFAULT_REVIEW_LIMIT_DAYS, warn_days=DEFAULT_REVIEW_WARN_DAYS)
            record_event(actor=actor, action=AuditAction.CREATE, obj=review, after=snapshot(review))
            notify(message=gettext_noop("%(code)s: design review of the 5G facilities"), params={"code": project.code},
                   body=project.name, url=project_url(project), organizations=[department],
                   key=f"construction:review:{review.pk}")
    return project


def review_decide(*, actor, review: DesignReview, approve: bool, findings: str = "", on=None) -> DesignReview:
    """A department approves or returns its review of the design's 5G facilities. A return needs findings and
    sends the project back to the developer (the other department's open review of the round is closed with it);
    the second approval approves the design."""
    name = "approve" if approve else "return"
    authorize(actor, name, review)
    findings = (findings or "").strip()
    if not approve and not findings:
        raise _error("findings", _("say what must change"))
    on = _date(on or dt.date.today(), "on")
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        review = transition(review, name, actor=actor, note=findings, findings=findings,
                            decided_by=_created_by(actor), decided_at=now)
        project = ConstructionProject.objects.get(pk=review.project_id)
        round_reviews = DesignReview.objects.filter(project=project, round=review.round)
        if not approve:
            for other in round_reviews.filter(decision=ReviewDecision.PENDING):
                before = snapshot(other)
                other.decision, other.findings = ReviewDecision.RETURNED, _("closed: the other department returned "
                                                                              "the design")
                other.save()
                record_changes(actor=actor, obj=other, before=before, note=name)
            transition(project, "return_design", actor=actor, note=findings)
            notify(message=gettext_noop("%(code)s: design returned"), params={"code": project.code}, body=findings, level="warning",
                   url=project_url(project), organizations=[project.developer],
                   key=f"construction:returned:{project.pk}:{review.round}")
        elif not round_reviews.exclude(decision=ReviewDecision.APPROVED).exists():
            transition(project, "approve_design", actor=actor, design_approved_on=on)
            notify(message=gettext_noop("%(code)s: design approved"), params={"code": project.code}, body=project.name,
                   url=project_url(project), organizations=[project.developer],
                   key=f"construction:approved:{project.pk}")
    return review


# -- construction and acceptance ---------------------------------------------------------------------------------
def project_start(*, actor, project: ConstructionProject, on=None, note: str = "") -> ConstructionProject:
    on = _date(on or dt.date.today(), "on")
    return transition(project, "start", actor=actor, note=note, started_on=on)


def project_request_acceptance(*, actor, project: ConstructionProject, built: dict, on=None,
                               note: str = "") -> ConstructionProject:
    """The developer requests completion acceptance and states what was built (sites and the four facilities)."""
    authorize(actor, "request_acceptance", project)
    values = _facility_values(built or {}, "built")
    if "sites" not in (built or {}):
        raise _error("sites", _("required"))
    values["built_sites"] = _number(built["sites"], "sites", integer=True)
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        project = transition(project, "request_acceptance", actor=actor, note=note, acceptance_requested_on=on,
                             **values)
        notify(message=gettext_noop("%(code)s: completion acceptance of the 5G facilities"), params={"code": project.code},
               body=project.name, url=project_url(project), organizations=[project.construction_department],
               key=f"construction:acceptance:{project.pk}:{on.isoformat()}")
    return project


def project_accept(*, actor, project: ConstructionProject, on=None, note: str = "") -> ConstructionProject:
    """The construction department accepts the 5G facilities as built: refused (the field names the facility) when
    anything built falls short of what was reserved. The reserved sites then enter the special plan as planned
    sites of the operator they were reserved for, through the registry's service."""
    authorize(actor, "accept", project)
    error = _shortfall_error(project, "built", "reserved")
    if error is not None:
        raise error
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        project = transition(project, "accept", actor=actor, note=note, accepted_on=on, acceptance_findings=note)
        for reserved in project.site_reservations.filter(planned_site__isnull=True).order_by("pk"):
            # The acceptance is the authority: the registry entry is the platform's own step (its audit row
            # names the project; the acceptance's row names the person who accepted).
            plan = planned_site_create(
                actor=REGISTRY_ENTRY, organization=project.operator, lon=reserved.lon, lat=reserved.lat,
                planned_year=on.year, site_type=reserved.site_type, name=reserved.name, place=project.name,
                note=f"{project.code}: reserved in the project, accepted on {on.isoformat()}")
            before = snapshot(reserved)
            reserved.planned_site = plan
            reserved.save()
            record_changes(actor=actor, obj=reserved, before=before, note="accept")
        notify(message=gettext_noop("%(code)s: 5G facilities accepted"), params={"code": project.code}, body=project.name,
               url=project_url(project), organizations=[project.developer, project.operator],
               key=f"construction:accepted:{project.pk}")
    return project


def project_rectify(*, actor, project: ConstructionProject, findings: str, on=None) -> ConstructionProject:
    """The construction department refuses the acceptance and says what must be rectified; the project is under
    construction again until the developer requests acceptance anew."""
    authorize(actor, "rectify", project)
    findings = (findings or "").strip()
    if not findings:
        raise _error("findings", _("say what must be rectified"))
    with transaction.atomic():
        project = transition(project, "rectify", actor=actor, note=findings, acceptance_findings=findings)
        notify(message=gettext_noop("%(code)s: rectification ordered"), params={"code": project.code}, body=findings,
               level="warning", url=project_url(project), organizations=[project.developer],
               key=f"construction:rectify:{project.pk}:{project.acceptance_requested_on}")
    return project
