"""Benchmark of the 工参 .xlsx readers: python-calamine against the hand-written sheet-XML reader (and openpyxl).

A real-size 工参 workbook (``--rows``, default 100,000 cells: a province's 5G network; Chinese headers, a title row
above the header, dates, "100M" bandwidths) is built from the synthetic Jiaxing scenario with the same builder as
``benchmarks/import_cells.py``. Each engine reads it with :func:`rollout5g.sites.imports.read_table` (the whole
read: workbook, header search, cleaning) ``--repeat`` times, in this process, one engine after the other; the best
and median wall times are kept. The tables the engines return are compared cell by cell (they must agree).

Prints a table (engine, rows, best s, median s, rows/s, speed-up against the direct reader) and writes
``benchmarks/results/xlsx_reader.json``.

    python benchmarks/xlsx_reader.py [--rows 100000] [--repeat 3] [--engines calamine,direct,openpyxl]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build_file(path: Path, rows: int) -> None:
    """The workbook of ``benchmarks/import_cells.py`` (same headers and rows), written with openpyxl's write-only
    mode so that no Django app is needed."""
    import openpyxl

    spec = importlib.util.spec_from_file_location("bench_import_cells", ROOT / "benchmarks" / "import_cells.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from rollout5g.core.scenario import generate_jiaxing

    scenario = generate_jiaxing(2021, 1)
    sites = {s.key: s for s in scenario.sites}
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("5G小区")
    ws.append(["嘉兴市 5G 工参表（合成数据，2021 年）"])
    ws.append([])
    ws.append(bench.HEADERS)
    n = repeat = 0
    while n < rows:
        for c in scenario.cells:
            if n >= rows:
                break
            s = sites[c.site_key]
            suffix = f"-R{repeat}" if repeat else ""
            ws.append([s.key + suffix, s.name + suffix, c.key + suffix, c.key + suffix, s.lon, s.lat, c.azimuth_deg,
                       c.mechanical_tilt_deg, c.electrical_tilt_deg, c.height_m, c.band, c.freq_mhz,
                       f"{c.bandwidth_mhz:g}M", c.rs_power_dbm, c.total_power_w, c.gain_dbi, c.hpbw_h_deg,
                       c.hpbw_v_deg, c.pci, bench.OPERATOR_ZH[c.operator], bench.OPERATOR_ZH[s.owner],
                       bench.SITE_TYPE_ZH[s.site_type], s.address, c.on_air_date or dt.date(2021, 12, 31), "在网"])
            n += 1
        repeat += 1
    wb.save(path)


def _normal(value):
    """Values the readers may type differently but mean the same (a date cell as date or midnight datetime)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="calamine,direct,openpyxl")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "xlsx_reader.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rollout5g-bench-xlsx-"))
    os.environ["ROLLOUT5G_DATA_DIR"] = str(tmp)
    from django.conf import settings

    settings.configure()  # the upload limits read their settings (defaults); no app is loaded
    from rollout5g.sites.imports import read_table

    path = tmp / "gongcan.xlsx"
    t = time.perf_counter()
    build_file(path, args.rows)
    build_s = time.perf_counter() - t
    size_mb = path.stat().st_size / 1e6
    print(f"workbook: {args.rows:,} rows, {size_mb:.1f} MB, built in {build_s:.1f} s")

    results, tables = [], {}
    for engine in args.engines.split(","):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            table = read_table(path, engine=engine)
            times.append(time.perf_counter() - t)
        tables[engine] = table
        results.append({"engine": engine, "rows": len(table.rows), "best_s": round(min(times), 3),
                        "median_s": round(statistics.median(times), 3), "runs_s": [round(x, 3) for x in times]})

    reference = tables.get("direct") or next(iter(tables.values()))
    agree = {}
    for engine, table in tables.items():
        same = (table.header_row == reference.header_row and table.columns == reference.columns
                and len(table.rows) == len(reference.rows)
                and all(n1 == n2 and tuple(map(_normal, v1)) == tuple(map(_normal, v2))
                        for (n1, v1), (n2, v2) in zip(table.rows, reference.rows, strict=True)))
        agree[engine] = same
    base = next((r["best_s"] for r in results if r["engine"] == "direct"), None)
    print(f"{'engine':<10} {'rows':>8} {'best s':>8} {'median s':>9} {'rows/s':>9} {'vs direct':>10} {'same table':>10}")
    for r in results:
        r["rows_per_s"] = round(r["rows"] / r["best_s"])
        r["speedup_vs_direct"] = round(base / r["best_s"], 2) if base else None
        r["same_table_as_direct"] = agree[r["engine"]]
        print(f"{r['engine']:<10} {r['rows']:>8,} {r['best_s']:>8.2f} {r['median_s']:>9.2f} {r['rows_per_s']:>9,} "
              f"{(str(r['speedup_vs_direct']) + 'x') if base else '-':>10} {str(agree[r['engine']]):>10}")
    out = {
        "benchmark": "xlsx_reader", "date": dt.date.today().isoformat(), "rows": args.rows,
        "file_mb": round(size_mb, 2), "repeat": args.repeat, "results": results,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_avg": os.getloadavg()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(agree.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
