"""Business actions of the smart-pole programme. Each is keyword-only and atomic, validates its input (a
``ValidationError`` naming the field, nothing written) and records its audit row in its transaction; who may take
which step is declared on the models and checked by :mod:`rollout5g.platform.workflow`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event, snapshot
from rollout5g.organizations.models import Organization
from rollout5g.platform.codes import next_code
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.policy.models import PolicyTask
from rollout5g.regions.models import Region
from rollout5g.resources.choices import POLE_KINDS
from rollout5g.resources.models import PublicResource

from .choices import DocumentKind, PoleKind
from .models import FutureCommunity, MergedPole, PoleConsolidation, RetrofitBatch, StandardDocument


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _today() -> dt.date:
    return timezone.localdate()


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    if limit and len(text) > limit:
        raise _error(field, _("at most %(n)s characters") % {"n": limit})
    return text


def _count(value, field: str, *, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _error(field, _("%(value)s is not a whole number") % {"value": value}) from None
    if number < minimum:
        raise _error(field, _("at least %(n)s") % {"n": minimum})
    return number


def _owner(actor, organization) -> Organization:
    org = organization or getattr(actor, "organization", None)
    if org is None:
        raise _error("organization", _("name the responsible unit"))
    return org


def _region(region, field: str = "region") -> Region:
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(pk=str(region or "").strip()).first()
    if found is None:
        raise _error(field, _("no county %(value)s") % {"value": region})
    return found


# -- consolidations ----------------------------------------------------------------------------------------------
def _pole(item) -> dict:
    """A merged pole from an open-list resource, its code, or ``{kind, description, owner_name}``/free text."""
    if isinstance(item, PublicResource):
        resource = item
    elif isinstance(item, dict):
        kind = item.get("kind") or PoleKind.OTHER
        if kind not in PoleKind.values:
            raise _error("poles", _("%(value)s is not a kind of pole") % {"value": kind})
        return {"resource": None, "kind": kind, "description": _text(item.get("description"), "poles", limit=200),
                "owner_name": _text(item.get("owner_name"), "poles", required=False, limit=150)}
    else:
        text = _text(str(item), "poles", limit=200)
        resource = PublicResource.objects.filter(code=text).first()
        if resource is None:
            return {"resource": None, "kind": PoleKind.OTHER, "description": text, "owner_name": ""}
    if resource.kind not in POLE_KINDS:
        raise _error("poles", _("%(code)s on the open list is not a pole") % {"code": resource.code})
    return {"resource": resource, "kind": resource.kind, "description": resource.name,
            "owner_name": str(resource.owner)}


def consolidation_create(*, actor, smart_pole_name: str = "", region=None, place: str = "", poles=(),
                         smart_pole: PublicResource | None = None, organization: Organization | None = None,
                         batch: RetrofitBatch | None = None, community: FutureCommunity | None = None,
                         note: str = "", is_synthetic: bool = False) -> PoleConsolidation:
    """Plan a consolidation: the existing ``poles`` (open-list resources or codes where they are on the list, else
    described) merged into one smart pole (an open-list smart pole, or named)."""
    org = _owner(actor, organization)
    authorize_create(actor, PoleConsolidation, owner=org)
    if smart_pole is not None and not smart_pole.smart_pole:
        raise _error("smart_pole", _("%(code)s on the open list is not a smart pole") % {"code": smart_pole.code})
    name = _text(smart_pole_name or (smart_pole.name if smart_pole else ""), "smart_pole_name", limit=150)
    region = _region(region or (smart_pole.region_id if smart_pole else ""))
    place = _text(place or ((smart_pole.address or smart_pole.name) if smart_pole else ""), "place", limit=200)
    rows = [_pole(p) for p in poles]
    if len(rows) < 2:
        raise _error("poles", _("name at least two existing poles merged into the smart pole"))
    codes = [r["resource"].pk for r in rows if r["resource"] is not None]
    if len(codes) != len(set(codes)):
        raise _error("poles", _("a pole is named twice"))
    with transaction.atomic():
        row = PoleConsolidation(
            code=next_code(model=PoleConsolidation, prefix=f"HG-{_today().year}-", width=4), smart_pole=smart_pole,
            smart_pole_name=name, region=region, place=place, organization=org, batch=batch, community=community,
            note=_text(note, "note", required=False), is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        for item in rows:
            MergedPole.objects.create(consolidation=row, **item)
        record_event(actor=actor, action=AuditAction.CREATE, obj=row,
                     after={**snapshot(row), "poles": [r["description"] for r in rows]})
    return row


def consolidation_complete(*, actor, consolidation: PoleConsolidation, on=None, note: str = "") -> PoleConsolidation:
    """The responsible unit records the poles merged on a day (not in the future)."""
    authorize(actor, "complete", consolidation)
    on = _date(on or _today(), "on")
    if on > _today():
        raise _error("on", _("cannot be in the future"))
    return transition(consolidation, "complete", actor=actor, note=note, done_on=on)


def consolidation_cancel(*, actor, consolidation: PoleConsolidation, reason: str) -> PoleConsolidation:
    authorize(actor, "cancel", consolidation)
    return transition(consolidation, "cancel", actor=actor, note=_text(reason, "reason", limit=200))


# -- retrofit batches --------------------------------------------------------------------------------------------
def batch_create(*, actor, year, title: str, planned_count, organization: Organization, region=None,
                 note: str = "", is_synthetic: bool = False) -> RetrofitBatch:
    """The programme office sets a year's batch of existing poles to retrofit, and who is responsible."""
    authorize_create(actor, RetrofitBatch)
    year = _count(year, "year", minimum=2000)
    if organization is None:
        raise _error("organization", _("name the responsible unit"))
    with transaction.atomic():
        row = RetrofitBatch(code=next_code(model=RetrofitBatch, prefix=f"PC-{year}-", width=3), year=year,
                            title=_text(title, "title", limit=150), organization=organization,
                            planned_count=_count(planned_count, "planned_count", minimum=1),
                            region=_region(region) if region else None, note=_text(note, "note", required=False),
                            is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


def batch_report(*, actor, batch: RetrofitBatch, done_count, on=None, note: str = "") -> RetrofitBatch:
    """The responsible unit reports how many poles of the batch are retrofitted (a running total, not more than
    planned)."""
    authorize(actor, "report", batch)
    done = _count(done_count, "done_count")
    if done > batch.planned_count:
        raise _error("done_count", _("more than the %(n)s planned") % {"n": batch.planned_count})
    on = _date(on or _today(), "on")
    return transition(batch, "report", actor=actor, note=note, done_count=done, reported_on=on)


# -- standards ---------------------------------------------------------------------------------------------------
def standard_create(*, actor, kind: str, title: str, publisher: str, published_on, number: str = "",
                    task: PolicyTask | None = None, link: str = "", note: str = "",
                    is_synthetic: bool = False) -> StandardDocument:
    """Enter a published design guide, local standard or specification with the policy task it fulfils."""
    org = _owner(actor, None)
    authorize_create(actor, StandardDocument, owner=org)
    if kind not in DocumentKind.values:
        raise _error("kind", _("%(value)s is not a kind of document") % {"value": kind})
    published_on = _date(published_on, "published_on")
    if published_on > _today():
        raise _error("published_on", _("cannot be in the future"))
    with transaction.atomic():
        row = StandardDocument(
            code=next_code(model=StandardDocument, prefix="BZ-", width=4), kind=kind,
            title=_text(title, "title", limit=200), number=_text(number, "number", required=False, limit=80),
            publisher=_text(publisher, "publisher", limit=150), published_on=published_on, task=task,
            link=_text(link, "link", required=False, limit=200), note=_text(note, "note", required=False),
            organization=org, is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


# -- future communities ------------------------------------------------------------------------------------------
def community_create(*, actor, name: str, region, planned_smart_poles, planned_removed_poles=0, plan: str = "",
                     organization: Organization | None = None, is_synthetic: bool = False) -> FutureCommunity:
    """A 未来社区 project with its pole plan."""
    org = _owner(actor, organization)
    authorize_create(actor, FutureCommunity, owner=org)
    with transaction.atomic():
        row = FutureCommunity(
            code=next_code(model=FutureCommunity, prefix="WL-", width=4), name=_text(name, "name", limit=150),
            region=_region(region), organization=org,
            planned_smart_poles=_count(planned_smart_poles, "planned_smart_poles"),
            planned_removed_poles=_count(planned_removed_poles, "planned_removed_poles"),
            plan=_text(plan, "plan", required=False), is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


def community_plan(*, actor, community: FutureCommunity, planned_smart_poles, planned_removed_poles,
                   plan: str = "", note: str = "") -> FutureCommunity:
    """Change the pole plan of a project still being planned or built."""
    authorize(actor, "plan", community)
    return transition(community, "plan", actor=actor, note=note,
                      planned_smart_poles=_count(planned_smart_poles, "planned_smart_poles"),
                      planned_removed_poles=_count(planned_removed_poles, "planned_removed_poles"),
                      plan=_text(plan, "plan", required=False))


def community_step(*, actor, community: FutureCommunity, step: str, note: str = "") -> FutureCommunity:
    """Start building or complete the project."""
    if step not in ("start", "complete"):
        raise _error("step", _("no such step"))
    return transition(community, step, actor=actor, note=note)


