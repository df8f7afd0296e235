"""Reads of the cases: clock state of a case, the lists with their clocks, direct-supply counts by county (the
``cases.direct_supply_share`` indicator) and the sites demolished earlier that must be rebuilt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.clocks import (
    AgreedDate,
    ClockSpec,
    ClockState,
    Recipients,
    Reminder,
    clock_state,
    declare,
)
from rollout5g.platform.home import home_adcode
from rollout5g.regions.models import Region
from rollout5g.regions.services import descendants
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site
from rollout5g.workcalendar.services import working_calendar

from .choices import OPEN_STATES, PowerKind, PowerState, RelocationState
from .models import IncidentCase, PowerCase, RelocationCase

#: The clock of a case on a day: ``state`` is running / due_soon / overdue, or stopped (platform.clocks).
CaseClock = ClockState

#: family -> (model, attribute naming the organization whose clock it is)
FAMILIES = {"power": (PowerCase, "handler"), "relocation": (RelocationCase, "operator"),
            "incident": (IncidentCase, "department")}


def _clock_of(case):
    if isinstance(case, RelocationCase) and case.state == RelocationState.REMOVED and case.rebuild_due:
        return AgreedDate(case.rebuild_due, case.warn_days)  # an agreed calendar date: not a count of working days
    return case.clock()


def _office_users():
    from .services import program_office_users

    return program_office_users()


def _case_url(case) -> str:
    from .services import case_url

    return case_url(case)


def _declare(family: str) -> ClockSpec:
    model, owner_attr = FAMILIES[family]
    return declare(ClockSpec(
        f"cases.{family}",
        rows=lambda: model.objects.filter(state__in=OPEN_STATES[family]).select_related(owner_attr),
        clock=_clock_of,
        calendar=working_calendar,
        is_open=lambda case: case.is_open,
        warn=Reminder(_("%(number)s: due %(due)s%(provisional)s, %(days_left)s working day(s) left"),
                      to=lambda case: Recipients(organizations=[getattr(case, owner_attr)])),
        overdue=Reminder(_("%(number)s: overdue since %(due)s%(provisional)s"),
                         to=lambda case: Recipients(organizations=[getattr(case, owner_attr)],
                                                    users=_office_users())),
        params=lambda case, state: {"number": case.number},
        url=_case_url,
        body=lambda case, state: str(case),
        key=lambda case, level, state: f"cases:{family}:{case.pk}:{level}:{state.due.isoformat()}",
    ))


CLOCKS = {family: _declare(family) for family in FAMILIES}


def case_clock(case, today: dt.date | None = None, calendar=None) -> CaseClock:
    """Due date and state of a case's clock (working days; provisional where a year is not loaded)."""
    return clock_state(CLOCKS[case.family], case, today, calendar)


def with_clocks(cases, today: dt.date | None = None, calendar=None) -> list[tuple[object, CaseClock]]:
    calendar = calendar or working_calendar()
    return [(c, case_clock(c, today, calendar)) for c in cases]


#: The columns a case's clock reads (``CaseBase.clock``, ``RelocationCase.clock``, ``_clock_of``, ``is_open``).
CLOCK_FIELDS = {
    "power": ("id", "number", "state", "received_on", "limit_days", "warn_days"),
    "relocation": ("id", "number", "state", "received_on", "limit_days", "warn_days", "removed_on",
                   "rebuild_limit_days", "rebuild_due"),
    "incident": ("id", "number", "state", "received_on", "limit_days", "warn_days"),
}


def overdue_count(cases, family: str, today: dt.date | None = None, calendar=None) -> int:
    """How many of ``cases`` (a queryset of one family, already restricted and filtered) are open and overdue: the
    open ones are read with only the columns of their clock."""
    calendar = calendar or working_calendar()
    open_cases = cases.filter(state__in=OPEN_STATES[family]).select_related(None).only(*CLOCK_FIELDS[family])
    return sum(1 for case in open_cases
               if (clock := case_clock(case, today, calendar)) is not None and clock.state == "overdue")


# -- direct supply -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SupplyCounts:
    region: Region
    direct: int
    transfer: int
    unknown: int
    conversions_done: int
    conversions_open: int

    @property
    def share_direct(self) -> Decimal | None:
        known = self.direct + self.transfer
        return None if known == 0 else (Decimal(self.direct) / Decimal(known)).quantize(Decimal("0.0001"))


def _live_sites():
    return Site.objects.exclude(state=SiteState.RETIRED)


def direct_supply_share(region: Region, as_of: dt.date | None = None) -> Decimal | None:
    """Share of the sites of ``region`` (not retired, power supply known) on direct supply on ``as_of``.

    The registry holds today's supply; for an earlier day, sites converted by a case completed after that day are
    counted as still on transfer supply. None when no site of the region has a known supply.
    """
    today = dt.date.today()
    as_of = as_of or today
    sites = _live_sites().filter(region_id__in=descendants(region))
    direct = sites.filter(power_supply=PowerSupply.DIRECT).count()
    transfer = sites.filter(power_supply=PowerSupply.TRANSFER).count()
    if as_of < today:
        later = PowerCase.objects.filter(kind=PowerKind.CONVERSION, state=PowerState.COMPLETED,
                                         closed_on__gt=as_of, site__in=sites).values("site").distinct().count()
        direct, transfer = direct - later, transfer + later
    known = direct + transfer
    if known == 0:
        return None
    return (Decimal(direct) / Decimal(known)).quantize(Decimal("0.0001"))


def direct_supply_share_indicator(indicator, region, as_of):
    """Observed value of the ``cases.direct_supply_share`` indicator (registered in CasesConfig.ready)."""
    return direct_supply_share(region, as_of)


def supply_by_county(parent_adcode: str | None = None) -> list[SupplyCounts]:
    """Per county of the city (by default the home region): sites on direct / transfer / unknown supply, conversions
    done and open."""
    boundaries = ("geometry", "display_geometry")  # not shown: never read (a city's is megabytes of GeoJSON)
    parent = Region.objects.defer(*boundaries).get(pk=parent_adcode or home_adcode())
    counties = list(parent.children.defer(*boundaries).order_by("adcode"))
    rows = dict.fromkeys((c.adcode for c in counties), None)
    supply = (_live_sites().filter(region__parent=parent).order_by().values("region_id")
              .annotate(direct=Count("id", filter=Q(power_supply=PowerSupply.DIRECT)),
                        transfer=Count("id", filter=Q(power_supply=PowerSupply.TRANSFER)),
                        unknown=Count("id", filter=Q(power_supply=PowerSupply.UNKNOWN))))
    by_region = {r["region_id"]: r for r in supply}
    conv = (PowerCase.objects.filter(kind=PowerKind.CONVERSION, site__region__parent=parent).order_by()
            .values("site__region_id")
            .annotate(done=Count("id", filter=Q(state=PowerState.COMPLETED)),
                      open=Count("id", filter=Q(state__in=[PowerState.APPLIED, PowerState.ACCEPTED,
                                                            PowerState.SURVEYED]))))
    by_conv = {r["site__region_id"]: r for r in conv}
    for county in counties:
        s, c = by_region.get(county.adcode, {}), by_conv.get(county.adcode, {})
        rows[county.adcode] = SupplyCounts(county, s.get("direct", 0), s.get("transfer", 0), s.get("unknown", 0),
                                           c.get("done", 0), c.get("open", 0))
    return list(rows.values())


def rebuild_list(queryset=None):
    """Sites removed (demolished, or retired for a relocation) whose replacement is not on air yet, earliest due
    first."""
    qs = (queryset if queryset is not None else RelocationCase.objects.all()).filter(state=RelocationState.REMOVED)
    rows = with_clocks(qs.select_related("site", "site__region", "operator", "replacement_site"))
    return sorted(rows, key=lambda row: row[1].due)
