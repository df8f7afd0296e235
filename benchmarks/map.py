"""Registry map benchmark: GET /api/sites/map with 200,000 cells in the registry.

Builds a registry in a temporary data directory (SQLite by default): the demo data with the synthetic Jiaxing 2021
scenario (~7,000 sites, ~25,000 cells), replicated with jittered positions (σ = 150 m) and distinct codes until it
holds at least ``--cells`` cells (8 copies: ~55,000 sites, ~200,000 cells), with the sharing operators of sites and
cells copied too so the operator restriction works on the copies. Then it times the map endpoint through Django's
test client (the whole request: URL routing, session, permissions, filters, query, JSON) for a fixed mix of
requests, like a 1400 x 900 px map window:

* whole city at zoom 9–11, districts at zoom 12–13, streets at zoom 15–17 (centres drawn from the sites);
* without filters and with the list filters (state, band, operator, site type, county, combinations);
* as the program office (``office``: every site) and as an operator (``mobile``: its own and shared sites).

Prints a table (requests, p50 / p95 / p99 / max [ms], max features per response) per group and overall and writes
``benchmarks/results/map.json``. Target (issue 3): p95 under 200 ms on the 2-core development machine.

    python benchmarks/map.py [--cells 200000] [--repeats 6] [--seed 7] [--data-dir DIR] [--database-url URL]
                             [--analyze]

``--database-url postgres://user@host:5432/db`` benchmarks an existing, empty PostgreSQL database instead (ANALYZE
runs after the bulk load, as autovacuum would); ``--analyze`` runs ANALYZE on SQLite as well.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this folder holds benchmarks/coverage.py: keep it off sys.path so that numba's optional ``import coverage`` (when
# the demo's coverage runs compile) does not find that script instead of the package
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT / "src"))

VIEW_PX = (1400, 900)  # map window [px]
JITTER_M = 150.0  # σ of the position jitter of the copies [m]
PASSWORD = "bench-password-1"

SCALES = {  # name -> zoom levels
    "city z9-11": (9, 10, 11),
    "district z12-13": (12, 13),
    "street z15-17": (15, 16, 17),
}
FILTERS = [
    {},
    {"state": "on_air"},
    {"band": "n78"},
    {"operator": "jx-mobile", "band": "n41"},
    {"site_type": "street_pole", "state": "on_air"},
    {"region": "330402"},
]
USERS = ("office", "mobile")


def setup_django(data_dir: Path, database_url: str | None):
    os.environ["ROLLOUT5G_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "rollout5g.web.settings"
    import django

    django.setup()
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")


def build_registry(target_cells: int, seed: int) -> dict:
    """Demo data + the Jiaxing 2021 scenario, replicated to ``target_cells`` cells. Returns counts and timings."""
    from django.core.management import call_command
    from django.db import transaction

    from rollout5g.demo import load_demo
    from rollout5g.sites.models import Cell, Site

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Cell.objects.count() >= target_cells:  # a --data-dir built by an earlier run
        return {"sites": Site.objects.count(), "cells": Cell.objects.count(), "copies": None, "reused": True}
    load_demo(password=PASSWORD)
    t_demo = time.perf_counter() - t0
    n_cells0 = Cell.objects.count()
    copies = max(1, math.ceil(target_cells / max(n_cells0, 1)))
    rng = random.Random(seed)
    t1 = time.perf_counter()
    site_rows = list(Site.objects.order_by("pk").values())
    site_ops = list(Site.operators.through.objects.values_list("site_id", "organization_id"))
    cell_rows = list(Cell.objects.order_by("pk").values())
    cell_shared = list(Cell.shared_operators.through.objects.values_list("cell_id", "organization_id"))
    deg_lat = JITTER_M / 111_320.0
    for copy in range(1, copies):
        suffix = f"-R{copy}"
        with transaction.atomic():
            new_sites = []
            for r in site_rows:
                d = {k: v for k, v in r.items() if k != "id"}
                d["code"] = r["code"] + suffix
                d["lat"] = r["lat"] + rng.gauss(0.0, deg_lat)
                d["lon"] = r["lon"] + rng.gauss(0.0, deg_lat / math.cos(math.radians(r["lat"])))
                new_sites.append(Site(**d))
            Site.objects.bulk_create(new_sites, batch_size=2000)
            site_map = dict(Site.objects.filter(code__endswith=suffix).values_list("code", "pk"))
            old_site_code = {r["id"]: r["code"] for r in site_rows}
            site_id = {old: site_map[code + suffix] for old, code in old_site_code.items()}
            Site.operators.through.objects.bulk_create(
                [Site.operators.through(site_id=site_id[s], organization_id=o) for s, o in site_ops], batch_size=5000)
            new_cells = []
            for r in cell_rows:
                d = {k: v for k, v in r.items() if k != "id"}
                d["cell_id"] = r["cell_id"] + suffix
                d["site_id"] = site_id[r["site_id"]]
                new_cells.append(Cell(**d))
            Cell.objects.bulk_create(new_cells, batch_size=2000)
            if cell_shared:
                cell_map = dict(Cell.objects.filter(cell_id__endswith=suffix).values_list("cell_id", "pk"))
                old_cell = {r["id"]: r["cell_id"] for r in cell_rows}
                Cell.shared_operators.through.objects.bulk_create(
                    [Cell.shared_operators.through(cell_id=cell_map[old_cell[c] + suffix], organization_id=o)
                     for c, o in cell_shared], batch_size=5000)
    return {"sites": Site.objects.count(), "cells": Cell.objects.count(), "copies": copies,
            "scenario_cells": n_cells0, "demo_load_s": round(t_demo, 1),
            "replicate_s": round(time.perf_counter() - t1, 1)}


def mount_map_api():
    """Use the project's URLs if they serve the map; otherwise (before the map is mounted in web/api.py) this
    module becomes the URL configuration: the map's router under /api/sites, then every project route."""
    from django.conf import settings
    from django.urls import Resolver404, clear_url_caches, path, resolve

    try:
        if resolve("/api/sites/map").url_name == "site_map_data":
            return
    except Resolver404:
        pass
    from ninja import NinjaAPI

    from rollout5g.sites.map.api import router
    from rollout5g.web.urls import urlpatterns

    api = NinjaAPI(urls_namespace="map-bench-api")
    api.add_router("/sites", router)
    sys.modules[__name__].urlpatterns = [path("api/", api.urls), *urlpatterns]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def view_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """The WGS-84 box [°] a VIEW_PX map window shows at ``zoom`` around (lon, lat) (Web Mercator, 256 px tiles)."""
    deg_per_px = 360.0 / (256 * 2**zoom)
    half_w = VIEW_PX[0] / 2 * deg_per_px
    half_h = VIEW_PX[1] / 2 * deg_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def request_mix(seed: int, repeats: int) -> list[dict]:
    """scales x users x filters x ``repeats`` random centres: whole city near the centre of Jiaxing, districts and
    streets centred on random sites (so streets are where the sites are, as a user looks at them)."""
    from rollout5g.sites.models import Site

    rng = random.Random(seed)
    centres = list(Site.objects.order_by("?").values_list("lon", "lat")[:2000])
    mix = []
    for scale, zooms in SCALES.items():
        for user in USERS:
            for filters in FILTERS:
                for _ in range(repeats):
                    zoom = rng.choice(zooms)
                    if scale.startswith("city"):
                        lon, lat = 120.76 + rng.uniform(-0.2, 0.2), 30.70 + rng.uniform(-0.15, 0.15)
                    else:
                        lon, lat = rng.choice(centres)
                    bbox = view_bbox(lon, lat, zoom)
                    mix.append({"scale": scale, "user": user, "filters": filters, "zoom": zoom,
                                "bbox": ",".join(f"{v:.6f}" for v in bbox)})
    rng.shuffle(mix)
    return mix


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default method) of ``values`` at ``q`` in [0, 100]."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def time_requests(mix: list[dict]) -> list[dict]:
    from django.test import Client

    from rollout5g.accounts.models import User

    clients = {}
    for name in USERS:
        c = Client()
        c.force_login(User.objects.get(username=name))
        clients[name] = c
    url = "/api/sites/map"
    for m in mix[:10]:  # warm-up (imports, connection, SQLite page cache); not counted
        clients[m["user"]].get(url, {"bbox": m["bbox"], "zoom": m["zoom"], **m["filters"]})
    out = []
    for m in mix:
        params = {"bbox": m["bbox"], "zoom": m["zoom"], **m["filters"]}
        t0 = time.perf_counter()
        r = clients[m["user"]].get(url, params)
        ms = (time.perf_counter() - t0) * 1000.0
        if r.status_code != 200:
            raise SystemExit(f"{url} {params} as {m['user']}: HTTP {r.status_code} {r.content[:300]!r}")
        data = r.json()
        out.append({**m, "ms": ms, "mode": data["mode"], "features": len(data["features"]), "total": data["total"],
                    "bytes": len(r.content)})
    return out


def summarise(rows: list[dict]) -> dict:
    ms = [r["ms"] for r in rows]
    return {"requests": len(rows), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms), 1), "mean_ms": round(statistics.mean(ms), 1),
            "max_features": max(r["features"] for r in rows), "max_kb": round(max(r["bytes"] for r in rows) / 1024, 1),
            "modes": sorted({r["mode"] for r in rows})}


def print_table(groups: dict[str, dict]):
    head = f"{'group':<34}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'max feat':>10}" \
           f"{'max KB':>8}  modes"
    print(head)
    print("-" * len(head))
    for name, s in groups.items():
        print(f"{name:<34}{s['requests']:>9}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}"
              f"{s['max_ms']:>9.1f}{s['max_features']:>10}{s['max_kb']:>8.1f}  {'/'.join(s['modes'])}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", type=int, default=200_000, help="cells in the registry (default 200,000)")
    ap.add_argument("--repeats", type=int, default=6, help="random centres per scale, user and filter set "
                    "(default 6: 3 scales x 2 users x 6 filter sets x 6 = 216 requests)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data-dir", type=Path, help="data directory, kept and reused by later runs (default: a new "
                    "temporary one, removed after)")
    ap.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    ap.add_argument("--analyze", action="store_true", help="run ANALYZE on SQLite too after building (always done "
                    "on PostgreSQL)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "map.json")
    args = ap.parse_args(argv)

    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="rollout5g-map-bench-")
        args.data_dir = Path(tmp.name)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(args.data_dir, args.database_url)
    from django.db import connection

    print(f"building a registry of >= {args.cells:,} cells in {connection.vendor} ({args.data_dir}) …", flush=True)
    registry = build_registry(args.cells, args.seed)
    # PostgreSQL's autovacuum analyzes a table within a minute of a bulk load; without statistics its planner picks
    # nested loops that take seconds. SQLite has no such daemon: ANALYZE runs there only with --analyze.
    registry["analyzed"] = connection.vendor == "postgresql" or args.analyze
    if registry["analyzed"]:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  {registry['sites']:,} sites, {registry['cells']:,} cells "
          + ("(reused)" if registry.get("reused") else f"({registry['copies']} copies of the scenario; demo "
             f"{registry['demo_load_s']} s, replication {registry['replicate_s']} s)"), flush=True)

    mix = request_mix(args.seed, args.repeats)
    mount_map_api()
    rows = time_requests(mix)
    groups = {}
    for scale in SCALES:
        for user in USERS:
            sel = [r for r in rows if r["scale"] == scale and r["user"] == user]
            groups[f"{scale} · {user}"] = summarise(sel)
    groups["unfiltered"] = summarise([r for r in rows if not r["filters"]])
    groups["filtered"] = summarise([r for r in rows if r["filters"]])
    groups["ALL"] = summarise(rows)
    print()
    print_table(groups)
    overall = groups["ALL"]
    verdict = "meets" if overall["p95_ms"] < 200 else "MISSES"
    print(f"\np95 {overall['p95_ms']:.1f} ms over {overall['requests']} requests: {verdict} the target of 200 ms")

    import django

    result = {
        "benchmark": "registry map: GET /api/sites/map through the Django test client",
        "target": "p95 < 200 ms with 200,000 cells (issue 3)",
        "database": connection.vendor,
        "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite" else str(connection.pg_version),
        "registry": registry,
        "view_px": VIEW_PX,
        "scales": {k: list(v) for k, v in SCALES.items()},
        "filters": FILTERS,
        "users": list(USERS),
        "groups": groups,
        "machine": {"python": platform.python_version(), "django": django.get_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "command": "python benchmarks/map.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "requests": [{k: (round(v, 2) if k == "ms" else v) for k, v in r.items()} for r in rows],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")
    if tmp is not None:
        connection.close()
        tmp.cleanup()


if __name__ == "__main__":
    main()
