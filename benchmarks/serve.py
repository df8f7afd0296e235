"""Production server against the development server: the leadership dashboard under concurrent clients.

Starts, on the same demo data, ``rollout5g serve`` (gunicorn: ``--workers`` processes × ``--threads`` threads,
one job worker process) and ``rollout5g serve --dev`` (Django's development server, jobs in a thread), logs in as
``office`` and lets ``--clients`` concurrent clients request ``/supervision/`` (the leadership dashboard) for
``--seconds`` per server after a warm-up, the two servers taking ``--rounds`` alternating turns (so a burst of
other work on a shared machine falls on both). Each request is a new connection, as a browser
behind a proxy would mostly make. Prints a table (requests/s, p50 / p95 / max [ms], errors) and writes
``benchmarks/results/serve.json``.

The demo data must exist first (about a minute)::

    rollout5g demo --no-serve --data-dir /tmp/bench-serve
    python benchmarks/serve.py [--data-dir /tmp/bench-serve] [--clients 8] [--seconds 60] [--rounds 4]
                                [--workers 2] [--threads 4]

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
            if kind is not None:
                time.sleep(0.2)  # a refused connection returns at once: do not spin

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.monotonic() - started


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants [s] (Linux /proc), so far."""
    clock = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / clock)
    tree, changed = {pid}, True
    while changed:
        changed = False
        for child, (parent, _) in stats.items():
            if parent in tree and child not in tree:
                tree.add(child)
                changed = True
    return sum(stats[p][1] for p in tree if p in stats)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Server:
    """One server under test, started in its own process group."""

    def __init__(self, label: str, argv: list[str], port: int, env: dict):
        self.label, self.argv, self.port = label, argv, port
        print(f"starting {label}: {' '.join(argv[2:])}", flush=True)
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.wall = 0.0
        self.cpu = 0.0
        self.cookie = ""

    def start(self) -> None:
        wait_until_up(self.port, self.process)
        self.cookie = login(self.port, "office")

    def run(self, clients: int, seconds: float, record: bool = True) -> None:
        cpu = tree_cpu_seconds(self.process.pid)
        latencies, errors, wall = load(self.port, self.cookie, clients, seconds)
        if record:
            self.cpu += tree_cpu_seconds(self.process.pid) - cpu
            self.latencies += latencies
            self.wall += wall
            for kind, n in errors.items():
                self.errors[kind] = self.errors.get(kind, 0) + n

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # the whole group: gunicorn and workers, or the reloader
            self.process.wait(timeout=60)
        except ProcessLookupError:  # it had stopped already (wait_until_up said why)
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)

    def result(self, clients: int) -> dict:
        lat = self.latencies
        return {
            "server": self.label, "command": " ".join(["rollout5g", *self.argv[3:]]), "clients": clients,
            "requests": len(lat), "errors": sum(self.errors.values()), "error_kinds": self.errors,
            "seconds": round(self.wall, 1), "requests_per_s": round(len(lat) / self.wall, 2) if self.wall else None,
            "p50_ms": round(1000 * percentile(lat, 0.50), 1), "p95_ms": round(1000 * percentile(lat, 0.95), 1),
            "max_ms": round(1000 * max(lat), 1) if lat else None,
            "mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
            # what the server's processes used: the development server cannot pass one core (one process, GIL)
            "cpu_cores_used": round(self.cpu / self.wall, 2) if self.wall else None,
            "cpu_ms_per_request": round(1000 * self.cpu / len(lat), 1) if lat else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="/tmp/bench-serve", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time per server")
    parser.add_argument("--rounds", type=int, default=4, help="turns the servers take (alternating)")
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
    gunicorn_port, dev_port = free_port(), free_port()
    servers = [
        Server("rollout5g serve (gunicorn)", [*base, "--port", str(gunicorn_port), "--workers", str(args.workers),
                                              "--threads", str(args.threads)], gunicorn_port, env),
        # --no-reload: in a working tree others edit, the reloader would restart it in the middle of a turn
        Server("rollout5g serve --dev (development server)", [*base, "--dev", "--no-reload", "--port", str(dev_port)],
               dev_port, env),
    ]
    try:
        for server in servers:
            server.start()
        for server in servers:
            print(f"warm-up {server.label} {args.warmup:.0f} s…", flush=True)
            server.run(args.clients, args.warmup, record=False)
        # Both servers are up the whole time and take turns, so a burst of other work on the machine falls on both.
        share = args.seconds / args.rounds
        for round_ in range(args.rounds):
            for server in servers if round_ % 2 == 0 else servers[::-1]:
                print(f"round {round_ + 1}/{args.rounds}: {server.label}, {args.clients} clients, {share:.0f} s…",
                      flush=True)
                server.run(args.clients, share)
    finally:
        for server in servers:
            server.stop()
    results = [server.result(args.clients) for server in servers]
    load_after = os.getloadavg()

    header = (f"{'server':<45}{'clients':>8}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
              f"{'errors':>8}{'cores':>7}{'CPU ms/req':>12}")
    print("\nLeadership dashboard GET /supervision/ as office\n" + header + "\n" + "-" * len(header))
    for r in results:
        print(f"{r['server']:<45}{r['clients']:>8}{r['requests']:>10}{r['requests_per_s']:>8.2f}{r['p50_ms']:>9.0f}"
              f"{r['p95_ms']:>9.0f}{(r['max_ms'] or 0):>9.0f}{r['errors']:>8}{r['cpu_cores_used']:>7.2f}"
              f"{r['cpu_ms_per_request']:>12.0f}")
    gain = results[0]["requests_per_s"] / results[1]["requests_per_s"] if results[1]["requests_per_s"] else None
    if gain:
        print(f"\nthroughput: gunicorn {gain:.1f}× the development server")
    print(f"load average (1 min) before / after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} CPUs")
    out = {
        "benchmark": "serve", "page": PAGE, "user": "office", "data": "rollout5g demo (SQLite)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after]},
        "parameters": {"clients": args.clients, "seconds": args.seconds, "rounds": args.rounds, "warmup": args.warmup,
                       "workers": args.workers, "threads": args.threads},
        "results": results, "throughput_ratio": round(gain, 2) if gain else None,
    }
    path = ROOT / "benchmarks" / "results" / "serve.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
