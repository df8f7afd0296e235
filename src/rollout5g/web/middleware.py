"""Security middleware of the web layer.

- :class:`ContentSecurityPolicyMiddleware` sends a Content-Security-Policy without inline scripts: pages load their
  JavaScript from ``/static/`` (``rollout5g/js/*.js``) and read their data from ``json_script`` blocks, so a value
  that slipped into the HTML unescaped still cannot run. Styles may be inline (Leaflet and ECharts position their
  elements with style attributes); images may be ``data:``/``blob:`` URIs (map icons, QR codes, chart export).
- :class:`ApiVersionMiddleware` serves the unversioned ``/api/...`` paths (the pages' scripts, older clients) with
  version 1, the canonical ``/api/v1/...``: the path is rewritten before URL resolution. An error answered under
  ``/api/`` by Django itself rather than by an operation (an unreadable body, a method a path does not take) is
  turned into a problem+json document too.
- :class:`UploadLimitMiddleware` refuses a request body larger than the upload limit
  (``ROLLOUT5G_MAX_UPLOAD_BYTES``, default 20 MB, plus room for the form's other fields) before it is read:
  413 with a problem+json body under ``/api/``, a short page elsewhere.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Room for the other fields of a multipart form and its boundaries, on top of the file's own limit.
FORM_OVERHEAD_BYTES = 1024 * 1024

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def content_security_policy() -> str:
    """The policy, its ``img-src`` also admitting the hosts of the configured base-map tiles
    (``ROLLOUT5G_BASEMAPS``, :func:`rollout5g.platform.basemaps.tile_hosts`; none by default)."""
    from rollout5g.platform.basemaps import tile_hosts

    hosts = tile_hosts()
    if not hosts:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data: blob:", " ".join(["img-src 'self' data: blob:", *hosts]))


def max_upload_bytes() -> int:
    return int(getattr(settings, "ROLLOUT5G_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def upload_too_large_message(size: int | None = None) -> str:
    limit_mb = max_upload_bytes() / (1024 * 1024)
    if size is None:
        return _("The upload is too large: at most %(limit).0f MB may be uploaded.") % {"limit": limit_mb}
    return _("The file is too large (%(size).1f MB): at most %(limit).0f MB may be uploaded.") % {
        "size": size / (1024 * 1024), "limit": limit_mb}


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", "same-origin")
        return response


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + FORM_OVERHEAD_BYTES:
            message = upload_too_large_message()
            if request.path.startswith("/api/"):
                return JsonResponse({"type": "about:blank", "title": "Content Too Large", "status": 413,
                                     "detail": message}, status=413, content_type="application/problem+json")
            return HttpResponse(f"<!DOCTYPE html><title>413</title><h1>413</h1><p id=\"upload-error\">"
                                f"{escape(message)}</p>", status=413, content_type="text/html; charset=utf-8")
        return self.get_response(request)


CURRENT_API_PREFIX = "/api/v1/"


class ApiVersionMiddleware:
    """``/api/<path>`` without a version is ``/api/v1/<path>`` (a request names a version with ``/api/vN/``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith("/api"):
            return self.get_response(request)
        if path.startswith("/api/") and not _VERSIONED.match(path):
            request.path_info = CURRENT_API_PREFIX + path[len("/api/"):]
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and "json" not in content_type and not request.path_info.endswith("/docs"):
            # an error Django answered before or around the API (a body it could not parse, a method the path does
            # not take): the API's error format all the same
            return _problem(request, response.status_code)
        return response


def _problem(request, status: int):
    from http import HTTPStatus

    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": title,
                         "instance": request.path}, status=status, content_type="application/problem+json")


_VERSIONED = re.compile(r"^/api/v\d+(/|$)")
