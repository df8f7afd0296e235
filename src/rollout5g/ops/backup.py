"""``rollout5g backup`` and ``rollout5g restore``: a consistent online copy of the whole installation.

The archive (tar, gzip-compressed when the name ends in ``.gz``/``.tgz``) holds:

- ``manifest.json`` — format, versions, the database vendor, the applied migrations, the row count of every table,
  the audit chain's head, and the size and SHA-256 of every file in the archive;
- ``database.sqlite3`` (SQLite's online backup API: a page-by-page copy, consistent while the server writes) or
  ``database.pgdump`` (``pg_dump --format=custom`` on an exported snapshot, so the row counts of the manifest are
  those of the same snapshot);
- ``files/data/…`` — the data directory (coverage rasters, the generated secret key, …) without the database files
  and the static assets, and ``files/media/…`` — the uploaded files.

Dumps are binary copies of the rows, so every value comes back exactly: timestamps to the microsecond, the audit
chain's hashes, sequences. (``dumpdata``/``loaddata`` would not: they re-serialise values and truncate timestamps.)

``restore`` refuses a database that already has tables, or a folder that holds other files; after restoring it
compares every table's row count and every file's checksum with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = 1
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Not copied from the data directory: the live database (it is copied consistently instead), the static assets
#: (regenerated from the package), run-time state.
EXCLUDED_DATA = ("static", "run", "tmp", "backups")


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[str], None]


def _noop(message: str) -> None:
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------ database
def _vendor() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"database {vendor!r} is not supported; valid: {', '.join(DB_FILES)}")
    return vendor


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump / pg_restore / psql from Django's connection settings."""
    conf = connections[DEFAULT_DB_ALIAS].settings_dict
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"),
                     ("PORT", "PGPORT")):
        if conf.get(key):
            env[var] = str(conf[key])
    options = conf.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                     ("sslkey", "PGSSLKEY")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _pg_connect():
    import psycopg

    conf = connections[DEFAULT_DB_ALIAS].settings_dict
    params = {"dbname": conf["NAME"], "user": conf.get("USER") or None, "password": conf.get("PASSWORD") or None,
              "host": conf.get("HOST") or None, "port": conf.get("PORT") or None}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if (conf.get("OPTIONS") or {}).get(key):
            params[key] = conf["OPTIONS"][key]
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _audit_head(cursor, tables: list[str]) -> dict | None:
    if "audit_auditchainhead" not in tables:
        return None
    cursor.execute("SELECT last_seq, last_hash FROM audit_auditchainhead WHERE id = 1")
    row = cursor.fetchone()
    return {"last_seq": row[0], "last_hash": row[1]} if row else None


def _applied_migrations(cursor, tables: list[str]) -> list[str]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _dump_sqlite(target: Path) -> dict:
    source_path = Path(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if not source_path.exists():
        raise BackupError(f"{source_path}: no database yet (run `rollout5g migrate`)")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: consistent even while the server writes (WAL: the writer is not blocked)
    finally:
        source.close()
    try:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        return {"tables": _count_rows(cursor, tables, _sqlite_quote), "audit_head": _audit_head(cursor, tables),
                "migrations": _applied_migrations(cursor, tables),
                "server_version": sqlite3.sqlite_version}
    finally:
        copy.close()


def _dump_postgresql(target: Path) -> dict:
    from psycopg import IsolationLevel, sql

    pg_dump = _tool("pg_dump")
    with _pg_connect() as conn:
        conn.read_only = True
        conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for the dump and the counts
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            result = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                                     f"--snapshot={snapshot}", "--file", str(target)],
                                    env=_pg_env(), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            tables = _pg_tables(cursor)
            counts = _count_rows(cursor, tables, lambda t: sql.Identifier(t).as_string(conn))
            head, migrations = _audit_head(cursor, tables), _applied_migrations(cursor, tables)
    return {"tables": counts, "audit_head": head, "migrations": migrations, "server_version": version}


# ------------------------------------------------------------------------------------------------ files
def file_areas() -> dict[str, Path]:
    """The folders whose files the archive holds: the data directory, and the media folder when it lies
    elsewhere (``ROLLOUT5G_MEDIA_DIR``)."""
    areas = {"data": Path(settings.DATA_DIR).resolve()}
    media = Path(settings.MEDIA_ROOT).resolve()
    if not media.is_relative_to(areas["data"]):
        areas["media"] = media
    return areas


def _target_root(area: str) -> Path:
    return Path(settings.MEDIA_ROOT).resolve() if area == "media" else Path(settings.DATA_DIR).resolve()


def _skip(area: str, relative: PurePosixPath) -> bool:
    if area != "data":
        return False
    db_name = Path(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]).name
    first = relative.parts[0]
    return first in EXCLUDED_DATA or first.startswith(db_name) or first.startswith(".")


def _walk_files(exclude: set[Path]) -> list[tuple[str, PurePosixPath, Path]]:
    found = []
    for area, root in file_areas().items():
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink() or path.resolve() in exclude:
                continue
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if not _skip(area, relative):
                found.append((area, relative, path))
    return found


# ------------------------------------------------------------------------------------------------ backup
def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(mtime if mtime is not None else dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _mode(path: Path, writing: bool) -> str:
    compressed = path.name.endswith((".gz", ".tgz"))
    return ("w:gz" if compressed else "w") if writing else ("r:gz" if compressed else "r")


def create_backup(out: Path, *, progress: Progress = _noop) -> dict:
    """Write the archive to ``out`` (through a temporary file beside it, renamed at the end); returns the
    manifest."""
    from django import get_version

    from rollout5g import __version__

    out = Path(out).expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    partial = out.with_name(f".{out.name}.partial")
    found = _walk_files(exclude={out, partial.resolve()})
    # The files at the top of the data directory (keys, the audit checkpoint file) are read before the database
    # is copied, so every checkpoint in the archive anchors an event the copy holds; the folders (uploads, rasters)
    # after it, so every file a row of the copy names is in the archive.
    early = [f for f in found if f[0] == "data" and len(f[1].parts) == 1]
    early_data = {id(f): (f[2].read_bytes(), f[2].stat().st_mtime) for f in early}
    with tempfile.TemporaryDirectory(prefix=".rollout5g-backup-", dir=out.parent) as staging:
        db_file = Path(staging) / DB_FILES[vendor]
        progress(f"copying the {vendor} database…")
        state = _dump_sqlite(db_file) if vendor == "sqlite" else _dump_postgresql(db_file)
        progress("reading the files…")
        files = []
        with tarfile.open(partial, _mode(out, True), format=tarfile.PAX_FORMAT) as archive:
            archive.add(db_file, arcname=DB_FILES[vendor])
            for entry in found:
                area, relative, path = entry
                if id(entry) in early_data:
                    data, mtime = early_data[id(entry)]
                else:
                    try:
                        data, mtime = path.read_bytes(), path.stat().st_mtime  # hashed from the bytes archived
                    except FileNotFoundError:  # deleted since the walk (an import preview that expired)
                        continue
                name = f"files/{area}/{relative}"
                files.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
                _add_bytes(archive, name, data, mtime)
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "rollout5g": __version__,
                "django": get_version(),
                "database": {"vendor": vendor, "file": DB_FILES[vendor], "server_version": state["server_version"],
                             "size": db_file.stat().st_size, "sha256": sha256_file(db_file)},
                "migrations": state["migrations"],
                "tables": state["tables"],
                "audit_head": state["audit_head"],
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        partial.chmod(0o600)  # the archive holds password hashes and the secret key
        partial.replace(out)
    progress(f"written {out}")
    return manifest


# ------------------------------------------------------------------------------------------------ restore
def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, _mode(Path(archive_path), False)) as archive:
        try:
            member = archive.getmember(MANIFEST)
        except KeyError:
            raise BackupError(f"{archive_path}: no {MANIFEST}: not a rollout5g backup") from None
        manifest = json.loads(archive.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path}: backup format {manifest.get('format')!r}; this version reads {FORMAT}")
    return manifest


def database_tables() -> list[str]:
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        return _sqlite_tables(cursor) if conn.vendor == "sqlite" else _pg_tables(cursor)


def table_counts() -> dict[str, int]:
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        tables = _sqlite_tables(cursor) if conn.vendor == "sqlite" else _pg_tables(cursor)
        return _count_rows(cursor, tables, conn.ops.quote_name)


def _safe_target(area_root: Path, relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"unsafe path in the archive: {relative!r}")
    return area_root / Path(*path.parts)


def _check_files_free(manifest: dict) -> None:
    clashes = []
    for entry in manifest["files"]:
        _, area, relative = entry["path"].split("/", 2)
        target = _safe_target(_target_root(area), relative)
        if target.exists() and not (area == "data" and relative == "secret_key"):
            if sha256_file(target) != entry["sha256"]:
                clashes.append(str(target))
    if clashes:
        raise BackupError(f"{len(clashes)} file(s) already exist with other content, e.g. {clashes[0]}: restore "
                          f"into an empty data directory")


def _restore_sqlite(db_file: Path) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    target = Path(conn.settings_dict["NAME"])
    conn.close()
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        dest.close()


def _restore_postgresql(db_file: Path) -> None:
    pg_restore = _tool("pg_restore")
    connections[DEFAULT_DB_ALIAS].close()
    result = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                             "--dbname", _pg_env().get("PGDATABASE", ""), str(db_file)],
                            env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {result.stderr.strip()}")


def restore_backup(archive_path: Path, *, progress: Progress = _noop) -> RestoreReport:
    """Restore the archive into the configured, empty database and data folders; then compare with the
    manifest. Raises :class:`BackupError` (nothing changed) when the target is not empty or the archive is
    damaged."""
    archive_path = Path(archive_path).expanduser().resolve()
    manifest = read_manifest(archive_path)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"the backup is of a {manifest['database']['vendor']} database; this installation uses "
                          f"{vendor}: restore into the same kind of database")
    existing = database_tables()
    if existing:
        raise BackupError(f"the database already has {len(existing)} table(s) ({', '.join(existing[:3])}, …): "
                          f"restore into an empty database")
    _check_files_free(manifest)
    report = RestoreReport()
    expected = {entry["path"]: entry for entry in manifest["files"]}
    with tempfile.TemporaryDirectory(prefix=".rollout5g-restore-", dir=_target_root("data")) as staging, \
            tarfile.open(archive_path, _mode(archive_path, False)) as archive:
        db_name = manifest["database"]["file"]
        progress("checking the database copy…")
        db_file = Path(staging) / db_name
        with archive.extractfile(archive.getmember(db_name)) as src, open(db_file, "wb") as dst:
            shutil.copyfileobj(src, dst)
        if sha256_file(db_file) != manifest["database"]["sha256"]:
            raise BackupError(f"{archive_path}: the database copy does not match its checksum: the archive is damaged")
        progress("restoring the database…")
        (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(db_file)
        progress("restoring the files…")
        for member in archive.getmembers():
            if not member.name.startswith("files/"):
                continue
            if not member.isfile():
                raise BackupError(f"unexpected entry in the archive: {member.name!r}")
            _, area, relative = member.name.split("/", 2)
            target = _safe_target(_target_root(area), relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = archive.extractfile(member).read()
            entry = expected.pop(member.name, None)
            if entry is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                report.problems.append(f"{member.name}: checksum differs from the manifest")
            target.write_bytes(data)
            if relative == "secret_key" and area == "data":
                target.chmod(0o600)
            os.utime(target, (member.mtime, member.mtime))
            report.files += 1
    report.problems += [f"{name}: missing from the archive" for name in expected]
    progress("comparing row counts…")
    counts = table_counts()
    report.tables = len(counts)
    report.rows = sum(counts.values())
    for table, count in manifest["tables"].items():
        if counts.get(table) != count:
            report.problems.append(f"table {table}: {counts.get(table)} rows restored, {count} in the backup")
    return report
