"""Reads of the registry shared by pages, the API, exports and the indicators."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from rollout5g.regions.models import Region
from rollout5g.regions.services import descendants

from .choices import NR_BANDS, SiteState
from .models import Cell


def _radiating_on(as_of: dt.date) -> Q:
    """Cells radiating on ``as_of``: on air by then, on a site not retired by then."""
    return (
        Q(on_air_date__isnull=False, on_air_date__lte=as_of)
        & ~Q(site__state__in=[SiteState.PLANNED, SiteState.APPLIED, SiteState.APPROVED, SiteState.BUILDING])
        & (Q(site__retired_date__isnull=True) | Q(site__retired_date__gt=as_of))
    )


def on_air_base_stations(*, region: Region | None = None, as_of: dt.date, queryset=None) -> int:
    """5G base stations on air on ``as_of``: one gNB per operator per site with at least one NR cell radiating.

    A gNB shared by two operators (China Telecom and China Unicom's co-built n78) is counted once, for the operator
    that built it (the cell's ``operator``), as the MIIT statistics count it.
    """
    cells = (queryset if queryset is not None else Cell.objects.all()).filter(_radiating_on(as_of), band__in=NR_BANDS)
    if region is not None:
        cells = cells.filter(site__region_id__in=descendants(region))
    # order_by() clears the model's default ordering, which would otherwise join the DISTINCT
    return cells.order_by().values("site_id", "operator_id").distinct().count()


def on_air_base_stations_by_region(*, as_of: dt.date, parent: Region) -> dict[str, int]:
    """Base stations on air per child region of ``parent`` (e.g. the seven counties of Jiaxing)."""
    rows = (
        Cell.objects.filter(_radiating_on(as_of), band__in=NR_BANDS, site__region__parent=parent)
        .order_by()
        .values("site__region_id", "site_id", "operator_id")
        .distinct()
    )
    counts: dict[str, int] = {c.adcode: 0 for c in parent.children.all()}
    for row in rows:
        counts[row["site__region_id"]] = counts.get(row["site__region_id"], 0) + 1
    return counts


def on_air_base_stations_indicator(indicator, region, as_of):
    """Observed value of the ``registry.on_air_base_stations`` indicator (registered in SitesConfig.ready)."""
    return on_air_base_stations(region=region, as_of=as_of)
