"""``rollout5g worker``: run background jobs in their own process (``rollout5g serve`` starts and supervises these;
separate units run them with ``--job-workers 0``). Like ``serve``, a worker never changes the schema."""

from pathlib import Path
from typing import Annotated

import typer

from rollout5g.platform.bootstrap import err_console


def refuse_unless_migrated() -> None:
    """``serve`` never changes the schema: it stops, naming the command, when the database is not up to date."""
    from rollout5g.ops.checks import check_database, check_migrations

    for check in (check_database(), check_migrations()):
        if not check.ok:
            err_console.print(f"[bold red]Not started[/bold red]: {check.name}: {check.detail}", highlight=False)
            if check.name == "database":
                err_console.print("Create it with `rollout5g migrate` (or `rollout5g demo --no-serve`).")
            raise typer.Exit(code=2)


def worker_command(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", envvar="ROLLOUT5G_DATA_DIR")] = None,
    once: Annotated[bool, typer.Option("--once", help="Run the queued jobs, then exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks at the queue.")] = 1.0,
):
    """Run background jobs (coverage runs, recommendations…) until stopped with Ctrl-C."""
    from rollout5g.platform.bootstrap import console, setup_django

    setup_django(data_dir)
    refuse_unless_migrated()
    from rollout5g.jobs.services import requeue_stale_jobs, run_queued_jobs, worker_loop

    if once:
        requeue_stale_jobs()
        console.print(f"ran {run_queued_jobs()} job(s)")
        return
    import threading

    stop = threading.Event()
    console.print("job worker running (Ctrl-C stops it)")
    try:
        worker_loop(stop, poll_seconds=poll)
    except KeyboardInterrupt:
        stop.set()


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_command)
