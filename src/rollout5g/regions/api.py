from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from rollout5g.platform.apischema import FeatureCollection
from rollout5g.platform.routes import PUBLIC_API

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
            summary="Simplified WGS-84 boundaries as a GeoJSON FeatureCollection (public)", openapi_extra=PUBLIC_API)
def regions_geojson(request, level: str = "", parent: str = "", full: bool = False):
    qs = Region.objects.restrict(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    field = "geometry" if full else "display_geometry"
    features = [
        {
            "type": "Feature",
            "properties": {"adcode": r.adcode, "name": r.name, "level": r.level, "parent_adcode": r.parent_id},
            "geometry": getattr(r, field),
        }
        for r in qs.only("adcode", "name", "level", "parent_id", field)
    ]
    return {"type": "FeatureCollection", "crs_note": "WGS-84 (EPSG:4326) longitude/latitude", "features": features}


@router.get("/{adcode}", response=RegionOut, openapi_extra=PUBLIC_API)
def get_region(request, adcode: str):
    return get_object_or_404(Region.objects.restrict(request.user).defer("geometry", "display_geometry"), adcode=adcode)
