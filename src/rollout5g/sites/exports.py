"""Exports of the site registry: sites and cells as .xlsx, .csv, GeoJSON and KML.

The caller passes a queryset already restricted to what the user may see (``restrict(user)``) and filtered with
the list page's filters (:mod:`rollout5g.sites.filters`); :func:`export_sites` / :func:`export_cells` do both from
a user and the request's parameters. Rows are read as tuples in chunks (no model instances) and written as a
stream, so the 25,000 cells of the demo export in a few seconds.

Coordinates are WGS-84 (EPSG:4326) unless ``crs="gcj02"`` is asked for; every format states which: the
coordinate columns' headers (``经度(WGS-84)``), the GeoJSON ``crs``/``coordinate_system`` members, the KML
document description, the xlsx metadata sheet, and the ``X-Coordinate-System`` response header. The cell
columns are the import template's, so an exported file imports again.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

from rollout5g.core import csvsafe, geo

from .choices import PowerSupply, SiteState, SiteType
from .filters import filter_cells, filter_sites_full
from .models import Cell, Site

FORMATS = ("xlsx", "csv", "geojson", "kml")
EXPORT_CRS = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
}
_CHUNK = 2000
CRS_COLUMN = "坐标系"  # the CSV's coordinate system column (the importer ignores it: the file imports again)
SITE_TYPE_ZH = {SiteType.MACRO_TOWER: "宏站", SiteType.ROOFTOP: "楼顶", SiteType.STREET_POLE: "灯杆",
                SiteType.SMART_POLE: "智慧杆", SiteType.INDOOR: "室分", SiteType.SMALL_CELL: "微站"}
STATE_ZH = {SiteState.PLANNED: "规划", SiteState.APPLIED: "已申请", SiteState.APPROVED: "已批复",
            SiteState.BUILDING: "在建", SiteState.ON_AIR: "在网", SiteState.RELOCATING: "迁改",
            SiteState.RETIRED: "退网"}
POWER_ZH = {PowerSupply.DIRECT: "直供电", PowerSupply.TRANSFER: "转供电", PowerSupply.UNKNOWN: ""}


class ExportError(ValueError):
    pass


@dataclass
class Export:
    """An export ready to send: ``chunks`` yields bytes."""

    chunks: Iterable[bytes]
    content_type: str
    filename: str
    crs: str
    count: int

    def read(self) -> bytes:
        return b"".join(self.chunks)


def _check(fmt: str, crs: str) -> str:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
    key = (crs or "wgs84").lower().replace("-", "").replace("_", "")
    if key == "cgcs2000":
        key = "wgs84"
    if key not in EXPORT_CRS:
        raise ExportError(f"unknown coordinate system {crs!r}; valid: wgs84, gcj02")
    return key


# ------------------------------------------------------------------------------------------------ columns

#: (header, value key) of the cell export: the import template's headers.
CELL_COLUMNS = (
    ("站址编码", "site__code"), ("站名", "site__name"), ("小区名称", "name"), ("小区ID", "cell_id"), ("经度", "lon"),
    ("纬度", "lat"), ("方位角", "azimuth_deg"), ("机械下倾", "mechanical_tilt_deg"), ("电子下倾", "electrical_tilt_deg"),
    ("挂高(m)", "height_m"), ("频段", "band"), ("中心频点(MHz)", "freq_mhz"), ("带宽(MHz)", "bandwidth_mhz"),
    ("参考信号功率(dBm)", "rs_power_dbm"), ("总功率(W)", "total_power_w"), ("天线增益(dBi)", "gain_dbi"),
    ("水平波瓣宽度", "hpbw_h_deg"), ("垂直波瓣宽度", "hpbw_v_deg"), ("PCI", "pci"), ("运营商", "operator"),
    ("产权单位", "owner"), ("制式", "technology"), ("站型", "site_type"), ("地址", "site__address"),
    ("入网日期", "on_air_date"), ("状态", "state"), ("区县", "region"),
)
_CELL_VALUES = ("site__code", "site__name", "name", "cell_id", "site__lon", "site__lat", "azimuth_deg",
                "mechanical_tilt_deg", "electrical_tilt_deg", "height_m", "band", "freq_mhz", "bandwidth_mhz",
                "rs_power_dbm", "total_power_w", "gain_dbi", "hpbw_h_deg", "hpbw_v_deg", "pci", "operator__short_name",
                "site__owner__short_name", "technology", "site__site_type", "site__address", "on_air_date",
                "site__state", "site__region__name")
SITE_COLUMNS = ("站址编码", "站名", "经度", "纬度", "区县", "地址", "站型", "产权单位", "共享运营商", "供电方式", "状态",
                "入网日期", "高度(m)", "小区数", "频段")
_SITE_VALUES = ("pk", "code", "name", "lon", "lat", "region__name", "address", "site_type", "owner__short_name",
                "power_supply", "state", "on_air_date", "height_m")


def _headers(columns, crs: str) -> list[str]:
    label = EXPORT_CRS[crs]
    return [f"{h}({label})" if h in ("经度", "纬度") else h for h in columns]


def _converted(rows: list[tuple], lon_i: int, lat_i: int, crs: str) -> list[list]:
    out = [list(r) for r in rows]
    if crs != "wgs84" and out:
        lon = np.array([r[lon_i] for r in out], dtype=float)
        lat = np.array([r[lat_i] for r in out], dtype=float)
        glon, glat = geo.from_wgs84(lon, lat, crs)
        for r, x, y in zip(out, np.atleast_1d(glon), np.atleast_1d(glat), strict=True):
            r[lon_i], r[lat_i] = round(float(x), 7), round(float(y), 7)
    return out


def _chunked(queryset, fields) -> Iterator[list[tuple]]:
    batch = []
    for row in queryset.values_list(*fields).iterator(chunk_size=_CHUNK):
        batch.append(row)
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _cell_rows(queryset, crs) -> Iterator[list]:
    for batch in _chunked(queryset, _CELL_VALUES):
        for r in _converted(batch, 4, 5, crs):
            r[22] = SITE_TYPE_ZH.get(r[22], r[22])
            r[25] = STATE_ZH.get(r[25], r[25])
            yield r


def _site_rows(queryset, crs, user) -> Iterator[list]:
    site_ids = queryset.order_by().values("pk")
    through = Site.operators.through
    sharing = defaultdict(list)
    for site_id, name in through.objects.filter(site_id__in=site_ids).values_list("site_id",
                                                                                 "organization__short_name"):
        sharing[site_id].append(name)
    cells = defaultdict(int)
    bands = defaultdict(set)
    visible = Cell.objects.restrict(user) if user is not None else Cell.objects.all()
    # the pk keeps the rows apart: restrict() may add DISTINCT
    for _, site_id, band in visible.filter(site_id__in=site_ids).order_by().values_list("pk", "site_id", "band"):
        cells[site_id] += 1
        bands[site_id].add(band)
    for batch in _chunked(queryset, _SITE_VALUES):
        for r in _converted(batch, 3, 4, crs):
            pk = r[0]
            yield [r[1], r[2], r[3], r[4], r[5], r[6], SITE_TYPE_ZH.get(r[7], r[7]), r[8],
                   "、".join(sorted(sharing.get(pk, ()))), POWER_ZH.get(r[9], r[9]), STATE_ZH.get(r[10], r[10]),
                   r[11], r[12], cells.get(pk, 0), "/".join(sorted(bands.get(pk, ())))]


# ------------------------------------------------------------------------------------------------ writers


def _metadata(kind: str, crs: str, params, count: int) -> list[tuple[str, str]]:
    filters = {k: v for k, v in (params or {}).items() if v and k not in ("crs", "format")}
    return [
        ("内容 / content", "站址 / sites" if kind == "sites" else "小区 / cells"),
        ("坐标系 / coordinate system", f"{EXPORT_CRS[crs]}" + (" (EPSG:4326)" if crs == "wgs84" else
                                                           " (AMap/Tencent datum, not for surveying)")),
        ("导出时间 / exported at", dt.datetime.now().isoformat(timespec="seconds")),
        ("筛选 / filters", json.dumps(filters, ensure_ascii=False) if filters else "—"),
        ("行数 / rows", str(count)),
    ]


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_xml(rows: Iterable[list], out) -> None:
    """Write one worksheet's XML: strings inline, numbers as numbers, dates as day numbers in style 1."""
    out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
              b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    letters: list[str] = []
    parts: list[str] = []
    for n, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(_column_letter(len(letters)))
        cells = []
        for letter, v in zip(letters, row, strict=False):
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                cells.append(f'<c r="{letter}{n}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, int | float):
                cells.append(f'<c r="{letter}{n}"><v>{v!r}</v></c>')
            elif isinstance(v, dt.date):
                cells.append(f'<c r="{letter}{n}" s="1"><v>{(v - _EXCEL_EPOCH).days}</v></c>')
            else:
                text = escape(_ILLEGAL_XML.sub("", str(v)))
                cells.append(f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        parts.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(parts) >= 1000:
            out.write("".join(parts).encode())
            parts = []
    parts.append("</sheetData></worksheet>")
    out.write("".join(parts).encode())


_XLSX_STATIC = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
    '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def write_xlsx(sheets: list[tuple[str, Iterable[list]]]) -> bytes:
    """A minimal Office Open XML workbook (ECMA-376 Part 1, SpreadsheetML) written directly: openpyxl's writer
    needs ~15 s for the 25,000 demo cells, this ~1 s. Each sheet is ``(name, rows)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
        zf.writestr("[Content_Types].xml", _XLSX_STATIC["[Content_Types].xml"].replace("{sheets}", overrides))
        zf.writestr("_rels/.rels", _XLSX_STATIC["_rels/.rels"])
        zf.writestr("xl/styles.xml", _XLSX_STATIC["xl/styles.xml"])
        entries = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, (name, _) in enumerate(sheets, start=1))
        zf.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns='
                    '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                    f'openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
        n = len(sheets) + 1
        rels += (f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/styles" Target="styles.xml"/>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f"{rels}</Relationships>")
        for i, (_, rows) in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                _sheet_xml(rows, out)
    return buffer.getvalue()


def _xlsx(headers, rows, meta) -> Iterator[bytes]:
    def data():
        yield headers
        yield from rows

    yield write_xlsx([("data", data()), ("说明 metadata", [list(m) for m in meta])])


def _csv(headers, rows, crs: str) -> Iterator[bytes]:
    """CSV with a last column naming the coordinate system of every row (a CSV has no other place for it; GDAL
    reads the points with ``-oo X_POSSIBLE_NAMES=经度* -oo Y_POSSIBLE_NAMES=纬度*``)."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)  # no cell a spreadsheet would run as a formula
    buffer.write("\ufeff")  # so that Excel reads the Chinese headers as UTF-8
    writer.writerow([*headers, CRS_COLUMN])
    label = EXPORT_CRS[crs]
    for i, r in enumerate(rows, start=1):
        writer.writerow([*("" if v is None else v for v in r), label])
        if i % _CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _json_value(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def _geojson(headers, rows, lon_i, lat_i, crs, meta) -> Iterator[bytes]:
    head = {"type": "FeatureCollection", "coordinate_system": EXPORT_CRS[crs],
            "metadata": dict(meta)}
    if crs == "wgs84":
        head["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    text = json.dumps(head, ensure_ascii=False)
    yield (text[:-1] + ', "features": [\n').encode("utf-8")
    keys = [h for i, h in enumerate(headers) if i not in (lon_i, lat_i)]
    parts, first = [], True
    for r in rows:
        props = {k: _json_value(v) for k, v in zip(keys, (v for i, v in enumerate(r) if i not in (lon_i, lat_i)),
                                                   strict=True)}
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[lon_i], r[lat_i]]},
                   "properties": props}
        parts.append(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False))
        first = False
        if len(parts) >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


def _kml(headers, rows, lon_i, lat_i, name_i, crs, meta, title) -> Iterator[bytes]:
    description = "; ".join(f"{k}: {v}" for k, v in meta)
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
           f"<name>{escape(title)}</name>\n<description>{escape(description)}</description>\n").encode()
    parts = []
    for r in rows:
        data = "".join(f'<Data name="{escape(h)}"><value>{escape("" if v is None else str(_json_value(v)))}'
                       "</value></Data>" for h, v in zip(headers, r, strict=True) if v is not None)
        parts.append(f"<Placemark><name>{escape(str(r[name_i]))}</name><ExtendedData>{data}</ExtendedData>"
                     f"<Point><coordinates>{r[lon_i]},{r[lat_i]},0</coordinates></Point></Placemark>\n")
        if len(parts) >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("</Document>\n</kml>\n")
    yield "".join(parts).encode("utf-8")


def _render(kind, fmt, crs, headers, rows, lon_i, lat_i, name_i, params, count) -> Export:
    meta = _metadata(kind, crs, params, count)
    stamp = dt.date.today().strftime("%Y%m%d")
    filename = f"{kind}-{stamp}-{crs}.{fmt}"
    if fmt == "xlsx":
        chunks = _xlsx(headers, rows, meta)
    elif fmt == "csv":
        chunks = _csv(headers, rows, crs)
    elif fmt == "geojson":
        chunks = _geojson(headers, rows, lon_i, lat_i, crs, meta)
    else:
        chunks = _kml(headers, rows, lon_i, lat_i, name_i, crs, meta, f"rollout5g {kind}")
    return Export(chunks=chunks, content_type=CONTENT_TYPES[fmt], filename=filename, crs=EXPORT_CRS[crs],
                  count=count)


def export_cells(user, params=None, *, fmt: str = "xlsx", crs: str = "wgs84", queryset=None) -> Export:
    """Cells the user may see, filtered like the cell list (``params``: region, operator, band, state, site_type,
    q, bbox, site). Raises :class:`ExportError` (or the filters' FilterError) for a bad parameter."""
    crs = _check(fmt, crs)
    qs = queryset if queryset is not None else Cell.objects.restrict(user)
    qs = filter_cells(qs, params or {}).order_by("site__code", "cell_id")
    count = qs.count()
    headers = _headers([h for h, _ in CELL_COLUMNS], crs)
    return _render("cells", fmt, crs, headers, _cell_rows(qs, crs), 4, 5, 3, params, count)


def export_sites(user, params=None, *, fmt: str = "xlsx", crs: str = "wgs84", queryset=None) -> Export:
    """Sites the user may see, filtered like the site list, with their sharing operators, the number of cells
    the user may see and their bands."""
    crs = _check(fmt, crs)
    qs = queryset if queryset is not None else Site.objects.restrict(user)
    qs = filter_sites_full(qs, params or {}).order_by("code")
    count = qs.count()
    headers = _headers(SITE_COLUMNS, crs)
    return _render("sites", fmt, crs, headers, _site_rows(qs, crs, user), 2, 3, 1, params, count)


def http_response(export: Export):
    """A streaming Django response with the file name and the ``X-Coordinate-System`` header."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Coordinate-System"] = export.crs
    response["X-Row-Count"] = str(export.count)
    return response
