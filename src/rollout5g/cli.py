"""The ``rollout5g`` command.

Every command takes ``--data-dir`` (or ``ROLLOUT5G_DATA_DIR``; default ``~/.rollout5g``): the SQLite database,
uploads and results live there. ``DATABASE_URL`` selects PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rollout5g.ops.commands import refuse_unless_migrated
from rollout5g.platform.bootstrap import DataDir, console, err_console, migrate_database, setup_django

app = typer.Typer(help="rollout5g: run a 5G rollout programme.", no_args_is_help=True, add_completion=False)
audit_app = typer.Typer(help="The audit history.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

DEMO_PASSWORD = "rollout5g-demo"


def _serve(host: str, port: int, *, dev: bool = False, workers: int = 2, threads: int = 4, job_workers: int = 1,
           reload: bool = True) -> None:
    """Serve: gunicorn with ``workers`` processes and ``job_workers`` job worker processes under one supervisor;
    ``dev``: Django's auto-reloading development server with the job worker in a thread."""
    refuse_unless_migrated()
    from django.db import connections

    connections.close_all()  # the children open their own connections
    if dev:
        from django.core.management import call_command

        if job_workers and (os.environ.get("RUN_MAIN") == "true" or not reload):  # not the reloader's watcher
            # Background jobs run in a thread of the development server; jobs left running by a killed server
            # are picked up again by this worker.
            from rollout5g.jobs.services import start_worker_thread

            start_worker_thread()
        call_command("runserver", f"{host}:{port}", use_reloader=reload, use_threading=True)
        return
    from rollout5g.ops.serve import serve_production

    code = serve_production(host=host, port=port, workers=workers, threads=threads, job_workers=job_workers,
                            say=lambda line: err_console.print(line, highlight=False))
    if code:
        raise typer.Exit(code=code)


@app.command()
def demo(
    data_dir: DataDir = None,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web server afterwards.")] = True,
    dev: Annotated[bool, typer.Option("--dev", help="Serve with the auto-reloading development server.")] = False,
    region: Annotated[str | None, typer.Option(
        help="Adcode of another city of the boundaries (its own synthetic deployment) or of the province (every "
             "city's units, the default city in full and two more cities with their own synthetic deployments); "
             "recorded in the data directory, so that serve keeps it.")] = None,
):
    """Create or upgrade the database, load regions, organizations, both policy documents and demo accounts,
    print the URL and the demo logins, then serve on 127.0.0.1. Safe to run again. With --region 330000: the
    province demo, with the logins of the provincial programme office and of each city's office."""
    setup_django(data_dir)
    if region:
        from django.conf import settings as django_settings

        from rollout5g.platform.home import write_home

        write_home(django_settings.DATA_DIR, region=region)
    from django.conf import settings

    from rollout5g.demo import load_demo

    with console.status("Creating or upgrading the database…"):
        migrate_database()
    summary = load_demo(password=DEMO_PASSWORD, console=console, region=region)
    console.print(f"[bold]Database:[/bold] {settings.DATABASES['default']['NAME']}")
    for line in summary.lines:
        console.print(f"  {line}")
    table = Table(title="Demo logins (password: " + DEMO_PASSWORD + ")")
    for col in ("user", "role", "organization"):
        table.add_column(col)
    for user in summary.users:
        table.add_row(user.username, user.get_role_display() if user.role else "superuser", str(user.organization or "—"))
    console.print(table)
    url = f"http://127.0.0.1:{port}/"
    console.print(f"[bold green]Open {url}[/bold green]  (API docs: {url}api/docs)")
    if serve:
        _serve("127.0.0.1", port, dev=dev)


@app.command("serve")
def serve_command(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(envvar="ROLLOUT5G_HOST", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ROLLOUT5G_PORT", help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="ROLLOUT5G_WEB_WORKERS", min=1,
                                         help="gunicorn worker processes (about 2 per CPU core).")] = 2,
    threads: Annotated[int, typer.Option(envvar="ROLLOUT5G_WEB_THREADS", min=1,
                                         help="Threads per worker process.")] = 4,
    job_workers: Annotated[int, typer.Option("--job-workers", envvar="ROLLOUT5G_JOB_WORKERS", min=0,
                                             help="Background job worker processes (0: run `rollout5g worker` "
                                                  "elsewhere).")] = 1,
    worker: Annotated[bool, typer.Option("--worker/--no-worker",
                                         help="--no-worker is --job-workers 0.")] = True,
    dev: Annotated[bool, typer.Option("--dev", help="Django's auto-reloading development server instead "
                                                    "(one process, jobs in a thread).")] = False,
    reload: Annotated[bool, typer.Option("--reload/--no-reload", help="--dev: restart when the code changes.")] = True,
):
    """Serve the web application: gunicorn with --workers processes plus --job-workers background job workers,
    restarted if they die (--dev: the development server). Never migrates: refuses to start until
    `rollout5g migrate` has brought the database up to date."""
    setup_django(data_dir)
    _serve(host, port, dev=dev, workers=workers, threads=threads, job_workers=job_workers if worker else 0,
           reload=reload)


@app.command("migrate")
def migrate_command(data_dir: DataDir = None):
    """Create or upgrade the database schema."""
    setup_django(data_dir)
    migrate_database()
    console.print("Database is up to date.")


@app.command("load-reference")
def load_reference_command(data_dir: DataDir = None):
    """Load what a production installation starts from: the administrative regions, the working-day calendar
    years chinese-calendar knows, both bundled policy documents with their organizations, and the bundled
    approval rules — no demo accounts, no synthetic records. Idempotent; run `rollout5g migrate` first."""
    setup_django(data_dir)
    refuse_unless_migrated()
    from rollout5g.permits.rules import load_rules
    from rollout5g.policy.loader import load_policy_files
    from rollout5g.policy.schema import bundled_policy_files
    from rollout5g.regions.services import load_regions
    from rollout5g.workcalendar.services import seed_from_chinese_calendar

    with console.status("Loading the administrative regions…"):
        created, updated, unchanged = load_regions()
    console.print(f"regions: {created} created, {updated} updated, {unchanged} unchanged")
    console.print(f"working-day calendar: {seed_from_chinese_calendar()} year(s) added from chinese-calendar")
    with console.status("Loading the policy documents…"):
        report = load_policy_files(bundled_policy_files())
    for line in report.lines():
        console.print(line)
    for line in load_rules(None).lines:
        console.print(line)


@app.command("doctor")
def doctor_command(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Every prerequisite and its state: database and its version, pending migrations, job worker heartbeat,
    working-day calendar years, Chinese font, pango, writable data and media folders, deploy settings. Exit 1 on
    anything that would break a user."""
    setup_django(data_dir)
    from rollout5g.ops.checks import ERROR, WARNING, doctor_checks

    found = doctor_checks()
    if as_json:
        sys.stdout.write(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=1) + "\n")
    else:
        table = Table(title="rollout5g doctor")
        for col in ("check", "state", "detail"):
            table.add_column(col)
        colour = {ERROR: "bold red", WARNING: "yellow"}
        for c in found:
            table.add_row(c.name, f"[{colour.get(c.state, 'green')}]{c.state}[/]", c.detail)
        console.print(table)
    errors = [c for c in found if c.state == ERROR]
    if errors:
        err_console.print(f"[bold red]{len(errors)} problem(s) would break the platform[/bold red]: "
                          + ", ".join(c.name for c in errors))
        raise typer.Exit(code=1)


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Option("--out", help="Archive to write (.tar, or .tar.gz to compress).")],
    data_dir: DataDir = None,
):
    """A consistent online copy of the database (SQLite backup API, or pg_dump of one snapshot), the data and media
    files, and a manifest with every table's row count and every file's checksum. Safe while the server runs."""
    setup_django(data_dir)
    from rollout5g.ops.backup import BackupError, create_backup

    try:
        manifest = create_backup(out, progress=lambda m: err_console.print(m, highlight=False))
    except BackupError as exc:
        err_console.print(f"[bold red]Backup failed[/bold red]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    rows = sum(manifest["tables"].values())
    head = manifest["audit_head"] or {}
    console.print(f"{out}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files; "
                  f"audit chain at event #{head.get('last_seq', 0)}")


@app.command("restore")
def restore_command(
    archive: Annotated[Path, typer.Argument(help="Archive written by `rollout5g backup`.", exists=True,
                                            dir_okay=False)],
    data_dir: DataDir = None,
):
    """Restore a backup into an empty database and data directory, compare every table's row count and every
    file's checksum with the manifest, then verify the audit chain. Exit 1 on any difference."""
    setup_django(data_dir)
    import subprocess

    from rollout5g.ops.backup import BackupError, restore_backup

    try:
        report = restore_backup(archive, progress=lambda m: err_console.print(m, highlight=False))
    except BackupError as exc:
        err_console.print(f"[bold red]Not restored[/bold red]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    for problem in report.problems:
        err_console.print(f"[bold red]differs[/bold red]: {problem}", highlight=False)
    console.print(f"restored {report.tables} tables, {report.rows} rows, {report.files} files"
                  + ("" if report.problems else ": row counts and checksums match the manifest"))
    # A fresh process reads the restored keys (secret key, audit checkpoint key) from the data directory.
    verify = subprocess.run([sys.executable, "-m", "rollout5g.cli", "audit", "verify"], check=False)
    if report.problems or verify.returncode != 0:
        raise typer.Exit(code=1)


token_app = typer.Typer(help="API tokens for machines (Authorization: Bearer …).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create_command(
    user: Annotated[str, typer.Option("--user", help="User name the token acts as.")],
    scope: Annotated[str, typer.Option(help="read (GET/HEAD only) or write.")] = "read",
    expires: Annotated[int | None, typer.Option("--expires", help="Days until it expires (default: never).")] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "created with rollout5g token create",
    data_dir: DataDir = None,
):
    """Create a token and print it (on standard output, alone: it is not shown again)."""
    setup_django(data_dir)
    from django.core.exceptions import ValidationError

    from rollout5g.accounts.models import User
    from rollout5g.accounts.tokens import token_create

    account = User.objects.filter(username=user).first()
    if account is None:
        err_console.print(f"no user {user!r}")
        raise typer.Exit(code=2)
    try:
        token, secret = token_create(actor=None, user=account, name=name, scope=scope, expires_days=expires)
    except ValidationError as exc:
        err_console.print("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()), highlight=False)
        raise typer.Exit(code=2) from None
    err_console.print(f"token #{token.pk} for {user} ({token.scope}"
                      + (f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ", no expiry") + "):")
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list_command(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    data_dir: DataDir = None,
):
    """Tokens with their owner, scope, expiry, last use and state (never the secret)."""
    setup_django(data_dir)
    from rollout5g.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if user:
        tokens = tokens.filter(user__username=user)
    table = Table()
    for col in ("id", "user", "name", "starts with", "scope", "expires", "last used", "state"):
        table.add_column(col)
    for t in tokens:
        state = "revoked" if t.revoked_at else "expired" if t.expired else "active"
        table.add_row(str(t.pk), t.user.username, t.name, t.prefix + "…", t.scope,
                      f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never",
                      f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "—", state)
    console.print(table)


@token_app.command("revoke")
def token_revoke_command(
    token_id: Annotated[int, typer.Argument(help="Token id (see `rollout5g token list`).")],
    data_dir: DataDir = None,
):
    """Revoke a token now (audited)."""
    setup_django(data_dir)
    from rollout5g.accounts.models import ApiToken
    from rollout5g.accounts.tokens import token_revoke

    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        err_console.print(f"no token #{token_id}")
        raise typer.Exit(code=2)
    token_revoke(actor=None, token=token)
    console.print(f"token #{token_id} ({token.name}) of {token.user.username} revoked")


@app.command("load-policy")
def load_policy_command(
    files: Annotated[list[Path], typer.Argument(help="Policy YAML files (organizations and/or a document).")],
    data_dir: DataDir = None,
):
    """Validate and load policy data files. Any error: nothing is changed, and every problem is listed with
    file, line and field."""
    setup_django(data_dir)
    migrate_database()
    from rollout5g.policy.loader import load_policy_files
    from rollout5g.policy.schema import PolicyFileError

    try:
        report = load_policy_files(files, actor=None)
    except PolicyFileError as exc:
        err_console.print(f"[bold red]Refused: {len(exc.problems)} problem(s); nothing was changed.[/bold red]")
        for problem in exc.problems:
            err_console.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    for line in report.lines():
        console.print(line)


@app.command("tasks")
def tasks_command(
    data_dir: DataDir = None,
    document: Annotated[str | None, typer.Option(help="Only this document (its id/key).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Every policy task with its document, number, text, lead, supporting and responsible units (full names),
    deadline and targets."""
    setup_django(data_dir)
    from rollout5g.policy.models import PolicyDocument, PolicyTask
    from rollout5g.policy.selectors import task_record, tasks_queryset

    queryset = PolicyTask.objects.all()
    if document:
        if not PolicyDocument.objects.filter(key=document).exists():
            keys = ", ".join(PolicyDocument.objects.values_list("key", flat=True))
            err_console.print(f"unknown document {document!r}; loaded: {keys}")
            raise typer.Exit(code=2)
        queryset = queryset.filter(document__key=document)
    records = [task_record(t) for t in tasks_queryset(queryset)]
    if as_json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table()
    for col in ("document", "no.", "title", "lead / responsible", "supporting", "deadline"):
        table.add_column(col)
    for r in records:
        table.add_row(r["document"]["id"], r["number"], r["title"],
                      "、".join(r["lead_units"] or r["responsible_units"]), "、".join(r["supporting_units"]),
                      r["deadline"] or "")
    console.print(table)


scenario_app = typer.Typer(help="Synthetic site scenarios for demos and benchmarks.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("load")
def scenario_load(
    data_dir: DataDir = None,
    region: Annotated[str | None, typer.Option(help="Adcode of the city (default: the home region).")] = None,
    year: Annotated[int, typer.Option(help="Year-end snapshot: 2019, 2020 or 2021.")] = 2021,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same registry).")] = 1,
    cells_csv: Annotated[Path | None, typer.Option("--cells-csv", help="Also write the cells as CELLS.csv.")] = None,
):
    """Generate the reproducible synthetic registry of the city of ``year`` and load it (replacing an earlier one)."""
    setup_django(data_dir)
    migrate_database()
    from rollout5g.core.scenario import VALID_YEARS, generate, write_cells_csv
    from rollout5g.platform.home import home_adcode
    from rollout5g.sites.services import load_key_areas, load_scenario

    if year not in VALID_YEARS:
        err_console.print(f"year {year} is not available; valid: {', '.join(map(str, VALID_YEARS))}")
        raise typer.Exit(code=2)
    from rollout5g.regions.models import Region

    if not Region.objects.exists():
        err_console.print("load the regions and policy first: rollout5g demo --no-serve")
        raise typer.Exit(code=2)
    region = region or home_adcode()
    with console.status(f"Generating and loading the synthetic registry of {region}, {year} (seed {seed})…"):
        if region == home_adcode():
            load_key_areas()
        organizations = None  # the default city's operators (the scenario's own codes)
        from rollout5g.core.scenario import DEFAULT_CITY

        if region != DEFAULT_CITY:  # another city's sites belong to its own operator branches
            from rollout5g.demo import load_city_units, scenario_organizations

            organizations = scenario_organizations(load_city_units([region])[0][region])
        batch = load_scenario(year=year, seed=seed, region=region, organizations=organizations)
    console.print(f"{batch.source}: {batch.sites_created} sites, {batch.cells_created} cells")
    if cells_csv:
        write_cells_csv(generate(year, seed, region=region), cells_csv)
        console.print(f"cells written to {cells_csv}")


@app.command("import-areas")
def import_areas_command(
    file: Annotated[Path, typer.Argument(help="GeoJSON, KML, Shapefile (.shp or .zip) of key areas.")],
    data_dir: DataDir = None,
    crs: Annotated[str, typer.Option(help="Coordinate system of lon/lat input: wgs84, cgcs2000, gcj02.")] = "wgs84",
    category: Annotated[str, typer.Option(help="Category when the file has none (e.g. school, hospital).")] = "other",
):
    """Import key areas (all or nothing); every problem is listed with the feature and field."""
    setup_django(data_dir)
    migrate_database()
    from rollout5g.sites.areas import AreaFileError
    from rollout5g.sites.services import KEY_AREAS_LOADER, import_key_areas

    try:
        created, updated = import_key_areas(actor=KEY_AREAS_LOADER, path=file, crs=crs, category=category)
    except AreaFileError as exc:
        err_console.print(f"[bold red]Refused: {len(exc.problems)} problem(s); nothing was changed.[/bold red]")
        for problem in exc.problems:
            err_console.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    console.print(f"key areas: {created} created, {updated} updated")


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None):
    """Check the hash chain of the audit history and compare it with the signed checkpoints outside the database;
    name the first broken event, a truncated tail, a recomputed chain or an edited checkpoint file."""
    setup_django(data_dir)
    from rollout5g.audit.checkpoints import checkpoint_file
    from rollout5g.audit.services import verify_chain

    result = verify_chain()
    if result.ok:
        console.print(f"[green]OK[/green]: {result.events_checked} audit events, chain intact; "
                      f"{result.checkpoints_checked} checkpoints in {checkpoint_file()} agree.")
        return
    where = f" at event #{result.first_broken_seq}" if result.first_broken_seq else ""
    err_console.print(f"[bold red]BROKEN[/bold red]{where}: {result.reason}")
    for problem in result.problems[1:]:
        err_console.print(f"  also: {problem}")
    raise typer.Exit(code=1)


@audit_app.command("checkpoint")
def audit_checkpoint(data_dir: DataDir = None):
    """Verify the chain, then append a signed checkpoint of its head to the checkpoint file and the log."""
    setup_django(data_dir)
    from rollout5g.audit.checkpoints import CheckpointError, checkpoint_file, write_checkpoint

    try:
        cp = write_checkpoint(reason="manual")
    except CheckpointError as exc:
        err_console.print(f"[bold red]REFUSED[/bold red]: {exc}")
        raise typer.Exit(code=1) from None
    console.print(f"checkpoint {cp.line}: event #{cp.seq} {cp.hash[:16]}… signed, appended to {checkpoint_file()}")


def _register_capability_commands() -> None:
    """Commands implemented next to their capability (imported here; none imports Django at module level)."""
    from rollout5g.coverage.commands import coverage as coverage_command
    from rollout5g.sites.commands import import_cells_command

    app.command("coverage")(coverage_command)
    app.command("import-cells")(import_cells_command)

    from rollout5g.cases.commands import register as register_cases
    from rollout5g.incentives.commands import register as register_incentives
    from rollout5g.ops.commands import register as register_jobs
    from rollout5g.permits.commands import register as register_permits
    from rollout5g.program.commands import register as register_program
    from rollout5g.resources.commands import register as register_resources

    for register in (register_jobs, register_resources, register_permits, register_cases, register_program, register_incentives):
        register(app)


_register_capability_commands()


if __name__ == "__main__":  # pragma: no cover
    app()
