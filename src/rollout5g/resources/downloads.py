"""Downloads of a published release (CSV, XLSX, GeoJSON) and the open-data description of the list (DCAT).

Every file opens cleanly in GDAL/QGIS and in a spreadsheet:

- **CSV**: the header is the first line (no comment line above it: GDAL, QGIS and pandas take the first line for
  the header); UTF-8 with a BOM so that Excel reads the Chinese. The point is in a ``WKT`` column, which GDAL's CSV
  driver and QGIS's delimited-text reader take for the geometry without any option, and in 经度/纬度 for people;
  the ``坐标系`` column names the coordinate system on every row.
- **GeoJSON**: RFC 7946 (WGS-84 longitude/latitude, no ``crs`` member). The GCJ-02 variant is a separate download
  whose file name says ``gcj02`` (a standard reader takes any GeoJSON for WGS-84, so only the name and the
  ``coordinate_system`` member can tell).
- **XLSX**: the table starts in cell A1 of the first sheet (GDAL reads it as a layer); title, batch, notice period
  and coordinate system are on the second sheet 说明.

Values a person reads are labels, not codes: 路灯杆 rather than ``street_light_pole``, 是/否 rather than 1/0, owner
and operator names rather than organization codes. The column names are fixed Chinese (a file's schema does not
change with the reader's browser language); the GeoJSON keeps the published keys and adds the labels.

Coordinates are stored in WGS-84 (EPSG:4326; CGCS2000 differs by centimetres); ``crs=gcj02`` converts them with
``rollout5g.core.geo`` for users of Chinese web maps.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rollout5g.core import csvsafe
from rollout5g.core.geo import from_wgs84
from rollout5g.regions.services import home_file_stem

from .choices import Availability, ResourceKind

#: The coordinate systems of the downloads: the value of the 坐标系 column and the description of the file.
CRS_LABELS = {"wgs84": "WGS-84 (EPSG:4326)", "gcj02": "GCJ-02"}
CRS_DESCRIPTIONS = {
    "wgs84": "WGS-84 经纬度（EPSG:4326；与 CGCS2000 / EPSG:4490 相差厘米级，可视为相同）",
    "gcj02": "GCJ-02 经纬度（国测局加密坐标，高德、腾讯等网络地图使用；不是 WGS-84，GIS 软件不能直接叠加标准底图）",
}
#: The EPSG reference of a coordinate system, where it has one (GCJ-02 has none).
CRS_URIS = {"wgs84": "http://www.opengis.net/def/crs/EPSG/0/4326"}


def content_disposition(release, crs: str, fmt: str) -> str:
    """The attachment header of a download, named after the home region (RFC 6266: an ASCII name with the region's
    adcode for old clients, the region's name in ``filename*``). The GCJ-02 files say so in their name."""
    from urllib.parse import quote

    from rollout5g.platform.home import home_adcode

    tail = f"open-list-{release.number}-{crs}.{fmt}"
    return (f'attachment; filename="{home_adcode()}-{tail}"; '
            f"filename*=UTF-8''{quote(home_file_stem())}-{tail}")


@dataclass(frozen=True)
class Column:
    key: str  # the snapshot key (or a derived one: crs, wkt)
    header: str  # the column name of the CSV and XLSX
    description: str  # what it holds (the data dictionary of the DCAT description)


#: Columns of the CSV and XLSX, in order. 经度/纬度 are in the coordinate system of the file (坐标系).
COLUMNS = (
    Column("code", "编号", "资源编号，各批次间保持不变"),
    Column("name", "名称", "资源名称"),
    Column("kind", "类型", "资源类型（楼顶、场馆、学校、路灯杆、监控杆等）"),
    Column("owner_name", "权属单位", "资源的权属单位"),
    Column("region", "行政区划代码", "县（市、区）的行政区划代码（GB/T 2260）"),
    Column("region_name", "县（市、区）", "所在县（市、区）"),
    Column("address", "地址", "地址"),
    Column("lon", "经度", "经度（十进制度），坐标系见“坐标系”列"),
    Column("lat", "纬度", "纬度（十进制度），坐标系见“坐标系”列"),
    Column("crs", "坐标系", "经纬度所用的坐标系"),
    Column("height_m", "高度(米)", "可安装高度，米"),
    Column("load_kg", "承重(千克)", "可承重，千克"),
    Column("power_kw_available", "可用电力(千瓦)", "可用电力，千瓦"),
    Column("cabinet_space_m2", "机柜空间(平方米)", "可用机柜空间，平方米"),
    Column("conditions", "开放条件", "权属单位提出的开放条件"),
    Column("availability", "可用状态", "开放、已预留、已占用或暂不可用"),
    Column("availability_reason", "状态说明", "非开放状态的原因"),
    Column("smart_pole", "智慧杆", "是否为智慧杆（是/否）"),
    Column("smart_pole_capacity", "可挂载运营商数", "智慧杆可挂载的运营商数"),
    Column("hosted_operators", "已挂载运营商", "已挂载设备的运营商"),
    Column("last_confirmed_on", "最近确认日期", "权属单位最近一次确认信息有效的日期"),
    Column("is_synthetic", "演示数据", "是否为演示用的合成数据（是/否）"),
)
#: The geometry column of the CSV: GDAL and QGIS read a column named WKT as the geometry by default.
WKT_COLUMN = Column("wkt", "WKT", "点位几何（OGC WKT），与经度、纬度相同")

FORMATS = ("csv", "xlsx", "geojson")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def normalise_crs(crs: str | None) -> str:
    key = (crs or "wgs84").lower().replace("-", "").replace("_", "")
    if key not in ("wgs84", "gcj02"):
        raise ValueError(_("Unknown coordinate system “%(crs)s”; downloads come in WGS-84 (wgs84, the default) or "
                           "GCJ-02 (gcj02).") % {"crs": crs})
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


class Labels:
    """The labels of the codes in the snapshots, in Chinese (the language of the published list)."""

    def __init__(self, snapshots: list[dict]):
        from django.utils import translation

        from rollout5g.organizations.models import Organization

        with translation.override("zh-hans"):
            self.kinds = {k: str(v) for k, v in ResourceKind.choices}
            self.availability = {k: str(v) for k, v in Availability.choices}
        codes = {c for s in snapshots for c in s.get("hosted_operators") or ()}
        self.organizations = {code: short or name for code, short, name in
                              Organization.objects.filter(code__in=codes).values_list("code", "short_name", "name")}

    def operators(self, codes) -> list[str]:
        return [self.organizations.get(c, c) for c in codes or ()]

    def value(self, row: dict, key: str):
        """The value of ``key`` as a person reads it."""
        value = row.get(key)
        if key == "kind":
            return self.kinds.get(value, value)
        if key == "availability":
            return self.availability.get(value, value)
        if key == "hosted_operators":
            return "、".join(self.operators(value))
        if isinstance(value, bool):
            return "是" if value else "否"
        return "" if value is None else value


def _table(snapshots: list[dict], crs: str):
    """(labels, rows as dicts with the derived crs and wkt keys) of the CSV and XLSX."""
    labels = Labels(snapshots)
    rows = []
    for row in _rows(snapshots, crs):
        rows.append({**row, "crs": CRS_LABELS[crs], "wkt": f"POINT ({row['lon']} {row['lat']})"})
    return labels, rows


def to_csv(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    crs = normalise_crs(crs)
    labels, rows = _table(snapshots, crs)
    columns = (*COLUMNS, WKT_COLUMN)
    buf = io.StringIO()
    writer = csvsafe.writer(buf)  # no cell a spreadsheet would run as a formula
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([labels.value(row, c.key) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def title(release) -> str:
    return f"{home_file_stem()}5G基站建设公共资源开放清单（{release.label}）"


def to_xlsx(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    crs = normalise_crs(crs)
    labels, rows = _table(snapshots, crs)
    wb = Workbook()
    ws = wb.active
    ws.title = "开放清单"
    ws.append([c.header for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [labels.value(row, c.key) for c in COLUMNS]
        confirmed = row.get("last_confirmed_on")
        if confirmed:
            values[[c.key for c in COLUMNS].index("last_confirmed_on")] = dt.date.fromisoformat(confirmed)
        ws.append(values)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # openpyxl takes a text starting with "=" for a formula: keep it text
                cell.data_type = "s"
            elif cell.is_date:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(column.header) + 4))
    about = wb.create_sheet("说明")
    for line in (("标题", title(release)), ("批次", release.label), ("名称", release.title or ""),
                 ("公示期", f"{release.notice_start.isoformat()} 至 {release.notice_end.isoformat()}"),
                 ("坐标系", CRS_DESCRIPTIONS[crs]), ("条目数", len(rows))):
        about.append(list(line))
    about.append([])
    about.append(["列名", "说明"])
    for column in COLUMNS:
        about.append([column.header, column.description])
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 18, 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_geojson(release, snapshots: list[dict], crs: str = "wgs84") -> bytes:
    """RFC 7946 FeatureCollection of points. Points have no winding; a polygon served here would go through
    :func:`rollout5g.core.geo.rfc7946`."""
    crs = normalise_crs(crs)
    labels = Labels(snapshots)
    features = []
    for row in _rows(snapshots, crs):
        props = {k: v for k, v in row.items() if k not in ("lon", "lat")}
        props.update(kind_label=labels.value(row, "kind"), availability_label=labels.value(row, "availability"),
                     hosted_operator_names=labels.operators(row.get("hosted_operators")))
        features.append({"type": "Feature", "id": row["code"],
                         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": props})
    doc = {
        "type": "FeatureCollection",
        "name": f"{home_file_stem()}-open-list-{release.number}-{crs}",
        "coordinate_system": CRS_LABELS[crs],
        "properties": {"title": title(release), "release": release.label, "number": release.number,
                       "coordinate_system": CRS_DESCRIPTIONS[crs], "notice_start": str(release.notice_start),
                       "notice_end": str(release.notice_end)},
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "geojson": to_geojson}
