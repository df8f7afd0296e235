"""Background jobs: submit, run with progress, failure, cancellation, restart of an abandoned job, access."""

import datetime as dt
import threading

import pytest
from django.utils import timezone

from rollout5g.audit.services import history_for
from rollout5g.jobs.models import Job, JobStatus
from rollout5g.jobs.services import (
    STALE_AFTER,
    job_cancel,
    job_submit,
    requeue_stale_jobs,
    run_periodic_checks,
    run_queued_jobs,
    worker_loop,
)
from rollout5g.platform.jobs import job_handler, periodic

pytestmark = pytest.mark.django_db

SEEN = []


@job_handler("test.square")
def square(job, report):
    report(0.5, "half way")
    SEEN.append(Job.objects.get(pk=job.pk).message)
    return {"square": job.params["x"] ** 2}


@job_handler("test.fail")
def fail(job, report):
    raise ValueError("bad parameter x=-1")


@job_handler("test.cancelled_midway")
def cancelled_midway(job, report):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED)
    report(0.9, "still going")  # the reporter notices the cancellation and stops the handler
    return {"never": True}


def test_job_runs_with_progress_and_result(users):
    job = job_submit(users["office"], "test.square", {"x": 7}, title="square of 7")
    assert job.status == JobStatus.QUEUED and job.organization == users["office"].organization
    SEEN.clear()
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"square": 49} and job.progress == 1.0
    assert SEEN == ["half way"]  # progress was written while the handler ran
    assert [e.after.get("status") for e in history_for(job)][-2:] == [JobStatus.RUNNING, JobStatus.SUCCEEDED]


def test_unknown_kind_is_refused_at_submit(users):
    with pytest.raises(LookupError, match="no handler for job kind 'test.nope'"):
        job_submit(users["office"], "test.nope", {})


def test_failure_is_stored_with_the_reason(users):
    job = job_submit(users["office"], "test.fail", {})
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "bad parameter x=-1" in job.error


def test_cancel_while_running_stops_the_handler(users):
    job = job_submit(users["office"], "test.cancelled_midway", {})
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.result is None


def test_cancel_queued_job(users):
    job = job_submit(users["office"], "test.square", {"x": 1})
    job_cancel(users["office"], job)
    assert run_queued_jobs() == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED


def test_job_abandoned_by_a_killed_worker_is_requeued_and_completes(users):
    job = job_submit(users["office"], "test.square", {"x": 3})
    # As a server killed mid-run leaves it: running, attempt 1, heartbeat stopped long ago.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1, worker="dead:1",
                                         heartbeat_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1))
    fresh = job_submit(users["office"], "test.square", {"x": 4})
    Job.objects.filter(pk=fresh.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert requeue_stale_jobs() == 1  # the job with a live heartbeat is left alone
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.RUNNING
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"square": 9} and job.attempts == 2


def test_job_abandoned_too_often_fails(users):
    job = job_submit(users["office"], "test.square", {"x": 3})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=3,
                                         heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    requeue_stale_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "abandoned 3 times" in job.error


def test_worker_loop_runs_jobs_until_stopped(users):
    job = job_submit(users["office"], "test.square", {"x": 5})
    stop = threading.Event()

    @job_handler("test.stop_worker")
    def stop_worker(job, report):
        stop.set()
        return {}

    job_submit(users["office"], "test.stop_worker", {})
    guard = threading.Timer(30, stop.set)  # a broken worker fails the assertions below instead of hanging
    guard.start()
    worker_loop(stop, poll_seconds=0.01, name="test-worker")
    guard.cancel()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.worker == "test-worker"


def test_periodic_checks_run_once_per_interval():
    calls = []

    @periodic("test.tick", minutes=1)
    def tick():
        calls.append(1)

    last = {}
    assert "test.tick" in run_periodic_checks(last, now=1000.0)
    assert "test.tick" not in run_periodic_checks(last, now=1030.0)
    assert "test.tick" in run_periodic_checks(last, now=1061.0)
    assert len(calls) == 2


def test_job_pages_and_api_follow_the_organization(users, client_for):
    job = job_submit(users["mobile"], "test.square", {"x": 2}, title="mobile job")
    run_queued_jobs()
    mobile, telecom, office = client_for("mobile"), client_for("telecom"), client_for("office")
    page = mobile.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "mobile job" in page.content.decode()
    assert mobile.get(f"/api/jobs/{job.pk}").json()["result"] == {"square": 4}
    assert telecom.get(f"/jobs/{job.pk}/").status_code == 404
    assert telecom.get(f"/api/jobs/{job.pk}").status_code == 404
    assert office.get(f"/api/jobs/{job.pk}").status_code == 200
    from django.test import Client

    assert Client().get(f"/api/jobs/{job.pk}").status_code == 401
    assert "data-status=\"succeeded\"" in mobile.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
