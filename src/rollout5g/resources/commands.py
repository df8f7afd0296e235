"""Command-line commands of this capability (registered on the ``rollout5g`` Typer app by cli.py)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``rollout5g`` command."""
