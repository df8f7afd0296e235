"""The audit chain against someone with write access to the database: every field in the hash (the actor too), and
signed checkpoints outside the database that reveal a truncated tail, a recomputed chain and a changed actor."""

import datetime as dt
import hashlib
import importlib
import json
import logging
import os
import sqlite3
import subprocess
import sys

import pytest
import time_machine
from django.db import connection, transaction

from rollout5g.audit import checkpoints as cps
from rollout5g.audit.jobs import daily_checkpoint
from rollout5g.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from rollout5g.audit.services import record_event, verify_chain


@pytest.fixture
def anchor(settings, tmp_path):
    """Checkpoint file and key of this test only."""
    settings.ROLLOUT5G_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.ROLLOUT5G_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit_key")
    return tmp_path / "checkpoints.jsonl"


def _events(n, actor=None):
    return [record_event(actor=actor, action="update", object_type="test.thing", object_id=str(i),
                         object_repr=f"thing {i}", after={"i": i}, note=f"event {i}") for i in range(n)]


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _recompute_from(seq):
    """What an intruder with database access does after a rewrite: every later hash and the head again."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for event in events:
        event.prev_hash = prev
        event.hash = event.compute_hash()
        _sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, event.hash, event.seq])
        prev = event.hash
    _sql("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [events[-1].seq, prev])


# --- the hash covers every field -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_actor_of_an_event_breaks_the_chain(users):
    event = record_event(actor=users["office"], action="update", object_type="test.thing", object_id="1", after={})
    assert verify_chain(checkpoints=False).ok
    _sql("UPDATE audit_auditevent SET actor_id = %s WHERE seq = %s", [users["mobile"].pk, event.seq])
    result = verify_chain(checkpoints=False)
    assert not result.ok and result.first_broken_seq == event.seq
    assert "altered" in result.reason and "actor" in result.reason


@pytest.mark.django_db
def test_the_hashed_payload_holds_every_stored_field(users):
    event = record_event(actor=users["office"], action="update", object_type="test.thing", object_id="1",
                         object_repr="x", before={"a": 1}, after={"a": 2}, note="n")
    payload = json.loads(event.canonical_payload())
    stored = {f.attname for f in AuditEvent._meta.concrete_fields} - {"id", "hash", "prev_hash", "hash_scheme"}
    assert stored <= set(payload), stored - set(payload)
    assert payload["actor_id"] == users["office"].pk and payload["v"] == event.hash_scheme == 3


# --- checkpoints -----------------------------------------------------------------------------------------------

@pytest.fixture
def _empty_chain(transactional_db):
    """A transactional test starts from whatever the worker's database holds: the reference data's events when it
    is the first transactional test on its worker (pytest-xdist), nothing after another one emptied the tables. The
    tests below count events from #1, so they start from an empty chain."""
    _sql("DELETE FROM audit_auditevent")
    _sql("DELETE FROM audit_auditchainhead")


def pytestmark_tx(test):
    return pytest.mark.django_db(transaction=True)(pytest.mark.usefixtures("_empty_chain")(test))


@pytestmark_tx
def test_checkpoint_is_signed_appended_and_logged(anchor, caplog):
    _events(3)
    with caplog.at_level(logging.INFO, logger="rollout5g.audit.checkpoints"):
        cp = cps.write_checkpoint(reason="manual")
    last = AuditEvent.objects.order_by("-seq").first()
    line = json.loads(anchor.read_text().splitlines()[-1])
    assert (line["seq"], line["hash"], line["reason"]) == (last.seq, last.hash, "manual") == (cp.seq, cp.hash, "manual")
    assert len(line["sig"]) == 64 and line["prev_sig"] == ""
    assert any(line["sig"] in record.getMessage() for record in caplog.records)
    key_path = cps.key_file()
    assert key_path.exists() and oct(key_path.stat().st_mode & 0o777) == "0o600"
    _events(2)
    second = cps.write_checkpoint()
    assert second.prev_sig == cp.sig and second.line == 2
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checkpoints_checked == 2


@pytestmark_tx
def test_truncated_tail_is_reported(anchor):
    _events(6)
    cps.write_checkpoint()
    keep = AuditEvent.objects.get(seq=4)
    _sql("DELETE FROM audit_auditevent WHERE seq > 4")
    _sql("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [keep.seq, keep.hash])
    assert verify_chain(checkpoints=False).ok  # the chain alone cannot see it
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 5
    assert "tail truncated" in result.reason and "#5–#6" in result.reason


@pytestmark_tx
def test_a_rewritten_and_recomputed_chain_is_reported(anchor):
    _events(2)
    cps.write_checkpoint()  # anchors #2
    _events(4)
    cps.write_checkpoint()  # anchors #6
    _sql("UPDATE audit_auditevent SET after = %s WHERE seq = 4", ['{"i": 999}'])
    _recompute_from(4)
    assert verify_chain(checkpoints=False).ok
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 3
    assert "rewritten" in result.reason and "#3 and #6" in result.reason


@pytestmark_tx
def test_a_changed_actor_with_a_recomputed_chain_is_reported(anchor):
    from rollout5g.accounts.services import user_create

    alice = user_create(actor=None, username="alice-audit", password="a-long-password-1", is_superuser=True)
    bob = user_create(actor=None, username="bob-audit", password="a-long-password-1", is_superuser=True)
    first = record_event(actor=alice, action="update", object_type="test.thing", object_id="1", after={})
    _events(2)
    cps.write_checkpoint()
    _sql("UPDATE audit_auditevent SET actor_id = %s WHERE seq = %s", [bob.pk, first.seq])
    assert not verify_chain(checkpoints=False).ok  # the actor is in the hash
    _recompute_from(first.seq)
    assert verify_chain(checkpoints=False).ok
    result = verify_chain()
    assert not result.ok and "rewritten" in result.reason


@pytestmark_tx
def test_an_edited_or_removed_checkpoint_line_is_reported(anchor):
    for _ in range(3):
        _events(1)
        cps.write_checkpoint()
    lines = anchor.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["seq"] = 1
    anchor.write_text("\n".join([lines[0], json.dumps(edited), lines[2]]) + "\n")
    result = verify_chain()
    assert not result.ok and "checkpoint 2" in result.reason and "signature" in result.reason
    anchor.write_text("\n".join([lines[0], lines[2]]) + "\n")
    result = verify_chain()
    assert not result.ok and "removed or reordered" in result.reason


@pytestmark_tx
def test_checkpoints_signed_with_another_key_or_without_the_key_fail(anchor, settings):
    _events(2)
    cps.write_checkpoint()
    settings.ROLLOUT5G_AUDIT_KEY = "not-the-key"
    assert "signature" in verify_chain().reason
    settings.ROLLOUT5G_AUDIT_KEY = None
    cps.key_file().unlink()
    assert "no checkpoint key" in verify_chain().reason


@pytestmark_tx
def test_a_broken_chain_is_not_anchored(anchor):
    _events(3)
    _sql("UPDATE audit_auditevent SET note = 'forged' WHERE seq = 2")
    with pytest.raises(cps.CheckpointError, match="broken"):
        cps.write_checkpoint()
    assert not anchor.exists()


@pytest.mark.django_db
def test_no_checkpoint_inside_a_transaction(anchor):
    with pytest.raises(cps.CheckpointError, match="outside transaction.atomic"):
        cps.write_checkpoint()
    assert daily_checkpoint() is False and not anchor.exists()


@pytestmark_tx
def test_the_worker_writes_a_checkpoint_daily(anchor, _today):
    from rollout5g.platform.jobs import periodic_checks

    assert periodic_checks()["audit.checkpoint"][0] is daily_checkpoint
    _events(1)
    assert daily_checkpoint() is True
    assert daily_checkpoint() is False  # the newest one is fresh
    with time_machine.travel(_today + dt.timedelta(hours=25), tick=False):
        assert daily_checkpoint() is True
    assert len(anchor.read_text().splitlines()) == 2
    assert verify_chain().ok


# --- the upgrade to hash scheme 2 -------------------------------------------------------------------------------

migration = importlib.import_module("rollout5g.audit.migrations.0003_hash_covers_every_field")


def _as_scheme_1():
    _sql("UPDATE audit_auditevent SET hash_scheme = 2, region_id = NULL")  # as stored before migration 0004
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        digest = hashlib.sha256((prev + migration._payload(event, 1)).encode()).hexdigest()
        _sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, event.seq])
        prev = digest
    _sql("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


@pytest.mark.django_db
def test_migration_recomputes_an_intact_scheme_1_chain(users):
    from django.apps import apps

    _events(3, actor=users["office"])
    _as_scheme_1()
    assert not verify_chain(checkpoints=False).ok
    migration.rehash(apps, None)
    assert verify_chain(checkpoints=False).ok
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_hash == AuditEvent.objects.order_by("-seq").first().hash


@pytest.mark.django_db
def test_migration_refuses_to_launder_a_broken_chain(users, monkeypatch):
    from django.apps import apps

    monkeypatch.delenv("ROLLOUT5G_AUDIT_REHASH_BROKEN", raising=False)
    events = _events(3, actor=users["office"])
    _as_scheme_1()
    _sql("UPDATE audit_auditevent SET note = 'forged' WHERE seq = %s", [events[1].seq])
    with pytest.raises(RuntimeError, match=f"broken at event #{events[1].seq}"), transaction.atomic():
        migration.rehash(apps, None)


# --- the command ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_checkpoint_then_verify_reports_a_truncated_tail(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "rollout5g.cli", *args, "--data-dir", str(tmp_path)],
                              capture_output=True, text=True, env=env, timeout=300)

    assert run("migrate").returncode == 0
    db = sqlite3.connect(tmp_path / "rollout5g.sqlite3")
    with db:
        count = db.execute("SELECT COUNT(*) FROM audit_auditevent").fetchone()[0]
    assert count >= 2, "migrate records the calendar years it seeds"
    done = run("audit", "checkpoint")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "audit-checkpoints.jsonl").exists() and (tmp_path / "audit_checkpoint_key").exists()
    assert run("audit", "verify").returncode == 0
    with db:
        seq, = db.execute("SELECT MAX(seq) FROM audit_auditevent").fetchone()
        db.execute("DELETE FROM audit_auditevent WHERE seq = ?", [seq])
        prev_seq, prev_hash = db.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1").fetchone()
        db.execute("UPDATE audit_auditchainhead SET last_seq = ?, last_hash = ?", [prev_seq, prev_hash])
    broken = run("audit", "verify")
    assert broken.returncode == 1 and "tail truncated" in broken.stderr
