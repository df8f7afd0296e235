"""The ``rollout5g coverage`` command (Typer). No Django import at module level.

Register it with::

    from rollout5g.coverage.commands import coverage as coverage_command
    app.command("coverage")(coverage_command)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

REGISTRY_MISSING = "the site registry is not available yet; pass --cells"


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


def coverage(
    area: Annotated[Path, typer.Option("--area", help="AREA.geojson: WGS-84 polygons, each with a 'name'.")],
    out: Annotated[
        Path, typer.Option("--out", help="Output directory for rsrp.tif, sinr.tif, server.tif, summary.json.")
    ],
    cells: Annotated[
        Path | None,
        typer.Option("--cells", help="CELLS.csv; without it the cells come from the site registry."),
    ] = None,
    resolution: Annotated[float, typer.Option("--resolution", help="Pixel size [m].")] = 20.0,
    model: Annotated[str, typer.Option("--model", help="Path-loss model: uma, umi, rma or cost231.")] = "uma",
    los_mode: Annotated[
        str, typer.Option("--los-mode", help="los, nlos or weighted (LOS-probability weighted).")
    ] = "weighted",
    crs: Annotated[str, typer.Option("--crs", help="Projected CRS of the rasters.")] = "EPSG:32651",
    band: Annotated[str | None, typer.Option("--band", help="Only the cells of this band, e.g. n78.")] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Only the cells of this operator.")
    ] = None,
    rsrp_min: Annotated[float, typer.Option("--rsrp-min", help="Coverage threshold on RSRP [dBm].")] = -105.0,
    sinr_min: Annotated[float, typer.Option("--sinr-min", help="Coverage threshold on SINR [dB].")] = -3.0,
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
    """Predict best-server RSRP / SINR over the areas and write GeoTIFFs and a coverage summary."""
    from rollout5g.core.radio.cells import CellsFileError, read_cells_csv
    from rollout5g.core.radio.grid import check_projected, read_areas_geojson
    from rollout5g.core.radio.job import has_gpu, run_coverage, write_outputs
    from rollout5g.core.radio.link import RadioParams

    # validate everything before computing or writing anything
    try:
        params = RadioParams(model=model, los_mode=los_mode, rsrp_min=rsrp_min, sinr_min=sinr_min)
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
        if not has_gpu():
            _fail("--gpu was given but no CUDA GPU is available")
        backend = "gpu"
    elif gpu is False:
        backend = "cpu"
    else:
        backend = "auto"

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    created = not out.exists()
    try:
        with Progress(
            TextColumn("[bold]coverage[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("tiles"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("tiles", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = run_coverage(
                cell_data,
                areas,
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
        summary = write_outputs(result, out)
    except ValueError as exc:
        if created and out.exists() and not any(out.iterdir()):
            shutil.rmtree(out, ignore_errors=True)
        _fail(str(exc))
    typer.echo(
        f"{summary['pixels']} pixels, covered share {summary['covered_share']:.4f}, "
        f"{summary['seconds']:.1f} s ({result.backend}); wrote {out}/rsrp.tif, sinr.tif, server.tif, summary.json"
    )
    for a in summary["areas"]:
        typer.echo(f"  {a['name']}: {a['covered_share']:.4f} of {a['pixels']} pixels")
