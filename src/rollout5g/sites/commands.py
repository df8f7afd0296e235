"""``rollout5g import-cells FILE [--crs gcj02] [--dry-run] [--valid-rows] [--as ORG_CODE]``.

Registered in :mod:`rollout5g.cli` with ``app.command("import-cells")(import_cells_command)``.
Exit code 0: imported (or, with --dry-run, no errors); 1: errors, nothing written (with --valid-rows the valid rows
are written and the exit code is 0 if any were); 2: bad arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

MAX_ERRORS_SHOWN = 200


def import_cells_command(
    file: Annotated[Path, typer.Argument(help="Engineering-parameter table (.xlsx or .csv).", exists=True,
                                         dir_okay=False, readable=True)],
    crs: Annotated[str, typer.Option("--crs", help="Coordinate system of the file: wgs84, cgcs2000 or gcj02.")]
    = "wgs84",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count only; write nothing.")] = False,
    valid_rows: Annotated[bool, typer.Option("--valid-rows", help="Import the rows without errors, skip the others.")]
    = False,
    organization: Annotated[str | None, typer.Option("--as", help="Import for this operator or tower company "
                                                                  "(organization code, e.g. jx-mobile).")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR",
                                                  help="Data directory (SQLite database, files).")] = None,
):
    """Import sites and cells from an engineering-parameter table (工参表). All or nothing: any error and nothing
    is written, unless --valid-rows. Errors name file, row, column and reason."""
    from rollout5g.platform.bootstrap import migrate_database, setup_django

    console, err = Console(), Console(stderr=True, soft_wrap=True)
    if dry_run and valid_rows:
        err.print("[red]--dry-run and --valid-rows exclude each other[/red]")
        raise typer.Exit(2)
    setup_django(data_dir)
    migrate_database()
    from rollout5g.sites.imports.services import IMPORTER, import_cells

    mode = "dry_run" if dry_run else "valid_rows" if valid_rows else "all_or_nothing"
    try:
        result = import_cells(actor=IMPORTER, path=file, crs=crs, mode=mode, organization=organization)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if result.errors:
        table = Table(title=f"Errors in {result.file_name} ({len(result.errors)})")
        for col in ("file", "row", "column", "reason"):
            table.add_column(col, overflow="fold")
        for e in result.errors[:MAX_ERRORS_SHOWN]:
            table.add_row(e.file, "—" if e.row is None else str(e.row), e.column, e.reason)
        err.print(table)
        if len(result.errors) > MAX_ERRORS_SHOWN:
            err.print(f"… and {len(result.errors) - MAX_ERRORS_SHOWN} more")
    summary = Table(title=f"{result.file_name} · {crs} · {mode}")
    for col in ("rows", "valid", "failed", "sites created", "sites updated", "cells created", "cells updated",
                "cells unchanged"):
        summary.add_column(col, justify="right")
    summary.add_row(*(str(v) for v in (result.rows_total, result.rows_valid, result.rows_failed,
                                       result.sites_created, result.sites_updated, result.cells_created,
                                       result.cells_updated, result.cells_unchanged)))
    console.print(summary)
    if result.committed:
        console.print(f"Imported as batch #{result.batch_id}" +
                      (f"; {result.rows_failed} row(s) with errors skipped" if result.errors else "") + ".")
        raise typer.Exit(0)
    if result.errors:
        err.print("[red]Errors: nothing was written.[/red]" if mode != "dry_run" else
                  "[red]Errors found (dry run: nothing was written).[/red]")
        raise typer.Exit(1)
    console.print("Dry run: no errors; nothing was written.")
    raise typer.Exit(0)
