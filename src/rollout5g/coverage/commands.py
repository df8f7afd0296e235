"""The ``rollout5g coverage`` command (Typer). No Django import at module level, and no heavy import before the
command runs: numpy, numba, shapely, pyproj and rasterio are imported inside the command, in the order the work
needs them (``ROLLOUT5G_COVERAGE_TRACE=<file>`` records the process CPU time when the first chunk starts, for the
start-up benchmark).

Register it with::

    from rollout5g.coverage.commands import coverage as coverage_command
    app.command("coverage")(coverage_command)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated

import typer

REGISTRY_MISSING = "the site registry is not available yet; pass --cells"
TRACE_ENV = "ROLLOUT5G_COVERAGE_TRACE"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _load_registry_cells(data_dir: Path | None, band: str | None, operator: str | None):
    try:
        from rollout5g.coverage.registry import cells_from_registry
    except ImportError:
        _fail(REGISTRY_MISSING)
    from rollout5g.core.radio.cells import Cells, cells_from_records

    cells = cells_from_registry(data_dir=data_dir)
    return cells if isinstance(cells, Cells) else cells_from_records(cells)


def _tracer():
    """``(mark, write)``: ``mark(name)`` notes the process CPU time; ``write()`` saves the marks (when the
    trace variable is set) with the modules loaded at the first chunk."""
    import json
    import sys
    import time

    path = os.environ.get(TRACE_ENV)
    marks: dict = {}

    def mark(name: str) -> None:
        if path and name not in marks:
            marks[name] = time.process_time()
            if name == "first_chunk_cpu_seconds":
                marks["modules_at_first_chunk"] = sorted(
                    m for m in ("numpy", "numba", "shapely", "pyproj", "rasterio", "dask", "distributed", "django",
                                "scipy", "PIL") if m in sys.modules
                )

    def write() -> None:
        if path:
            Path(path).write_text(json.dumps(marks), encoding="utf-8")

    return mark, write


def coverage(
    area: Annotated[Path, typer.Option("--area", help="AREA.geojson: WGS-84 polygons, each with a 'name'.")],
    out: Annotated[
        Path,
        typer.Option("--out", help="Output directory: rsrp.tif, sinr.tif, server.tif (COGs), server.csv/json, "
                                   "summary.json."),
    ],
    cells: Annotated[
        Path | None,
        typer.Option("--cells", help="CELLS.csv; without it the cells come from the site registry."),
    ] = None,
    resolution: Annotated[float, typer.Option("--resolution", help="Pixel size [m].")] = 20.0,
    model: Annotated[str, typer.Option("--model", help="Path-loss model: uma, umi, rma or cost231.")] = "uma",
    los_mode: Annotated[
        str, typer.Option("--los-mode", help="los, nlos or weighted (LOS-probability-weighted power).")
    ] = "weighted",
    crs: Annotated[str, typer.Option("--crs", help="Projected CRS of the rasters.")] = "EPSG:32651",
    band: Annotated[str | None, typer.Option("--band", help="Only the cells of this band, e.g. n78.")] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Only the cells of this operator.")
    ] = None,
    rsrp_min: Annotated[float, typer.Option("--rsrp-min", help="Coverage threshold on RSRP [dBm].")] = -105.0,
    sinr_min: Annotated[float, typer.Option("--sinr-min", help="Coverage threshold on SINR [dB].")] = -3.0,
    location_probability: Annotated[
        float,
        typer.Option("--location-probability",
                     help="Location probability of the coverage criterion, 0.5-0.999 (0.5: the median, no "
                          "shadow-fading margin; 0.9, 0.95: with the margin of TR 38.901's σ)."),
    ] = 0.5,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a Dask LocalCluster of N workers.")
    ] = None,
    gpu: Annotated[
        bool | None,
        typer.Option("--gpu/--no-gpu", help="Force or forbid the GPU kernel (default: use one if present)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory of the site registry."),
    ] = None,
) -> None:
    """Predict best-server RSRP / SINR over the areas and write Cloud-Optimised GeoTIFFs and a coverage summary."""
    mark, write_trace = _tracer()
    from rollout5g.core.radio.cells import CellsFileError, read_cells_csv
    from rollout5g.core.radio.grid import check_projected, read_areas_geojson
    from rollout5g.core.radio.link import RadioParams

    # validate everything before computing or writing anything
    try:
        params = RadioParams(model=model, los_mode=los_mode, rsrp_min=rsrp_min, sinr_min=sinr_min,
                             location_probability=location_probability)
        check_projected(crs)
    except ValueError as exc:
        _fail(str(exc))
    if not resolution > 0:
        _fail(f"--resolution must be > 0 m, got {resolution:g}")
    if workers is not None and workers < 1:
        _fail(f"--workers must be >= 1, got {workers}")
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a directory")
    if cells is None:
        cell_data = _load_registry_cells(data_dir, band, operator)
    else:
        try:
            cell_data = read_cells_csv(cells)
        except CellsFileError as exc:
            _fail(str(exc))
    try:
        areas = read_areas_geojson(area)
    except ValueError as exc:
        _fail(str(exc))

    if scheduler or workers:
        backend = "dask"
    elif gpu is True:
        from rollout5g.core.radio.job import has_gpu

        if not has_gpu():
            _fail("--gpu was given but no CUDA GPU is available")
        backend = "gpu"
    elif gpu is False:
        backend = "cpu"
    else:
        backend = "auto"

    from rollout5g.core.radio.stream import run_streaming

    created = not out.exists()
    state = {"bar": None, "task": None}

    def progress(done: int, total: int) -> None:
        if done == 0:
            mark("first_chunk_cpu_seconds")
        if state["bar"] is None and total > 4:
            # the progress bar comes up once the first chunk is under way
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            state["bar"] = Progress(TextColumn("[bold]coverage[/bold]"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("chunks"), TimeElapsedColumn(), console=Console(stderr=True),
                                    transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task("chunks", total=total)
        if state["bar"] is not None:
            state["bar"].update(state["task"], completed=done, total=total)

    try:
        summary = run_streaming(
            cell_data,
            areas,
            out,
            resolution=resolution,
            crs=crs,
            params=params,
            band=band,
            operator=operator,
            backend=backend,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
        )
    except ValueError as exc:
        if created and out.exists() and not any(out.iterdir()):
            shutil.rmtree(out, ignore_errors=True)
        _fail(str(exc))
    finally:
        if state["bar"] is not None:
            state["bar"].stop()
        mark("end_cpu_seconds")
        write_trace()
    p = summary["location_probability"]
    typer.echo(
        f"{summary['pixels']} pixels, covered share {summary['covered_share']:.4f} at {p:.0%} location probability, "
        f"{summary['seconds']:.1f} s ({summary['backend']}); wrote {out}/rsrp.tif, sinr.tif, server.tif, "
        "server.csv, server.json, summary.json"
    )
    for a in summary["areas"]:
        typer.echo(f"  {a['name']}: {a['covered_share']:.4f} of {a['pixels']} pixels")
