"""Every page of the main navigation, as each role, on the production server: p50 / p95 under concurrent clients,
and the database queries each page costs.

Starts ``rollout5g serve`` (gunicorn, ``--workers`` × ``--threads``, no job worker) on the demo data, logs in as one
account of each role (and stays anonymous for the public), reads the navigation of that role from its home page, and
for each (role, page) lets ``--clients`` concurrent clients make ``--requests`` requests in all (after one warm-up
request), then fetches the PDF briefing three times as the office. Then, in this process on the same data, counts
the SQL queries of one request of each (role, page) with Django's test client, and the queries and CPU time of a
*cold* request (every computed value and kept page part forgotten: what the first view after any change of the data
costs), and makes the briefing cold. Prints a table (p50 / p95 / max [ms], the server's CPU per request [ms], errors,
queries, cold CPU [ms], cold queries) with the pages over the goal marked, and writes
``benchmarks/results/pages.json``.

The goals (issue 19): every navigation page under 300 ms at p95 with 8 concurrent clients; the briefing under 5 s.
The pages' parts are kept per data version (``{% datacache %}``), so the concurrent requests of a page are served
from the kept part after the warm-up; the cold columns say what a page costs when its part has to be made.

    rollout5g demo --no-serve --data-dir /tmp/bench-pages
    python benchmarks/pages.py [--data-dir /tmp/bench-pages] [--clients 8] [--requests 48] [--roles office,mobile]

(``rollout5g migrate --data-dir …`` first if the code has newer migrations.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import (  # noqa: E402  (the production-server helpers)
    ROOT,
    Server,
    free_port,
    percentile,
    request,
    tree_cpu_seconds,
)

GOAL_P95_MS = 300.0
#: One account of each role in the demo data (rollout5g/demo.py DEMO_USERS); "" is the public (not logged in).
ROLES = {
    "public": "",
    "office": "office",
    "department": "planning",
    "operator": "mobile",
    "tower": "tower",
    "owner": "owner",
    "enterprise": "enterprise",
}


class NavLinks(HTMLParser):
    """The hrefs of the links inside the page's main navigation (``<nav>`` elements)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//") and href not in self.links:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/|static/)")


def navigation(port: int, cookie: str) -> list[str]:
    status, _, body = request(port, "GET", "/", headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise SystemExit(f"the home page answered {status}")
    parser = NavLinks()
    parser.feed(body.decode("utf-8", "replace"))
    pages = ["/"] + [href.split("#", 1)[0] for href in parser.links if not SKIP.match(href)]
    return list(dict.fromkeys(p for p in pages if p))


def measure(port: int, cookie: str, path: str, clients: int, total: int,
            server_pid: int | None = None) -> tuple[list[float], dict[str, int], float | None]:
    """``clients`` threads share ``total`` requests of ``path``; latencies [s] of the 200 answers, errors by kind, and
    the CPU seconds the server's processes (``server_pid`` and its children) used for them — a figure that a loaded
    machine changes much less than the latencies."""
    headers = {"Cookie": cookie} if cookie else {}
    request(port, "GET", path, headers=headers)  # warm-up: the first request of a page in each worker costs more
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else None
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    left = [total]

    def client():
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            start = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", path, headers=headers)
                kind = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                kind = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if kind is None:
                    latencies.append(elapsed)
                else:
                    errors[kind] = errors.get(kind, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = tree_cpu_seconds(server_pid) - cpu_before if server_pid else None
    return latencies, errors, cpu


BRIEFING = "/supervision/briefing.pdf"
#: The goal for the PDF briefing (issue 19): under 5 s.
GOAL_BRIEFING_S = 5.0


def count_queries(data_dir: Path, plan: dict[str, list[str]]) -> tuple[dict[tuple[str, str], dict], dict]:
    """With Django's test client on the same data, for each (role, page): the SQL queries of one request with the
    computed values in place (as the server answered them), and the queries and CPU time [ms] of a *cold* request —
    every computed value and kept page part forgotten first (``policy.cache.clear``), which is what the first view
    after any change of the data costs. Also the PDF briefing made cold [s]."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
    os.environ["ROLLOUT5G_DATA_DIR"] = str(data_dir.resolve())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rollout5g.accounts.models import User
    from rollout5g.policy import cache

    counts = {}
    for role, pages in plan.items():
        client = Client(HTTP_HOST="localhost")
        if ROLES[role]:
            client.force_login(User.objects.get(username=ROLES[role]))
        for path in pages:
            client.get(path)  # warm caches, as the server's warm-up request did
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            cache.clear()
            start = time.process_time()
            with CaptureQueriesContext(connection) as cold:
                client.get(path)
            counts[(role, path)] = {"queries": len(queries.captured_queries),
                                    "cold_queries": len(cold.captured_queries),
                                    "cold_cpu_ms": round(1000 * (time.process_time() - start), 1)}
    office = Client(HTTP_HOST="localhost")
    office.force_login(User.objects.get(username=ROLES["office"]))
    cache.clear()
    start = time.perf_counter()
    answer = office.get(BRIEFING)
    briefing = {"cold_s": round(time.perf_counter() - start, 2), "status": answer.status_code,
                "bytes": len(answer.content)}
    return counts, briefing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="/tmp/bench-pages", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=48, help="requests per (role, page), shared by the clients")
    parser.add_argument("--roles", default=",".join(ROLES), help=f"comma-separated, of: {', '.join(ROLES)}")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-queries", action="store_true", help="skip the query count")
    parser.add_argument("--pages", default="", help="comma-separated paths: only these navigation pages (e.g. "
                        "/,/sites/,/sites/map/ for the registry at province scale)")
    parser.add_argument("--data", default="rollout5g demo", help="what the data directory holds, for the JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pages.json")
    args = parser.parse_args()
    only = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not (args.data_dir / "rollout5g.sqlite3").exists() and not os.environ.get("DATABASE_URL"):
        raise SystemExit(f"no demo data in {args.data_dir}: run `rollout5g demo --no-serve --data-dir {args.data_dir}`")
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise SystemExit(f"unknown roles: {', '.join(sorted(unknown))}; valid: {', '.join(ROLES)}")

    env = dict(os.environ, ROLLOUT5G_DATA_DIR=str(args.data_dir.resolve()), ROLLOUT5G_ACCESS_LOG="0",
               ROLLOUT5G_LOG_LEVEL="WARNING")
    port = free_port()
    server = Server("rollout5g serve (gunicorn)", [sys.executable, "-m", "rollout5g.cli", "serve", "--port", str(port),
                                                   "--workers", str(args.workers), "--threads", str(args.threads),
                                                   "--no-worker"], port, env)
    load_before = os.getloadavg()
    rows, plan = [], {}
    try:
        server.start()  # waits for /healthz and logs in as office (unused here)
        from serve import login

        for role in roles:
            cookie = login(port, ROLES[role]) if ROLES[role] else ""
            plan[role] = [p for p in navigation(port, cookie) if not only or p in only]
            for path in plan[role]:
                print(f"{role:<11} {path} …", flush=True)
                latencies, errors, cpu = measure(port, cookie, path, args.clients, args.requests,
                                                 server.process.pid)
                rows.append({
                    "role": role, "user": ROLES[role] or None, "page": path, "requests": len(latencies),
                    "errors": sum(errors.values()), "error_kinds": errors,
                    "p50_ms": round(1000 * percentile(latencies, 0.5), 1) if latencies else None,
                    "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
                    "max_ms": round(1000 * max(latencies), 1) if latencies else None,
                    "cpu_ms_per_request": round(1000 * cpu / args.requests, 1) if cpu is not None else None,
                })
        # the PDF briefing as the server serves it (made once per data version, day and language)
        cookie = login(port, ROLES["office"])
        served = []
        for _ in range(3):
            start = time.perf_counter()
            status, _headers, body = request(port, "GET", BRIEFING, headers={"Cookie": cookie})
            served.append(time.perf_counter() - start)
        briefing = {"served_s": [round(t, 2) for t in served], "status": status, "bytes": len(body)}
    finally:
        server.stop()
    load_after = os.getloadavg()
    if not args.no_queries:
        counts, briefing["made"] = count_queries(args.data_dir, plan)
        for row in rows:
            row.update(counts.get((row["role"], row["page"]), {}))

    header = (f"{'role':<11}{'page':<42}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'cpu ms':>8}{'errors':>7}"
              f"{'queries':>8}{'cold ms':>8}{'cold q':>7}  goal")
    print(f"\nNavigation pages, {args.clients} clients, {args.requests} requests each, gunicorn "
          f"{args.workers}×{args.threads}\n{header}\n{'-' * len(header)}")
    over = 0
    for r in rows:
        ok = r["p95_ms"] is not None and r["p95_ms"] < GOAL_P95_MS and not r["errors"]
        over += not ok
        print(f"{r['role']:<11}{r['page'][:41]:<42}{r['p50_ms'] or 0:>8.0f}{r['p95_ms'] or 0:>8.0f}"
              f"{r['max_ms'] or 0:>8.0f}{r['cpu_ms_per_request'] or 0:>8.0f}{r['errors']:>7}{r.get('queries', '-'):>8}"
              f"{r.get('cold_cpu_ms', 0):>8.0f}{r.get('cold_queries', '-'):>7}  {'ok' if ok else 'OVER'}")
    p95s = [r["p95_ms"] for r in rows if r["p95_ms"] is not None]
    print(f"\n{len(rows)} (role, page) pairs; {over} over the goal (p95 < {GOAL_P95_MS:.0f} ms, no errors); "
          f"worst p95 {max(p95s):.0f} ms" if p95s else "no answers")
    made = briefing.get("made", {})
    print(f"PDF briefing (goal < {GOAL_BRIEFING_S:.0f} s): served in {', '.join(f'{t:.2f}' for t in briefing['served_s'])} s"
          f" (HTTP {briefing['status']}, {briefing['bytes']:,} bytes)"
          + (f"; made cold in {made['cold_s']:.2f} s" if made else ""))
    print(f"load average (1 min) before / after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} CPUs")
    out = {
        "benchmark": "pages", "goal_p95_ms": GOAL_P95_MS, "data": args.data,
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after]},
        "parameters": {"clients": args.clients, "requests": args.requests, "workers": args.workers,
                       "threads": args.threads, "roles": roles, "pages": only or "every navigation page"},
        "over_goal": over, "briefing": briefing, "results": rows,
    }
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
