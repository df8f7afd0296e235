"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py)."""

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add ``rollout5g supervision …``: load the colour rules, send the warnings, take a snapshot."""
    from rollout5g.platform.bootstrap import DataDir, setup_django

    sup = typer.Typer(help="Programme supervision: colour rules, warnings, snapshots.")
    app.add_typer(sup, name="supervision")

    @sup.command("load-rules")
    def load_rules(path: Annotated[Path | None, typer.Argument()] = None, replace: bool = False, data_dir: DataDir = None):
        """Load the colour rules from YAML (the bundled ones by default); --replace overwrites edited rules."""
        setup_django(data_dir)
        from .services import load_status_rules

        typer.echo(f"{load_status_rules(path, replace=replace)} rule(s) created or changed")

    @sup.command("warnings")
    def warnings(data_dir: DataDir = None):
        """Send today's overdue and approaching-deadline warnings (idempotent)."""
        setup_django(data_dir)
        from .jobs import send_warnings

        typer.echo(f"{send_warnings()} notification(s) sent")

    @sup.command("snapshot")
    def take_snapshot(data_dir: DataDir = None):
        """Freeze today's task colours and indicator values."""
        import datetime as dt

        setup_django(data_dir)
        from rollout5g.platform.actors import SYSTEM

        from .services import snapshot_take

        snap, created = snapshot_take(actor=SYSTEM, as_of=dt.date.today())
        typer.echo(f"snapshot {snap.as_of} {'taken' if created else 'already exists'}")
