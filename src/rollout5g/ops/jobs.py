"""The heartbeat every job worker writes (a periodic check, so it runs in every worker: the thread inside
``serve --dev``/``demo`` and each ``rollout5g worker`` process)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

from django.utils import timezone

from rollout5g.platform.jobs import periodic

HEARTBEAT_MINUTES = 0.25  # every 15 s; readiness wants one within ROLLOUT5G_WORKER_MAX_SILENCE (60 s)


def worker_name() -> str:
    """The name the job worker of this thread goes by (the same as ``Job.worker`` of the jobs it runs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@periodic("ops.worker_heartbeat", minutes=HEARTBEAT_MINUTES)
def worker_heartbeat(now: dt.datetime | None = None) -> None:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    name = worker_name()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"seen_at": now},
            create_defaults={"hostname": socket.gethostname()[:100], "pid": os.getpid(), "started_at": now,
                             "seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
