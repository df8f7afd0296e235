"""Map pages and their data (issue 19, brief "maps"): CPU time and size of the site list, the cell list, the
key areas, the regions map's boundaries and the coverage pages, through Django's test client on the demo data.

For each (user, URL) one warm-up request, then ``--repeats`` requests; prints the median CPU time of this process
[ms] (``time.process_time``: Python, template and SQLite work, which share one process here), the median wall time
[ms], the response size [kB] and the number of SQL queries, and writes ``benchmarks/results/maps_views.json``.

    rollout5g demo --no-serve --data-dir /tmp/bench-maps
    python benchmarks/maps_views.py --data-dir /tmp/bench-maps [--repeats 5] [--out results/maps_views.json]

Run it on two checkouts (``PYTHONPATH=<checkout>/src``) to compare code before and after a change on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent

CASES = [
    ("office", "/sites/list/"),
    ("office", "/sites/list/?page=50"),
    ("mobile", "/sites/list/"),
    ("office", "/sites/cells/"),
    ("office", "/sites/plan/"),
    ("office", "/sites/key-areas/"),
    ("office", "/sites/"),
    ("", "/regions/"),
    ("", "/regions/330400/"),
    ("", "/api/regions/geojson?level=county"),
    ("", "/api/regions/geojson?level=county&zoom=7"),
    ("", "/api/regions/geojson?level=county&zoom=9"),
    ("", "/api/regions/geojson?level=county&zoom=11"),
    ("", "/api/regions/geojson?level=city&zoom=7"),
    ("", "/api/regions/geojson?parent=330400&zoom=10"),
    ("office", "/coverage/"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "maps_views.json")
    args = parser.parse_args(argv)

    os.environ["ROLLOUT5G_DATA_DIR"] = str(args.data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rollout5g.web.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rollout5g.accounts.models import User

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    clients = {}
    runs = [r for r in _coverage_runs()]
    cases = CASES + [("office", f"/coverage/runs/{pk}/") for pk in runs[:1]]
    rows = []
    for username, url in cases:
        if username not in clients:
            clients[username] = Client()
            if username:
                clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        response = client.get(url)  # warm-up (caches, templates)
        cpu, wall = [], []
        for _ in range(args.repeats):
            c0, w0 = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        rows.append({"user": username or "anonymous", "url": url, "status": response.status_code,
                     "cpu_ms": round(statistics.median(cpu), 1), "wall_ms": round(statistics.median(wall), 1),
                     "kB": round(len(body) / 1024, 1), "queries": len(queries.captured_queries)})
    print(f"{'user':10} {'url':48} {'status':>6} {'cpu ms':>8} {'wall ms':>8} {'kB':>8} {'queries':>7}")
    for r in rows:
        print(f"{r['user']:10} {r['url']:48} {r['status']:>6} {r['cpu_ms']:>8} {r['wall_ms']:>8} {r['kB']:>8} "
              f"{r['queries']:>7}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.platform(), "python": sys.version.split()[0],
                                    "repeats": args.repeats, "rows": rows}, ensure_ascii=False, indent=1))
    print(f"written {args.out}")


def _coverage_runs() -> list[int]:
    from rollout5g.coverage.models import CoverageRun

    return list(CoverageRun.objects.filter(succeeded_at__isnull=False).order_by("-pk").values_list("pk", flat=True)[:1])


if __name__ == "__main__":
    main()
