"""Prometheus metrics (``/metrics``): requests, the job queue, job durations, overdue clocks, worker heartbeat.

Why prometheus_client: it is the Prometheus project's own Python client, and its multiprocess mode sums the
counters of every gunicorn worker process (files in ``PROMETHEUS_MULTIPROC_DIR``, which ``rollout5g serve`` sets
up) — a hand-written text writer would report one random worker's counts per scrape.

Request counters are collected by :class:`RequestMetricsMiddleware`; everything about jobs and clocks is read from
the database at scrape time (:class:`PlatformCollector`), so it is the same whichever process answers.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import threading
import time
from collections import Counter as _Counter

from django.conf import settings
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, SummaryMetricFamily

log = logging.getLogger(__name__)

REQUESTS = Counter("rollout5g_http_requests", "HTTP responses, by method, view and status code",
                   ["method", "view", "status"])
LATENCY = Histogram("rollout5g_http_request_duration_seconds", "Time to answer a request, by view",
                    ["view"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def _view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or match._func_path


class RequestMetricsMiddleware:
    """Counts and times every response (placed first, so errors turned into responses are counted too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        view = _view_label(request)
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - start)
        return response


# ------------------------------------------------------------------------------------------ database gauges
_overdue_cache: dict[str, object] = {}
_overdue_lock = threading.Lock()


def overdue_clocks(today: dt.date | None = None) -> dict[str, int]:
    """Open clocks past their due date, by clock: the approval applications' own windows (acceptance, whole review),
    then every working-day clock an app declares (:mod:`rollout5g.platform.clocks`: cases, open-list requests,
    approval items, construction reviews, rectifications, measurement requests, interference investigations…)."""
    from django.utils import timezone
    from django.utils.module_loading import autodiscover_modules

    from rollout5g.permits.choices import REVIEW_STATES, ApplicationState
    from rollout5g.permits.models import Application
    from rollout5g.permits.selectors import acceptance_clock, application_clock
    from rollout5g.platform.clocks import clock_states, declared
    from rollout5g.workcalendar.services import working_calendar

    autodiscover_modules("selectors", "reminders", "jobs")  # where the apps declare their clocks
    today = today or timezone.localdate()
    calendar = working_calendar()
    counts = {"approval": 0}
    for app in Application.objects.filter(state__in=[*REVIEW_STATES, ApplicationState.RECEIVED]):
        if app.state == ApplicationState.RECEIVED:
            clock = acceptance_clock(app)
            if clock and today > clock.due(calendar).date:
                counts["approval"] += 1
        else:
            clock = application_clock(app)
            if clock and clock.status(calendar, today).state == "overdue":
                counts["approval"] += 1
    for name, spec in sorted(declared().items()):
        counts[name] = sum(1 for _row, state in clock_states(spec, spec.rows(), today) if state.state == "overdue")
    return counts


def _cached_overdue() -> dict[str, int]:
    """Overdue clocks are recomputed at most once a minute per process (each clock reads the calendar)."""
    with _overdue_lock:
        if time.monotonic() - float(_overdue_cache.get("at", -1e9)) > 60:
            _overdue_cache["value"] = overdue_clocks()
            _overdue_cache["at"] = time.monotonic()
        return dict(_overdue_cache["value"])  # type: ignore[arg-type]


class PlatformCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from django.utils import timezone

        from rollout5g import __version__
        from rollout5g.jobs.models import FINISHED, Job, JobStatus

        from .checks import last_worker_seen

        info = GaugeMetricFamily("rollout5g_info", "rollout5g version", labels=["version"])
        info.add_metric([__version__], 1)
        yield info

        now = timezone.now()
        jobs = GaugeMetricFamily("rollout5g_jobs", "Background jobs by status and kind", labels=["status", "kind"])
        by_status = _Counter()
        for status, kind in Job.objects.values_list("status", "kind"):
            by_status[(status, kind)] += 1
        for (status, kind), n in sorted(by_status.items()):
            jobs.add_metric([status, kind], n)
        yield jobs
        depth = GaugeMetricFamily("rollout5g_job_queue_depth", "Jobs waiting for a worker")
        depth.add_metric([], sum(n for (status, _kind), n in by_status.items() if status == JobStatus.QUEUED))
        yield depth
        oldest = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at").values_list(
            "created_at", flat=True).first()
        wait = GaugeMetricFamily("rollout5g_job_oldest_queued_seconds", "Age of the oldest queued job (0 if none)")
        wait.add_metric([], max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
        yield wait

        durations = SummaryMetricFamily("rollout5g_job_duration_seconds",
                                        "Run time of finished jobs (started to finished), by kind and outcome",
                                        labels=["kind", "status"])
        totals: dict[tuple[str, str], list[float]] = {}
        for kind, status, started, finished in Job.objects.filter(
                status__in=FINISHED, started_at__isnull=False, finished_at__isnull=False).values_list(
                "kind", "status", "started_at", "finished_at"):
            entry = totals.setdefault((kind, status), [0, 0.0])
            entry[0] += 1
            entry[1] += max((finished - started).total_seconds(), 0.0)
        for (kind, status), (count, total) in sorted(totals.items()):
            durations.add_metric([kind, status], count_value=count, sum_value=total)
        yield durations

        seen = last_worker_seen()
        beat = GaugeMetricFamily("rollout5g_worker_heartbeat_age_seconds",
                                 "Seconds since a job worker last showed life (-1: never)")
        beat.add_metric([], (now - seen).total_seconds() if seen else -1.0)
        yield beat

        overdue = GaugeMetricFamily("rollout5g_overdue_clocks", "Open working-day clocks past their due date",
                                    labels=["clock"])
        try:
            for clock, n in sorted(_cached_overdue().items()):
                overdue.add_metric([clock], n)
        except Exception:  # noqa: BLE001 - one broken selector must not take the whole scrape down
            log.exception("overdue clocks for /metrics")
        yield overdue


def render_metrics() -> bytes:
    """The text exposition of every metric: the request counters of all processes of this server (multiprocess
    mode under ``rollout5g serve``, this process otherwise) and the database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    platform = CollectorRegistry()
    platform.register(PlatformCollector())
    return body + generate_latest(platform)


# ------------------------------------------------------------------------------------------ who may scrape
def scrape_allowed(request) -> bool | None:
    """True: allowed; False: refused; None: metrics are off (no token and no address list configured)."""
    import hmac

    token, networks = settings.ROLLOUT5G_METRICS_TOKEN, settings.ROLLOUT5G_METRICS_ALLOW
    if not token and not networks:
        return None
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode()):
            return True
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        for net in networks:
            try:
                if address in ipaddress.ip_network(net, strict=False):
                    return True
            except ValueError:
                log.warning("ROLLOUT5G_METRICS_ALLOW: %r is not an address or network", net)
    return False
