"""Submit, run and watch background jobs.

Why our own small queue instead of Celery or django-tasks: a job here needs progress the page can poll, must
survive a server restart (a job whose worker died is queued again), and must run with nothing but the database
the platform already has (SQLite on a laptop, PostgreSQL in production) — no broker to install. A worker is a
thread inside ``rollout5g serve`` / ``rollout5g demo`` by default, or separate processes (``rollout5g worker``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import traceback

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from rollout5g.audit.services import record_event
from rollout5g.platform.jobs import handler_for, periodic_checks

from .models import Job, JobStatus

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
STALE_AFTER = dt.timedelta(seconds=30)  # a running job whose heartbeat is older is taken as abandoned
MAX_ATTEMPTS = 3


class JobCancelled(Exception):
    """Raised inside a handler (by ``report``) when the job was cancelled while running."""


def job_submit(actor, kind: str, params: dict | None = None, *, title: str = "", subject=None,
               organization=None) -> Job:
    """Queue a job; the worker runs it. ``subject`` is the record the job is about (its page lists the job)."""
    handler_for(kind)  # fail now, not in the worker, for an unknown kind
    job = Job.objects.create(
        kind=kind, title=title[:200], params=params or {}, created_by=actor if getattr(actor, "pk", None) else None,
        organization=organization or getattr(actor, "organization", None),
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
    )
    record_event(actor=actor, action="create", obj=job, after={"kind": kind, "params": job.params},
                 system_label="system:jobs")
    return job


def job_cancel(actor, job: Job) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            return job
        before = job.status
        job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
        job.save(update_fields=["status", "finished_at"])
        record_event(actor=actor, action="state", obj=job, before={"status": before},
                     after={"status": job.status}, system_label="system:jobs")
    return job


def requeue_stale_jobs(now=None) -> int:
    """Put back jobs whose worker stopped beating (killed server or worker); fail those tried too often."""
    now = now or timezone.now()
    count = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status != JobStatus.RUNNING or job.heartbeat_at >= now - STALE_AFTER:
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.error, job.finished_at = (JobStatus.FAILED,
                                                          f"abandoned {job.attempts} times by its worker", now)
            else:
                job.status, job.message = JobStatus.QUEUED, f"restarted after worker {job.worker} stopped"
            job.save(update_fields=["status", "error", "finished_at", "message"])
            record_event(actor=None, action="state", obj=job, before={"status": JobStatus.RUNNING},
                         after={"status": job.status}, note=job.message or job.error, system_label="system:jobs")
            count += 1
    return count


def _claim_next(worker: str) -> Job | None:
    with transaction.atomic():
        job = (Job.objects.select_for_update(skip_locked=True).filter(status=JobStatus.QUEUED)
               .order_by("id").first())
        if job is None:
            return None
        now = timezone.now()
        job.status, job.started_at, job.heartbeat_at, job.worker = JobStatus.RUNNING, now, now, worker
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "attempts"])
        record_event(actor=None, action="state", obj=job, before={"status": JobStatus.QUEUED},
                     after={"status": JobStatus.RUNNING, "worker": worker}, system_label="system:jobs")
    return job


class _Reporter:
    """The ``report(fraction, message)`` callable handed to a handler: throttled progress writes, heartbeat,
    cancellation check."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and fraction < 1.0:
            return
        self.last = now
        Job.objects.filter(pk=self.job_id).update(progress=max(0.0, min(1.0, float(fraction))),
                                                  message=str(message)[:300], heartbeat_at=timezone.now())
        if Job.objects.filter(pk=self.job_id, status=JobStatus.CANCELLED).exists():
            raise JobCancelled()


def _heartbeat(job_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat is retried; the job itself reports its own failure
            log.exception("heartbeat of job %s", job_id)
        finally:
            close_old_connections()


def _release_connection() -> None:
    """Drop a stale or expired connection between jobs — but never inside an atomic block (a caller's
    transaction, as in a test), where closing would throw the caller's work away."""
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(job: Job) -> Job:
    """Run one claimed job to its end in this thread; the outcome is stored on the job and audited."""
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(job.pk, stop), daemon=True)
    beat.start()
    try:
        result = handler_for(job.kind)(job, _Reporter(job))
        status, error = JobStatus.SUCCEEDED, ""
    except JobCancelled:
        result, status, error = None, JobStatus.CANCELLED, ""
    except Exception as exc:  # noqa: BLE001 - any failure of a handler is the job's result, shown to its user
        log.exception("job %s failed", job.pk)
        result, status, error = None, JobStatus.FAILED, f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=6)}"
    finally:
        stop.set()
    updates = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        updates.update(progress=1.0, result=result)
    Job.objects.filter(pk=job.pk).exclude(status=JobStatus.CANCELLED).update(**updates)
    job.refresh_from_db()
    record_event(actor=None, action="state", obj=job, before={"status": JobStatus.RUNNING},
                 after={"status": job.status}, note=error.splitlines()[0] if error else "", system_label="system:jobs")
    return job


def run_now(job: Job, *, worker: str = "inline") -> Job:
    """Claim one queued job and run it in this thread (the demo loader, a command): the same claim, audit row and
    outcome as in a worker. A job another worker already claimed is left to it and returned as it is."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != JobStatus.QUEUED:
            return locked
        now = timezone.now()
        locked.status, locked.started_at, locked.heartbeat_at, locked.worker = JobStatus.RUNNING, now, now, worker
        locked.attempts += 1
        locked.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "attempts"])
        record_event(actor=None, action="state", obj=locked, before={"status": JobStatus.QUEUED},
                     after={"status": JobStatus.RUNNING, "worker": worker}, system_label="system:jobs")
    return run_job(locked)


def job_result_update(*, actor, job: Job, result, before: dict, after: dict, note: str = "") -> Job:
    """Store a new result on a succeeded job — a later step on what it produced (e.g. a recommendation's proposals
    marked with the sites they became) — with its audit row. The result can be large, so the audit row records the
    caller's summary of the change (``before``/``after``), not the result. Call it in the transaction of that step."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != JobStatus.SUCCEEDED:
            raise ValueError(f"job {locked.pk} has not succeeded: its result cannot be updated")
        locked.result = result
        locked.save(update_fields=["result"])
        record_event(actor=actor, action="update", obj=locked, before=before, after=after, note=note,
                     system_label="system:jobs")
    return locked


def run_queued_jobs(limit: int | None = None, worker: str = "inline") -> int:
    """Run queued jobs in this process until none is left (tests, the ``rollout5g worker --once`` command)."""
    done = 0
    while limit is None or done < limit:
        job = _claim_next(worker)
        if job is None:
            break
        run_job(job)
        done += 1
    return done


def run_periodic_checks(last_run: dict[str, float], now: float | None = None) -> list[str]:
    """Run the periodic checks whose interval has passed since ``last_run`` (updated in place)."""
    now = time.monotonic() if now is None else now
    ran = []
    for name, (func, interval) in periodic_checks().items():
        if now - last_run.get(name, -interval) >= interval:
            last_run[name] = now
            try:
                func()
                ran.append(name)
            except Exception:  # noqa: BLE001 - one failing check must not stop the others or the worker
                log.exception("periodic check %s", name)
    return ran


def worker_loop(stop: threading.Event, *, poll_seconds: float = 1.0, name: str | None = None) -> None:
    """Claim and run jobs until ``stop`` is set; also restarts jobs abandoned by a dead worker and runs the
    periodic checks."""
    name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    last_run: dict[str, float] = {}
    while not stop.is_set():
        try:
            run_periodic_checks(last_run)
            requeue_stale_jobs()
            job = _claim_next(name)
            if job is not None:
                run_job(job)
                continue
        except Exception:  # noqa: BLE001 - the loop must outlive a database hiccup
            log.exception("job worker %s", name)
        finally:
            _release_connection()
        stop.wait(poll_seconds)


def start_worker_thread(poll_seconds: float = 1.0) -> threading.Event:
    """Start a daemon worker thread (used by ``rollout5g serve``); returns the event that stops it."""
    stop = threading.Event()
    threading.Thread(target=worker_loop, args=(stop,), kwargs={"poll_seconds": poll_seconds}, daemon=True,
                     name="rollout5g-jobs").start()
    return stop
