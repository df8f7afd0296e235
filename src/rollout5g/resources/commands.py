"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py).

``rollout5g recommend --area NAME --sites N [--band n78] [--exact] [--operator X]``: the site recommendation of
:mod:`rollout5g.resources.recommend`, run in this process (no job queue), printed as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def recommend_command(
    area: Annotated[str, typer.Option("--area", help="Key area or county name (as listed on the key areas page).")],
    sites: Annotated[int | None, typer.Option("--sites", help="Number of new sites (budget).")] = None,
    target_share: Annotated[
        float | None, typer.Option("--target-share", help="Instead of --sites: covered share to reach, 0-1.")
    ] = None,
    band: Annotated[str, typer.Option("--band", help="Band of the new sites and of the existing coverage.")] = "n78",
    exact: Annotated[bool, typer.Option("--exact", help="Also solve exactly (HiGHS) and report the gap.")] = False,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Only this operator's existing cells (code, e.g. jx-mobile).")
    ] = None,
    min_spacing: Annotated[float, typer.Option("--min-spacing", help="Minimum spacing [m].")] = 250.0,
    resolution: Annotated[float, typer.Option("--resolution", help="Pixel size [m].")] = 50.0,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Exact solver time limit [s].")] = 120.0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full result as JSON here.")] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory.")
    ] = None,
) -> None:
    """Recommend new sites from the open list and the special plan for an area; print the proposals, the covered
    share before and after, and with --exact the gap of the heuristic to the optimum."""
    import json

    from rich.console import Console
    from rich.table import Table

    from rollout5g.platform.bootstrap import setup_django

    console = Console()
    err = Console(stderr=True, soft_wrap=True)
    if (sites is None) == (target_share is None):
        err.print("Error: give --sites N or --target-share S (one of them)")
        raise typer.Exit(2)
    setup_django(data_dir)
    from rollout5g.resources.recommend import RecommendError, find_area, recommend_sites

    try:
        resolved = find_area(area)
        with console.status(f"Recommending sites in {resolved.name}…") as status:
            result = recommend_sites(area=resolved, n_sites=sites, target_share=target_share, band=band,
                                     operator=operator, method="exact" if exact else "greedy",
                                     min_spacing_m=min_spacing, resolution_m=resolution, time_limit=time_limit,
                                     progress=lambda f, m: status.update(f"{resolved.name}: {m} ({f:.0%})"))
    except RecommendError as exc:
        err.print(f"Error: {exc}")
        raise typer.Exit(2) from None
    c = result["counts"]
    table = Table(title=f"Proposed sites: {resolved.name}, {band}"
                        + (f", {operator}" if operator else "") + f" ({result['params']['method']})")
    for col, just in (("#", "right"), ("code", "left"), ("source", "left"), ("kind", "left"), ("lon", "right"),
                      ("lat", "right"), ("gain px", "right"), ("gain km²", "right"), ("gain weighted", "right")):
        table.add_column(col, justify=just)
    for p in result["proposals"]:
        table.add_row(str(p["rank"]), p["code"], "open list" if p["source"] == "resource" else "special plan",
                      p["kind"], f"{p['lon']:.6f}", f"{p['lat']:.6f}", str(p["gain_pixels"]), f"{p['gain_km2']:.3f}",
                      f"{p['gain_weight']:.0f}")
    console.print(table)
    console.print(f"{c['pixels']} pixels of {resolution:g} m, {c['demand_pixels']} below the criterion; "
                  f"{c['candidates']} candidates, {c['eligible']} eligible; excluded: "
                  + (", ".join(f"{k} {v}" for k, v in c["excluded"].items()) or "none"))
    console.print(f"covered share before {result['share_before']:.4f} -> after {result['share_after']:.4f} "
                  f"(weighted; pixels {result['pixel_share_before']:.4f} -> {result['pixel_share_after']:.4f})")
    if exact:
        console.print(f"optimum {result['optimum']:.0f} ({result['status']}), heuristic {result['heuristic_objective']:.0f}, "
                      f"gap {100 * (result['heuristic_gap'] or 0):.3f} %, MIP gap {result['mip_gap']}")
    console.print("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in result["timings"].items()))
    if json_out:
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        console.print(f"wrote {json_out}")


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``rollout5g`` command."""
    app.command("recommend")(recommend_command)
