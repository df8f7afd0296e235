"""Reads of the security of critical facilities: who the security units are (from the organizations and policy
data, never a code), the response and re-assessment clocks, and the situation overview (态势)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.clocks import (
    AgreedDate,
    ClockSpec,
    Recipients,
    Reminder,
    clock_state,
    clock_states,
    declare,
)
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.platform.roles import Role
from rollout5g.policy.models import PolicyDocument, PolicyTask
from rollout5g.regions.models import Region
from rollout5g.regions.services import home_document_regions, lineage
from rollout5g.workcalendar.services import working_calendar

from .choices import (
    ASSESSMENT_WARN_DAYS,
    COMMS_TERM,
    OPEN_EVENT_STATES,
    POLICE_TERM,
    SECURITY_TERMS,
    Criticality,
    EventState,
    FacilityState,
    Severity,
)
from .models import CriticalFacility, SecurityEvent


# -- who ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SecurityUnits:
    """The three security units of the home region's facilities."""

    cyberspace_office: Organization | None
    police: Organization | None
    comms_admin: Organization | None

    @property
    def complete(self) -> bool:
        return None not in (self.cyberspace_office, self.police, self.comms_admin)


def _home_documents():
    keys = home_document_keys()
    if keys:
        return PolicyDocument.objects.filter(key__in=keys)
    return PolicyDocument.objects.filter(region_id__in=home_document_regions())


def security_tasks():
    """The home documents' tasks on the security of critical 5G facilities (they name 关键设施 or 数据安全)."""
    terms = Q()
    for term in SECURITY_TERMS:
        terms |= Q(text__contains=term)
    return PolicyTask.objects.filter(document__in=_home_documents()).filter(terms)


def _units(role: str, term: str = ""):
    units = Organization.objects.filter(is_active=True, task_units__task__in=security_tasks(),
                                        task_units__role=role)
    if term:
        units = units.filter(name__contains=term)
    return list(units.distinct().order_by("code"))


def _core_name(org: Organization) -> str:
    """The name without its region's name and the unit word at its end (厅/局/办): what a provincial unit and its
    city counterpart share (…公安厅 / …公安局)."""
    region_name = Region.objects.filter(pk=org.region_id).values_list("name", flat=True).first() or ""
    return org.name.removeprefix(region_name)[:-1]


def home_unit(units: list[Organization]) -> Organization | None:
    """The home region's counterpart of one of ``units`` (a unit of the same kind whose name, without its region,
    matches), else the nearest one above the home region, else the first of ``units``."""
    if not units:
        return None
    cores = {_core_name(u) for u in units}
    kinds = {u.kind for u in units}
    for adcode in lineage(home_adcode()):
        for org in Organization.objects.filter(region_id=adcode, kind__in=kinds, is_active=True).order_by("code"):
            if org in units or _core_name(org) in cores:
                return org
    return units[0]


def security_units() -> SecurityUnits:
    """The cyberspace office (the lead unit of the security task), the police and the communications administration
    (its supporting units named 公安 / 通信管理), each the home region's counterpart where it has one."""
    supporting = "supporting"
    return SecurityUnits(cyberspace_office=home_unit(_units("lead")),
                         police=home_unit(_units(supporting, POLICE_TERM)),
                         comms_admin=home_unit(_units(supporting, COMMS_TERM)))


def is_security_unit(organization) -> bool:
    units = security_units()
    return organization is not None and organization in (units.cyberspace_office, units.police, units.comms_admin)


# -- dates -------------------------------------------------------------------------------------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- clocks ------------------------------------------------------------------------------------------------------
def _office_users():
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


RESPONSE_CLOCK = declare(ClockSpec(
    "safeguard.event.response",
    rows=lambda: SecurityEvent.objects.filter(state__in=OPEN_EVENT_STATES).select_related(
        "facility__operator", "facility__cyberspace_office", "facility__police", "facility__comms_admin"),
    clock=lambda event: event.clock(),
    calendar=working_calendar,
    is_open=lambda event: event.is_open,
    warn=Reminder(_("%(code)s: security event response due %(due)s%(provisional)s, %(days_left)s working day(s) left"),
                  to=lambda e: Recipients(organizations=e.facility.parties)),
    overdue=Reminder(_("%(code)s: security event response overdue since %(due)s%(provisional)s"),
                     to=lambda e: Recipients(organizations=e.facility.parties, users=_office_users())),
    params=lambda event, state: {"code": event.code},
    url=lambda event: reverse("safeguard:event", kwargs={"code": event.code}),
))

ASSESSMENT_CLOCK = declare(ClockSpec(
    "safeguard.facility.assessment",
    rows=lambda: CriticalFacility.objects.filter(state=FacilityState.ACTIVE).select_related(
        "operator", "cyberspace_office"),
    clock=lambda f: AgreedDate(f.assessment_due, warn_days=ASSESSMENT_WARN_DAYS),
    calendar=working_calendar,
    is_open=lambda f: f.state == FacilityState.ACTIVE,
    warn=Reminder(_("%(code)s: security assessment due %(due)s%(provisional)s, %(days_left)s working day(s) left"),
                  to=lambda f: Recipients(organizations=[f.operator])),
    overdue=Reminder(_("%(code)s: security assessment overdue since %(due)s%(provisional)s"),
                     to=lambda f: Recipients(organizations=[f.operator, f.cyberspace_office], users=_office_users())),
    params=lambda f, state: {"code": f.code},
    url=lambda f: reverse("safeguard:facility", kwargs={"code": f.code}),
))


def response_clock(event: SecurityEvent, today: dt.date | None = None):
    return clock_state(RESPONSE_CLOCK, event, today)


def assessment_clock(facility: CriticalFacility, today: dt.date | None = None):
    return clock_state(ASSESSMENT_CLOCK, facility, today)


# -- the situation overview (态势) -------------------------------------------------------------------------------
@dataclass
class Overview:
    """Counts over the rows the reader may see: events by state, severity and month of detection; the open events
    past their response clock; facilities by criticality and those without a current assessment."""

    by_state: list = field(default_factory=list)  # [(value, label, count)]
    by_severity: list = field(default_factory=list)
    by_month: list = field(default_factory=list)  # [(first day of the month, detected, still open, handled)]
    overdue_events: list = field(default_factory=list)  # [(event, ClockState)]
    facilities: int = 0
    by_criticality: list = field(default_factory=list)
    without_assessment: list = field(default_factory=list)  # [(facility, ClockState)]


def overview(user, today: dt.date | None = None) -> Overview:
    today = today or timezone.localdate()
    events = SecurityEvent.objects.restrict(user).select_related("facility")
    states = Counter(events.values_list("state", flat=True))
    severities = Counter(events.values_list("severity", flat=True))
    months: dict[dt.date, list[int]] = {}
    for detected_on, state in events.values_list("detected_on", "state"):
        row = months.setdefault(detected_on.replace(day=1), [0, 0, 0])
        row[0] += 1
        row[1 if state in OPEN_EVENT_STATES else 2] += 1
    open_events = events.filter(state__in=OPEN_EVENT_STATES).order_by("detected_on", "code")
    overdue = [(e, s) for e, s in clock_states(RESPONSE_CLOCK, open_events, today) if s.state == "overdue"]
    facilities = CriticalFacility.objects.restrict(user).filter(state=FacilityState.ACTIVE).order_by("code")
    levels = Counter(facilities.values_list("criticality", flat=True))
    never = set(facilities.filter(assessments__isnull=True).values_list("pk", flat=True))
    stale = [(f, s) for f, s in clock_states(ASSESSMENT_CLOCK, facilities, today)
             if f.pk in never or s.state == "overdue"]
    return Overview(
        by_state=[(value, label, states.get(value, 0)) for value, label in EventState.choices],
        by_severity=[(value, label, severities.get(value, 0)) for value, label in Severity.choices],
        by_month=[(month, *months[month]) for month in sorted(months)],
        overdue_events=overdue,
        facilities=len(facilities),
        by_criticality=[(value, label, levels.get(value, 0)) for value, label in Criticality.choices],
        without_assessment=stale,
    )
