"""/healthz, /readyz (each check's state, 503 when one fails) and /metrics (off by default, token or address)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from rollout5g.jobs.models import Job, JobStatus
from rollout5g.ops.jobs import worker_heartbeat
from rollout5g.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year_loaded(today):
    """The reference calendar comes from chinese-calendar; next year is added as an administrator would."""
    from rollout5g.workcalendar.models import CalendarYear
    from rollout5g.workcalendar.services import calendar_year_save

    year = today.year + 1
    if not CalendarYear.objects.filter(year=year).exists():
        calendar_year_save(None, year=year, holidays=[f"{year}-01-01"], adjusted_workdays=[], source="test notice")


@pytest.fixture
def font(monkeypatch):
    def set_families(*families):
        monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: tuple(families))

    set_families("Noto Sans CJK SC")
    return set_families


def test_healthz_answers_without_touching_anything():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


def test_ready_when_every_check_passes(next_year_loaded, font):
    worker_heartbeat()
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "job worker", "calendar", "cjk font"}
    assert all(check["ok"] and check["state"] == "ok" for check in body["checks"].values())


def test_not_ready_without_a_recent_worker(next_year_loaded, font):
    worker_heartbeat(now=timezone.now() - dt.timedelta(seconds=90))
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["job worker"] == {"ok": False, "state": "error",
                                            "detail": body["checks"]["job worker"]["detail"]}
    assert "90 s ago" in body["checks"]["job worker"]["detail"]
    assert body["checks"]["database"]["ok"] and body["checks"]["calendar"]["ok"]


def test_a_running_jobs_heartbeat_counts_as_a_live_worker(next_year_loaded, font):
    """A long coverage run keeps the worker loop busy; the job's own heartbeat shows the worker is alive."""
    Job.objects.create(kind="coverage.run", status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert Client().get("/readyz").status_code == 200


def test_not_ready_without_next_years_calendar_or_a_font(font):
    worker_heartbeat()
    body = Client().get("/readyz").json()
    assert not body["checks"]["calendar"]["ok"] and "calendar load-year" in body["checks"]["calendar"]["detail"]
    font()  # no Chinese font
    body = Client().get("/readyz").json()
    assert not body["checks"]["cjk font"]["ok"] and "fonts-noto-cjk" in body["checks"]["cjk font"]["detail"]


def test_heartbeat_is_one_row_per_worker_and_old_rows_go(today):
    worker_heartbeat()
    worker_heartbeat()
    assert WorkerHeartbeat.objects.count() == 1
    WorkerHeartbeat.objects.create(name="gone:1:1", hostname="gone", pid=1,
                                   started_at=timezone.now() - dt.timedelta(days=3),
                                   seen_at=timezone.now() - dt.timedelta(days=2))
    worker_heartbeat()
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) != ["gone"]
    assert not WorkerHeartbeat.objects.filter(name="gone:1:1").exists()


def test_metrics_are_off_by_default(settings):
    settings.ROLLOUT5G_METRICS_TOKEN, settings.ROLLOUT5G_METRICS_ALLOW = "", []
    assert Client().get("/metrics").status_code == 404


def test_metrics_need_the_token_or_an_allowed_address(settings):
    settings.ROLLOUT5G_METRICS_TOKEN, settings.ROLLOUT5G_METRICS_ALLOW = "s3cret-scrape-token", []
    client = Client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    settings.ROLLOUT5G_METRICS_TOKEN, settings.ROLLOUT5G_METRICS_ALLOW = "", ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 403  # the test client calls from 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    settings.ROLLOUT5G_METRICS_ALLOW = ["127.0.0.1"]
    assert client.get("/metrics").status_code == 200


def _sample(text, name, **labels):
    """The value of one sample of the text exposition."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_metrics_report_requests_queue_durations_and_clocks(settings):
    settings.ROLLOUT5G_METRICS_TOKEN, settings.ROLLOUT5G_METRICS_ALLOW = "", ["127.0.0.1"]
    client = Client()
    before = _sample(client.get("/metrics").content.decode(), "rollout5g_http_requests_total",
                     method="GET", view="healthz", status="200") or 0
    client.get("/healthz")
    client.get("/healthz")
    now = timezone.now()
    Job.objects.create(kind="coverage.run", status=JobStatus.QUEUED)
    Job.objects.create(kind="coverage.run", status=JobStatus.SUCCEEDED, started_at=now - dt.timedelta(seconds=30),
                       finished_at=now)
    Job.objects.create(kind="coverage.run", status=JobStatus.FAILED, started_at=now - dt.timedelta(seconds=5),
                       finished_at=now)
    text = client.get("/metrics").content.decode()
    assert _sample(text, "rollout5g_http_requests_total", method="GET", view="healthz", status="200") == before + 2
    assert _sample(text, "rollout5g_http_request_duration_seconds_count", view="healthz") >= 2
    assert _sample(text, "rollout5g_job_queue_depth") == 1
    assert _sample(text, "rollout5g_jobs", status="queued", kind="coverage.run") == 1
    assert _sample(text, "rollout5g_job_duration_seconds_count", kind="coverage.run", status="succeeded") == 1
    assert _sample(text, "rollout5g_job_duration_seconds_sum", kind="coverage.run", status="succeeded") == \
        pytest.approx(30, abs=0.01)
    for clock in ("approval", "cases.power", "cases.relocation", "cases.incident", "resources.request",
                  "permits.item.legal", "construction.design_review", "spectrum.complaint.investigation"):
        assert _sample(text, "rollout5g_overdue_clocks", clock=clock) is not None, clock
    assert _sample(text, "rollout5g_worker_heartbeat_age_seconds") is not None


def test_overdue_clocks_count_an_application_past_its_acceptance_window(users, today):
    from rollout5g.ops.metrics import overdue_clocks
    from rollout5g.permits.choices import ApplicationState
    from rollout5g.permits.models import Application
    from rollout5g.permits.rules import load_rules
    from rollout5g.permits.services import application_create

    load_rules(None)
    before = overdue_clocks(today)["approval"]
    late = application_create(actor=users["mobile"], title="逾期受理")
    fresh = application_create(actor=users["mobile"], title="刚提交")
    Application.objects.filter(pk=late.pk).update(state=ApplicationState.RECEIVED,
                                                  received_on=today - dt.timedelta(days=30))
    Application.objects.filter(pk=fresh.pk).update(state=ApplicationState.RECEIVED, received_on=today)
    assert overdue_clocks(today)["approval"] == before + 1
