"""Starting Django from a command (``rollout5g …``, a capability's ``commands.py``, a Dask worker).

Every command module imports these from here rather than from :mod:`rollout5g.cli`, which imports the commands: the
arrow points from the composition root down, never back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

#: The ``--data-dir`` option every command takes (SQLite database, files); ``ROLLOUT5G_DATA_DIR`` sets it too.
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR", help="Data directory (SQLite database, files)."),
]

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # an error line (a file path, a row) is never folded


def setup_django(data_dir: Path | None) -> None:
    """Point settings at the data directory and start Django (once per process)."""
    if data_dir is not None:
        os.environ["ROLLOUT5G_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
    import django

    django.setup()


def migrate_database() -> None:
    """Apply the migrations, then run the deployment's after-migrate steps (``ROLLOUT5G_AFTER_MIGRATE``: the holiday
    calendar the ``chinese-calendar`` package knows; later years come from the State Council notices)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    call_command("migrate", interactive=False, verbosity=0)
    for path in settings.ROLLOUT5G_AFTER_MIGRATE:
        import_string(path)()
