"""rollout5g backup / restore, on SQLite and (when DATABASE_URL is set) on PostgreSQL: the restored copy is exact —
every row of every table (timestamps to the microsecond), every file — and `rollout5g audit verify` passes on it;
a database that is not empty, or a damaged archive, is refused with nothing changed.

The installations are real ones in temporary folders (and databases), driven through the command as an
administrator would, not the test database (whose rows live in a transaction another process cannot see)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

POPULATE = r"""
import datetime as dt, sys
from pathlib import Path
from rollout5g.platform.bootstrap import setup_django
setup_django(None)
from django.conf import settings
from django.utils import timezone
from rollout5g.accounts.services import user_create
from rollout5g.accounts.tokens import token_create, token_revoke
from rollout5g.audit.checkpoints import write_checkpoint
from rollout5g.audit.services import record_event

alice = user_create(actor=None, username="alice", password="a-long-pass-phrase-1", validate=False)
token, _ = token_create(actor=alice, user=alice, name="看板", scope="read", expires_days=30)
token_revoke(actor=alice, token=token)
for i in range(25):
    record_event(actor=alice, action="update", object_type="test.thing", object_id=str(i),
                 after={"n": i, "at": timezone.now()}, note="备份测试")
media = Path(settings.MEDIA_ROOT)
(media / "materials" / "2026").mkdir(parents=True, exist_ok=True)
(media / "materials" / "2026" / "图纸.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
(Path(settings.DATA_DIR) / "coverage" / "1").mkdir(parents=True, exist_ok=True)
(Path(settings.DATA_DIR) / "coverage" / "1" / "rsrp.tif").write_bytes(b"II*\x00" + b"\x07" * 5000)
write_checkpoint(reason="test")
print("populated")
"""


def _rollout5g(*args, env, check=True, timeout=300):
    result = subprocess.run([sys.executable, "-m", "rollout5g.cli", *args], env=env, capture_output=True, text=True,
                            timeout=timeout)
    if check:
        assert result.returncode == 0, f"rollout5g {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _base_env(data_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ROLLOUT5G_", "DJANGO_", "PROMETHEUS_")) and k != "DATABASE_URL"}
    env["ROLLOUT5G_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# --------------------------------------------------------------------------------------------- engines
class SQLiteEngine:
    name = "sqlite"

    def url(self, label):
        return None

    def drop(self, label):
        pass

    def rows(self, env) -> dict[str, list]:
        conn = sqlite3.connect(Path(env["ROLLOUT5G_DATA_DIR"]) / "rollout5g.sqlite3")
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
        conn.close()
        return out


class PostgresEngine:
    name = "postgresql"

    def __init__(self, admin_url):
        self.admin_url = admin_url
        self.suffix = uuid.uuid4().hex[:8]

    def _admin(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def url(self, label):
        import dj_database_url

        name = f"r5g_backup_{label}_{self.suffix}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        conf = dj_database_url.parse(self.admin_url)
        auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
        host = f"{conf.get('HOST') or ''}" + (f":{conf['PORT']}" if conf.get("PORT") else "")
        return f"postgres://{auth}@{host}/{name}"

    def drop(self, label):
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "r5g_backup_{label}_{self.suffix}" WITH (FORCE)')

    def rows(self, env) -> dict[str, list]:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
            return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def _engines():
    engines = [pytest.param(SQLiteEngine, id="sqlite")]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        engines.append(pytest.param(lambda: PostgresEngine(os.environ["DATABASE_URL"]), id="postgresql"))
    return engines


@pytest.fixture(scope="module", params=_engines())
def installation(request, tmp_path_factory):
    """A populated installation, backed up while it could be serving, and restored into a fresh one."""
    engine = request.param()
    root = tmp_path_factory.mktemp(f"backup-{engine.name}")
    source = _base_env(root / "source", engine.url("source"))
    target = _base_env(root / "target", engine.url("target"))
    try:
        _rollout5g("migrate", env=source)
        populate = subprocess.run([sys.executable, "-c", POPULATE], env=source, capture_output=True, text=True,
                                  timeout=300)
        assert populate.returncode == 0, populate.stderr
        archive = root / "backup.tar.gz"
        backup = _rollout5g("backup", "--out", str(archive), env=source)
        restore = _rollout5g("restore", str(archive), env=target, check=False)
        yield {"engine": engine, "source": source, "target": target, "archive": archive, "backup": backup,
               "restore": restore, "root": root}
    finally:
        engine.drop("source")
        engine.drop("target")


def _files(data_dir: Path) -> dict[str, str]:
    skip = ("rollout5g.sqlite3", "static")
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and not p.relative_to(data_dir).parts[0].startswith(skip)}


def test_restore_reports_success_and_the_audit_chain_verifies(installation):
    restore = installation["restore"]
    assert restore.returncode == 0, restore.stdout + restore.stderr
    said = " ".join(restore.stdout.split())  # rich wraps long lines
    assert "match the manifest" in said
    assert "OK" in said and "chain intact" in said
    verify = _rollout5g("audit", "verify", env=installation["target"])
    assert "chain intact" in " ".join(verify.stdout.split())


def test_every_row_of_every_table_is_identical(installation):
    engine = installation["engine"]
    before, after = engine.rows(installation["source"]), engine.rows(installation["target"])
    assert set(before) == set(after)
    for table in before:
        assert before[table] == after[table], table
    assert len(before["audit_auditevent"]) >= 25 and len(before["accounts_apitoken"]) == 1


def test_timestamps_keep_their_microseconds(installation):
    engine = installation["engine"]
    source = engine.rows(installation["source"])["audit_auditevent"]
    target = engine.rows(installation["target"])["audit_auditevent"]
    stamps = [v for row in source for v in row if hasattr(v, "microsecond") or (isinstance(v, str) and "." in v
                                                                                and v[:4].isdigit() and ":" in v)]
    assert stamps, "the audit table has timestamps"
    fractions = {str(s).rsplit(".", 1)[-1][:6] for s in stamps if "." in str(s)}
    assert fractions - {"000000"}, "the source timestamps carry microseconds"
    assert source == target


def test_every_file_comes_back_with_its_checksum(installation):
    source = _files(Path(installation["source"]["ROLLOUT5G_DATA_DIR"]))
    target = _files(Path(installation["target"]["ROLLOUT5G_DATA_DIR"]))
    assert {"media/materials/2026/图纸.pdf", "coverage/1/rsrp.tif", "secret_key", "audit-checkpoints.jsonl"} <= set(source)
    assert source == target


def test_manifest_counts_and_checksums(installation):
    with tarfile.open(installation["archive"]) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.extractfile(entry["path"]).read()).hexdigest() == entry["sha256"]
    engine = installation["engine"]
    rows = engine.rows(installation["target"])
    assert manifest["database"]["vendor"] == engine.name
    assert manifest["tables"] == {t: len(r) for t, r in rows.items()}
    assert manifest["audit_head"]["last_seq"] == manifest["tables"]["audit_auditevent"]
    assert (Path(installation["archive"]).stat().st_mode & 0o777) == 0o600


def test_restore_refuses_a_database_that_is_not_empty(installation):
    again = _rollout5g("restore", str(installation["archive"]), env=installation["target"], check=False)
    assert again.returncode == 1 and "empty database" in " ".join(again.stderr.split())


def test_restore_refuses_a_damaged_archive(installation, tmp_path):
    engine = installation["engine"]
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(installation["archive"]) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-64] + bytes(64)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    target = _base_env(tmp_path / "fresh", engine.url("damaged"))
    try:
        result = _rollout5g("restore", str(damaged), env=target, check=False)
        assert result.returncode == 1 and "damaged" in " ".join(result.stderr.split())
        if engine.name == "sqlite":
            db = tmp_path / "fresh" / "rollout5g.sqlite3"
            assert not db.exists() or not sqlite3.connect(db).execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        else:
            assert engine.rows(target) == {}
    finally:
        engine.drop("damaged")
