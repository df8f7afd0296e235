import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from rollout5g.platform.apischema import FeatureCollection, geojson_response
from rollout5g.platform.routes import PUBLIC_API

from .boundaries import boundary_features
from .models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    adcode: str
    name: str
    level: str
    parent: str | None = Field(None, alias="parent_id")
    source_crs: str
    bbox: list[float] = Field(..., min_length=4, max_length=4, description="min lon, min lat, max lon, max lat [°]")
    centroid: list[float] = Field(..., min_length=2, max_length=2, description="lon, lat [°]")
    area_km2: float

    @staticmethod
    def resolve_centroid(obj):
        return (obj.centroid_lon, obj.centroid_lat)


@router.get("/", response=list[RegionOut], summary="Regions (public), filterable by level and parent", openapi_extra=PUBLIC_API)
def list_regions(request, level: str = "", parent: str = ""):
    qs = Region.objects.restrict(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.defer("geometry", "display_geometry")


@router.get("/geojson", response=FeatureCollection,
            summary="WGS-84 boundaries as a GeoJSON FeatureCollection (public), simplified for a map zoom",
            description="`zoom` (5-11): boundaries simplified to about one screen pixel at that zoom (cached); "
                        "without it, or above 11, the map copy (about 50 m); `full=true`: the full-resolution "
                        "boundary. Polygons are wound as RFC 7946 asks (exterior rings counterclockwise).",
            openapi_extra={**PUBLIC_API, **geojson_response()})
def regions_geojson(request, level: str = "", parent: str = "", adcode: str = "", full: bool = False,
                    zoom: int | None = None):
    qs = Region.objects.restrict(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if adcode:
        qs = qs.filter(adcode=adcode)
    features = boundary_features(qs, full=full, zoom=zoom)
    body = json.dumps({"type": "FeatureCollection", "crs_note": "WGS-84 (EPSG:4326) longitude/latitude",
                       "features": features}, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@router.get("/{adcode}", response=RegionOut, openapi_extra=PUBLIC_API)
def get_region(request, adcode: str):
    return get_object_or_404(Region.objects.restrict(request.user).defer("geometry", "display_geometry"), adcode=adcode)
