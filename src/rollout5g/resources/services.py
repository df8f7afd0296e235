"""Business actions of the open list: resources, releases (第N批), site requests, charges and fee complaints.

Every function is keyword-only with ``actor`` first, runs in one transaction, checks the actor's rights through
the model's access policy (its declared actions: :func:`~rollout5g.platform.workflow.transition` for a state
change, :func:`~rollout5g.platform.workflow.authorize` before any other step), and records an audit event. The
actor is a user or :data:`rollout5g.platform.actors.SYSTEM` (the demo loader, an import), never ``None``. Bad input raises ``ValidationError`` naming the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.core.geo import to_wgs84
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import CHANGE
from rollout5g.platform.actors import SYSTEM, is_system
from rollout5g.platform.codes import next_code, next_number
from rollout5g.platform.formats import long_date
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.regions.services import find_region

from .choices import (
    POLE_KINDS,
    Availability,
    ComplaintStatus,
    FeeKind,
    RequestStatus,
    ResourceKind,
)
from .models import FeeComplaint, ListRelease, PublicResource, ReleaseEntry, RequestCharge, SiteRequest

#: Working days an owner has to answer a site request (setting ``ROLLOUT5G_OPEN_LIST_ANSWER_DAYS``).
DEFAULT_ANSWER_DAYS = 5
#: Days after which an entry not confirmed by its owner is reminded (setting ``ROLLOUT5G_OPEN_LIST_CONFIRM_DAYS``).
DEFAULT_CONFIRM_DAYS = 180

FEE_RULE = gettext_lazy("public facilities are opened to 5G sites free of charge: no entry, coordination or sharing "
                        "fee may be charged, only the actual power cost may be passed on")

EDITABLE_FIELDS = ("name", "kind", "address", "height_m", "load_kg", "power_kw_available", "cabinet_space_m2",
                   "conditions", "smart_pole", "smart_pole_capacity", "lon", "lat")
NUMBER_FIELDS = ("height_m", "load_kg", "power_kw_available", "cabinet_space_m2")
#: A county's boundary JSON is large: lists that show the county name leave it out.
REGION_HEAVY = ("region__geometry", "region__display_geometry")


def answer_days() -> int:
    return int(getattr(settings, "ROLLOUT5G_OPEN_LIST_ANSWER_DAYS", DEFAULT_ANSWER_DAYS))


def confirm_days() -> int:
    return int(getattr(settings, "ROLLOUT5G_OPEN_LIST_CONFIRM_DAYS", DEFAULT_CONFIRM_DAYS))


class ReleaseImmutable(ValidationError):
    """A published release (and its entries) cannot be changed."""


def _next_code(model, prefix: str, width: int) -> str:
    """The next free ``<prefix><n>`` code (n zero-padded to ``width``); call inside the transaction that saves."""
    return next_code(model=model, prefix=prefix, width=width)


def _office_users():
    from rollout5g.accounts.models import User

    return list(User.objects.filter(is_active=True, role=Role.PROGRAM_OFFICE))


def _person(actor):
    """The user to store as "answered by"/"published by": None for a process."""
    return actor if getattr(actor, "pk", None) and not is_system(actor) else None


# ---------------------------------------------------------------------------------------------------- resources


def _clean_resource(resource: PublicResource) -> None:
    errors = {}
    if resource.smart_pole:
        if resource.kind not in POLE_KINDS:
            errors["smart_pole"] = _("a %(kind)s is not a pole; only poles can be smart poles") % {
                "kind": resource.get_kind_display()}
        if resource.smart_pole_capacity < 1:
            errors["smart_pole_capacity"] = _("a smart pole carries at least one operator's equipment")
    elif resource.smart_pole_capacity:
        errors["smart_pole_capacity"] = _("must be 0 unless the resource is a smart pole")
    for name in NUMBER_FIELDS:
        value = getattr(resource, name)
        if value is not None and value < 0:
            errors[name] = _("must not be negative, got %(value)s") % {"value": value}
    if resource.availability != Availability.OPEN and not resource.availability_reason.strip():
        errors["availability_reason"] = _("give the reason the resource is %(state)s") % {
            "state": resource.get_availability_display()}
    if errors:
        raise ValidationError(errors)
    resource.full_clean()


def _county(lon: float, lat: float):
    region = find_region(lon, lat)
    if region is None:
        raise ValidationError({"lon": _("(%(lon)s, %(lat)s) is not inside any county of the loaded boundaries")
                                      % {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"}})
    return region


def resource_create(*, actor, owner: Organization, name: str, kind: str, lon: float, lat: float, crs: str = "wgs84",
                    code: str | None = None, availability: str = Availability.OPEN, availability_reason: str = "",
                    confirmed_on: dt.date | None = None, note: str = "", **attrs) -> PublicResource:
    """Add a facility to the open list. An owner adds entries for its own organization; the office for any."""
    authorize_create(actor, PublicResource, owner=owner)
    unknown = set(attrs) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
    try:
        lon, lat = (float(v) for v in to_wgs84(float(lon), float(lat), crs))
    except (TypeError, ValueError) as exc:
        raise ValidationError({"lon": str(exc)}) from None
    with transaction.atomic():
        resource = PublicResource(
            code=code or _next_code(PublicResource, "JX-OL-", 6), owner=owner, name=name, kind=kind, lon=lon, lat=lat,
            region=_county(lon, lat), availability=availability, availability_reason=availability_reason,
            last_confirmed_on=confirmed_on or dt.date.today(), **attrs)
        _clean_resource(resource)
        resource.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=resource, after=snapshot(resource), note=note)
    return resource


def resource_update(*, actor, resource: PublicResource, note: str = "", **fields) -> PublicResource:
    """Change the attributes of an entry (owner or office). Moving it re-derives the county."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}")
    with transaction.atomic():
        resource = PublicResource.objects.select_for_update().get(pk=resource.pk)
        authorize(actor, CHANGE, resource)
        before = snapshot(resource)
        for name, value in fields.items():
            setattr(resource, name, value)
        if "lon" in fields or "lat" in fields:
            resource.region = _county(resource.lon, resource.lat)
        _clean_resource(resource)
        resource.save()
        record_changes(actor=actor, obj=resource, before=before, note=note)
    return resource


def resource_set_availability(*, actor, resource: PublicResource, availability: str, reason: str = "") -> PublicResource:
    """Open, reserve, occupy or close an entry; any state but open needs a reason."""
    if availability not in Availability.values:
        raise ValidationError({"availability": _("unknown availability %(value)s") % {"value": availability}})
    if availability != Availability.OPEN and not reason.strip():
        raise ValidationError({"availability_reason": _("give the reason the resource is %(state)s") % {
            "state": Availability(availability).label}})
    with transaction.atomic():
        resource = PublicResource.objects.select_for_update().get(pk=resource.pk)
        authorize(actor, CHANGE, resource)
        before = snapshot(resource)
        resource.availability, resource.availability_reason = availability, reason.strip()
        _clean_resource(resource)
        resource.save()
        record_changes(actor=actor, obj=resource, before=before, action=AuditAction.TRANSITION, note=reason)
    return resource


def resource_confirm(*, actor, resource: PublicResource, on: dt.date | None = None) -> PublicResource:
    """The owner confirms the entry is still valid ("regularly updated", Zhejiang task 7)."""
    with transaction.atomic():
        resource = PublicResource.objects.select_for_update().get(pk=resource.pk)
        authorize(actor, CHANGE, resource)
        before = snapshot(resource)
        resource.last_confirmed_on = on or dt.date.today()
        resource.save(update_fields=["last_confirmed_on", "updated_at"])
        record_changes(actor=actor, obj=resource, before=before, note=_("confirmed still valid"))
    return resource


def resource_withdraw(*, actor, resource: PublicResource, reason: str) -> PublicResource:
    """Take an entry off the list: the next release shows it as withdrawn; its code is never reused."""
    if not reason.strip():
        raise ValidationError({"reason": _("say why the entry is withdrawn")})
    return transition(resource, "withdraw", actor=actor, note=reason)


# ---------------------------------------------------------------------------------------------------- releases


def resource_snapshot(resource: PublicResource) -> dict:
    """The published form of an entry (what a release freezes and the downloads show)."""
    return {
        "code": resource.code,
        "name": resource.name,
        "kind": resource.kind,
        "owner": resource.owner.code,
        "owner_name": resource.owner.name,
        "region": resource.region_id,
        "region_name": resource.region.name,
        "lon": round(resource.lon, 7),
        "lat": round(resource.lat, 7),
        "address": resource.address,
        "height_m": resource.height_m,
        "load_kg": resource.load_kg,
        "power_kw_available": resource.power_kw_available,
        "cabinet_space_m2": resource.cabinet_space_m2,
        "conditions": resource.conditions,
        "availability": resource.availability,
        "availability_reason": resource.availability_reason,
        "smart_pole": resource.smart_pole,
        "smart_pole_capacity": resource.smart_pole_capacity,
        "hosted_operators": sorted(o.code for o in resource.hosted_operators.all()),
        "last_confirmed_on": resource.last_confirmed_on.isoformat() if resource.last_confirmed_on else None,
        "is_synthetic": resource.is_synthetic,
    }


def release_city(actor, region=None):
    """The city whose open list a release publishes: in a city deployment, the city; in a province deployment, the
    city ``region`` names (a Region or adcode: the province's office chooses) or else the city of the actor's
    organization. None when there is none (the province's office chose no city)."""
    from rollout5g.platform.home import home_adcode
    from rollout5g.regions.choices import RegionLevel
    from rollout5g.regions.models import Region
    from rollout5g.regions.services import lineage

    cities = Region.objects.filter(level=RegionLevel.CITY).only("adcode", "name", "level", "parent_id")
    home = home_adcode()
    if Region.objects.filter(pk=home, level=RegionLevel.PROVINCE).exists():
        code = getattr(region, "pk", region)
        if code:
            return cities.filter(pk=code, parent_id=home).first()
        own = getattr(getattr(actor, "organization", None), "region_id", None)
        return cities.filter(pk__in=lineage(own)).first() if own else None
    return cities.filter(pk=home).first()


def release_create(*, actor, notice_start: dt.date, notice_end: dt.date, title: str = "", note: str = "",
                   region=None) -> ListRelease:
    """Open the next batch (第N批) of a city's open list as a draft (the city: :func:`release_city`; a city office
    opens its own city's, the province's office the city it names). One draft per city at a time, so a city's batch
    numbers follow its publication order."""
    from rollout5g.platform.tenancy import require_region

    authorize_create(actor, ListRelease)
    if notice_end < notice_start:
        raise ValidationError({"notice_end": _("the notice period ends (%(end)s) before it starts (%(start)s)")
                                             % {"end": long_date(notice_end), "start": long_date(notice_start)}})
    city = release_city(actor, region)
    if city is None:
        raise ValidationError({"region": _("Choose the city whose open list the release publishes.")})
    require_region(actor, city)  # a city's office publishes its own city's list
    with transaction.atomic():
        number = next_number(model=ListRelease)  # locks the batch counter: one release_create at a time
        draft = ListRelease.objects.select_for_update().filter(published_at__isnull=True, region=city).first()
        if draft is not None:
            raise ValidationError(_("%(batch)s is still a draft: publish or change it instead of opening another")
                                  % {"batch": draft.label})
        batch = (ListRelease.objects.filter(region=city).aggregate(m=Max("batch"))["m"] or 0) + 1
        release = ListRelease(number=number, region=city, batch=batch, title=title, notice_start=notice_start,
                              notice_end=notice_end, note=note)
        release.full_clean()
        release.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=release, after=snapshot(release))
    return release


def release_update(*, actor, release: ListRelease, **fields) -> ListRelease:
    """Change a draft's title, note or notice period. A published release is immutable."""
    allowed = {"title", "note", "notice_start", "notice_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        release = ListRelease.objects.select_for_update().get(pk=release.pk)
        authorize(actor, CHANGE, release)
        if release.is_published:
            raise ReleaseImmutable(_("%(batch)s was published on %(date)s and cannot change; open the next batch "
                                     "instead") % {"batch": release.label, "date": long_date(release.published_at)})
        before = snapshot(release)
        for name, value in fields.items():
            setattr(release, name, value)
        if release.notice_end < release.notice_start:
            raise ValidationError({"notice_end": _("the notice period ends before it starts")})
        release.full_clean()
        release.save()
        record_changes(actor=actor, obj=release, before=before)
    return release


def release_publish(*, actor, release: ListRelease) -> ListRelease:
    """Publish a draft: freeze a snapshot of every listed (not withdrawn) entry, count the diff against the
    previous release, and make the release public. Cannot be undone or repeated."""
    from rollout5g.platform.tenancy import region_descendants

    from .selectors import diff_snapshots, previous_release, release_snapshots

    with transaction.atomic():
        release = ListRelease.objects.select_for_update().get(pk=release.pk)
        authorize(actor, "publish", release)  # the programme office, once
        resources = PublicResource.objects.filter(withdrawn=False)
        if release.region_id:  # the city's entries (a release of before releases had a city: every entry)
            resources = resources.filter(region_id__in=region_descendants(release.region_id))
        resources = (resources.select_related("owner", "region")
                     .defer(*REGION_HEAVY)
                     .prefetch_related("hosted_operators").order_by("code"))
        entries = [ReleaseEntry(release=release, resource=r, code=r.code, snapshot=resource_snapshot(r))
                   for r in resources.iterator(chunk_size=2000)]
        if not entries:
            raise ValidationError(_("the open list is empty: nothing to publish"))
        previous = previous_release(release)
        ReleaseEntry.objects.bulk_create(entries, batch_size=1000)
        diff = diff_snapshots(release_snapshots(previous), {e.code: e.snapshot for e in entries})
        added, changed, withdrawn = len(diff["added"]), len(diff["changed"]), len(diff["withdrawn"])
        transition(release, "publish", actor=actor,
                   note=f"published {len(entries)} entries: +{added} ~{changed} -{withdrawn}",
                   published_at=timezone.now(), published_by=_person(actor), entry_count=len(entries),
                   added_count=added, changed_count=changed, withdrawn_count=withdrawn)
    return release


# ---------------------------------------------------------------------------------------------------- requests


def _answer_clock(received_on: dt.date, limit: int):
    from rollout5g.workcalendar.services import working_calendar

    return working_calendar().add_working_days(received_on, limit)


def request_clock(request: SiteRequest, today: dt.date | None = None):
    """The answer clock of an open request (``ClockState``: due, days_left, elapsed, state), or None once answered."""
    from rollout5g.platform.clocks import clock_state

    from .reminders import REQUEST_CLOCK

    if not request.is_open:
        return None
    return clock_state(REQUEST_CLOCK, request, today)


def _first_claim(resource: PublicResource, requester: Organization) -> SiteRequest | None:
    """The earliest open or accepted request of another organization for the same resource (the one a new request
    is offered to share with)."""
    return (SiteRequest.objects.filter(resource=resource, shares_with__isnull=True,
                                       status__in=[*map(str, (RequestStatus.SUBMITTED, RequestStatus.CONDITIONS_PROPOSED,
                                                              RequestStatus.ACCEPTED))])
            .exclude(requester=requester).order_by("received_on", "code").first())


def site_request_create(*, actor, resource: PublicResource | None = None, lon: float | None = None,
                        lat: float | None = None, radius_m: float | None = None, band: str = "n78", purpose: str = "",
                        planned_year: int | None = None, on: dt.date | None = None) -> SiteRequest:
    """An operator or the tower company asks for a resource, or for the nearest suitable resource within
    ``radius_m`` of (lon, lat). The requester is the actor's organization. A request for a resource another
    operator already asked for becomes a sharing offer linked to that first request (Jiaxing 二(一)4)."""
    from .selectors import open_candidates, resources_near

    authorize_create(actor, SiteRequest, owner=getattr(actor, "organization_id", None))
    requester = actor.organization
    if requester is None:
        raise ValidationError({"requester": _("a site request is made by a user of an operator or the tower "
                                              "company")})
    on = on or dt.date.today()
    planned_year = planned_year or on.year
    if not 2019 <= int(planned_year) <= 2035:
        raise ValidationError({"planned_year": _("%(year)s is outside 2019-2035") % {"year": planned_year}})
    distance = None
    if resource is None:
        if lon is None or lat is None or not radius_m:
            raise ValidationError({"resource": _("name a resource, or give a point (longitude, latitude) and a "
                                                 "search radius")})
        if not 0 < float(radius_m) <= 5000:
            raise ValidationError({"radius_m": _("the search radius must be between 1 and 5000 m, got %(value)s")
                                               % {"value": radius_m}})
        near = resources_near(float(lon), float(lat), float(radius_m), queryset=open_candidates())
        if not near:
            raise ValidationError({"radius_m": _("no open resource within %(radius)s m of (%(lon)s, %(lat)s); "
                                                 "widen the radius") % {"radius": f"{float(radius_m):.0f}",
                                                                        "lon": f"{float(lon):.6f}",
                                                                        "lat": f"{float(lat):.6f}"}})
        resource, distance = near[0]
    if resource.withdrawn or resource.availability == Availability.UNAVAILABLE:
        raise ValidationError({"resource": _("%(code)s is not available: %(reason)s") % {
            "code": resource.code, "reason": resource.availability_reason or _("withdrawn from the list")}})
    with transaction.atomic():
        resource = PublicResource.objects.select_for_update().get(pk=resource.pk)
        if SiteRequest.objects.filter(resource=resource, requester=requester,
                                      status__in=[RequestStatus.SUBMITTED, RequestStatus.CONDITIONS_PROPOSED,
                                                  RequestStatus.ACCEPTED]).exists():
            raise ValidationError({"resource": _("%(requester)s already has a request for %(code)s") % {
                "requester": requester.short_name or requester.name, "code": resource.code}})
        first = _first_claim(resource, requester)
        if first is None and resource.availability != Availability.OPEN and resource.capacity_left == 0:
            raise ValidationError({"resource": _("%(code)s is %(state)s: %(reason)s") % {
                "code": resource.code, "state": resource.get_availability_display(),
                "reason": resource.availability_reason}})
        if resource.smart_pole and requester not in resource.hosted_operators.all() and resource.capacity_left == 0:
            raise ValidationError({"resource": _("smart pole %(code)s already carries %(n)s operators (its "
                                                 "capacity)") % {"code": resource.code,
                                                                 "n": resource.smart_pole_capacity}})
        limit = answer_days()
        due = _answer_clock(on, limit)
        request = SiteRequest(
            code=_next_code(SiteRequest, f"SR-{on.year}-", 4), requester=requester, requested_by=actor,
            resource=resource, owner=resource.owner, near_lon=lon if distance is not None else None,
            near_lat=lat if distance is not None else None, radius_m=radius_m if distance is not None else None,
            matched_distance_m=distance, band=band, purpose=purpose, planned_year=int(planned_year),
            received_on=on, answer_limit_days=limit, due_on=due.date, due_provisional=due.provisional,
            shares_with=first)
        request.full_clean()
        request.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=request, after=snapshot(request),
                     note=_("sharing offer with %(code)s") % {"code": first.code} if first else "")
        from rollout5g.notifications.services import notify

        notify(message=gettext_lazy("Site request %(code)s for %(resource)s %(name)s"),
               params={"code": request.code, "resource": resource.code, "name": resource.name},
               body_message=gettext_lazy("%(requester)s asks for %(name)s (%(address)s). Answer by %(due)s; it is "
                                         "offered to share with %(first)s.") if first else
               gettext_lazy("%(requester)s asks for %(name)s (%(address)s). Answer by %(due)s."),
               body_params={"requester": requester.name, "name": resource.name, "address": resource.address,
                            "due": due.date, "first": first.code if first else ""},
               url=reverse("resources:request_detail", args=[request.code]), key=f"resources.request:{request.code}",
               organizations=[resource.owner], roles=[Role.RESOURCE_OWNER])
    return request


def _clean_charges(charges) -> list[RequestCharge]:
    """Validate the charge rows of an owner's conditions: each a dict with kind, amount_cny, basis.
    Anything but the actual power cost is refused with the rule it breaks."""
    out, errors = [], []
    for i, row in enumerate(charges or (), start=1):
        kind = (row.get("kind") or "").strip()
        if not kind and not row.get("amount_cny"):
            continue
        if kind not in FeeKind.values:
            errors.append(_("Charge %(n)s: unknown fee kind %(kind)s.") % {"n": i, "kind": kind})
            continue
        if kind != FeeKind.POWER:
            errors.append(_("Charge %(n)s: %(fee)s may not be charged — %(rule)s.")
                          % {"n": i, "fee": FeeKind(kind).label, "rule": FEE_RULE})
            continue
        raw = row.get("amount_cny")
        try:
            amount = Decimal(str(raw)) if raw not in (None, "") else None
        except InvalidOperation:
            errors.append(_("Charge %(n)s: the amount %(value)s is not a number.") % {"n": i, "value": raw})
            continue
        if amount is not None and amount < 0:
            errors.append(_("Charge %(n)s: the amount must not be negative.") % {"n": i})
            continue
        out.append(RequestCharge(kind=kind, amount_cny=amount, basis=(row.get("basis") or "")[:200]))
    if errors:
        raise ValidationError({"charges": errors})
    return out


def _save_charges(request: SiteRequest, charges: list[RequestCharge]) -> None:
    request.charges.all().delete()
    for charge in charges:
        charge.request = request
        charge.full_clean()
        charge.save()


_PLANNED_SITE_TYPE = {
    ResourceKind.GOV_ROOFTOP: "rooftop", ResourceKind.SCHOOL: "rooftop", ResourceKind.HOSPITAL: "rooftop",
    ResourceKind.VENUE: "rooftop", ResourceKind.TRANSPORT_HUB: "rooftop", ResourceKind.PARK: "street_pole",
    ResourceKind.DUCT: "small_cell",
}


def _grant(*, actor, request: SiteRequest, on: dt.date):
    """Reserve the resource for the requester and create (or join) the planned site; returns the planned site.
    Called inside the transaction of an acceptance, once the step is authorized."""
    from rollout5g.sites.services import planned_site_create

    resource = PublicResource.objects.select_for_update().get(pk=request.resource_id)
    hosted = set(resource.hosted_operators.values_list("pk", flat=True))
    if resource.smart_pole and request.requester_id not in hosted and len(hosted) >= resource.smart_pole_capacity:
        raise ValidationError({"resource": _("smart pole %(code)s already carries %(n)s operators (its capacity)")
                                           % {"code": resource.code, "n": resource.smart_pole_capacity}})
    before = snapshot(resource)
    resource.hosted_operators.add(request.requester_id)
    hosted.add(request.requester_id)
    codes = sorted(Organization.objects.filter(pk__in=hosted).values_list("short_name", flat=True))
    full = resource.smart_pole and len(hosted) >= resource.smart_pole_capacity
    resource.availability = Availability.OCCUPIED if full else Availability.RESERVED
    resource.availability_reason = _("reserved by site request %(code)s (%(operators)s)") % {
        "code": request.code, "operators": "、".join(c for c in codes if c)}
    resource.save()
    record_changes(actor=actor, obj=resource, before=before, action=AuditAction.TRANSITION,
                   note=_("accepted site request %(code)s") % {"code": request.code})
    base = request.shares_with if request.shares_with_id else None
    if base is not None and base.planned_site_id:
        return base.planned_site
    if request.planned_site_id is None:
        site_type = ("smart_pole" if resource.smart_pole else
                     "street_pole" if resource.kind in POLE_KINDS else _PLANNED_SITE_TYPE.get(resource.kind, "rooftop"))
        # planned_site_create lets only the requesting organization or the office add plan entries; the owner's
        # acceptance is the authority here, so it runs as the system with the owner named in the note.
        return planned_site_create(
            actor=actor if getattr(actor, "is_program_office", False) else SYSTEM,
            organization=request.requester, lon=resource.lon, lat=resource.lat, planned_year=request.planned_year,
            site_type=site_type, name=resource.name[:100], place=(resource.address or resource.name)[:100],
            note=_("open-list request %(code)s accepted by %(person)s") % {"code": request.code,
                                                                            "person": str(actor)})
    return request.planned_site


def _accept(*, actor, request: SiteRequest, step: str, on: dt.date, note: str, **fields) -> None:
    """Take ``step`` (accept, or agree to the conditions; both end accepted) on a request already authorized for it:
    reserve the resource, create or join the planned site, then accept the offers that share the request."""
    planned_site = _grant(actor=actor, request=request, on=on)
    fields.update(answered_on=on, planned_site=planned_site, **_answered_by(actor))
    transition(request, step, actor=actor, note=note, **fields)
    # the sharing offers still waiting on this request are accepted with it: both operators go on the resource.
    # They are part of this step (the requester agreeing to the conditions accepts them too), not a step of their own.
    for offer in SiteRequest.objects.select_for_update().filter(shares_with=request,
                                                                 status=RequestStatus.SUBMITTED):
        before = snapshot(offer)
        offer.planned_site = _grant(actor=actor, request=offer, on=on)
        offer.status, offer.answered_on = RequestStatus.ACCEPTED, on
        offer.answered_by = _person(actor) or offer.answered_by
        offer.save()
        record_changes(actor=actor, obj=offer, before=before, action=AuditAction.TRANSITION,
                       note="accept: " + _("shared with %(code)s") % {"code": request.code})
        _notify_accepted(offer)
    _notify_accepted(request)


def _notify_accepted(request: SiteRequest) -> None:
    from rollout5g.notifications.services import notify

    notify(message=gettext_lazy("Site request %(code)s accepted"), params={"code": request.code},
           body_message=gettext_lazy("%(resource)s is reserved for you; planned site %(site)s."),
           body_params={"resource": str(request.resource),
                         "site": request.planned_site.code if request.planned_site else "—"},
           url=reverse("resources:request_detail", args=[request.code]), key=f"resources.accepted:{request.code}",
           organizations=[request.requester], roles=[Role.OPERATOR])


def _lock(request: SiteRequest) -> SiteRequest:
    return SiteRequest.objects.select_for_update().get(pk=request.pk)


def _answered_by(actor) -> dict:
    person = _person(actor)
    return {"answered_by": person} if person is not None else {}


def site_request_accept(*, actor, request: SiteRequest, conditions: str = "", charges=(),
                        on: dt.date | None = None) -> SiteRequest:
    """The owner accepts (optionally stating conditions and the power cost): the resource is reserved and the
    planned site is created in the registry for the requester."""
    on = on or dt.date.today()
    rows = _clean_charges(charges)
    with transaction.atomic():
        request = _lock(request)
        authorize(actor, "accept", request)
        _save_charges(request, rows)
        _accept(actor=actor, request=request, step="accept", on=on, note=conditions,
                **({"conditions": conditions} if conditions else {}))
    return request


def site_request_propose(*, actor, request: SiteRequest, conditions: str, charges=(),
                         on: dt.date | None = None) -> SiteRequest:
    """The owner proposes conditions (access hours, installation rules, the power cost); the requester agrees
    or withdraws."""
    if not conditions.strip():
        raise ValidationError({"conditions": _("write the conditions you propose")})
    rows = _clean_charges(charges)
    with transaction.atomic():
        request = _lock(request)
        authorize(actor, "propose", request)
        _save_charges(request, rows)
        transition(request, "propose", actor=actor, note=conditions, conditions=conditions,
                   answered_on=on or dt.date.today(), **_answered_by(actor))
        from rollout5g.notifications.services import notify

        notify(message=gettext_lazy("Conditions proposed for site request %(code)s"), params={"code": request.code},
               body=conditions,
               url=reverse("resources:request_detail", args=[request.code]),
               key=f"resources.conditions:{request.code}", organizations=[request.requester], roles=[Role.OPERATOR])
    return request


def site_request_agree(*, actor, request: SiteRequest, on: dt.date | None = None) -> SiteRequest:
    """The requester agrees to the proposed conditions; the request is accepted."""
    with transaction.atomic():
        request = _lock(request)
        authorize(actor, "agree", request)
        _accept(actor=actor, request=request, step="agree", on=on or dt.date.today(),
                note=_("the requester agreed to the conditions"))
    return request


def site_request_decline(*, actor, request: SiteRequest, reason: str, on: dt.date | None = None) -> SiteRequest:
    """The owner declines; a reason is required (it is shown to the requester and kept in the audit)."""
    if not (reason or "").strip():
        raise ValidationError({"decline_reason": _("a decline needs a reason")})
    with transaction.atomic():
        transition(request, "decline", actor=actor, note=reason, decline_reason=reason.strip(),
                   answered_on=on or dt.date.today(), **_answered_by(actor))
        from rollout5g.notifications.services import notify

        notify(message=gettext_lazy("Site request %(code)s declined"), params={"code": request.code}, body=reason,
               url=reverse("resources:request_detail", args=[request.code]), key=f"resources.declined:{request.code}",
               organizations=[request.requester], roles=[Role.OPERATOR])
    return request


def site_request_withdraw(*, actor, request: SiteRequest, reason: str = "") -> SiteRequest:
    """The requester withdraws an open request (e.g. it does not accept the proposed conditions)."""
    return transition(request, "withdraw", actor=actor, note=reason)


# ---------------------------------------------------------------------------------------------------- complaints


def fee_complaint_file(*, actor, fee_kind: str, description: str, request: SiteRequest | None = None,
                       resource: PublicResource | None = None, amount_cny=None,
                       on: dt.date | None = None) -> FeeComplaint:
    """An operator reports that an owner asked for a fee the policy forbids; the programme office is notified."""
    authorize_create(actor, FeeComplaint, owner=getattr(actor, "organization_id", None))
    if request is not None:
        authorize(actor, "complain", request)  # the requesting operator's own request
    if actor.organization_id is None:
        raise ValidationError({"complainant": _("a complaint is filed by a user of an operator or the tower "
                                                "company")})
    resource = resource or (request.resource if request is not None else None)
    if resource is None:
        raise ValidationError({"resource": _("name the request or the resource the fee was asked for")})
    if fee_kind not in FeeKind.values:
        raise ValidationError({"fee_kind": _("unknown fee kind %(kind)s") % {"kind": fee_kind}})
    if not (description or "").strip():
        raise ValidationError({"description": _("describe who asked for the fee, when and how much")})
    try:
        amount = Decimal(str(amount_cny)) if amount_cny not in (None, "") else None
    except InvalidOperation:
        raise ValidationError({"amount_cny": _("%(value)s is not a number") % {"value": amount_cny}}) from None
    on = on or dt.date.today()
    with transaction.atomic():
        complaint = FeeComplaint(code=_next_code(FeeComplaint, f"FC-{on.year}-", 4), complainant=actor.organization,
                                 filed_by=actor, respondent=resource.owner, request=request, resource=resource,
                                 fee_kind=fee_kind, amount_cny=amount, description=description.strip(), filed_on=on)
        complaint.full_clean()
        complaint.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=complaint, after=snapshot(complaint))
        from rollout5g.notifications.services import notify

        notify(message=gettext_lazy("Entry-fee complaint %(code)s against %(owner)s"),
               params={"code": complaint.code, "owner": resource.owner.name},
               body_message=gettext_lazy("%(org)s: %(kind)s %(amount)s for %(resource)s. %(description)s")
               if amount is not None else gettext_lazy("%(org)s: %(kind)s for %(resource)s. %(description)s"),
               body_params={"org": actor.organization.name, "kind": FeeKind(fee_kind).label,
                            "amount": {"$yuan": str(amount)}, "resource": resource.code,
                            "description": description.strip()},
               url=reverse("resources:complaint_detail", args=[complaint.code]), level="warning",
               key=f"resources.complaint:{complaint.code}", users=_office_users())
    return complaint


#: The status a complaint moves to -> the declared step that moves it there (FeeComplaint.access_policy).
COMPLAINT_STEPS = {ComplaintStatus.INVESTIGATING: "investigate", ComplaintStatus.UPHELD: "uphold",
                   ComplaintStatus.DISMISSED: "dismiss"}


def fee_complaint_transition(*, actor, complaint: FeeComplaint, to_status: str, resolution: str = "",
                             on: dt.date | None = None) -> FeeComplaint:
    """The programme office investigates, upholds (the fee must stop) or dismisses a complaint."""
    step = COMPLAINT_STEPS.get(to_status)
    if step is None:
        raise ValidationError({"status": _("unknown status %(value)s") % {"value": to_status}})
    closing = to_status in (ComplaintStatus.UPHELD, ComplaintStatus.DISMISSED)
    with transaction.atomic():
        complaint = FeeComplaint.objects.select_for_update().get(pk=complaint.pk)
        authorize(actor, step, complaint)  # the programme office, from a state the step starts in
        if closing and not resolution.strip():
            raise ValidationError({"resolution": _("say what was decided and why")})
        fields = {"resolution": resolution.strip()} if resolution.strip() else {}
        if closing:
            fields["closed_on"] = on or dt.date.today()
        transition(complaint, step, actor=actor, note=resolution, **fields)
        from rollout5g.notifications.services import notify

        notify(message=gettext_lazy("Entry-fee complaint %(code)s: %(status)s"), body=resolution,
               params={"code": complaint.code, "status": {"$choice": "resources.FeeComplaint.status",
                                                          "value": complaint.status}},
               url=reverse("resources:complaint_detail", args=[complaint.code]),
               key=f"resources.complaint:{complaint.code}:{to_status}",
               organizations=[complaint.complainant, complaint.respondent])
    return complaint

