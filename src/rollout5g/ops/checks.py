"""The prerequisites of a running platform, each a small function returning a :class:`Check`.

``/readyz`` runs :func:`readiness_checks` (database, migrations, a job worker, the calendar, a Chinese font);
``rollout5g doctor`` runs :func:`doctor_checks`, a superset that also looks at pango, folders, the deploy
settings, pg_dump and the Dask scheduler. Each check says what is wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

OK, WARNING, ERROR = "ok", "warning", "error"


@dataclass(frozen=True)
class Check:
    """One prerequisite: ``state`` is ok, warning (degraded, users can work) or error (breaks something)."""

    name: str
    state: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.state != ERROR

    def as_dict(self) -> dict:
        return asdict(self)


def _fail(name, detail, level=ERROR) -> Check:
    return Check(name, level, detail)


# ----------------------------------------------------------------------------------------------- database
def database_version(alias: str = DEFAULT_DB_ALIAS) -> str:
    conn = connections[alias]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if conn.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]} ({conn.settings_dict['NAME']})"
        cursor.execute("SELECT 1")
        return conn.vendor


def check_database() -> Check:
    try:
        version = database_version()
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the finding
        return _fail("database", f"unreachable: {type(exc).__name__}: {exc}".strip())
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor == "postgresql" and conn.pg_version < 140000:
        return _fail("database", f"{version}: Django 5.2 needs PostgreSQL 14 or newer")
    return Check("database", OK, version)


_migrations_ok_until = 0.0


def pending_migrations() -> list[str]:
    """``app.name`` of every migration not applied to the database yet."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def check_migrations(*, cached: bool = False) -> Check:
    """Unapplied migrations are an error: the code expects tables that are not there. ``cached``: an earlier
    "all applied" answer is reused for a minute (readiness probes every few seconds)."""
    global _migrations_ok_until
    if cached and time.monotonic() < _migrations_ok_until:
        return Check("migrations", OK, "all applied")
    try:
        pending = pending_migrations()
    except Exception as exc:  # noqa: BLE001
        return _fail("migrations", f"cannot read the migration state: {exc}")
    if pending:
        shown = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
        return _fail("migrations", f"{len(pending)} not applied ({shown}): run `rollout5g migrate`")
    _migrations_ok_until = time.monotonic() + 60
    return Check("migrations", OK, "all applied")


# ----------------------------------------------------------------------------------------------- job workers
def last_worker_seen() -> dt.datetime | None:
    """When a job worker last showed life: its periodic heartbeat, or the heartbeat of a job it is running (a long
    coverage run keeps the loop busy, not the job's own heartbeat thread)."""
    from django.db.models import Max

    from rollout5g.jobs.models import Job, JobStatus

    from .models import WorkerHeartbeat

    seen = [WorkerHeartbeat.objects.aggregate(m=Max("seen_at"))["m"],
            Job.objects.filter(status=JobStatus.RUNNING).aggregate(m=Max("heartbeat_at"))["m"]]
    seen = [s for s in seen if s is not None]
    return max(seen) if seen else None


def check_worker(*, level: str = ERROR) -> Check:
    limit = settings.ROLLOUT5G_WORKER_MAX_SILENCE
    try:
        seen = last_worker_seen()
    except Exception as exc:  # noqa: BLE001
        return _fail("job worker", f"cannot read the heartbeat: {exc}", level)
    if seen is None:
        return _fail("job worker", "no job worker has ever run: start `rollout5g serve` or `rollout5g worker`",
                     level)
    age = (timezone.now() - seen).total_seconds()
    if age > limit:
        return _fail("job worker", f"last seen {age:.0f} s ago (limit {limit} s): is `rollout5g worker` running?",
                     level)
    return Check("job worker", OK, f"seen {max(age, 0):.0f} s ago")


# ----------------------------------------------------------------------------------------------- calendar
def check_calendar(today: dt.date | None = None, *, next_year_level: str = ERROR) -> Check:
    """The working-day calendar holds this year and the next (deadlines in a missing year are provisional).
    ``next_year_level``: how grave a missing next year is (readiness: an error, as the issue asks; the doctor: a
    warning, since the State Council publishes next year's arrangement only in the autumn)."""
    from rollout5g.workcalendar.models import CalendarYear

    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    try:
        loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    except Exception as exc:  # noqa: BLE001
        return _fail("calendar", f"cannot read the calendar: {exc}")
    missing = [y for y in wanted if y not in loaded]
    if missing:
        years = ", ".join(map(str, missing))
        level = ERROR if today.year in missing else next_year_level
        return _fail("calendar", f"year(s) {years} not loaded: add each from the State Council notice "
                                 f"(`rollout5g calendar load-year --year {missing[0]} --file notice.yaml`)", level)
    return Check("calendar", OK, f"{wanted[0]} and {wanted[1]} loaded")


# ----------------------------------------------------------------------------------------------- PDFs
def check_cjk_font() -> Check:
    from rollout5g.platform.fonts import CJK_FONT_PACKAGE, cjk_font_families

    families = cjk_font_families()
    if not families:
        return _fail("cjk font", f"no Chinese font: certificates and briefings are refused until "
                                 f"`apt-get install {CJK_FONT_PACKAGE}`")
    preferred = [f for f in families if "Noto Sans CJK SC" in f]
    return Check("cjk font", OK, (preferred or list(families))[0] + (f" (+{len(families) - 1})" if len(families) > 1
                                                                     else ""))


def check_pango() -> Check:
    try:
        import weasyprint
    except Exception as exc:  # noqa: BLE001 - OSError when libpango is missing
        return _fail("pango", f"WeasyPrint cannot load: {exc}. Install libpango-1.0-0 libpangoft2-1.0-0")
    return Check("pango", OK, f"WeasyPrint {weasyprint.__version__}")


# ----------------------------------------------------------------------------------------------- folders
def check_writable(name: str, path: Path) -> Check:
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-", delete=True) as handle:
            handle.write(b"ok")
    except OSError as exc:
        return _fail(name, f"{path}: not writable ({exc.strerror or exc})")
    usage = shutil.disk_usage(path)
    free_gb = usage.free / 1024**3
    if free_gb < 1:
        return _fail(name, f"{path}: only {free_gb:.2f} GB free", WARNING)
    return Check(name, OK, f"{path} ({free_gb:.0f} GB free)")


# ----------------------------------------------------------------------------------------------- doctor extras
def check_deploy_settings() -> Check:
    """Django's deployment checks (``check --deploy``); a warning, since the demo on 127.0.0.1 runs without HTTPS."""
    from django.core import checks

    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.WARNING
             and not m.is_silenced()]
    if found:
        ids = ", ".join(sorted({m.id for m in found}))
        return _fail("deploy settings", f"{len(found)} finding(s) of `check --deploy` ({ids}); fine for a demo on "
                                        f"127.0.0.1, see docs/deploy.md for production", WARNING)
    return Check("deploy settings", OK, "`check --deploy` clean")


def check_pg_dump() -> Check | None:
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        return None
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return _fail("pg_dump", "not installed: `rollout5g backup` needs it (apt-get install postgresql-client)",
                     WARNING)
    out = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    try:
        client_major = int(out.split()[-1].split(".")[0])
        server_major = conn.pg_version // 10000
    except (ValueError, IndexError):
        return Check("pg_dump", OK, out)
    if client_major < server_major:
        return _fail("pg_dump", f"{out} is older than the server ({server_major}): backups would fail", WARNING)
    return Check("pg_dump", OK, out)


def check_dask() -> Check | None:
    address = settings.ROLLOUT5G_DASK_SCHEDULER
    if not address:
        return None
    hostport = address.split("://", 1)[-1]
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 8786)), timeout=3):
            pass
    except (OSError, ValueError) as exc:
        return _fail("dask scheduler", f"{address}: unreachable ({exc}); province-scale coverage runs will fail",
                     WARNING)
    return Check("dask scheduler", OK, address)


def check_email() -> Check:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "smtp":
        return Check("email", OK, f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
                                  + (" (TLS)" if settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL else ""))
    return Check("email", WARNING if backend in ("console", "dummy") else OK,
                 f"{backend} backend: notifications are not mailed (set ROLLOUT5G_SMTP_HOST)")


# ----------------------------------------------------------------------------------------------- the lists
def readiness_checks() -> list[Check]:
    """What ``/readyz`` reports: a failed one makes the instance not ready (503)."""
    database = check_database()
    if not database.ok:
        skipped = [Check(name, ERROR, "skipped: database unreachable")
                   for name in ("migrations", "job worker", "calendar")]
        return [database, *skipped, check_cjk_font()]
    return [database, check_migrations(cached=True), check_worker(), check_calendar(), check_cjk_font()]


def doctor_checks() -> list[Check]:
    """Everything ``rollout5g doctor`` lists; an ``error`` makes it exit non-zero."""
    from rollout5g import __version__

    found = [Check("rollout5g", OK, f"{__version__}, Python {sys.version.split()[0]}")]
    database = check_database()
    found.append(database)
    if database.ok:
        found += [check_migrations(), check_worker(level=WARNING), check_calendar(next_year_level=WARNING)]
    found += [check_cjk_font(), check_pango(),
              check_writable("data folder", settings.DATA_DIR), check_writable("media folder", settings.MEDIA_ROOT)]
    if database.ok:
        found.append(check_pg_dump())
    found += [check_dask(), check_email(), check_deploy_settings()]
    return [c for c in found if c is not None]
