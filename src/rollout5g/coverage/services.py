"""Coverage runs: start one (a background job), and execute it (the job handler and the demo call the same code).

``execute_run`` streams the run through the coverage engine (:func:`rollout5g.core.radio.stream.run_streaming`):
chunks are computed, written into the run's Cloud-Optimised GeoTIFFs and summed into the per-area KPIs as they
arrive, so a run's memory is bounded by the chunks in flight, whatever the area. With the setting
``ROLLOUT5G_DASK_SCHEDULER`` (an address such as ``tcp://10.0.0.5:8786``) the chunks are computed on that Dask
cluster; without it, by the threads of the job's worker process. Either way the job reports the chunks done as its
progress.

``execute_run`` is restartable: a worker killed half-way leaves the job ``running`` with a stale heartbeat; the
jobs app queues it again and the next attempt recomputes from the registry, overwrites the run's output
directory file by file (each file is written beside it and moved in whole) and replaces the run's area rows in
one transaction. Nothing a page reads is ever half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.audit.services import record_event, snapshot
from rollout5g.organizations.models import Organization
from rollout5g.platform.home import home_adcode
from rollout5g.platform.tenancy import region_descendants, require_region
from rollout5g.platform.workflow import authorize_create
from rollout5g.regions.boundaries import without_geometry
from rollout5g.regions.choices import RegionLevel
from rollout5g.regions.models import Region
from rollout5g.regions.services import lineage
from rollout5g.sites.choices import Band
from rollout5g.sites.models import KeyArea

from .choices import LosMode, PathLossModel, ResultKind, RunScope, Verdict
from .models import CoverageAreaResult, CoverageRun

#: The home region's adcode, read when used (rollout5g.platform.home): the city whose districts a run covers.
CITY_ADCODE = lazy(home_adcode, str)()
MIN_RESOLUTION_M, MAX_RESOLUTION_M = 5.0, 1000.0
JOB_KIND = "coverage.run"

# Fractions of the job's progress bar: the chunks are most of the work; the files, gaps and overlays the rest.
TILES_FROM, TILES_TO = 0.05, 0.85
LOCATION_PROBABILITIES = (0.5, 0.9, 0.95)
DEFAULT_LOCATION_PROBABILITY = 0.9


def dask_scheduler() -> str | None:
    """The Dask scheduler that coverage runs and site recommendations go to (``settings.ROLLOUT5G_DASK_SCHEDULER``,
    from the environment variable of that name), or None to compute in the job's own worker."""
    return getattr(settings, "ROLLOUT5G_DASK_SCHEDULER", None) or None


def start_run(actor, *, scope: str = RunScope.CITY, region: Region | None = None, key_areas=(),
              resolution_m: float = 20.0, model: str = PathLossModel.UMA, los_mode: str = LosMode.WEIGHTED,
              band: str = "", own_cells_only: bool = False, operator: Organization | None = None,
              rsrp_min: float = -105.0, sinr_min: float = -3.0, as_of: dt.date | None = None,
              location_probability: float = DEFAULT_LOCATION_PROBABILITY, title: str = "") -> CoverageRun:
    """Create a run and queue its job. The programme office runs anything; an operator may run the whole
    network or, with ``own_cells_only``, only its own cells (a run it starts is its own either way)."""
    from rollout5g.jobs.services import job_submit

    authorize_create(actor, CoverageRun)  # the programme office and operators (CoverageRun.access_policy)
    if own_cells_only:
        if actor.organization is None:
            raise ValidationError({"own_cells_only": _("Your account belongs to no organization.")})
        operator = actor.organization
    elif operator is not None:
        authorize_create(actor, CoverageRun, owner=operator)  # an operator restricts a run to its own cells only
    errors = {}
    if scope not in RunScope.values:
        errors["scope"] = _("Unknown area %(value)r.") % {"value": scope}
    if scope == RunScope.REGION and region is None:
        errors["region"] = _("Choose the county or district.")
    if scope == RunScope.REGION and region is not None and (
            region.level != RegionLevel.COUNTY or region.pk not in region_descendants(home_adcode())):
        errors["region"] = _("%(name)s is not a county or district of the city.") % {"name": region.name}
    city = None
    if scope == RunScope.CITY:
        city = run_city(actor, region)
        if city is None:
            errors["region"] = _("Choose the city.")
    elif scope == RunScope.REGION and region is not None and "region" not in errors:
        require_region(actor, region)  # a county of another city: refused
    key_areas = list(key_areas or ())
    if scope == RunScope.KEY_AREAS and not key_areas:
        errors["key_areas"] = _("Choose at least one key area.")
    if not (MIN_RESOLUTION_M <= float(resolution_m) <= MAX_RESOLUTION_M):
        errors["resolution_m"] = _("The resolution must be between %(lo)g and %(hi)g m.") % {
            "lo": MIN_RESOLUTION_M, "hi": MAX_RESOLUTION_M}
    if model not in PathLossModel.values:
        errors["model"] = _("Unknown path-loss model %(value)r.") % {"value": model}
    if los_mode not in LosMode.values:
        errors["los_mode"] = _("Unknown LOS mode %(value)r.") % {"value": los_mode}
    if band and band not in Band.values:
        errors["band"] = _("Unknown band %(value)r.") % {"value": band}
    if float(location_probability) not in LOCATION_PROBABILITIES:
        errors["location_probability"] = _("The location probability must be one of %(values)s.") % {
            "values": ", ".join(f"{p:.0%}" for p in LOCATION_PROBABILITIES)}
    if errors:
        raise ValidationError(errors)
    if city is not None:
        require_region(actor, city)  # a city office runs its own city; the province's office any of its cities
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        run = CoverageRun(
            title=title or _default_title(scope, region if city is None else city, key_areas, band, operator,
                                          resolution_m, as_of),
            created_by=actor if getattr(actor, "pk", None) else None,
            organization=operator if operator is not None else actor.organization,
            # the run's region: the county of a county run, the city of a whole-city run (who sees it follows it)
            scope=scope, region={RunScope.REGION: region, RunScope.CITY: city}.get(scope),
            resolution_m=float(resolution_m),
            model=model, los_mode=los_mode, band=band, operator=operator, rsrp_min=float(rsrp_min),
            sinr_min=float(sinr_min), as_of=as_of, location_probability=float(location_probability),
            # the programme office's whole-network runs are the city's coverage: every operator may see them
            shared=operator is None and (actor.is_superuser or actor.role == Role.PROGRAM_OFFICE),
        )
        run.full_clean()
        run.save()
        if scope == RunScope.KEY_AREAS:
            run.key_areas.set(key_areas)
        job = job_submit(actor, JOB_KIND, {"run": run.pk}, title=run.title, subject=run,
                         organization=run.organization)
        run.job = job
        run.save(update_fields=["job"])
        record_event(actor=actor, action="create", obj=run,
                     after={**snapshot(run), "key_areas": sorted(a.pk for a in key_areas)})
    return run


def run_city(actor, region: Region | None = None) -> Region | None:
    """The city a whole-city run covers: in a city deployment, the city; in a province deployment, the city
    ``region`` names (the province's office chooses; a city office may name only its own) or else the city of the
    actor's organization. None when there is no city to take (the province's office chose none)."""
    home = Region.objects.filter(pk=home_adcode()).defer(*without_geometry("")).first()
    if home is None or home.level != RegionLevel.PROVINCE:
        return home
    if region is not None and region.level == RegionLevel.CITY and region.parent_id == home.pk:
        return region
    own = getattr(getattr(actor, "organization", None), "region_id", None)
    if own:
        return (Region.objects.filter(pk__in=lineage(own), level=RegionLevel.CITY).defer(*without_geometry(""))
                .first())
    return None


def _default_title(scope, region, key_areas, band, operator, resolution_m, as_of) -> str:
    if scope == RunScope.CITY and region is not None and region.pk != home_adcode():
        where = region.name  # one city of a province deployment
    elif scope == RunScope.REGION and region is not None:
        where = region.name
    elif scope == RunScope.KEY_AREAS:
        where = "、".join(a.name for a in key_areas[:3]) + ("…" if len(key_areas) > 3 else "")
    else:
        where = _("Whole city")
    parts = [where, band or _("all bands")]
    if operator is not None:
        parts.append(operator.short_name or operator.name)
    return f"{' · '.join(parts)} · {resolution_m:g} m · {as_of:%Y-%m-%d}"


def run_areas(run: CoverageRun) -> list[dict]:
    """The areas of a run: ``[{"kind", "name", "region" | "key_area", "geometry" (WGS-84 shapely)}]``.

    City: its districts and every key area. One district: the district and the key areas that touch it. Key
    areas: those chosen. Each area is a row of the summary and of the result table."""
    from shapely.geometry import shape

    areas = []
    if run.scope == RunScope.CITY:  # the run's city (a run of before cities had their runs: the home region)
        districts = list(Region.objects.filter(parent_id=run.region_id or home_adcode()).order_by("adcode"))
    elif run.scope == RunScope.REGION:
        districts = [run.region]
    else:
        districts = []
    for d in districts:
        areas.append({"kind": ResultKind.DISTRICT, "name": d.name, "region": d, "geometry": shape(d.geometry)})
    if run.scope == RunScope.KEY_AREAS:
        key_areas = list(run.key_areas.select_related("region").order_by("pk"))
    elif run.scope == RunScope.CITY and run.region_id and run.region_id != home_adcode():
        # one city of a province deployment: its own key areas
        key_areas = list(KeyArea.objects.filter(region_id__in=region_descendants(run.region_id))
                         .select_related("region").order_by("pk"))
    else:
        key_areas = list(KeyArea.objects.select_related("region").order_by("pk"))
    for ka in key_areas:
        geom = shape(ka.geometry)
        if run.scope == RunScope.REGION and not geom.intersects(areas[0]["geometry"]):
            continue
        areas.append({"kind": ResultKind.KEY_AREA, "name": ka.name, "key_area": ka, "geometry": geom})
    return areas


#: How far beyond a run's areas [degrees, about 20 km] the cells of a province deployment are read (the cells that
#: can serve or interfere inside the areas).
CELL_MARGIN_DEG = 0.2


def _cells_near(areas):
    """In a province deployment, the cells of the sites within :data:`CELL_MARGIN_DEG` of the areas' bounding box
    (a city's run does not read the whole province's registry); None (every cell) in a city deployment."""
    home = Region.objects.filter(pk=home_adcode()).values_list("level", flat=True).first()
    if home != RegionLevel.PROVINCE:
        return None
    from rollout5g.sites.models import Cell

    bounds = np.array([a["geometry"].bounds for a in areas])
    minx, miny = bounds[:, :2].min(axis=0)
    maxx, maxy = bounds[:, 2:].max(axis=0)
    m = CELL_MARGIN_DEG
    return Cell.objects.filter(site__lon__gte=float(minx) - m, site__lon__lte=float(maxx) + m,
                               site__lat__gte=float(miny) - m, site__lat__lte=float(maxy) + m)


def verdict(share: float, target: float | None, due_year: int | None, as_of: dt.date) -> str:
    """Met when the share reaches the target; otherwise "due later" while the due year has not ended at the
    run's network date, else not met."""
    if target is None:
        return Verdict.NO_TARGET
    if share >= target:
        return Verdict.MET
    if due_year is not None and due_year > as_of.year:
        return Verdict.DUE_LATER
    return Verdict.NOT_MET


def execute_run(run: CoverageRun, report=None) -> dict:
    """Compute the run: radiating cells on ``run.as_of`` -> streamed rasters and KPIs, gaps, overlays, area rows.
    ``report(fraction, message)`` receives progress (chunks done). Returns the job's result dict."""
    from rollout5g.core.radio.link import RadioParams
    from rollout5g.core.radio.stream import run_streaming

    from .gaps import MIN_GAP_M2, gap_polygons_from_files, to_wgs84_geojson
    from .overlay import write_overlays_from_files
    from .registry import radiating_cells

    def say(fraction, message):
        if report is not None:
            report(fraction, message)

    say(0.0, _("Loading the radiating cells"))
    areas = run_areas(run)
    if not areas:
        raise ValueError(_("The run has no area."))
    cells = radiating_cells(as_of=run.as_of, band=run.band or None,
                            operator=run.operator.code if run.operator_id else None, queryset=_cells_near(areas))
    if len(cells) == 0:
        raise ValueError(_("No cell radiates on %(date)s with these filters.") % {"date": run.as_of})
    params = RadioParams(model=run.model, los_mode=run.los_mode, rsrp_min=run.rsrp_min, sinr_min=run.sinr_min,
                         location_probability=run.location_probability)
    labels = [f"{i}" for i in range(len(areas))]  # unique names for the engine; mapped back below
    scheduler = dask_scheduler()

    def chunks(done, total):
        if total:
            say(TILES_FROM + (TILES_TO - TILES_FROM) * done / total,
                _("%(done)d of %(total)d chunks") % {"done": done, "total": total})

    say(TILES_FROM, _("Computing %(n)d cells") % {"n": len(cells)})
    out = run.output_dir
    summary = run_streaming(
        cells, list(zip(labels, [a["geometry"] for a in areas], strict=True)), out, resolution=run.resolution_m,
        params=params, backend="dask" if scheduler else "auto", scheduler=scheduler, progress=chunks,
        extra_summary={"run": run.pk, "as_of": run.as_of.isoformat(), "operator": run.operator.code
                       if run.operator_id else "", "band": run.band},
    )
    say(TILES_TO, _("Coverage per area and gap polygons"))
    rows, summary_areas, gap_features = [], [], []
    for area, entry in zip(areas, summary["areas"], strict=True):
        kind = area["kind"]
        ka = area.get("key_area")
        n = int(entry["pixels"])
        share = float(entry["covered_share"])
        c = int(entry["covered_pixels"])
        target = ka.coverage_share_target if ka is not None else None
        due = ka.due_year if ka is not None else None
        row = CoverageAreaResult(
            run=run, kind=kind, region=area.get("region") or (ka.region if ka is not None else None), key_area=ka,
            name=area["name"], pixels=n, covered_pixels=c, covered_share=share, target_share=target, due_year=due,
            verdict=verdict(share, target, due, run.as_of),
        )
        if ka is not None:
            polys, dropped, crs = gap_polygons_from_files(out, area["geometry"], run.rsrp_min, run.sinr_min,
                                                          float(summary["margin_db"]))
            row.gaps = to_wgs84_geojson(polys, crs)
            row.gap_count, row.gap_area_m2, row.dropped_gap_m2 = len(polys), sum(p.area for p in polys), dropped
            if polys:
                gap_features.append({"type": "Feature", "geometry": row.gaps,
                                     "properties": {"key_area_id": ka.pk, "name": ka.name,
                                                    "covered_share": round(share, 4), "gap_m2": round(row.gap_area_m2, 1)}})
        rows.append(row)
        summary_areas.append({"name": area["name"], "kind": kind,
                              "id": area["region"].pk if kind == ResultKind.DISTRICT else ka.pk,
                              "covered_share": share, "covered_share_at": entry["covered_share_at"], "pixels": n,
                              "no_service_share": entry["no_service_share"]})
    summary["areas"] = summary_areas
    summary["cells"] = len(cells)
    say(0.9, _("Writing the map overlays"))
    _write_json(out / "summary.json", summary)
    _write_json(out / "gaps.geojson", {"type": "FeatureCollection", "features": gap_features,
                                       "run": run.pk, "min_gap_m2": MIN_GAP_M2})
    overlay = write_overlays_from_files(out, run.rsrp_min, run.sinr_min, float(summary["margin_db"]))
    with transaction.atomic():
        before = snapshot(run, exclude=("overlay",))
        CoverageAreaResult.objects.filter(run=run).delete()
        CoverageAreaResult.objects.bulk_create(rows)
        run.succeeded_at = timezone.now()
        run.cell_count, run.pixel_count = len(cells), int(summary["pixels"])
        run.covered_share, run.seconds = float(summary["covered_share"]), float(summary["seconds"])
        run.backend, run.overlay = summary["backend"], overlay
        run.save()
        record_event(actor=None, action="update", obj=run, before=before, after=snapshot(run, exclude=("overlay",)),
                     note=gettext_noop("Coverage computed"), system_label="system:coverage")
    say(1.0, _("Done"))
    return {"run": run.pk, "cells": len(cells), "pixels": int(summary["pixels"]),
            "covered_share": float(summary["covered_share"]), "location_probability": run.location_probability,
            "seconds": float(summary["seconds"]), "backend": summary["backend"], "areas": len(rows)}


def _write_json(path, data) -> None:
    """Write a JSON file whole: beside it first, then moved in."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _window(grid, geom) -> tuple[int, int, int, int]:
    """Rows and columns ``(r0, r1, c0, c1)`` of ``grid`` holding every pixel centre inside ``geom``'s bounds."""
    import math

    minx, miny, maxx, maxy = geom.bounds
    c0 = max(0, math.floor((minx - grid.x_left) / grid.res) - 1)
    c1 = min(grid.width, math.ceil((maxx - grid.x_left) / grid.res) + 1)
    r0 = max(0, math.floor((grid.y_top - maxy) / grid.res) - 1)
    r1 = min(grid.height, math.ceil((grid.y_top - miny) / grid.res) + 1)
    return r0, max(r0, r1), c0, max(c0, c1)


def run_inline(run: CoverageRun) -> CoverageRun:
    """Run a queued run's job now in this thread (the demo loader), through the jobs app's own claim and outcome."""
    from rollout5g.jobs.models import Job
    from rollout5g.jobs.services import run_now

    run_now(Job.objects.get(pk=run.job_id))
    run.refresh_from_db()
    return run


def delete_outputs(run: CoverageRun) -> None:
    shutil.rmtree(run.output_dir, ignore_errors=True)


def covered_mask_from_files(run: CoverageRun) -> tuple[np.ndarray, object]:
    """(covered boolean raster, rasterio profile) read back from the run's GeoTIFFs (tests, exports), at the run's
    location probability. Reads the whole raster: for key areas and tests, not for a province."""
    import rasterio

    from rollout5g.core.radio.link import RadioParams

    margin = RadioParams(model=run.model, los_mode=run.los_mode,
                         location_probability=run.location_probability).margin_db
    with rasterio.open(run.output_dir / "rsrp.tif") as r, rasterio.open(run.output_dir / "sinr.tif") as s, \
            rasterio.open(run.output_dir / "server.tif") as v:
        rsrp, sinr, server, profile = r.read(1), s.read(1), v.read(1), r.profile
    cov = (rsrp >= run.rsrp_min + margin) & (sinr >= run.sinr_min + margin) & (server >= 0)
    return cov, profile
