"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py)."""

from pathlib import Path
from typing import Annotated

import typer

# the same option as rollout5g.cli's (not imported: cli imports this module while it loads)
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory (SQLite database, files)."),
]


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``rollout5g`` command."""

    @app.command("load-approval-rules")
    def load_approval_rules(
        file: Annotated[Path | None, typer.Argument(help="rules YAML (default: the bundled rules)")] = None,
        data_dir: DataDir = None,
    ):
        """Load the approval rules (items, departments, materials, limits, conditions) from a YAML file; idempotent,
        all or nothing, audited."""
        from rollout5g.platform.bootstrap import setup_django

        setup_django(data_dir)
        from rollout5g.permits.rules import RulesError, load_rules

        try:
            report = load_rules(file)
        except RulesError as exc:
            typer.echo("; ".join(exc.messages), err=True)
            raise typer.Exit(1) from None
        for line in report.lines:
            typer.echo(line)

    @app.command("approval-clock-check")
    def approval_clock_check(
        data_dir: DataDir = None,
    ):
        """Run the approval clock check now (deemed acceptance, warnings, escalations)."""
        from rollout5g.platform.bootstrap import setup_django

        setup_django(data_dir)
        from rollout5g.permits.services import clock_check

        typer.echo(clock_check())
