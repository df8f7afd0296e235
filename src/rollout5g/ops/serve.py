"""The production server of ``rollout5g serve``: gunicorn (the WSGI server, N processes) and M job worker processes
(``rollout5g worker``), started and watched by one small supervisor.

Why gunicorn: it is the standard WSGI server on Linux (NetBox, Sentry's self-hosted edition and Django's own docs
use it), pre-forks worker processes, replaces a crashed or stuck worker, and reloads gracefully on SIGHUP.

The supervisor restarts a child that dies (after 1, 2, 4 … 30 s while it keeps dying), forwards SIGHUP to gunicorn
(reload) and, on SIGTERM or Ctrl-C, stops every child gracefully (SIGTERM, then SIGKILL after 40 s). Children die
with it if it is killed outright (Linux parent-death signal). Under systemd the same command is the unit's
``ExecStart`` (``deploy/rollout5g.service``); separate worker units are possible too (``deploy/rollout5g-worker@.service``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

STOP_GRACE_SECONDS = 40.0
FIRST_START_SECONDS = 10.0  # a child that dies this soon after the very first start is a configuration error
STABLE_SECONDS = 60.0  # a child that ran this long is healthy again: restart delays start over


def _set_parent_death_signal() -> None:  # runs in the child, between fork and exec
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    starts: int = 0


@dataclass
class Supervisor:
    """Start the children, keep them running, stop them together."""

    children: list[Child]
    env: dict[str, str]
    say: Callable[[str], None] = print
    stopping: bool = False
    exit_code: int = 0
    _hup: bool = field(default=False, repr=False)

    def start(self, child: Child) -> None:
        child.proc = subprocess.Popen(child.argv, env=self.env, start_new_session=True,
                                      preexec_fn=_set_parent_death_signal)
        child.started, child.restart_at = time.monotonic(), None
        child.starts += 1

    def _on_stop(self, signum, frame) -> None:
        self.stopping = True

    def _on_hup(self, signum, frame) -> None:
        self._hup = True

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, self._on_hup)
        try:
            for child in self.children:
                self.start(child)
            while not self.stopping:
                self._watch()
                time.sleep(0.5)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code

    def _watch(self) -> None:
        now = time.monotonic()
        if self._hup:
            self._hup = False
            for child in self.children:
                if child.name == "gunicorn" and child.proc and child.proc.poll() is None:
                    child.proc.send_signal(signal.SIGHUP)
                    self.say("reloading gunicorn (SIGHUP)")
        for child in self.children:
            if child.proc is None or self.stopping:
                continue
            code = child.proc.poll()
            if code is None:
                if child.failures and now - child.started > STABLE_SECONDS:
                    child.failures = 0
                continue
            if child.restart_at is None:
                ran = now - child.started
                if child.starts == 1 and ran < FIRST_START_SECONDS and code > 0:  # an error, not a signal
                    self.say(f"{child.name} stopped at start (exit code {code}): see the messages above")
                    self.exit_code, self.stopping = 1, True
                    return
                child.failures += 1
                delay = min(30.0, 2.0 ** (child.failures - 1))
                child.restart_at = now + delay
                self.say(f"{child.name} exited with code {code} after {ran:.0f} s; restarting in {delay:.0f} s")
            elif now >= child.restart_at:
                self.start(child)

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop in {STOP_GRACE_SECONDS:.0f} s: killed")
                with contextlib.suppress(ProcessLookupError):
                    child.proc.kill()
                child.proc.wait()


def gunicorn_argv(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", "python:rollout5g.ops.gunicorn_conf",
            "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "--workers", str(workers), "--threads", str(threads), "rollout5g.web.wsgi:application"]


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "rollout5g.cli", "worker"]


def serve_production(*, host: str, port: int, workers: int, threads: int, job_workers: int,
                     say: Callable[[str], None] = print) -> int:
    """Run gunicorn and the job workers until stopped; returns the exit code."""
    env = dict(os.environ)
    own_metrics_dir = not env.get("PROMETHEUS_MULTIPROC_DIR")
    metrics_dir = env.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="rollout5g-metrics-")
    os.makedirs(metrics_dir, exist_ok=True)
    for name in os.listdir(metrics_dir):  # counters start at zero with the server (Prometheus handles resets)
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(metrics_dir, name))
    env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    children = [Child("gunicorn", gunicorn_argv(host=host, port=port, workers=workers, threads=threads))]
    children += [Child(f"job worker {i + 1}", worker_argv()) for i in range(job_workers)]
    say(f"gunicorn on http://{host}:{port}/ with {workers} process(es) × {threads} thread(s); "
        f"{job_workers} job worker process(es). Ctrl-C stops them all.")
    try:
        return Supervisor(children, env, say).run()
    finally:
        if own_metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
