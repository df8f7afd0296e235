"""Site and cell filters shared by the list pages, the API, the map and the exports, so all of them agree."""

from __future__ import annotations

from django.db.models import Q

from rollout5g.regions.models import Region
from rollout5g.regions.services import descendants

from .choices import Band, SiteState, SiteType

SITE_FILTER_KEYS = ("region", "operator", "band", "state", "site_type", "q", "bbox")
CELL_FILTER_KEYS = ("region", "operator", "band", "state", "site_type", "q", "bbox", "site")


class FilterError(ValueError):
    pass


def _get(params, key) -> str:
    value = params.get(key) if params is not None else None
    return (value or "").strip()


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` (WGS-84) -> floats; FilterError naming the problem otherwise."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise FilterError(f"bbox: '{text}' is not four numbers min_lon,min_lat,max_lon,max_lat") from exc
    if len(values) != 4:
        raise FilterError(f"bbox: '{text}' is not four numbers min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise FilterError(f"bbox: '{text}' is not a valid WGS-84 box")
    return min_lon, min_lat, max_lon, max_lat


def _choice(params, key, choices) -> str:
    value = _get(params, key)
    if value and value not in choices.values:
        raise FilterError(f"{key}: '{value}' is not one of {', '.join(choices.values)}")
    return value


def filter_sites(queryset, params, *, prefix: str = ""):
    """Filter a Site queryset (or, with ``prefix="site__"``, a Cell queryset by its site's fields)."""
    p = prefix
    if region := _get(params, "region"):
        r = Region.objects.filter(pk=region).first()
        if r is None:
            raise FilterError(f"region: '{region}' is not a known adcode")
        queryset = queryset.filter(**{f"{p}region_id__in": descendants(r)})
    if state := _choice(params, "state", SiteState):
        queryset = queryset.filter(**{f"{p}state": state})
    if site_type := _choice(params, "site_type", SiteType):
        queryset = queryset.filter(**{f"{p}site_type": site_type})
    if bbox := _get(params, "bbox"):
        min_lon, min_lat, max_lon, max_lat = parse_bbox(bbox)
        queryset = queryset.filter(**{f"{p}lon__gte": min_lon, f"{p}lon__lte": max_lon, f"{p}lat__gte": min_lat,
                                      f"{p}lat__lte": max_lat})
    return queryset


def filter_sites_full(queryset, params):
    """Site filters including the ones that look at the site's cells (operator, band) and free text."""
    queryset = filter_sites(queryset, params)
    operator, band = _get(params, "operator"), _choice(params, "band", Band)
    if operator or band:
        from .models import Cell  # a subquery on cells, not a join: no duplicate rows, no DISTINCT

        cells = Cell.objects.all()
        if operator:
            cells = cells.filter(Q(operator__code=operator) | Q(shared_operators__code=operator))
        if band:
            cells = cells.filter(band=band)
        site_q = Q(pk__in=cells.values("site_id"))
        if operator and not band:
            # a site the operator owns or shares counts even before it has cells
            site_q |= Q(pk__in=queryset.model.objects.filter(Q(operators__code=operator) | Q(owner__code=operator))
                        .values("pk"))
        queryset = queryset.filter(site_q)
    if q := _get(params, "q"):
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(address__icontains=q))
    return queryset


def filter_cells(queryset, params):
    queryset = filter_sites(queryset, params, prefix="site__")
    if operator := _get(params, "operator"):
        queryset = queryset.filter(operator__code=operator)
    if band := _choice(params, "band", Band):
        queryset = queryset.filter(band=band)
    if site := _get(params, "site"):
        queryset = queryset.filter(site__code=site)
    if q := _get(params, "q"):
        queryset = queryset.filter(Q(cell_id__icontains=q) | Q(name__icontains=q) | Q(site__name__icontains=q))
    return queryset
