"""Benchmark of the engineering-parameter import: a 100,000-row 工参 .xlsx into an empty registry.

The file is built from the synthetic Jiaxing 2021 scenario's cells (``generate(2021, region=CITY)``), repeated with
distinct cell ids and site codes until it has ``--rows`` rows, with Chinese headers and a merged-looking title row
above the header, as operators send them. It is imported with :func:`import_cells` (all or nothing, WGS-84) into a
fresh SQLite database in a temporary data directory that holds only the boundaries and the organizations. Target
(issue 3): under 60 s for 100,000 rows on the 2-core development machine.

Prints a table (phase, rows, seconds, rows/s for parse, validate, write, total) and writes
``benchmarks/results/import_cells.json``.

    python benchmarks/import_cells.py [--rows 100000] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

#: The city of the synthetic scenario (adcode; ``rollout5g scenario load --region``): the default city of the
#: hand-placed places, the one the published numbers were measured on.
CITY = "330400"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HEADERS = ["站址编码", "基站名称", "小区名称", "CGI", "经度", "纬度", "方位角", "机械下倾", "电子下倾", "天线挂高(m)", "频段",
           "中心频点(MHz)", "带宽", "参考信号功率(dBm)", "总功率(W)", "天线增益", "水平波瓣宽度", "垂直波瓣宽度", "PCI",
           "运营商", "产权单位", "站型", "地址", "开通日期", "状态"]
OPERATOR_ZH = {"china_mobile": "中国移动", "china_telecom": "中国电信", "china_unicom": "中国联通",
               "china_broadnet": "中国广电", "china_tower": "中国铁塔"}
SITE_TYPE_ZH = {"macro_tower": "宏站", "rooftop": "楼顶", "street_pole": "灯杆", "smart_pole": "智慧杆", "indoor": "室分",
                "small_cell": "微站"}


def build_file(path: Path, rows: int) -> int:
    from rollout5g.core.scenario import generate
    from rollout5g.sites.exports import write_xlsx

    scenario = generate(2021, 1, region=CITY)
    sites = {s.key: s for s in scenario.sites}

    def data():
        yield ["嘉兴市 5G 工参表（合成数据，2021 年）"]
        yield []
        yield HEADERS
        n = 0
        repeat = 0
        while n < rows:
            for c in scenario.cells:
                if n >= rows:
                    break
                s = sites[c.site_key]
                suffix = f"-R{repeat}" if repeat else ""
                yield [s.key + suffix, s.name + suffix, c.key + suffix, c.key + suffix, s.lon, s.lat, c.azimuth_deg,
                       c.mechanical_tilt_deg, c.electrical_tilt_deg, c.height_m, c.band, c.freq_mhz,
                       f"{c.bandwidth_mhz:g}M", c.rs_power_dbm, c.total_power_w, c.gain_dbi, c.hpbw_h_deg, c.hpbw_v_deg,
                       c.pci, OPERATOR_ZH[c.operator], OPERATOR_ZH[s.owner], SITE_TYPE_ZH[s.site_type], s.address,
                       c.on_air_date or dt.date(2021, 12, 31), "在网"]
                n += 1
            repeat += 1

    path.write_bytes(write_xlsx([("5G小区", data())]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "import_cells.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rollout5g-bench-import-"))
    os.environ.pop("DATABASE_URL", None)
    from rollout5g.cli import migrate_database, setup_django

    setup_django(tmp)
    t = time.perf_counter()
    migrate_database()
    from rollout5g.policy.loader import load_policy_files
    from rollout5g.policy.schema import bundled_policy_files
    from rollout5g.regions.services import load_regions

    load_regions()
    load_policy_files(bundled_policy_files())
    setup_s = time.perf_counter() - t

    from rollout5g.sites.imports.services import IMPORTER, import_cells
    from rollout5g.sites.models import Cell, Site

    path = tmp / "gongcan-100k.xlsx"
    t = time.perf_counter()
    build_file(path, args.rows)
    build_s = time.perf_counter() - t
    size_mb = path.stat().st_size / 1e6

    t = time.perf_counter()
    result = import_cells(actor=IMPORTER, path=path, crs="wgs84", mode="all_or_nothing")
    total_s = time.perf_counter() - t
    if result.errors:
        print(f"{len(result.errors)} errors, first: {result.errors[0]}", file=sys.stderr)
        return 1
    assert Cell.objects.count() == args.rows, Cell.objects.count()
    n = result.rows_total
    phases = [(name, result.timings[name]) for name in ("parse", "validate", "write")] + [("total", total_s)]
    print(f"\nImport of a {n:,}-row 工参 .xlsx ({size_mb:.1f} MB): {result.sites_created:,} sites, "
          f"{result.cells_created:,} cells; {os.cpu_count()} CPUs, SQLite")
    print(f"{'phase':<10}{'rows':>10}{'seconds':>10}{'rows/s':>12}")
    for name, seconds in phases:
        print(f"{name:<10}{n:>10,}{seconds:>10.2f}{n / seconds:>12,.0f}")
    target = 60.0
    print(f"target: total under {target:.0f} s -> {'met' if total_s < target else 'NOT met'}")
    record = {
        "benchmark": "import_cells", "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "database": "sqlite", "file_mb": round(size_mb, 2), "rows": n, "sites_created": result.sites_created,
        "cells_created": result.cells_created, "setup_s": round(setup_s, 2), "build_file_s": round(build_s, 2),
        "phases": {name: {"seconds": round(s, 3), "rows_per_s": round(n / s)} for name, s in phases},
        "target_s": target, "target_met": total_s < target, "sites_in_db": Site.objects.count(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"data directory kept: {tmp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
