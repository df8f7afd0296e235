"""Retried creates return the first result; a create that loses a race is retried, never a 500.

**API** — put :func:`idempotent` under the ``@router.post(...)`` of an operation that creates or changes something::

    @router.post("/requests", response={201: RequestOut}, auth=django_auth)
    @idempotent
    def create_request(request, payload: RequestIn): ...

- The operation accepts an ``Idempotency-Key`` header (any string up to 200 characters; a UUID is usual). The first
  request with a key runs in one transaction with a record of the key; its answer (status, body, content type,
  ``Location``) is stored with the record when it is a success (2xx/3xx). A repeat with the same key by the same user
  gets that answer again, with ``Idempotent-Replayed: true``, and creates nothing. A repeat that arrives while the
  first is still running waits for it (the record's row is locked until the first commits) and then gets its
  answer. The same key with another method, path or body is refused with 422. Keys are kept
  ``ROLLOUT5G_IDEMPOTENCY_HOURS`` (24) hours.
- Without the header the operation runs as before. Either way, a write that loses a race on the database (a unique
  constraint hit by a concurrent insert, a deadlock, a serialisation failure, SQLite's "database is locked") is
  rolled back to a savepoint and retried, and answered 409 (busy: 503) with ``Retry-After`` when the retries are
  used up — never a 500.

**Pages** — a form that creates a record carries a one-time token (``{% load idempotency %}`` and
``{% once_token %}`` beside ``{% csrf_token %}``) and its view is decorated with :func:`single_submit` under its
access declaration. A second POST of the same token (a double click, a resubmitted page) gets the answer of the first
(usually the redirect to the record it created) instead of a second record.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import random
import time
import uuid

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .writes.models import IdempotencyRecord

log = logging.getLogger("rollout5g.platform.idempotency")

HEADER = "Idempotency-Key"
FORM_FIELD = "_once"
MAX_KEY = 200
ATTEMPTS = 4
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("Content-Type", "Location")
# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply run again.
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization_failure, deadlock_detected, lock_not_available
_UNIQUE_SQLSTATE = "23505"

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY},
    "description": "Any unique string (a UUID). A retry with the same key returns the first answer instead of a "
                   "second record; the same key with another body is refused with 422.",
}


# ---------------------------------------------------------------------------------------------------- races


def _sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_lost_race(exc: BaseException) -> bool:
    """Whether a database error means "another transaction got there first" (run again) rather than a bug."""
    if isinstance(exc, IntegrityError):
        state = _sqlstate(exc)
        return state == _UNIQUE_SQLSTATE if state else "UNIQUE constraint failed" in str(exc)
    if isinstance(exc, OperationalError):
        state = _sqlstate(exc)
        return state in _RETRY_SQLSTATES if state else "database is locked" in str(exc)
    return False


def run_retrying(func, *args, **kwargs):
    """Call ``func`` in a savepoint; when it loses a race on the database, roll back to the savepoint and call it
    again (at most :data:`ATTEMPTS` times, with a short random pause). Re-raises the last error."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except (IntegrityError, OperationalError) as exc:
            if not is_lost_race(exc) or attempt == ATTEMPTS:
                raise
            log.info("write lost a race (%s), attempt %d of %d", exc, attempt, ATTEMPTS)
            time.sleep(random.uniform(0.01, 0.05) * attempt)


def problem(status: int, title: str, detail: str, *, retry_after: int | None = None) -> HttpResponse:
    """An RFC 9457 problem document (the API's error format)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type="application/problem+json")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _lost_race_response(exc: BaseException) -> HttpResponse:
    if isinstance(exc, OperationalError):
        return problem(503, "Busy", "the database was busy; nothing was saved — send the request again",
                       retry_after=1)
    return problem(409, "Conflict", "another request changed the same records at the same moment; nothing was "
                                    "saved — send the request again", retry_after=1)


# ---------------------------------------------------------------------------------------------------- records


def _hours() -> float:
    return float(getattr(settings, "ROLLOUT5G_IDEMPOTENCY_HOURS", 24))


def _user_of(request):
    auth = getattr(request, "auth", None)
    for candidate in (auth, getattr(auth, "user", None), getattr(request, "user", None)):
        if candidate is not None and getattr(candidate, "is_authenticated", False) and getattr(candidate, "pk", None):
            return candidate
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values], ensure_ascii=False).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    elif request.content_type == "application/x-www-form-urlencoded":
        # form posts: the one-time token and the CSRF token change on every page render, the fields do not
        for name, values in sorted(request.POST.lists()):
            if name not in (FORM_FIELD, "csrfmiddlewaretoken"):
                digest.update(json.dumps([name, values], ensure_ascii=False).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _claim(*, scope: str, key: str, user, request) -> tuple[IdempotencyRecord | None, IdempotencyRecord | None]:
    """Insert the record of ``key`` (ours to fill), or find the committed one of an earlier request.

    Returns ``(claimed, earlier)``: exactly one of them is set."""
    now = timezone.now()
    cutoff = now - dt.timedelta(hours=_hours())
    IdempotencyRecord.objects.filter(scope=scope, user=user, created_at__lt=cutoff).delete()
    record = IdempotencyRecord(scope=scope, key=key, user=user, method=request.method, path=request.path[:500],
                               body_hash=_fingerprint(request), created_at=now)
    try:
        with transaction.atomic():
            record.save(force_insert=True)  # waits here while another request holds the same key
        return record, None
    except IntegrityError:
        return None, IdempotencyRecord.objects.get(scope=scope, user=user, key=key)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.response), status=record.status)
    for name, value in (record.headers or {}).items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(record: IdempotencyRecord, response) -> None:
    record.status = response.status_code
    record.headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    record.response = b"" if getattr(response, "streaming", False) else response.content
    record.save(update_fields=["status", "headers", "response"])


def _mismatch(record: IdempotencyRecord, request) -> bool:
    return (record.method, record.path, record.body_hash) != (request.method, request.path[:500],
                                                              _fingerprint(request))


def _once(scope: str, key: str, request, call, *, keep) -> HttpResponse:
    """Run ``call()`` once per (scope, user, key): in one transaction with the key's record; a repeat replays."""
    user = _user_of(request)
    if user is None:
        return call()
    try:
        with transaction.atomic():
            claimed, earlier = _claim(scope=scope, key=key, user=user, request=request)
            if earlier is not None:
                if _mismatch(earlier, request):
                    return problem(422, "Idempotency key reused", f"the key {key!r} was used for another request "
                                                                  f"({earlier.method} {earlier.path}) or another body")
                return _replay(earlier)
            response = call()
            if keep(response.status_code):
                _store(claimed, response)
            else:
                transaction.set_rollback(True)  # no record; nothing half-written stays either
            return response
    except OperationalError as exc:  # SQLite busy beyond its timeout at BEGIN, or the commit lost a race
        if is_lost_race(exc):
            return _lost_race_response(exc)
        raise


# ---------------------------------------------------------------------------------------------------- API


def _install(operation) -> None:
    view_func = operation.view_func

    @functools.wraps(view_func)
    def view(request, **kwargs):
        try:
            return run_retrying(view_func, request, **kwargs)
        except (IntegrityError, OperationalError) as exc:
            if is_lost_race(exc):
                return _lost_race_response(exc)
            raise

    operation.view_func = view

    def decorate_run(run):
        @functools.wraps(run)
        def run_once(request, **kw):
            key = request.headers.get(HEADER, "")
            if not key:
                return run(request, **kw)
            if len(key) > MAX_KEY or not key.isprintable():
                return problem(400, "Bad Idempotency-Key", f"{HEADER} must be printable and at most {MAX_KEY} "
                                                           "characters")
            return _once("api", key, request, lambda: run(request, **kw), keep=lambda status: 200 <= status < 400)

        return run_once

    # like ninja's decorate_view: ninja re-applies _run_decorators when it clones the operation for a mount
    if not hasattr(operation, "_run_decorators"):
        operation._run_decorators = []
    operation.run = decorate_run(operation.run)
    operation._run_decorators.append(decorate_run)
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    operation.openapi_extra = extra


def idempotent(func):
    """Mark a django-ninja operation as an idempotent, race-safe write (put it *under* ``@router.post``)."""
    from ninja.utils import contribute_operation_callback

    contribute_operation_callback(func, _install)
    return func


# ---------------------------------------------------------------------------------------------------- pages


def new_form_token() -> str:
    return uuid.uuid4().hex


def single_submit(view):
    """A page view whose POST is done once per form token (``{% once_token %}``); see the module docstring. A POST
    without a token runs as before. Put it under the access declaration (``@signed_in`` / ``@roles``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
        if not token:
            return view(request, *args, **kwargs)
        if len(token) > MAX_KEY:
            return problem(400, "Bad form token", "the form's one-time token is too long")

        def call():
            return run_retrying(view, request, *args, **kwargs)

        try:
            return _once("form", token, request, call, keep=lambda status: status < 400)
        except (IntegrityError, OperationalError) as exc:
            if is_lost_race(exc):
                return _lost_race_response(exc)
            raise

    return wrapped
