"""Server time and SQL queries of pages, measured in this process with Django's test client (no HTTP server).

For a data directory (a copy of the demo: the script only reads, but a page may write a session row), a user and a
list of URLs: one warm-up request per URL, then ``--repeat`` requests, and a table of p50 / min / max [ms], the
number of SQL queries of one request, the status and the size of the answer. ``--profile`` adds a cProfile of all
the timed requests of each URL (top ``--top`` functions by cumulative time); ``--sql`` prints the queries of one
request. Single-threaded and without the network, so the figures are the server's own cost of a page: with 2 cores
and 8 concurrent clients a page must cost well under ~40 ms here to stay under 300 ms at p95 on the production
server (``benchmarks/pages.py`` measures that).

    cp -r /work/demo /tmp/me-demo
    python benchmarks/profile_pages.py --data-dir /tmp/me-demo --user office /organizations/ /approvals/
    python benchmarks/profile_pages.py --data-dir /tmp/me-demo --user "" /organizations/ --profile --top 25
    python benchmarks/profile_pages.py --data-dir /tmp/me-demo --user office --lang en /cases/ --json out.json

``--user ""`` is the public (not logged in). ``--lang`` sets the ``django_language`` cookie (default zh-hans).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

# this folder holds scripts named like packages (coverage.py shadows coverage.py's package, which numba imports)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def setup(data_dir: str) -> None:
    os.environ["ROLLOUT5G_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
    import django

    django.setup()


def client_for(username: str, lang: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def measure(client, url: str, repeat: int, profile: bool, top: int, show_sql: bool) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)  # warm-up: templates compiled, caches filled
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured.captured_queries)
    if show_sql:
        for number, query in enumerate(captured.captured_queries, 1):
            print(f"  [{number}] {query['time']}s {query['sql'][:400]}")
    profiler = cProfile.Profile() if profile else None
    times = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        client.get(url)
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - start) * 1000)
    row = {
        "url": url,
        "status": response.status_code,
        "warmup_status": first.status_code,
        "bytes": len(response.content),
        "queries": queries,
        "p50_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "requests": repeat,
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        row["profile"] = out.getvalue()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("urls", nargs="+", help="paths such as /organizations/")
    parser.add_argument("--data-dir", required=True, help="a copy of the demo data directory")
    parser.add_argument("--user", default="office", help='username to log in as ("" = public)')
    parser.add_argument("--lang", default="zh-hans", help="django_language cookie (zh-hans, en)")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL (after one warm-up)")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed requests")
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args(argv)

    setup(args.data_dir)
    client = client_for(args.user, args.lang)
    rows = []
    for url in args.urls:
        row = measure(client, url, args.repeat, args.profile, args.top, args.sql)
        rows.append(row)
        if "profile" in row:
            print(f"--- {url}\n{row['profile']}")
    who = args.user or "(public)"
    print(f"\nuser {who}, {args.repeat} requests per page after one warm-up, language {args.lang}")
    print(f"{'page':<48} {'status':>6} {'p50 ms':>8} {'min':>8} {'max':>8} {'queries':>8} {'KiB':>7}")
    for row in rows:
        print(f"{row['url']:<48} {row['status']:>6} {row['p50_ms']:>8} {row['min_ms']:>8} {row['max_ms']:>8} "
              f"{row['queries']:>8} {row['bytes'] / 1024:>7.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"user": args.user, "lang": args.lang, "rows": [{k: v for k, v in r.items() if k != "profile"} for r in rows]},
            ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
