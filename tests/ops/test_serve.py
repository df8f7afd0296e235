"""rollout5g serve: never migrates (refuses with the command to run); the production server is gunicorn with its
worker processes plus job worker processes under a supervisor that restarts what dies and stops everything."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from rollout5g.ops import serve as serve_module
from rollout5g.ops.serve import Child, Supervisor


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rollout5g(*args, env, timeout=180):
    return subprocess.run([sys.executable, "-m", "rollout5g.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_serve_refuses_an_unmigrated_database_and_creates_nothing(clean_env, tmp_path):
    env = clean_env()
    result = _rollout5g("serve", "--port", str(_free_port()), env=env)
    assert result.returncode == 2
    assert "rollout5g migrate" in result.stderr and "not applied" in result.stderr
    db = tmp_path / "data" / "rollout5g.sqlite3"
    tables = sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] \
        if db.exists() else 0
    assert tables == 0


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_supervisor_restarts_a_child_that_dies_and_stops_all(monkeypatch):
    monkeypatch.setattr(serve_module, "FIRST_START_SECONDS", 0.0)
    steady = Child("steady", _python("import time; time.sleep(120)"))
    flaky = Child("flaky", _python("import time; time.sleep(0.3); raise SystemExit(5)"))
    lines = []
    supervisor = Supervisor([steady, flaky], dict(os.environ), say=lines.append)

    def stop_after_restart():
        deadline = time.monotonic() + 20
        while flaky.starts < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        supervisor.stopping = True

    threading.Thread(target=stop_after_restart, daemon=True).start()
    assert supervisor.run() == 0
    assert flaky.starts >= 2 and steady.starts == 1
    assert any("flaky exited with code 5" in line for line in lines)
    assert steady.proc.returncode is not None  # stopped with the supervisor


def test_supervisor_gives_up_when_a_child_fails_at_start():
    steady = Child("steady", _python("import time; time.sleep(120)"))
    broken = Child("gunicorn", _python("raise SystemExit(3)"))
    lines = []
    started = time.monotonic()
    assert Supervisor([steady, broken], dict(os.environ), say=lines.append).run() == 1
    assert time.monotonic() - started < 30
    assert any("gunicorn stopped at start (exit code 3)" in line for line in lines)
    assert steady.proc.returncode is not None


def _get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(["ps", "-o", "pid=,ppid=,args=", "-ax"], capture_output=True, text=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines() if line.strip()]
    tree, found = {pid}, []
    changed = True
    while changed:
        changed = False
        for p, pp, args in rows:
            if int(pp) in tree and int(p) not in tree:
                tree.add(int(p))
                found.append((int(p), args))
                changed = True
    return found


def test_production_server_with_two_processes_and_a_job_worker(clean_env):
    env = clean_env(ROLLOUT5G_ACCESS_LOG="0")
    assert _rollout5g("migrate", env=env).returncode == 0
    port = _free_port()
    master = subprocess.Popen([sys.executable, "-m", "rollout5g.cli", "serve", "--port", str(port), "--workers", "2",
                               "--job-workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and json.loads(body) == {"status": "alive"}
        children = _children(master.pid)
        gunicorn = [p for p, args in children if "gunicorn" in args]
        workers = [p for p, args in children if "rollout5g.cli worker" in args]
        assert len(gunicorn) == 3, children  # the gunicorn master and its two worker processes
        assert len(workers) == 1, children
        # the job worker's heartbeat reaches the readiness check
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            checks = json.loads(_get(f"http://127.0.0.1:{port}/readyz")[1])["checks"]
            if checks["job worker"]["ok"]:
                break
            time.sleep(1)
        assert checks["job worker"]["ok"], checks
        # a killed job worker is started again
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            again = [p for p, args in _children(master.pid) if "rollout5g.cli worker" in args]
            if again and again != workers:
                break
            time.sleep(0.5)
        assert again and again != workers
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            output = master.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            master.kill()
            output = master.communicate()[0]
            pytest.fail("serve did not stop on SIGTERM:\n" + output)
    assert master.returncode == 0, output
    assert _children(master.pid) == []
    assert "restarting" in output
