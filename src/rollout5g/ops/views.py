"""``/healthz`` (the process answers), ``/readyz`` (it can serve users) and ``/metrics`` (Prometheus)."""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rollout5g.platform.routes import public

from . import checks
from .metrics import render_metrics, scrape_allowed

log = logging.getLogger(__name__)


@public
@never_cache
@require_GET
def healthz(request):
    """Alive: the process answers. Touches nothing else (a liveness probe must not restart a server because the
    database is down)."""
    return JsonResponse({"status": "alive"})


@public
@never_cache
@require_GET
def readyz(request):
    """Ready to serve users: every check of :func:`rollout5g.ops.checks.readiness_checks` passes (else 503)."""
    found = checks.readiness_checks()
    ready = all(c.ok for c in found)
    response = JsonResponse({"status": "ready" if ready else "not ready",
                             "checks": {c.name: {"ok": c.ok, "state": c.state, "detail": c.detail} for c in found}},
                            status=200 if ready else 503, json_dumps_params={"ensure_ascii": False})
    if not ready:
        # An expected answer of a probe, not a server error: one warning naming the failed checks, instead of
        # django.request's error with a traceback-less "Service Unavailable" every few seconds.
        log.warning("not ready: %s", "; ".join(f"{c.name}: {c.detail}" for c in found if not c.ok))
        response._has_been_logged = True
    return response


@public
@never_cache
@require_GET
def metrics(request):
    """Prometheus text format. Off (404) unless ``ROLLOUT5G_METRICS_TOKEN`` (``Authorization: Bearer …``) or
    ``ROLLOUT5G_METRICS_ALLOW`` (client addresses) is set; other callers get 403."""
    allowed = scrape_allowed(request)
    if allowed is None:
        return HttpResponse("metrics are off: set ROLLOUT5G_METRICS_TOKEN or ROLLOUT5G_METRICS_ALLOW\n",
                            status=404, content_type="text/plain")
    if not allowed:
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")
