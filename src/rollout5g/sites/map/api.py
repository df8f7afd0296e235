"""GET /api/sites/map: the registry map's data, clustered on the server (never every site at once)."""

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from rollout5g.platform.apischema import Feature, FeatureCollection
from rollout5g.platform.routes import PUBLIC_API

from ..filters import FilterError, filter_sites_full, parse_bbox
from ..models import Cell, Site
from .features import MAX_ZOOM, MIN_ZOOM, map_features

router = Router(tags=["sites"])


class MapQuery(Schema):
    bbox: str = Field("", description="min_lon,min_lat,max_lon,max_lat (WGS-84); all sites if empty")
    zoom: int = Field(10, ge=MIN_ZOOM, le=MAX_ZOOM, description="Web Mercator zoom level of the map")
    region: str = ""
    operator: str = ""
    band: str = ""
    state: str = ""
    site_type: str = ""
    q: str = ""


class MapOut(FeatureCollection):
    """Clusters or sites in the box (GeoJSON Points), with the organizations they name."""

    mode: str
    total: int
    zoom: int
    grid_deg: float | None
    organizations: dict[str, str]
    features: list[Feature]


@router.get(
    "/map",
    response=MapOut,
    summary="Sites in a box for the registry map: individual sites when few, else database-side grid clusters",
    description="Returns `{mode: clusters|sites, total, features}` with GeoJSON Point features. Uses the filters "
    "of the site list and the same permissions: an operator sees only the sites it owns or shares; anonymous "
    "callers see only public sites (none). A malformed bbox or filter value is answered with 422.",
    openapi_extra=PUBLIC_API,
)
def site_map_data(request, filters: Query[MapQuery]):
    params = filters.dict()
    zoom, bbox_text = params.pop("zoom"), params.pop("bbox").strip()
    try:
        bbox = parse_bbox(bbox_text) if bbox_text else None
        # the box is applied by map_features (same bounds as the list's bbox filter, with an index choice)
        sites = filter_sites_full(Site.objects.restrict(request.user), params)
    except FilterError as exc:
        raise HttpError(422, str(exc)) from exc
    result = map_features(sites, cells=Cell.objects.restrict(request.user), zoom=zoom, bbox=bbox)
    # UTF-8 rather than \u escapes: site and organization names are Chinese
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
