"""Values computed from the platform's data (observed indicators, the supervision dashboard's panels), computed once
per change of the data and shared by every process that serves the platform.

**The data version.** Every write of the platform goes through a service that records an audit event in the same
transaction (docs/architecture.md), so the head of the audit chain — its sequence number and hash — changes with
every committed change of the data, in every process that shares the database. Sign-in events (log in, log out, a
failed login, a lockout) change no data and are left out: the version is the newest other event, read backwards on
the unique index of the sequence number. A process also counts the rows
it saves or deletes itself (``post_save``/``post_delete``/``m2m_changed``): rows written without an audit event
(test factories, a data fix in a shell) then change the version of that process too. Rows that no computed value
reads are not counted: sessions, login attempts (django-axes), the admin's log and a user's last login time. The
version is one query of one row; a value is recomputed when the version it was computed under is no longer the
current one, and in any case after :data:`MAX_AGE` seconds (a safety net for writes made outside the services by
another process).

**Two layers.** In front, a store per process (the threads of a gunicorn worker share it), one version per
namespace: a namespace holds the values of the current version only. Behind it, Django's cache ``default``
(:data:`SHARED_ALIAS`; by default :class:`FileCache`, files in the data directory that every worker of the host
reads; a deployment may name Redis or Memcached in ``ROLLOUT5G_CACHE_BACKEND``, docs/deploy.md): values are pickled
under a key that carries the audit chain head, so a value is computed once per data change for all workers, not
once per worker. Concurrent misses of one key compute it once (single flight): the first takes a lock in the shared
cache (``add`` of a lock key, expiring after :data:`LOCK_TIMEOUT` seconds), the others wait for its value and
compute it themselves if it does not come. Whenever the shared cache fails, the value is computed here.

**When the shared layer is skipped.** The shared key is the audit chain head alone, so it is used only while the
head alone describes the data this process sees:

- not inside a transaction (``atomic``): a transaction may hold rows not yet committed — and the tests run each test
  in a transaction rolled back at its end, where the same head may come back with other rows;
- not while this process has committed rows without an audit event (a transaction that recorded no event, or a
  write in autocommit mode) — until a later audited change (a head with a higher sequence number than any this
  process had read by then) is in the database.

Values are shared between threads and processes and must be treated as read-only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_save

from rollout5g.audit.choices import AuditAction

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Seconds after which a value is recomputed even if the data version did not change (and a shared value expires).
MAX_AGE = 600.0
#: Values a namespace keeps per process at most (a page's parts are kept per address and reader): past it the
#: namespace starts again empty, so a crawl of many addresses cannot fill the memory.
MAX_KEYS = 2000
#: The Django cache shared by the processes.
SHARED_ALIAS = "default"
#: Seconds a computation holds its key's lock at most (a worker that dies while computing frees it after that).
LOCK_TIMEOUT = 60
#: Seconds the other processes wait for the value being computed before they compute it themselves.
WAIT_LIMIT = 30.0
_WAIT_STEP = 0.02
#: Apps whose rows no computed value reads (sessions, login attempts, the admin's log).
IGNORED_APPS = frozenset({"sessions", "axes", "admin"})
#: Audit events that change no data (rollout5g.accounts.signals): a sign-in does not make every value stale.
SIGN_IN_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOCKOUT, AuditAction.LOGOUT)

_lock = threading.Lock()
_local_writes = 0
_store: dict[str, tuple[Hashable, float, dict]] = {}
_max_seq = 0  # the highest audit sequence number this process has read
_unaudited = False  # rows committed without an audit event, not yet placed after a head
_unaudited_until: int | None = None  # the shared layer is skipped until the head passes this sequence number
_MISSING = object()
_FAILED = object()


class DataVersion(tuple):
    """``(audit chain head, rows this process wrote)`` — and ``shared``: the part of it that every process agrees on
    (the head), or None where the shared layer is skipped."""

    shared: tuple | None

    def __new__(cls, head: tuple, writes: int, shared: tuple | None):
        version = super().__new__(cls, (head, writes))
        version.shared = shared
        return version


class FileCache(FileBasedCache):
    """Django's file cache with an ``add`` that is atomic between processes (a hard link fails where the file
    exists), so that it can hold the single-flight locks."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):  # removes an expired file
            return False
        self._createdir()
        fname = self._key_to_file(key, version)
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            try:
                os.link(tmp_path, fname)
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links: Django's add (not atomic)
                return super().add(key, value, timeout, version)
            return True
        finally:
            os.remove(tmp_path)


def _count_write(sender=None, **kwargs) -> None:
    global _local_writes, _unaudited
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label in IGNORED_APPS:
        return
    fields = kwargs.get("update_fields")
    if fields and set(fields) <= {"last_login"}:
        return
    audited = meta.app_label == "audit"
    with _lock:
        _local_writes += 1
    connection = connections[kwargs.get("using") or DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        if not audited:
            with _lock:
                _unaudited = True
        return
    state = _transaction(connection)
    if audited:
        state["audited"] = True
    else:
        state["writes"] += 1


def _transaction(connection) -> dict:
    """What the transaction running on ``connection`` wrote: rows, and whether it recorded an audit event."""
    state = getattr(connection, "_rollout5g_cache_transaction", None)
    if state is None or not any(func is state["on_commit"] for _, func, _ in connection.run_on_commit):
        state = {"writes": 0, "audited": False}  # a new transaction (the last one committed or rolled back)

        def on_commit(state=state):
            global _unaudited
            if state["writes"] and not state["audited"]:
                with _lock:
                    _unaudited = True

        state["on_commit"] = on_commit
        connection.on_commit(on_commit)
        connection._rollout5g_cache_transaction = state
    return state


def connect_signals() -> None:
    """Count every row this process saves or deletes (called once, from ``PolicyConfig.ready``)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_count_write, dispatch_uid=f"rollout5g.policy.cache.{id(signal)}")


def data_version() -> DataVersion:
    """The version of the data now: the newest audit event that changes data (sequence, hash; sign-ins left out)
    and this process's own writes."""
    global _max_seq, _unaudited, _unaudited_until
    from django.db import connection

    from rollout5g.audit.models import AuditEvent

    row = (AuditEvent.objects.exclude(action__in=SIGN_IN_ACTIONS).order_by("-seq").values_list("seq", "hash")
           .first())
    head = tuple(row) if row else (0, "")
    with _lock:
        if _unaudited:  # rows committed without an event: wait for an event after everything read so far
            _unaudited, _unaudited_until = False, max(_max_seq, head[0], _unaudited_until or 0)
        _max_seq = max(_max_seq, head[0])
        if _unaudited_until is not None and head[0] > _unaudited_until:
            _unaudited_until = None
        shared = head if _unaudited_until is None and not connection.in_atomic_block else None
        return DataVersion(head, _local_writes, shared)


def memoize(namespace: str, key: Hashable, compute: Callable[[], T], *, version: Hashable | None = None) -> T:
    """The value of ``compute()`` for ``key`` in ``namespace``, computed once per data version (``version``: pass
    one from :func:`data_version` to read several values under the same version; another hashable keeps the value
    in this process only)."""
    version = data_version() if version is None else version
    now = time.monotonic()
    with _lock:
        entry = _store.get(namespace)
        if entry is None or entry[0] != version or now - entry[1] > MAX_AGE:
            entry = (version, now, {})
            _store[namespace] = entry
        values = entry[2]
        if key in values:
            return values[key]
    shared = getattr(version, "shared", None)
    value = compute() if shared is None else _shared(_shared_key(namespace, key, shared), compute)
    with _lock:
        if len(values) >= MAX_KEYS:
            values.clear()
        values[key] = value
    return value


def _shared_key(namespace: str, key: Hashable, head: tuple) -> str:
    digest = hashlib.sha256(repr((key, head)).encode("utf-8")).hexdigest()[:40]
    return f"rollout5g:{namespace}:{digest}"


def _backend():
    from django.core.cache import caches

    return caches[SHARED_ALIAS]


def _get(backend, key: str):
    try:
        return backend.get(key, _MISSING)
    except Exception:  # noqa: BLE001 — a failing shared cache costs a computation, never the page
        log.warning("shared cache: reading %s failed", key, exc_info=True)
        return _FAILED


def _shared(key: str, compute: Callable[[], T]) -> T:
    """The shared value under ``key``; on a miss, computed once by whoever takes the key's lock."""
    backend = _backend()
    value = _get(backend, key)
    if value is not _MISSING:
        return compute() if value is _FAILED else value
    lock_key = f"{key}:lock"
    deadline = time.monotonic() + WAIT_LIMIT
    while True:
        try:
            owner = backend.add(lock_key, os.getpid(), timeout=LOCK_TIMEOUT)
        except Exception:  # noqa: BLE001
            log.warning("shared cache: locking %s failed", key, exc_info=True)
            return compute()
        if owner:
            try:
                value = compute()
                try:
                    backend.set(key, value, timeout=MAX_AGE)
                except Exception:  # noqa: BLE001 — e.g. a value that cannot be pickled: not shared
                    log.warning("shared cache: storing %s failed", key, exc_info=True)
                return value
            finally:
                try:
                    backend.delete(lock_key)
                except Exception:  # noqa: BLE001
                    log.warning("shared cache: unlocking %s failed", key, exc_info=True)
        # another thread or process computes it: wait for the value, or for the lock to go (then try to take it)
        while time.monotonic() < deadline:
            time.sleep(_WAIT_STEP)
            value = _get(backend, key)
            if value is not _MISSING:
                return compute() if value is _FAILED else value
            try:
                if not backend.has_key(lock_key):
                    break
            except Exception:  # noqa: BLE001
                return compute()
        else:
            return compute()


def forget(namespace: str) -> None:
    """Forget this process's values of ``namespace`` (its shared values carry the data version in their keys and
    are not read again once the data changes)."""
    with _lock:
        _store.pop(namespace, None)


def clear() -> None:
    """Forget every stored value, in this process and in the shared cache (tests; a data fix made outside the
    services)."""
    with _lock:
        _store.clear()
    try:
        _backend().clear()
    except Exception:  # noqa: BLE001
        log.warning("shared cache: clearing failed", exc_info=True)
