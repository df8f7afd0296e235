"""Reads of the cases: clock state of a case, the lists with their clocks, direct-supply counts by county (the
``cases.direct_supply_share`` indicator) and the sites demolished earlier that must be rebuilt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from rollout5g.core.workdays import DueDate
from rollout5g.regions.models import Region
from rollout5g.regions.services import descendants
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site
from rollout5g.workcalendar.services import working_calendar

from .choices import PowerKind, PowerState, RelocationState
from .models import PowerCase, RelocationCase


@dataclass(frozen=True)
class CaseClock:
    """The clock of a case on a day: ``state`` is running / paused / due_soon / overdue, or stopped."""

    state: str
    due: dt.date
    provisional: bool
    unknown_years: tuple[int, ...]
    days_left: int | None


def case_clock(case, today: dt.date | None = None, calendar=None) -> CaseClock:
    """Due date and state of a case's clock (working days; provisional where a year is not loaded)."""
    today = today or dt.date.today()
    calendar = calendar or working_calendar()
    if isinstance(case, RelocationCase) and case.state == RelocationState.REMOVED and case.rebuild_due:
        due = DueDate(case.rebuild_due)  # an agreed calendar date: not a count of working days
    else:
        due = case.clock().due(calendar)
    if not case.is_open:
        return CaseClock("stopped", due.date, due.provisional, due.unknown_years, None)
    left = calendar.remaining(due, today)
    if today > due.date:
        state = "overdue"
    elif left.days <= case.warn_days:
        state = "due_soon"
    else:
        state = "running"
    return CaseClock(state, due.date, left.provisional, left.unknown_years, left.days)


def with_clocks(cases, today: dt.date | None = None) -> list[tuple[object, CaseClock]]:
    calendar = working_calendar()
    return [(c, case_clock(c, today, calendar)) for c in cases]


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


def supply_by_county(parent_adcode: str = "330400") -> list[SupplyCounts]:
    """Per county of the city: sites on direct / transfer / unknown supply, conversions done and open."""
    parent = Region.objects.get(pk=parent_adcode)
    counties = list(parent.children.order_by("adcode"))
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
