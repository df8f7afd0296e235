"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py):

- ``rollout5g cases check-clocks``: run the clock check once (warnings and escalations), as the worker does hourly;
- ``rollout5g calendar load-year --year 2027 --file notice.yaml``: load a year's holidays from the State Council
  notice (the working-day calendar has no app of commands of its own, so they live here);
- ``rollout5g calendar show``: the loaded years and the missing ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

NOTICE_EXAMPLE = """\
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知
holidays:              # dates or ranges, each optionally followed by the name
  - 2027-01-01 元旦
  - 2027-02-06..2027-02-13 春节
adjusted_workdays:     # weekend days worked in exchange (调休上班)
  - 2027-02-14
"""


def _data_dir_option():
    return typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory (SQLite database, files).")


def load_notice_file(path: Path, year: int | None = None) -> dict:
    """Read a notice file (YAML); errors name the file and the field."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with year, source, holidays, adjusted_workdays")
    unknown = set(data) - {"year", "source", "holidays", "adjusted_workdays"}
    if unknown:
        raise ValueError(f"{path}: unknown field(s) {sorted(unknown)}")
    file_year = data.get("year")
    if year is not None and file_year is not None and int(file_year) != year:
        raise ValueError(f"{path}: year: the file says {file_year}, the command says {year}")
    data["year"] = year if year is not None else file_year
    if data["year"] is None:
        raise ValueError(f"{path}: year: missing (in the file or --year)")
    for key in ("holidays", "adjusted_workdays"):
        value = data.get(key) or []
        if isinstance(value, dict):  # {name: [dates or ranges]}
            value = [f"{item} {name}" for name, items in value.items() for item in items]
        if not isinstance(value, list):
            raise ValueError(f"{path}: {key}: expected a list of dates or ranges")
        data[key] = [str(v) for v in value]
    return data


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``rollout5g`` command."""
    cases_app = typer.Typer(help="Power, relocation and incident cases.", no_args_is_help=True)
    calendar_app = typer.Typer(help="The working-day calendar (holidays and adjusted working days).",
                               no_args_is_help=True)

    @cases_app.command("check-clocks")
    def check_clocks_command(data_dir: Annotated[Path | None, _data_dir_option()] = None):
        """Warn before and escalate after the case clocks (idempotent)."""
        from rollout5g.platform.bootstrap import migrate_database, setup_django

        setup_django(data_dir)
        migrate_database()
        from rollout5g.cases.jobs import check_clocks

        counts = check_clocks()
        typer.echo(f"due soon: {counts['due_soon']}, overdue: {counts['overdue']}")

    @calendar_app.command("load-year")
    def load_year_command(
        file: Annotated[Path, typer.Option("--file", help="Notice as YAML:\n\n" + NOTICE_EXAMPLE, exists=True,
                                           dir_okay=False, readable=True)],
        year: Annotated[int | None, typer.Option("--year", help="Year (checked against the file's).")] = None,
        data_dir: Annotated[Path | None, _data_dir_option()] = None,
    ):
        """Add or replace one year from the State Council notice. Exit 1 with the reason on bad input."""
        from rollout5g.platform.bootstrap import migrate_database, setup_django

        setup_django(data_dir)
        migrate_database()
        from rollout5g.platform.actors import SYSTEM
        from rollout5g.workcalendar.services import CalendarError, calendar_year_from_notice

        try:
            data = load_notice_file(file, year)
            row = calendar_year_from_notice(SYSTEM, year=data["year"], holidays=data["holidays"],
                                            adjusted_workdays=data["adjusted_workdays"],
                                            source=data.get("source") or "")
        except (ValueError, CalendarError) as exc:
            typer.echo(f"{file}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{row.year}: {len(row.holidays)} days off, {len(row.adjusted_workdays)} adjusted working days "
                   f"({row.source})")

    @calendar_app.command("show")
    def show_command(data_dir: Annotated[Path | None, _data_dir_option()] = None):
        """The loaded years and the missing ones."""
        from rollout5g.platform.bootstrap import migrate_database, setup_django

        setup_django(data_dir)
        migrate_database()
        from rollout5g.workcalendar.models import CalendarYear
        from rollout5g.workcalendar.views import missing_years

        for row in CalendarYear.objects.all():
            typer.echo(f"{row.year}  {len(row.holidays):3d} off  {len(row.adjusted_workdays):2d} worked  {row.source}")
        typer.echo(f"missing: {', '.join(map(str, missing_years())) or 'none'}")

    app.add_typer(cases_app, name="cases")
    app.add_typer(calendar_app, name="calendar")
