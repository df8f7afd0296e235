"""Production server against the development server: the leadership dashboard under concurrent clients.

Starts, one after the other on the same demo data, ``rollout5g serve`` (gunicorn: ``--workers`` processes ×
``--threads`` threads, one job worker process) and ``rollout5g serve --dev`` (Django's development server, jobs
in a thread), logs in as ``office`` and lets ``--clients`` concurrent clients request ``/supervision/`` (the
leadership dashboard) for ``--seconds`` each, after a warm-up. Each request is a new connection, as a browser
behind a proxy would mostly make. Prints a table (requests/s, p50 / p95 / max [ms], errors) and writes
``benchmarks/results/serve.json``.

The demo data must exist first (about a minute)::

    rollout5g demo --no-serve --data-dir /tmp/bench-serve
    python benchmarks/serve.py [--data-dir /tmp/bench-serve] [--clients 8] [--seconds 40] [--workers 2] [--threads 4]

(``rollout5g migrate --data-dir …`` first if the code has newer migrations: ``serve`` refuses to start otherwise.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "rollout5g-demo"
PAGE = "/supervision/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, *, body: str | None = None, headers: dict | None = None,
            timeout: float = 120.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, username: str) -> str:
    """Log in through the login form; returns the Cookie header of the session."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": f"http://127.0.0.1:{port}/accounts/login/"})
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login as {username} failed ({status}): is the demo data in the data directory?")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {process.returncode})")
        try:
            if request(port, "GET", "/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /healthz in time")


def load(port: int, cookie: str, clients: int, seconds: float) -> tuple[list[float], dict[str, int], float]:
    """``clients`` threads request the page until ``seconds`` have passed; returns latencies [s], errors by kind
    (HTTP status or exception), wall time [s] (a request started before the deadline is waited for)."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", PAGE, headers={"Cookie": cookie})
                kind = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                kind = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if kind is None:
                    latencies.append(elapsed)
                else:
                    errors[kind] = errors.get(kind, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_server(label: str, argv: list[str], port: int, env: dict, args) -> dict:
    print(f"\n{label}: {' '.join(argv[2:])}", flush=True)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_until_up(port, process)
        cookie = login(port, "office")
        print(f"  warm-up {args.warmup:.0f} s…", flush=True)
        load(port, cookie, args.clients, args.warmup)
        print(f"  {args.clients} clients for {args.seconds:.0f} s…", flush=True)
        latencies, errors, wall = load(port, cookie, args.clients, args.seconds)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the whole group: gunicorn and workers, or the reloader's child
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return {
        "server": label, "command": " ".join(["rollout5g", *argv[3:]]), "clients": args.clients,
        "requests": len(latencies), "errors": sum(errors.values()), "error_kinds": errors, "seconds": round(wall, 1),
        "requests_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1), "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="/tmp/bench-serve", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if not (args.data_dir / "rollout5g.sqlite3").exists() and not os.environ.get("DATABASE_URL"):
        raise SystemExit(f"no demo data in {args.data_dir}: run `rollout5g demo --no-serve --data-dir {args.data_dir}`")
    env = dict(os.environ, ROLLOUT5G_DATA_DIR=str(args.data_dir.resolve()), ROLLOUT5G_ACCESS_LOG="0",
               ROLLOUT5G_LOG_LEVEL="WARNING")
    base = [sys.executable, "-m", "rollout5g.cli", "serve"]
    load_before = os.getloadavg()
    results = []
    port = free_port()
    results.append(run_server("rollout5g serve (gunicorn)", [*base, "--port", str(port), "--workers",
                                                              str(args.workers), "--threads", str(args.threads)],
                              port, env, args))
    port = free_port()
    results.append(run_server("rollout5g serve --dev (development server)", [*base, "--dev", "--port", str(port)],
                              port, env, args))

    header = f"{'server':<45}{'clients':>8}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}"
    print("\nLeadership dashboard GET /supervision/ as office\n" + header + "\n" + "-" * len(header))
    for r in results:
        print(f"{r['server']:<45}{r['clients']:>8}{r['requests']:>10}{r['requests_per_s']:>8.2f}{r['p50_ms']:>9.0f}"
              f"{r['p95_ms']:>9.0f}{(r['max_ms'] or 0):>9.0f}{r['errors']:>8}")
    gain = results[0]["requests_per_s"] / results[1]["requests_per_s"] if results[1]["requests_per_s"] else None
    if gain:
        print(f"\nthroughput: gunicorn {gain:.1f}× the development server")
    out = {
        "benchmark": "serve", "page": PAGE, "user": "office", "data": "rollout5g demo (SQLite)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before]},
        "parameters": {"clients": args.clients, "seconds": args.seconds, "warmup": args.warmup,
                       "workers": args.workers, "threads": args.threads},
        "results": results, "throughput_ratio": round(gain, 2) if gain else None,
    }
    path = ROOT / "benchmarks" / "results" / "serve.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
