"""Business actions of carrying a provincial task down to the cities. Each is keyword-only and atomic, validates its
input (a ``ValidationError`` naming the field, nothing written) and records its audit row in its transaction; the
steps are the declared actions of :class:`~rollout5g.cascade.models.CityTask` (accept, report, close, return, link).

- a provincial lead unit of the task (or the province's programme office) assigns it to cities
  (:func:`assign_task`): one sub-task per city with the city's counterpart units, read from the organizations data
  (:func:`counterparts`), a deadline and a target of its own; a retried assignment creates nothing twice;
- the city's lead unit (or the city's programme office) accepts it, the lead or a supporting unit reports on it;
- a provincial unit of the task closes a reported sub-task or returns it with a reason (a city's own office may
  not close its city's sub-task: :func:`is_provincial`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.services import record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import is_system
from rollout5g.platform.workflow import ActionRefused, authorize, authorize_create, transition
from rollout5g.policy.models import PolicyTask
from rollout5g.regions.models import Region

from .models import CityTask, CityTaskReport


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _user(actor):
    return None if is_system(actor) or not getattr(actor, "pk", None) else actor


# -- who is who ---------------------------------------------------------------------------------------------------
#: The city unit that acts where a provincial unit has no counterpart in the table (a vertical line such as the
#: communications administration, a collective term such as 各市相关单位): the city's programme office (its 经信局).
PROGRAMME_OFFICE_KEY = "dei"


def _city_directory(city: Region):
    """The city's units as the province's table generates them (:func:`rollout5g.policy.directory.city_units`), or
    None for a city the table does not hold."""
    from rollout5g.policy.directory import city_units

    counties = dict(city.children.values_list("adcode", "name"))
    try:
        return city_units(city.pk, city.name, counties)
    except KeyError:
        return None


def _organizations(codes) -> dict[str, Organization]:
    return {o.code: o for o in Organization.objects.filter(code__in=[c for c in codes if c], is_active=True)}


def counterparts(task: PolicyTask, city: Region) -> tuple[Organization, list[Organization]]:
    """The lead unit and the supporting units of ``city`` for the provincial ``task``: the counterparts (from the
    province's table of city units, ``policy/data/city_units.yaml``) of the task's lead units — the first found
    leads, the others support — and of its supporting units. A collective term or a unit without a counterpart falls
    to the city's programme office. Raises LookupError when the city's units are not in the organizations data."""
    from rollout5g.policy.directory import counterpart

    directory = _city_directory(city)
    if directory is None:
        raise LookupError(f"{city.name} is not in the province's table of city units")
    task_units = list(task.units.select_related("organization").order_by("role", "sort_order"))
    codes = {u.pk: counterpart(u.organization.code, directory) if u.organization_id else None for u in task_units}
    office_code = directory.by_key.get(PROGRAMME_OFFICE_KEY)
    found = _organizations([*codes.values(), office_code])
    office = found.get(office_code)
    leads, supporting = [], []
    for unit in task_units:
        org = found.get(codes[unit.pk]) or (office if unit.role == "lead" else None)
        if org is not None:
            (leads if unit.role == "lead" else supporting).append(org)
    if not leads and office is not None:
        leads = [office]
    if not leads:
        raise LookupError(f"{city.name} has no units in the organizations data")
    lead = leads[0]
    return lead, [u for u in dict.fromkeys([*leads[1:], *supporting]) if u.pk != lead.pk]


def is_provincial(user) -> bool:
    """A provincial unit's user (its organization's region is a province), a process or a superuser."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return True
    organization = getattr(user, "organization", None)
    return bool(organization and organization.region_id and organization.region.level == "province")


def may_assign(user, task: PolicyTask) -> bool:
    """The province's programme office, or a user of one of the task's provincial lead units."""
    if not task.document.region.level == "province" or user is None or not getattr(user, "is_authenticated", True):
        return False
    if is_system(user) or user.is_superuser:
        return True
    if not is_provincial(user):
        return False
    if user.role == "program_office":
        return True
    return task.units.filter(role="lead", organization_id=user.organization_id).exists()


def cities_of(task: PolicyTask):
    """The cities a provincial task can be carried down to: the cities of the document's province."""
    return Region.objects.filter(parent_id=task.document.region_id, level="city").defer(
        "geometry", "display_geometry").order_by("adcode")


# -- input ----------------------------------------------------------------------------------------------------------
def _date(value, field: str) -> dt.date:
    if value in (None, ""):
        raise _error(field, _("required"))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _number(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _error(field, _("%(value)s is not a number") % {"value": value}) from None
    if not number.is_finite():
        raise _error(field, _("%(value)s is not a number") % {"value": value})
    return number


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    if limit and len(text) > limit:
        raise _error(field, _("at most %(limit)d characters") % {"limit": limit})
    return text


def _url(city_task: CityTask) -> str:
    return reverse("cascade:city_task", args=[city_task.pk])


# -- actions --------------------------------------------------------------------------------------------------------
def assign_task(*, actor, task: PolicyTask, cities, deadline, target_value=None, target_text: str = "",
                note: str = "") -> list[CityTask]:
    """Carry the provincial ``task`` down to ``cities`` (Regions or adcodes): one sub-task per city with the city's
    counterpart units, ``deadline`` and target. Cities that already have the task are left as they are (a retried
    request creates nothing twice). Returns the sub-tasks created."""
    authorize_create(actor, CityTask)
    if not may_assign(actor, task):
        raise ActionRefused(_("Only the province's programme office or a lead unit of task %(number)s may carry it "
                              "down to the cities.") % {"number": task.number})
    deadline = _date(deadline, "deadline")
    value = _number(target_value, "target_value")
    target_text = _text(target_text, "target_text", required=False, limit=300)
    note = _text(note, "note", required=False)
    allowed = {r.pk: r for r in cities_of(task)}
    wanted = [getattr(c, "pk", c) for c in cities]
    if not wanted:
        raise _error("cities", _("Choose at least one city."))
    unknown = [str(c) for c in wanted if c not in allowed]
    if unknown:
        raise _error("cities", _("Not a city of this province: %(codes)s") % {"codes": "、".join(unknown)})
    created = []
    with transaction.atomic():
        existing = set(CityTask.objects.filter(task=task, region_id__in=wanted).values_list("region_id", flat=True))
        for adcode in dict.fromkeys(wanted):
            if adcode in existing:
                continue
            city = allowed[adcode]
            try:
                lead, supporting = counterparts(task, city)
            except LookupError:
                raise _error("cities", _("%(city)s has no units in the organizations data yet.")
                             % {"city": city.name}) from None
            try:
                with transaction.atomic():
                    city_task = CityTask.objects.create(
                        task=task, region=city, organization=lead, deadline=deadline, target_value=value,
                        target_text=target_text, note=note, assigned_by=_user(actor))
            except IntegrityError:
                continue  # a concurrent retry created it
            city_task.supporting.set(supporting)
            record_event(actor=actor, action="create", obj=city_task,
                         after={**snapshot(city_task), "supporting": [str(u) for u in supporting]},
                         note=_("assigned to %(city)s") % {"city": city.name})
            notify(message=gettext_noop("Provincial task %(number)s assigned to %(city)s: due %(deadline)s"),
                   params={"number": task.number, "city": city.name, "deadline": deadline},
                   body=note, url=_url(city_task), organizations=[lead, *supporting],
                   key=f"cascade:{city_task.pk}:assigned")
            created.append(city_task)
    return created


def accept_city_task(*, actor, city_task: CityTask, note: str = "") -> CityTask:
    """The city signs for its sub-task (签收)."""
    note = _text(note, "note", required=False)
    with transaction.atomic():
        transition(city_task, "accept", actor=actor, note=note, accepted_at=timezone.now())
    return city_task


def report_city_task(*, actor, city_task: CityTask, text: str, value=None) -> CityTaskReport:
    """The city reports what it did (and the figure reached, where the sub-task has a target)."""
    text = _text(text, "text")
    number = _number(value, "value")
    with transaction.atomic():
        authorize(actor, "report", city_task)
        organization = getattr(actor, "organization", None) or city_task.organization
        report = CityTaskReport.objects.create(city_task=city_task, organization=organization, text=text,
                                               value=number, submitted_by=_user(actor))
        record_event(actor=actor, action="create", obj=report, after=snapshot(report))
        transition(city_task, "report", actor=actor, note=text[:200], reported_at=timezone.now())
        provincial = list(Organization.objects.filter(task_units__task=city_task.task,
                                                      task_units__role="lead").distinct())
        notify(message=gettext_noop("%(city)s reported on provincial task %(number)s"),
               params={"city": city_task.region.name, "number": city_task.task.number},
               url=_url(city_task), organizations=provincial, key=f"cascade:report:{report.pk}")
    return report


def _provincial_step(*, actor, city_task: CityTask, step: str, note: str) -> CityTask:
    if not is_provincial(actor):
        raise ActionRefused(_("Only a provincial unit of the task may close or return a city's sub-task."))
    with transaction.atomic():
        fields = {"closed_at": timezone.now()} if step == "close" else {}
        transition(city_task, step, actor=actor, note=note, **fields)
        message = (gettext_noop("Provincial task %(number)s closed for %(city)s") if step == "close"
                   else gettext_noop("Provincial task %(number)s returned to %(city)s"))
        notify(message=message, params={"number": city_task.task.number, "city": city_task.region.name},
               body=note, url=_url(city_task), organizations=[city_task.organization],
               key=f"cascade:{city_task.pk}:{step}:{timezone.now().isoformat()}")
    return city_task


def close_city_task(*, actor, city_task: CityTask, note: str = "") -> CityTask:
    """A provincial unit of the task closes a reported sub-task (办结)."""
    return _provincial_step(actor=actor, city_task=city_task, step="close",
                            note=_text(note, "note", required=False))


def return_city_task(*, actor, city_task: CityTask, note: str) -> CityTask:
    """A provincial unit of the task returns a reported sub-task for more work, with the reason (退回)."""
    return _provincial_step(actor=actor, city_task=city_task, step="return", note=_text(note, "note"))


def link_local_task(*, actor, city_task: CityTask, local_task: PolicyTask) -> CityTask:
    """Link one of the city's own policy tasks as implementing the provincial task (a Jiaxing opinion that carries
    out a provincial task stays Jiaxing's task)."""
    if local_task.document.region_id != city_task.region_id:
        raise _error("local_task", _("Task %(number)s is not a task of %(city)s's own documents.")
                     % {"number": local_task.number, "city": city_task.region.name})
    with transaction.atomic():
        authorize(actor, "link", city_task)
        if city_task.local_tasks.filter(pk=local_task.pk).exists():
            return city_task
        before = sorted(f"{t.document.key}#{t.number}" for t in city_task.local_tasks.select_related("document"))
        city_task.local_tasks.add(local_task)
        record_event(actor=actor, action="update", obj=city_task, before={"local_tasks": before},
                     after={"local_tasks": sorted([*before, f"{local_task.document.key}#{local_task.number}"])},
                     note="link")
    return city_task
