"""One error format for the whole API: RFC 9457 problem details (``application/problem+json``).

Every error an API operation answers — a missing login (401), a refusal (403), an unknown record or path (404), a
conflict (409), a body too large (413), invalid input (422), an unexpected failure (500) — has the same body::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "body.title: Field required", "instance": "/api/v1/approvals/",
     "errors": [{"loc": ["body", "payload", "title"], "msg": "Field required", "type": "missing"}]}

``detail`` is a sentence a person can read; ``errors`` (only for 422) lists every field: of the input schema, or of
a service's ``ValidationError`` (its ``message_dict``; ``loc: []`` for a message about no one field). Operations do
not translate exceptions themselves: a service raises ``ValidationError`` (422), ``PermissionDenied`` (403, also
``platform.workflow.ActionRefused``) or ``ObjectDoesNotExist`` (404), and the handlers here answer.
:func:`install` sets the handlers on the NinjaAPI; :func:`declare_errors` writes the statuses into the OpenAPI
schema (see :mod:`rollout5g.web.api`).
"""

from __future__ import annotations

import inspect
import logging
import re
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("rollout5g.api")


class ProblemError(Schema):
    """One invalid field of a 422 problem."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(request, status: int, detail: str = "", *, errors: list | None = None, headers: dict | None = None):
    """A problem+json response."""
    body = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail or _title(status),
            "instance": request.path if request is not None else None}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=PROBLEM_MEDIA_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _loc_text(loc) -> str:
    parts = [str(p) for p in loc if p not in ("payload",)]
    return ".".join(parts)


def _validation_errors(exc: ValidationError) -> list[dict]:
    out = []
    for e in exc.errors:
        out.append({"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
                    "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))})
    return out


def service_errors(exc: DjangoValidationError) -> list[dict]:
    """A Django ValidationError as problem ``errors``: ``{"loc": [field], "msg", "type": "invalid"}`` per message of a
    field (``message_dict``), ``loc: []`` for a message about no field (``__all__`` or a plain message)."""
    if hasattr(exc, "error_dict"):
        return [{"loc": [] if field == NON_FIELD_ERRORS else [field], "msg": str(msg), "type": "invalid"}
                for field, messages in exc.message_dict.items() for msg in messages]
    return [{"loc": [], "msg": str(msg), "type": "invalid"} for msg in exc.messages]


def install(api) -> None:
    """Replace django-ninja's default error handlers by problem+json ones."""

    def on_validation(request, exc: ValidationError):
        errors = _validation_errors(exc)
        detail = "; ".join(f"{_loc_text(e['loc'])}: {e['msg']}" for e in errors) or "invalid input"
        return problem(request, 422, detail, errors=errors)

    def on_http_error(request, exc: HttpError):
        return problem(request, exc.status_code, str(exc))

    def on_auth(request, exc: AuthenticationError):
        return problem(request, 401, "log in first (a session cookie or an API token)")

    def on_not_found(request, exc: Http404):
        return problem(request, 404, str(exc) if settings.DEBUG or str(exc) else "not found")

    def on_denied(request, exc: PermissionDenied):
        return problem(request, 403, str(exc) or "forbidden")

    def on_django_validation(request, exc: DjangoValidationError):
        # a service's refusal of its input: one entry per field (message_dict), the rest without a field
        errors = service_errors(exc)
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"] else e["msg"] for e in errors)
        return problem(request, 422, detail or "invalid input", errors=errors)

    def on_does_not_exist(request, exc: ObjectDoesNotExist):
        return problem(request, 404, str(exc) or "not found")

    def on_bad_request(request, exc: Exception):
        return problem(request, 400, f"the request body cannot be read: {exc}" if str(exc) else "bad request")

    def on_too_big(request, exc: Exception):
        return problem(request, 413, "the request body is too large")

    def on_out_of_range(request, exc: Exception):
        # an id or number past what the database stores (SQLite: 64-bit integers) names no record and is no value
        return problem(request, 422, "a number in the request is out of range")

    def on_error(request, exc: Exception):
        log.exception("API %s %s failed", request.method, request.path)
        return problem(request, 500, "an unexpected error; it has been logged")

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(ObjectDoesNotExist, on_does_not_exist)
    api.add_exception_handler(MultiPartParserError, on_bad_request)
    api.add_exception_handler(BadRequest, on_bad_request)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(OverflowError, on_out_of_range)
    api.add_exception_handler(DataError, on_out_of_range)
    api.add_exception_handler(Exception, on_error)


# ------------------------------------------------------------------------------------------ OpenAPI statuses

_RAISED = re.compile(r"HttpError\(\s*(\d{3})|Status\(\s*(\d{3})|status_code\s*=\s*(\d{3})")
_NOT_FOUND = re.compile(r"get_object_or_404|Http404|\.get\(")
_WRITE_METHODS = {"post", "put", "patch", "delete"}


def raised_statuses(func) -> set[int]:
    """Statuses an operation's own code raises or returns (``HttpError(409, …)``, ``Status(422, …)``)."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return set()
    codes = {int(next(g for g in m.groups() if g)) for m in _RAISED.finditer(source)}
    if _NOT_FOUND.search(source):
        codes.add(404)
    return codes


def tuple_items_to_prefix_items(node) -> None:
    """OpenAPI 3.1 (JSON Schema 2020-12) writes a tuple as ``prefixItems``; pydantic's ``items: [..]`` list form is
    invalid there. Rewrites in place."""
    if isinstance(node, dict):
        items = node.get("items")
        if isinstance(items, list):
            node["prefixItems"] = node.pop("items")
            node.setdefault("minItems", len(items))
            node.setdefault("maxItems", len(items))
        for value in node.values():
            tuple_items_to_prefix_items(value)
    elif isinstance(node, list):
        for value in node:
            tuple_items_to_prefix_items(value)


def error_statuses(method: str, op: dict, view_func=None) -> set[int]:
    """Every error status an operation can answer, from its declaration and its code:

    - authenticated (``security``): 401 without a login, 403 without the right (and for a write, a CSRF failure);
    - path parameters: 404 for an unknown record; any parameter or body: 422 for invalid input; query parameters:
      414 for a request line longer than the server accepts;
    - a multipart body: 413 over the upload limit;
    - a write: 409 when it conflicts (a reused idempotency key, a record changed meanwhile), 503 when it lost a
      race on the database after its retries;
    - and whatever the operation's code raises itself.
    """
    codes: set[int] = set()
    parameters = op.get("parameters") or []
    if op.get("security"):
        codes |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        codes.add(404)
    if parameters or op.get("requestBody"):
        codes.add(422)
    if any(p.get("in") == "query" for p in parameters):
        codes.add(414)  # a query string longer than the server's request line (gunicorn limit_request_line)
    if op.get("requestBody"):
        codes.add(400)  # a body that cannot be parsed (malformed JSON or multipart)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        codes.add(400)  # a malformed Idempotency-Key
    content = (op.get("requestBody") or {}).get("content") or {}
    if "multipart/form-data" in content:
        codes.add(413)
    if method in _WRITE_METHODS:
        # 400: the CSRF check reads a form body, which may be malformed; 409/503: a write that lost a race after
        # its retries (rollout5g.platform.idempotency), with Retry-After
        codes |= {400, 403, 409, 413, 422, 503}
    if view_func is not None:
        codes |= {c for c in raised_statuses(view_func) if c >= 400}
    return codes
