from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from rollout5g.accounts.choices import Role
from rollout5g.core.geo import rfc7946
from rollout5g.platform.access import can_add
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import roles
from rollout5g.platform.workflow import authorize_create
from rollout5g.policy.cache import memoize
from rollout5g.regions.boundaries import without_geometry
from rollout5g.regions.downloads import DownloadError, polygon_download

from . import services
from .choices import OverlayLayer, ResultKind, RunScope
from .forms import RunForm
from .models import CoverageAreaResult, CoverageRun
from .overlay import legend
from .selectors import verdict_counts

PAGE_ROLES = (Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR)
DOWNLOADS = {
    "rsrp.tif": "image/tiff", "sinr.tif": "image/tiff", "server.tif": "image/tiff",
    "server.csv": "text/csv", "server.json": "application/json", "gaps.geojson": "application/geo+json",
    "summary.json": "application/json",
}
#: What each download holds, as a person names it (the file name is shown beside it, as code).
DOWNLOAD_LABELS = {
    "rsrp.tif": gettext_lazy("RSRP raster"), "sinr.tif": gettext_lazy("SINR raster"),
    "server.tif": gettext_lazy("Best-serving cell raster"), "server.csv": gettext_lazy("Best-serving cell table"),
    "server.json": gettext_lazy("Best-serving cell table"), "gaps.geojson": gettext_lazy("Gap polygons"),
    "summary.json": gettext_lazy("Summary"),
}


def _may_start(user) -> bool:
    return can_add(user, CoverageRun)  # the programme office and operators (CoverageRun.access_policy)


def _blank_fields(operator_user: bool) -> str:
    """The fields of the empty run form as HTML. Their choices (the districts, every key area) come from the
    database and the widgets render option by option (about half the page's time), so the empty form is rendered
    once per data version, language and day (its "network as of" is today)."""
    key = (get_language(), operator_user, timezone.localdate())
    return memoize("coverage.run_form", key, lambda: render_to_string(
        "coverage/_run_fields.html", {"form": RunForm(operator_user=operator_user)}))


@roles(*PAGE_ROLES)
def index(request):
    is_operator = request.user.role == Role.OPERATOR and not request.user.is_superuser
    form = None
    if _may_start(request.user):
        form = RunForm(request.POST or None, operator_user=is_operator)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                run = services.start_run(
                    request.user, scope=data["scope"], region=data["region"], key_areas=data["key_areas"],
                    resolution_m=data["resolution_m"], model=data["model"], los_mode=data["los_mode"],
                    band=data["band"], own_cells_only=bool(data.get("own_cells_only")), rsrp_min=data["rsrp_min"],
                    sinr_min=data["sinr_min"], as_of=data["as_of"],
                    location_probability=float(data["location_probability"]),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Coverage run started: %(title)s") % {"title": run.title})
                return redirect("coverage:run", pk=run.pk)
    elif request.method == "POST":
        authorize_create(request.user, CoverageRun)  # refuses (403): this role starts no runs
    runs = (CoverageRun.objects.restrict(request.user).select_related("job", "created_by", "organization", "operator")
            .order_by("-pk"))
    page, query = paginate(request, runs)
    return render(request, "coverage/index.html", {
        "page": page, "query": query, "form": form,
        "blank_fields": _blank_fields(is_operator) if form is not None and not form.is_bound else "",
    })


def _visible_run(request, pk) -> CoverageRun:
    # every caller is a route declared @roles(*PAGE_ROLES); restrict() then limits the rows
    return get_object_or_404(CoverageRun.objects.restrict(request.user).select_related("job", "region", "operator")
                             .defer(*without_geometry("region")), pk=pk)


@roles(*PAGE_ROLES, record="coverage.CoverageRun", lookup=("pk", "pk"))
def run_detail(request, pk: int):
    run = _visible_run(request, pk)
    results = list(run.results.select_related("region", "key_area")
                   .defer("gaps", "key_area__geometry", *without_geometry("region")).order_by("kind", "region_id", "name"))
    districts = [r for r in results if r.kind == ResultKind.DISTRICT]
    key_areas = [r for r in results if r.kind == ResultKind.KEY_AREA]
    margin = run.margin_db
    legend_blocks = [(value, label, legend(value, run.rsrp_min, run.sinr_min, run.location_probability, margin))
                     for value, label in OverlayLayer.choices]
    context = {
        "run": run, "job": run.job, "districts": districts, "key_areas": key_areas, "margin_db": margin,
        "counts": verdict_counts([{"verdict": r.verdict} for r in key_areas]),
        "layers": OverlayLayer.choices, "legend_blocks": legend_blocks,
        "downloads": [(n, DOWNLOAD_LABELS[n]) for n in DOWNLOADS if run.succeeded and (run.output_dir / n).exists()],
        "scope_is_key_areas": run.scope == RunScope.KEY_AREAS,
        "map_config": {
            "overlay": run.overlay, "rsrp": run.rsrp_min, "sinr": run.sinr_min,
            "overlayUrl": f"/coverage/runs/{run.pk}/overlay/", "gapsUrl": f"/coverage/runs/{run.pk}/gaps.geojson",
            "succeeded": run.succeeded, "text": {"gaps": pgettext("map layer", "gap polygons")},
        },
    }
    return render(request, "coverage/run_detail.html", context)


@roles(*PAGE_ROLES)
def overlay_png(request, pk: int, layer: str):
    run = _visible_run(request, pk)
    if layer not in OverlayLayer.values or not run.succeeded:
        raise Http404
    path = run.output_dir / f"overlay-{layer}.png"
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@roles(*PAGE_ROLES)
def download(request, pk: int, name: str):
    run = _visible_run(request, pk)
    if name not in DOWNLOADS or not run.succeeded or not (run.output_dir / name).exists():
        raise Http404
    if name == "gaps.geojson":  # the same file as the run wrote it, every polygon wound as RFC 7946 asks
        return gaps_download(request, pk)
    return FileResponse((run.output_dir / name).open("rb"), content_type=DOWNLOADS[name], as_attachment=True,
                        filename=f"coverage-{run.pk}-{name}")


def gaps_feature_collection(run: CoverageRun, area_id: int | None = None) -> dict:
    """Gap polygons of a run's key areas as an RFC 7946 FeatureCollection (WGS-84, counter-clockwise exterior
    rings; one MultiPolygon feature per area). ``run``, ``location_probability`` and ``min_gap_m2`` are foreign
    members (RFC 7946 clause 6.1)."""
    qs = (CoverageAreaResult.objects.filter(run=run, kind=ResultKind.KEY_AREA).select_related("region")
          .defer(*without_geometry("region")))
    if area_id is not None:
        qs = qs.filter(key_area_id=area_id)
    features = [
        {"type": "Feature", "geometry": rfc7946(r.gaps),
         "properties": {"key_area_id": r.key_area_id, "name": r.name, "district": r.region.name if r.region else "",
                        "covered_share": round(r.covered_share, 4), "target": r.target_share, "due_year": r.due_year,
                        "verdict": r.verdict, "gap_polygons": r.gap_count, "gap_m2": round(r.gap_area_m2, 1)}}
        for r in qs.order_by("name") if r.gaps and r.gaps.get("coordinates")
    ]
    return {"type": "FeatureCollection", "features": features, "run": run.pk,
            "location_probability": run.location_probability, "min_gap_m2": _min_gap()}


def _min_gap() -> float:
    from .gaps import MIN_GAP_M2

    return MIN_GAP_M2


@roles(*PAGE_ROLES)
def gaps_download(request, pk: int):
    """``runs/<pk>/gaps/download/?area=&format=geojson|shp&crs=wgs84|gcj02``: the gap polygons as a file (the
    GCJ-02 GeoJSON named as such, the shapefile zip with its .prj)."""
    run = _visible_run(request, pk)
    if not run.succeeded:
        raise Http404
    area = request.GET.get("area")
    data = gaps_feature_collection(run, int(area) if area and area.isdigit() else None)
    try:
        return polygon_download(data["features"], stem=f"coverage-{run.pk}-gaps", fmt=request.GET.get("format", "geojson"),
                                crs=request.GET.get("crs", "wgs84"), run=run.pk,
                                location_probability=run.location_probability, min_gap_m2=data["min_gap_m2"])
    except DownloadError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


@roles(*PAGE_ROLES)
def gaps_geojson(request, pk: int):
    run = _visible_run(request, pk)
    area = request.GET.get("area")
    data = gaps_feature_collection(run, int(area) if area and area.isdigit() else None)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
                            content_type="application/geo+json")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="coverage-{run.pk}-gaps.geojson"'
    return response

