from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from rollout5g.platform.formats import crs_label
from rollout5g.platform.home import home_adcode
from rollout5g.platform.routes import public

from .boundaries import without_geometry
from .downloads import DownloadError, polygon_download
from .models import Region


@public
def region_map(request):
    """Browse regions on a map, over the configured base map (the boundaries alone without one)."""
    regions = (Region.objects.restrict(request.user).filter(level__in=["province", "city"])
               .defer(*without_geometry("")).order_by("adcode"))
    focus = request.GET.get("focus") or home_adcode()
    return render(request, "regions/region_map.html", {"regions": regions, "focus": focus})


@public
def region_detail(request, adcode):
    region = get_object_or_404(Region.objects.restrict(request.user).select_related("parent")
                               .defer(*without_geometry("", "parent")), adcode=adcode)
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "source_crs": crs_label(region.source_crs), "children": region.children.defer(*without_geometry("")).order_by("adcode"),
         "organizations": region.organizations.order_by("kind", "code")},
    )


@public
def region_download(request):
    """``/regions/download/?level=county&parent=330400&format=geojson|shp&crs=wgs84|gcj02``: full-resolution
    boundaries as a file (RFC 7946 GeoJSON, the GCJ-02 variant named as such, or a shapefile zip with its .prj)."""
    qs = Region.objects.restrict(request.user).order_by("adcode")
    level, parent = request.GET.get("level", ""), request.GET.get("parent", "")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    features = [{"type": "Feature", "geometry": r.geometry,
                 "properties": {"adcode": r.adcode, "name": r.name, "level": r.get_level_display(),
                                "parent": r.parent_id or "", "area_km2": round(r.area_km2, 3)}}
                for r in qs.only("adcode", "name", "level", "parent_id", "area_km2", "geometry")]
    stem = "regions" + (f"-{level}" if level.isalnum() else "") + (f"-{parent}" if parent.isdigit() else "")
    try:
        return polygon_download(features, stem=stem, fmt=request.GET.get("format", "geojson"),
                                crs=request.GET.get("crs", "wgs84"))
    except DownloadError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
