"""Reads of the registry shared by pages, the API, exports and the indicators."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from rollout5g.regions.models import Region
from rollout5g.regions.services import descendants

from .choices import NR_BANDS, SiteState
from .models import Cell


def radiating_on(as_of: dt.date) -> Q:
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
    cells = (queryset if queryset is not None else Cell.objects.all()).filter(radiating_on(as_of), band__in=NR_BANDS)
    if region is not None:
        cells = cells.filter(site__region_id__in=descendants(region))
    # order_by() clears the model's default ordering, which would otherwise join the DISTINCT
    return cells.order_by().values("site_id", "operator_id").distinct().count()


def on_air_base_stations_by_region(*, as_of: dt.date, parent: Region) -> dict[str, int]:
    """Base stations on air per child region of ``parent`` (e.g. the seven counties of Jiaxing).

    Counted in the database (a site lies in one region, so the distinct (site, operator) pairs of a region are the
    sum over its operators of their distinct sites): a few dozen rows come back, not one row per gNB.
    """
    rows = (
        Cell.objects.filter(radiating_on(as_of), band__in=NR_BANDS, site__region__parent=parent)
        .order_by()
        .values("site__region_id", "operator_id")
        .annotate(n=Count("site_id", distinct=True))
        .values_list("site__region_id", "n")
    )
    counts: dict[str, int] = dict.fromkeys(
        Region.objects.filter(parent=parent).order_by("adcode").values_list("adcode", flat=True), 0)
    for adcode, n in rows:
        counts[adcode] = counts.get(adcode, 0) + n
    return counts


def on_air_base_stations_indicator(indicator, region, as_of):
    """Observed value of the ``registry.on_air_base_stations`` indicator (registered in SitesConfig.ready)."""
    return on_air_base_stations(region=region, as_of=as_of)


SENSITIVE_CATEGORIES = ("school", "hospital")
_UTM51N = None


def _to_metres(lon, lat):
    global _UTM51N
    if _UTM51N is None:
        import pyproj

        _UTM51N = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    return _UTM51N.transform(lon, lat)


def emf_for_site(site, cells, *, fraction: float = 0.2) -> dict:
    """EMF compliance of a site's cells (GB 8702-2014 public limit; one project is assessed against ``fraction`` of
    it, 1/5 per HJ/T 10.3-1996), and the sensitive key areas (schools, hospitals) within the largest compliance
    distance. Cells without a total power cannot be assessed and are listed as such."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    from rollout5g.core.radio.emf import Antenna, assessment_limit, compliance_boundary, compliance_distance

    from .models import KeyArea

    rows, radius = [], 0.0
    for cell in cells:
        if not cell.total_power_w:
            rows.append({"cell": cell, "assessable": False})
            continue
        limit = assessment_limit(cell.freq_mhz, fraction)
        main_beam = compliance_distance(cell.total_power_w, cell.gain_dbi, limit)
        antenna = Antenna(x=0.0, y=0.0, height_m=cell.height_m, azimuth_deg=cell.azimuth_deg, tilt_deg=cell.tilt_deg,
                          gain_dbi=cell.gain_dbi, total_power_w=cell.total_power_w, freq_mhz=cell.freq_mhz,
                          hpbw_h_deg=cell.hpbw_h_deg, hpbw_v_deg=cell.hpbw_v_deg)
        _, _, horizontal, below = compliance_boundary(antenna, fraction)
        below_max = float(np.max(below))
        rows.append({
            "cell": cell, "assessable": True, "limit_w_m2": limit, "main_beam_m": main_beam,
            "below_max_m": below_max, "horizontal_max_m": float(np.max(horizontal)),
            # the zone reaches people on the ground if it extends below the antenna to 2 m above ground
            "reaches_ground": below_max >= cell.height_m - 2.0,
        })
        radius = max(radius, main_beam)
    sensitive = []
    if radius:
        sx, sy = _to_metres(site.lon, site.lat)
        point = shapely.Point(sx, sy)
        degrees = radius / 90000.0 + 0.01  # a prefilter box comfortably larger than the radius at 30°N
        candidates = KeyArea.objects.filter(category__in=SENSITIVE_CATEGORIES)
        for area in candidates:
            geom = shape(area.geometry)
            min_lon, min_lat, max_lon, max_lat = geom.bounds
            if max_lon < site.lon - degrees or min_lon > site.lon + degrees or max_lat < site.lat - degrees \
                    or min_lat > site.lat + degrees:
                continue
            projected = shapely.transform(geom, lambda xy: np.column_stack(_to_metres(xy[:, 0], xy[:, 1])))
            distance = projected.distance(point)
            if distance <= radius:
                sensitive.append({"area": area, "distance_m": distance})
    return {"fraction": fraction, "cells": rows, "radius_m": radius,
            "sensitive": sorted(sensitive, key=lambda s: s["distance_m"])}
