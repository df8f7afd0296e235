"""Signed checkpoints of the audit chain head, kept outside the database.

The hash chain alone proves only that the stored events agree with each other. Someone who can write to the database
can delete the newest events and move the chain head back, or rewrite an event and recompute every later hash: the
chain then verifies. A checkpoint records, at one moment, the sequence number and hash of the newest event, signed
with HMAC-SHA256 under a key that is *not* in the database, and appends it as one JSON line to a file outside the
database (and to the log). ``rollout5g audit verify`` then compares the chain with every checkpoint:

- a checkpoint whose event no longer exists beyond the end of the chain → the tail was truncated;
- a checkpoint whose event has another hash now → the chain was rewritten and recomputed at or before that event;
- a line whose signature or link to the line before does not match → the checkpoint file was edited.

Checkpoints are written daily by a periodic check of the job worker (:mod:`rollout5g.audit.jobs`) and on demand
(``rollout5g audit checkpoint``). What this does and does not protect against is in ``docs/architecture.md``.

Settings (or environment variables of the same name):

- ``ROLLOUT5G_AUDIT_CHECKPOINT_FILE`` — the append-only JSON-lines file; default ``<data dir>/audit-checkpoints.jsonl``.
- ``ROLLOUT5G_AUDIT_KEY_FILE`` — the HMAC key; default ``<data dir>/audit_checkpoint_key`` (created on the first
  checkpoint, mode 0600, beside the ``secret_key`` file). ``ROLLOUT5G_AUDIT_KEY`` gives the key itself instead.
- ``ROLLOUT5G_AUDIT_CHECKPOINT_HOURS`` — how old the newest checkpoint may get before the worker writes one (24).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import GENESIS_HASH, AuditEvent

FORMAT = 1
log = logging.getLogger("rollout5g.audit.checkpoints")
if log.level == logging.NOTSET:
    # A checkpoint is information, but it must reach the log whatever the root level: the log is its second copy.
    log.setLevel(logging.INFO)


class CheckpointError(RuntimeError):
    """A checkpoint cannot be written (the chain is broken, or the call is inside a transaction)."""


def _setting(name: str, default=None):
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, "")
    return value if value not in (None, "") else default


def checkpoint_file() -> Path:
    return Path(_setting("ROLLOUT5G_AUDIT_CHECKPOINT_FILE", Path(settings.DATA_DIR) / "audit-checkpoints.jsonl"))


def key_file() -> Path:
    return Path(_setting("ROLLOUT5G_AUDIT_KEY_FILE", Path(settings.DATA_DIR) / "audit_checkpoint_key"))


def interval_hours() -> float:
    return float(_setting("ROLLOUT5G_AUDIT_CHECKPOINT_HOURS", 24))


def _key(*, create: bool) -> bytes | None:
    given = _setting("ROLLOUT5G_AUDIT_KEY")
    if given:
        return str(given).encode("utf-8")
    path = key_file()
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def _signature(key: bytes, fields: dict) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    line: int
    seq: int
    hash: str
    at: str
    reason: str
    prev_sig: str
    sig: str
    fields: dict

    @property
    def label(self) -> str:
        return f"checkpoint {self.line} ({self.at})"


def read_checkpoints(path: Path | None = None) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints of the file, in order, and the problems of lines that cannot be read."""
    path = path or checkpoint_file()
    if not path.exists():
        return [], []
    result, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            fields = {k: v for k, v in data.items() if k != "sig"}
            result.append(Checkpoint(number, int(data["seq"]), str(data["hash"]), str(data["at"]),
                                     str(data.get("reason", "")), str(data.get("prev_sig", "")), str(data["sig"]),
                                     fields))
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint line {number} of {path} is not a checkpoint (edited or damaged)")
    return result, problems


def _head() -> tuple[int, str]:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, GENESIS_HASH)


def write_checkpoint(*, reason: str = "manual") -> Checkpoint:
    """Check the chain, then sign its head and append it to the checkpoint file and the log.

    Refuses inside a transaction (a checkpoint must anchor committed events only) and refuses to anchor a broken
    chain (that would certify the damage)."""
    from .services import verify_chain

    if connection.in_atomic_block:
        raise CheckpointError("write_checkpoint() anchors committed events only: call it outside transaction.atomic")
    check = verify_chain()
    if not check.ok:
        log.error("audit checkpoint refused: the chain is broken: %s", check.reason)
        raise CheckpointError(f"the audit chain is broken, no checkpoint written: {check.reason}")
    key = _key(create=True)
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # writers of several processes append whole, linked lines one at a time
        try:
            fh.seek(0)
            lines = [line for line in fh.read().splitlines() if line.strip()]
            prev_sig = ""
            if lines:
                try:
                    prev_sig = json.loads(lines[-1]).get("sig", "")
                except ValueError:
                    prev_sig = hashlib.sha256(lines[-1].encode("utf-8")).hexdigest()
            seq, head_hash = _head()
            fields = {"format": FORMAT, "seq": seq, "hash": head_hash, "events": check.events_checked,
                      "at": timezone.now().isoformat(timespec="seconds"), "reason": reason,
                      "host": socket.gethostname(), "prev_sig": prev_sig}
            sig = _signature(key, fields)
            line = json.dumps({**fields, "sig": sig}, sort_keys=True, ensure_ascii=False)
            fh.seek(0, os.SEEK_END)
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    log.info("audit checkpoint %s", line)
    return Checkpoint(len(lines) + 1, seq, head_hash, fields["at"], reason, prev_sig, sig, fields)


def checkpoint_due(now: dt.datetime | None = None) -> bool:
    """Whether the newest checkpoint is older than the interval (or there is none)."""
    checkpoints, _ = read_checkpoints()
    if not checkpoints:
        return True
    try:
        last = dt.datetime.fromisoformat(checkpoints[-1].at)
    except ValueError:
        return True
    now = now or timezone.now()
    return now - last >= dt.timedelta(hours=interval_hours())


def check_against_checkpoints(*, last_seq: int) -> tuple[int, list[tuple[int, str]]]:
    """Compare the stored chain with every checkpoint. Returns the number of checkpoints read and the problems as
    (first event concerned, message), in file order."""
    checkpoints, unreadable = read_checkpoints()
    problems: list[tuple[int, str]] = [(0, message) for message in unreadable]
    if not checkpoints:
        return 0, problems
    key = _key(create=False)
    if key is None:
        problems.append((0, f"no checkpoint key at {key_file()}: the {len(checkpoints)} checkpoints cannot be checked"))
    prev_sig, prev_ok_seq, rewritten = None, 0, False
    for cp in checkpoints:
        if key is not None and not hmac.compare_digest(_signature(key, cp.fields), cp.sig):
            problems.append((0, f"{cp.label}: the signature does not match — the line was edited, or signed with "
                                "another key"))
            prev_sig = cp.sig
            continue
        if prev_sig is not None and cp.prev_sig != prev_sig:
            problems.append((0, f"{cp.label} does not follow the line before it: checkpoints were removed or "
                                "reordered"))
        prev_sig = cp.sig
        if cp.seq == 0:
            continue
        if cp.seq > last_seq:
            problems.append((last_seq + 1, f"the chain ends at event #{last_seq} but {cp.label} recorded event "
                                           f"#{cp.seq}: events #{last_seq + 1}–#{cp.seq} were deleted (tail truncated)"))
            continue
        stored = AuditEvent.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
        if stored is None:
            continue  # a gap inside the chain: the chain walk names it
        if stored != cp.hash:
            if rewritten:
                continue  # the first one names the span; later checkpoints only repeat it
            rewritten = True
            problems.append((prev_ok_seq + 1, f"event #{cp.seq} is not the event {cp.label} recorded: the chain was "
                                              f"rewritten and its hashes recomputed between event #{prev_ok_seq + 1} "
                                              f"and #{cp.seq}"))
        else:
            prev_ok_seq = max(prev_ok_seq, cp.seq)
    return len(checkpoints), problems
