"""Downloads of a published release: CSV, XLSX and GeoJSON, each stating its coordinate system.

Coordinates are stored in WGS-84 (EPSG:4326); ``crs=gcj02`` converts them with ``rollout5g.core.geo`` for users
of Chinese web maps. The CSV carries the CRS in its header comment line and in a column; the XLSX in its title
rows; the GeoJSON in a ``crs`` member (the 2008 form, still read by QGIS) and in ``properties``.
"""

from __future__ import annotations

import io
import json

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from rollout5g.core import csvsafe
from rollout5g.core.geo import CRS_CHOICES, from_wgs84
from rollout5g.regions.services import home_file_stem


def content_disposition(release, crs: str, fmt: str) -> str:
    """The attachment header of a download, named after the home region (RFC 6266: an ASCII name with the region's
    adcode for old clients, the region's name in ``filename*``)."""
    from urllib.parse import quote

    from rollout5g.platform.home import home_adcode

    tail = f"open-list-{release.number}-{crs}.{fmt}"
    return (f'attachment; filename="{home_adcode()}-{tail}"; '
            f"filename*=UTF-8''{quote(home_file_stem())}-{tail}")

#: Columns of the CSV and XLSX (snapshot key, Chinese header, English header).
COLUMNS = (
    ("code", "编号", "code"), ("name", "名称", "name"), ("kind", "类型", "kind"), ("owner", "权属单位代码", "owner"),
    ("owner_name", "权属单位", "owner name"), ("region", "行政区划代码", "county adcode"),
    ("region_name", "县（市、区）", "county"), ("lon", "经度", "longitude"), ("lat", "纬度", "latitude"),
    ("address", "地址", "address"), ("height_m", "高度(米)", "height [m]"), ("load_kg", "承重(千克)", "load [kg]"),
    ("power_kw_available", "可用电力(千瓦)", "power available [kW]"),
    ("cabinet_space_m2", "机柜空间(平方米)", "cabinet space [m2]"), ("conditions", "开放条件", "conditions"),
    ("availability", "可用状态", "availability"), ("availability_reason", "状态说明", "availability reason"),
    ("smart_pole", "智慧杆", "smart pole"), ("smart_pole_capacity", "可挂载运营商数", "smart-pole capacity"),
    ("hosted_operators", "已挂载运营商", "hosted operators"), ("last_confirmed_on", "最近确认日期", "last confirmed on"),
    ("is_synthetic", "演示数据", "synthetic"),
)

FORMATS = ("csv", "xlsx", "geojson")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def normalise_crs(crs: str | None) -> str:
    key = (crs or "wgs84").lower().replace("-", "").replace("_", "")
    if key not in ("wgs84", "gcj02"):
        raise ValueError(f"unknown coordinate system {crs!r}; downloads come in wgs84 (default) or gcj02")
    return key


def _rows(snapshots: list[dict], crs: str) -> list[dict]:
    if not snapshots:
        return []
    lon = np.array([s["lon"] for s in snapshots], dtype=float)
    lat = np.array([s["lat"] for s in snapshots], dtype=float)
    x, y = from_wgs84(lon, lat, crs)
    out = []
    for s, xi, yi in zip(snapshots, np.atleast_1d(x), np.atleast_1d(y), strict=True):
        out.append({**s, "lon": round(float(xi), 7), "lat": round(float(yi), 7)})
    return out


def _cell(value):
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else value


def to_csv(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    crs = normalise_crs(crs)
    buf = io.StringIO()
    buf.write(f"# {home_file_stem()}公共资源开放清单 {release.label} / open list batch {release.number}; "
              f"coordinate system: {CRS_CHOICES[crs]}; notice period {release.notice_start}..{release.notice_end}\n")
    writer = csvsafe.writer(buf)  # no cell a spreadsheet would run as a formula
    writer.writerow([f"{zh} {en}" for _, zh, en in COLUMNS] + ["坐标系 crs"])
    for row in _rows(snapshots, crs):
        writer.writerow([_cell(row.get(key)) for key, _, _ in COLUMNS] + [crs])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def to_xlsx(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    crs = normalise_crs(crs)
    wb = Workbook()
    ws = wb.active
    ws.title = f"第{release.number}批"
    ws.append([f"{home_file_stem()}5G基站建设公共资源开放清单（{release.label}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"公示期 notice period: {release.notice_start} — {release.notice_end}; 坐标系 coordinate system: "
               f"{CRS_CHOICES[crs]}"])
    ws.append([zh for _, zh, _ in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in _rows(snapshots, crs):
        ws.append([_cell(row.get(key)) for key, _, _ in COLUMNS])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # openpyxl takes a text starting with "=" for a formula: keep it text
                cell.data_type = "s"
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_geojson(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    crs = normalise_crs(crs)
    features = [{
        "type": "Feature", "id": row["code"],
        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")},
    } for row in _rows(snapshots, crs)]
    doc = {
        "type": "FeatureCollection",
        "name": f"{home_file_stem()}-open-list-{release.number}",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84" if crs == "wgs84" else "GCJ-02"}},
        "properties": {"release": release.label, "number": release.number, "coordinate_system": CRS_CHOICES[crs],
                       "notice_start": str(release.notice_start), "notice_end": str(release.notice_end)},
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "geojson": to_geojson}
