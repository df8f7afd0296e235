"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py).

``rollout5g industry-match [--year N]``: the 免申即享 matching of recognised pilots and parks to their award
clauses (the same service as the button on /industry/matches/), e.g. from cron after a recognition batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def industry_match_command(
    year: Annotated[int | None, typer.Option("--year", help="Funding year of the proposals (default: this year).")]
    = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory.")
    ] = None,
) -> None:
    """Propose awards for recognised pilots and parks that have no live claim yet; print what was proposed."""
    from rollout5g.platform.bootstrap import setup_django

    setup_django(data_dir)
    from rollout5g.incentives.services import match_awards
    from rollout5g.platform.actors import SYSTEM

    proposals = match_awards(actor=SYSTEM, year=year)
    for app in proposals:
        typer.echo(f"{app.number}\t{app.enterprise}\t{app.project_title}\t{app.clause.key}\t{app.computed_amount}")
    typer.echo(f"{len(proposals)} proposal(s)")


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``rollout5g`` command."""
    app.command("industry-match")(industry_match_command)
