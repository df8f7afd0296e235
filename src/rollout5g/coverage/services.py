"""Coverage runs: start one (a background job), and execute it (the job handler and the demo call the same code).

``execute_run`` is restartable: a worker killed half-way leaves the job ``running`` with a stale heartbeat; the
jobs app queues it again and the next attempt recomputes from the registry, overwrites the run's output
directory file by file (each file is written beside it and moved in whole) and replaces the run's area rows in
one transaction. Nothing a page reads is ever half-written.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rollout5g.accounts.choices import Role
from rollout5g.audit.services import record_event, snapshot
from rollout5g.core.scenario import JIAXING_ADCODE
from rollout5g.organizations.models import Organization
from rollout5g.regions.models import Region
from rollout5g.sites.choices import Band
from rollout5g.sites.models import KeyArea

from .choices import LosMode, PathLossModel, ResultKind, RunScope, Verdict
from .models import CoverageAreaResult, CoverageRun

CITY_ADCODE = JIAXING_ADCODE
MIN_RESOLUTION_M, MAX_RESOLUTION_M = 5.0, 1000.0
JOB_KIND = "coverage.run"

# Fractions of the job's progress bar: the tiles are most of the work; KPIs, gaps and overlays the rest.
TILES_FROM, TILES_TO = 0.05, 0.85


def _may_start(actor) -> bool:
    return actor is not None and (actor.is_superuser or actor.role in (Role.PROGRAM_OFFICE, Role.OPERATOR))


def start_run(actor, *, scope: str = RunScope.CITY, region: Region | None = None, key_areas=(),
              resolution_m: float = 20.0, model: str = PathLossModel.UMA, los_mode: str = LosMode.WEIGHTED,
              band: str = "", own_cells_only: bool = False, operator: Organization | None = None,
              rsrp_min: float = -105.0, sinr_min: float = -3.0, as_of: dt.date | None = None,
              title: str = "") -> CoverageRun:
    """Create a run and queue its job. The programme office runs anything; an operator may run the whole
    network or, with ``own_cells_only``, only its own cells (a run it starts is its own either way)."""
    from rollout5g.jobs.services import job_submit

    if not _may_start(actor):
        raise PermissionDenied(_("Only the programme office and operators start coverage runs."))
    is_operator = not actor.is_superuser and actor.role == Role.OPERATOR
    if own_cells_only:
        if actor.organization is None:
            raise ValidationError({"own_cells_only": _("Your account belongs to no organization.")})
        operator = actor.organization
    elif operator is not None and is_operator and operator.pk != actor.organization_id:
        raise PermissionDenied(_("An operator may restrict a run only to its own cells."))
    errors = {}
    if scope not in RunScope.values:
        errors["scope"] = _("Unknown area %(value)r.") % {"value": scope}
    if scope == RunScope.REGION and region is None:
        errors["region"] = _("Choose the county or district.")
    if scope == RunScope.REGION and region is not None and region.parent_id != CITY_ADCODE:
        errors["region"] = _("%(name)s is not a county or district of the city.") % {"name": region.name}
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
    if errors:
        raise ValidationError(errors)
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        run = CoverageRun(
            title=title or _default_title(scope, region, key_areas, band, operator, resolution_m, as_of),
            created_by=actor if getattr(actor, "pk", None) else None,
            organization=operator if operator is not None else actor.organization,
            scope=scope, region=region if scope == RunScope.REGION else None, resolution_m=float(resolution_m),
            model=model, los_mode=los_mode, band=band, operator=operator, rsrp_min=float(rsrp_min),
            sinr_min=float(sinr_min), as_of=as_of,
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


def _default_title(scope, region, key_areas, band, operator, resolution_m, as_of) -> str:
    if scope == RunScope.REGION and region is not None:
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
    if run.scope == RunScope.CITY:
        districts = list(Region.objects.filter(parent_id=CITY_ADCODE).order_by("adcode"))
    elif run.scope == RunScope.REGION:
        districts = [run.region]
    else:
        districts = []
    for d in districts:
        areas.append({"kind": ResultKind.DISTRICT, "name": d.name, "region": d, "geometry": shape(d.geometry)})
    if run.scope == RunScope.KEY_AREAS:
        key_areas = list(run.key_areas.select_related("region").order_by("pk"))
    else:
        key_areas = list(KeyArea.objects.select_related("region").order_by("pk"))
    for ka in key_areas:
        geom = shape(ka.geometry)
        if run.scope == RunScope.REGION and not geom.intersects(areas[0]["geometry"]):
            continue
        areas.append({"kind": ResultKind.KEY_AREA, "name": ka.name, "key_area": ka, "geometry": geom})
    return areas


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
    """Compute the run: radiating cells on ``run.as_of`` -> rasters, summary, overlays, area rows and gaps.
    ``report(fraction, message)`` receives progress (tiles done). Returns the job's result dict."""
    from rollout5g.core.radio.grid import project_geometry, rasterize_mask
    from rollout5g.core.radio.job import run_coverage, write_outputs
    from rollout5g.core.radio.link import RadioParams, covered

    from .gaps import gap_polygons, to_wgs84_geojson
    from .overlay import write_overlays
    from .registry import radiating_cells

    def say(fraction, message):
        if report is not None:
            report(fraction, message)

    say(0.0, _("Loading the radiating cells"))
    cells = radiating_cells(as_of=run.as_of, band=run.band or None,
                            operator=run.operator.code if run.operator_id else None)
    if len(cells) == 0:
        raise ValueError(_("No cell radiates on %(date)s with these filters.") % {"date": run.as_of})
    areas = run_areas(run)
    if not areas:
        raise ValueError(_("The run has no area."))
    params = RadioParams(model=run.model, los_mode=run.los_mode, rsrp_min=run.rsrp_min, sinr_min=run.sinr_min)
    labels = [f"{i}" for i in range(len(areas))]  # unique names for the engine; mapped back below

    def tiles(done, total):
        if total:
            say(TILES_FROM + (TILES_TO - TILES_FROM) * done / total,
                _("%(done)d of %(total)d tiles") % {"done": done, "total": total})

    say(TILES_FROM, _("Computing %(n)d cells") % {"n": len(cells)})
    result = run_coverage(cells, list(zip(labels, [a["geometry"] for a in areas], strict=True)),
                          resolution=run.resolution_m, params=params, backend="auto", progress=tiles)
    grid = result.grid
    cov = covered(result.rsrp, result.sinr, run.rsrp_min, run.sinr_min)
    say(TILES_TO, _("Coverage per area and gap polygons"))
    rows, summary_areas = [], []
    for area, entry in zip(areas, result.summary["areas"], strict=True):
        kind = area["kind"]
        ka = area.get("key_area")
        n = int(entry["pixels"])
        projected = project_geometry(area["geometry"], grid.crs)
        # the area's own window of the grid: 60-odd full-city masks would cost as much as the engine's tiles
        r0, r1, c0, c1 = _window(grid, projected)
        m = rasterize_mask(grid.window(r0, c0, r1 - r0, c1 - c0), projected)
        cov_w = cov[r0:r1, c0:c1]
        c = int((cov_w & m).sum())
        if int(m.sum()) != n:
            raise RuntimeError(f"{area['name']}: {int(m.sum())} pixels, the engine counted {n}")
        target = ka.coverage_share_target if ka is not None else None
        due = ka.due_year if ka is not None else None
        share = c / n if n else 0.0
        row = CoverageAreaResult(
            run=run, kind=kind, region=area.get("region") or (ka.region if ka is not None else None), key_area=ka,
            name=area["name"], pixels=n, covered_pixels=c, covered_share=share, target_share=target, due_year=due,
            verdict=verdict(share, target, due, run.as_of),
        )
        if ka is not None:
            polys, dropped = gap_polygons(m & ~cov_w, grid.window(r0, c0, r1 - r0, c1 - c0), projected)
            row.gaps = to_wgs84_geojson(polys, grid.crs)
            row.gap_count, row.gap_area_m2, row.dropped_gap_m2 = len(polys), sum(p.area for p in polys), dropped
        rows.append(row)
        summary_areas.append({"name": area["name"], "kind": kind,
                              "id": area["region"].pk if kind == ResultKind.DISTRICT else ka.pk,
                              "covered_share": share, "pixels": n})
    result.summary["areas"] = summary_areas
    out = run.output_dir
    say(0.9, _("Writing the rasters and the map overlays"))
    summary = write_outputs(result, out, extra_summary={
        "run": run.pk, "as_of": run.as_of.isoformat(), "cells": len(cells), "resolution_m": run.resolution_m,
        "model": run.model, "los_mode": run.los_mode, "band": run.band, "crs": grid.crs,
        "operator": run.operator.code if run.operator_id else "", "backend": result.backend,
    })
    overlay = write_overlays(out, grid, result.rsrp, result.sinr, result.mask, run.rsrp_min, run.sinr_min)
    with transaction.atomic():
        before = snapshot(run, exclude=("overlay",))
        CoverageAreaResult.objects.filter(run=run).delete()
        CoverageAreaResult.objects.bulk_create(rows)
        run.succeeded_at = timezone.now()
        run.cell_count, run.pixel_count = len(cells), int(summary["pixels"])
        run.covered_share, run.seconds = float(summary["covered_share"]), float(summary["seconds"])
        run.backend, run.overlay = result.backend, overlay
        run.save()
        record_event(actor=None, action="update", obj=run, before=before, after=snapshot(run, exclude=("overlay",)),
                     note="coverage computed", system_label="system:coverage")
    say(1.0, _("Done"))
    return {"run": run.pk, "cells": len(cells), "pixels": int(summary["pixels"]),
            "covered_share": float(summary["covered_share"]), "seconds": float(summary["seconds"]),
            "backend": result.backend, "areas": len(rows)}


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
    """Run a queued run's job now in this thread (the demo loader), recorded as the job's outcome."""
    from rollout5g.jobs.models import Job, JobStatus
    from rollout5g.jobs.services import run_job

    now = timezone.now()
    claimed = Job.objects.filter(pk=run.job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker="inline", attempts=1)
    if claimed:
        run_job(Job.objects.get(pk=run.job_id))
    run.refresh_from_db()
    return run


def delete_outputs(run: CoverageRun) -> None:
    shutil.rmtree(run.output_dir, ignore_errors=True)


def covered_mask_from_files(run: CoverageRun) -> tuple[np.ndarray, object]:
    """(covered boolean raster, rasterio profile) read back from the run's GeoTIFFs (tests, exports)."""
    import rasterio

    with rasterio.open(run.output_dir / "rsrp.tif") as r, rasterio.open(run.output_dir / "sinr.tif") as s:
        rsrp, sinr, profile = r.read(1), s.read(1), r.profile
    nodata = rsrp == profile["nodata"]
    cov = (rsrp >= run.rsrp_min) & (sinr >= run.sinr_min) & ~nodata
    return cov, profile
