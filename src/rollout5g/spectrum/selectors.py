"""Reads of the interference complaints: who radio management is (from the organizations and policy data, never a
code), the investigation clock and the statistics per band and month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, clock_state, declare
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.platform.roles import Role
from rollout5g.policy.models import PolicyDocument, PolicyTask
from rollout5g.regions.models import Region
from rollout5g.regions.services import home_document_regions, lineage
from rollout5g.workcalendar.services import working_calendar

from .choices import DEPARTMENT_KIND, OPEN_STATES, SPECTRUM_TERMS, ComplaintState
from .models import InterferenceComplaint


# -- who ---------------------------------------------------------------------------------------------------------
def _home_documents():
    keys = home_document_keys()
    if keys:
        return PolicyDocument.objects.filter(key__in=keys)
    return PolicyDocument.objects.filter(region_id__in=home_document_regions())


def _stem(org: Organization) -> str:
    """The name of a unit without its region's name and its last character (厅/局/委): the same for a provincial
    department and its city counterpart (…经济和信息化厅 / …经济和信息化局)."""
    region = Region.objects.filter(pk=org.region_id).values_list("name", flat=True).first() or ""
    name = org.name[len(region):] if region and org.name.startswith(region) else org.name
    return name[:-1]


def spectrum_leads():
    """The government departments leading the home documents' tasks that name spectrum or radio management."""
    terms = Q()
    for term in SPECTRUM_TERMS:
        terms |= Q(text__contains=term) | Q(title__contains=term)
    tasks = PolicyTask.objects.filter(document__in=_home_documents()).filter(terms)
    return (Organization.objects.filter(kind=DEPARTMENT_KIND, is_active=True, task_units__task__in=tasks,
                                        task_units__role="lead").distinct().order_by("code"))


def radio_management() -> Organization | None:
    """The unit hosting radio management for the home region: the counterpart in the home region (same name stem) of
    a lead unit of the spectrum task, else the nearest such unit above it, else the lead unit itself."""
    leads = list(spectrum_leads())
    if not leads:
        return None
    stems = {_stem(org) for org in leads}
    for adcode in lineage(home_adcode()):
        for org in Organization.objects.filter(kind=DEPARTMENT_KIND, region_id=adcode, is_active=True).order_by("code"):
            if org in leads or _stem(org) in stems:
                return org
    return leads[0]


# -- the investigation clock -------------------------------------------------------------------------------------
def _office_users():
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


INVESTIGATION_CLOCK = declare(ClockSpec(
    "spectrum.complaint.investigation",
    rows=lambda: InterferenceComplaint.objects.filter(state__in=OPEN_STATES).select_related("investigator"),
    clock=lambda complaint: complaint.clock(),
    calendar=working_calendar,
    is_open=lambda complaint: complaint.is_open,
    warn=Reminder(_("%(code)s: interference complaint due %(due)s%(provisional)s, %(days_left)s working day(s) left"),
                  to=lambda c: Recipients(organizations=[c.investigator], roles=[Role.DEPARTMENT])),
    overdue=Reminder(_("%(code)s: interference complaint overdue since %(due)s%(provisional)s"),
                     to=lambda c: Recipients(organizations=[c.investigator], users=_office_users())),
    params=lambda complaint, state: {"code": complaint.code},
    url=lambda complaint: reverse("spectrum:complaint", kwargs={"code": complaint.code}),
))


def investigation_clock(complaint: InterferenceComplaint, today: dt.date | None = None):
    return clock_state(INVESTIGATION_CLOCK, complaint, today)


def working_days_to_resolve(complaint: InterferenceComplaint) -> int | None:
    """Working days from the report (not counted) to the resolution (counted); None while unresolved."""
    if complaint.resolved_on is None:
        return None
    return working_calendar().working_days_between(complaint.reported_on, complaint.resolved_on).days


# -- statistics --------------------------------------------------------------------------------------------------
@dataclass
class BandMonth:
    """Complaints of one band reported in one month: received, resolved (or closed), still open, resolved within the
    limit, the mean working days to resolve and the sources found by kind."""

    band: str
    month: str
    received: int = 0
    resolved: int = 0
    open: int = 0
    within_limit: int = 0
    sources: dict = field(default_factory=dict)
    _days: list = field(default_factory=list, repr=False)

    @property
    def mean_days(self) -> Decimal | None:
        if not self._days:
            return None
        return (Decimal(sum(self._days)) / len(self._days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def statistics(complaints) -> list[BandMonth]:
    """Statistics of ``complaints`` (already restricted to what the reader may see) per band and month of report."""
    rows: dict[tuple[str, str], BandMonth] = {}
    for c in complaints.order_by("band", "reported_on"):
        key = (c.band, c.reported_on.strftime("%Y-%m"))
        row = rows.setdefault(key, BandMonth(*key))
        row.received += 1
        if c.state in (ComplaintState.RESOLVED, ComplaintState.CLOSED):
            row.resolved += 1
            days = working_days_to_resolve(c)
            if days is not None:
                row._days.append(days)
                row.within_limit += days <= c.limit_days
        else:
            row.open += 1
        if c.source_kind:
            label = c.get_source_kind_display()
            row.sources[label] = row.sources.get(label, 0) + 1
    return [rows[k] for k in sorted(rows)]
