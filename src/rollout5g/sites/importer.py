"""Reading and checking operators' engineering-parameter tables (工参表).

Three steps, each usable alone:

1. :func:`read_table` reads an ``.xlsx`` (openpyxl, read-only mode) or a ``.csv`` (UTF-8, UTF-8 with BOM or GBK,
   detected) and finds the header row: the first of the first :data:`HEADER_SEARCH_ROWS` rows whose cells match
   at least :data:`HEADER_MIN_MATCHES` known column names, so merged title rows above the header are skipped.
   Header cells are matched against :data:`COLUMNS` (Chinese and English aliases real files use; a unit in
   brackets, ``挂高(m)`` or ``总功率（dBm）``, is read as the column's unit).
2. :func:`validate_table` turns every data row into a :class:`CellRow` with values in the registry's units, or
   into :class:`RowError` s naming the file, the row as the spreadsheet shows it, the column as written in the
   file, and the reason. Checks that need the database (region of each point, cell ids of other operators,
   permissions) are in :mod:`rollout5g.sites.import_services`.
3. :func:`failed_rows_xlsx` writes the failed rows with their original columns plus ``错误原因 / error``; once
   fixed, that file imports as it is. :func:`template_xlsx` is the blank template with a sheet explaining every
   column.

Frequencies: an ARFCN is converted with 3GPP TS 38.104 V17 §5.4.2.1 (NR-ARFCN, global raster) or TS 36.104
Table 5.7.3-1 (E-UTRA EARFCN, downlink).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rollout5g.core.radio import nr

from . import import_limits
from .choices import BAND_RANGES_MHZ, NR_BANDS, PowerSupply, SiteState, SiteType, Technology

HEADER_SEARCH_ROWS = 15
HEADER_MIN_MATCHES = 3
ERROR_COLUMN = "错误原因 / error"
SOURCE_ROW_COLUMN = "原行号 / source row"
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header row, unreadable encoding)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's (Chinese) header
    english: str
    aliases: tuple[str, ...]
    required: bool = False
    unit: str = ""
    allowed: str = ""
    description: str = ""


#: Every column the importer understands. ``required`` columns must be present (some have alternatives, see
#: :data:`REQUIRED_GROUPS`).
COLUMNS: tuple[Column, ...] = (
    Column("site_code", "站址编码", "Site ID",
           ("站址编码", "站址编号", "站点编码", "站点编号", "站号", "站址ID", "铁塔站址编码", "Site ID", "SiteID", "Site Code"),
           description="Unique code of the site (站址). Without it a site is matched by name and position within 5 m; "
                       "a code is generated."),
    Column("site_name", "站名", "Site Name",
           ("站名", "基站名称", "站点名称", "站址名称", "基站名", "基站中文名", "Site Name", "gNodeB Name", "gNB Name",
            "eNodeB Name", "eNB Name"), required=True),
    Column("cell_name", "小区名称", "Cell Name", ("小区名称", "小区名", "小区中文名", "Cell Name"),
           description="Defaults to the cell id."),
    Column("cell_id", "小区ID", "Cell ID",
           ("小区ID", "CGI", "ECI", "NCI", "ECGI", "NCGI", "Cell ID", "CellID", "小区标识", "小区编号", "全球小区识别码"),
           required=True, description="Unique in the registry: a re-import updates the cell with this id."),
    Column("lon", "经度", "Longitude", ("经度", "Longitude", "LON", "LNG", "LONG", "基站经度", "小区经度"), required=True,
           unit="°", allowed="inside the province", description="In the coordinate system chosen for the import."),
    Column("lat", "纬度", "Latitude", ("纬度", "Latitude", "LAT", "基站纬度", "小区纬度"), required=True, unit="°",
           allowed="inside the province"),
    Column("azimuth", "方位角", "Azimuth", ("方位角", "天线方位角", "方向角", "Azimuth", "AZI", "Azimuth(deg)"),
           required=True, unit="°", allowed="0–360, clockwise from north"),
    Column("mech_tilt", "机械下倾", "Mechanical Tilt",
           ("机械下倾", "机械下倾角", "机械倾角", "Mechanical Tilt", "M-Tilt", "MTilt"), unit="°", allowed="−10–30"),
    Column("elec_tilt", "电子下倾", "Electrical Tilt",
           ("电子下倾", "电子下倾角", "电下倾", "电调下倾", "电调下倾角", "Electrical Tilt", "E-Tilt", "ETilt"), unit="°",
           allowed="−10–30"),
    Column("total_tilt", "总下倾", "Total Tilt", ("总下倾", "总下倾角", "下倾角", "Total Tilt", "Tilt", "Downtilt"),
           unit="°", allowed="−10–30",
           description="Without 机械下倾/电子下倾: mechanical = total, electrical = 0. At least one tilt column."),
    Column("height", "挂高", "Height", ("挂高", "天线挂高", "天线高度", "Height", "Antenna Height"), required=True,
           unit="m", allowed="1–150"),
    Column("band", "频段", "Band", ("频段", "工作频段", "频带", "Band", "Frequency Band"),
           allowed="n78 (3.5G, 3500M, NR3500), n41 (2.6G, 2600M), n28 (700M), n79 (4.9G), n1 (2.1G), n3, n8; "
                   "LTE B1, B3 (FDD1800), B8 (FDD900), B34 (A), B39 (F), B40 (E), B41 (D)",
           description="Either 频段 or 中心频点 is needed; 2.6G/2.1G/1.8G/900M are NR unless 制式 says LTE."),
    Column("freq", "中心频点", "Frequency",
           ("中心频点", "频点", "中心频率", "频率", "下行频点", "下行中心频率", "Frequency", "Freq", "DL Frequency",
            "ARFCN", "NR-ARFCN", "NRARFCN", "EARFCN", "SSB ARFCN", "SSB频点"),
           unit="MHz", allowed="inside the band",
           description="MHz, or an NR-ARFCN / EARFCN (converted per 3GPP TS 38.104 §5.4.2.1 / TS 36.104 §5.7.3). "
                       "If only the band is given, the band's usual centre is used."),
    Column("bandwidth", "带宽", "Bandwidth", ("带宽", "载波带宽", "小区带宽", "信道带宽", "Bandwidth", "BW"), unit="MHz",
           allowed="1–400 (\"100M\" accepted)", description="Defaults to the band's usual carrier."),
    Column("rs_power", "参考信号功率", "RS Power",
           ("参考信号功率", "SSB功率", "RS功率", "导频功率", "每RE功率", "RS Power", "SSB Power",
            "Reference Signal Power", "RSRP Power"), unit="dBm", allowed="−20–50 per RE",
           description="SSB (NR) or RS (LTE) power per resource element. Either this or 总功率 is needed."),
    Column("total_power", "总功率", "Total Power",
           ("总功率", "发射功率", "最大发射功率", "载波功率", "Total Power", "TX Power", "Transmit Power"), unit="W",
           allowed="0–1000 W; \"200W\" or \"53dBm\"",
           description="W unless the header or the value says dBm. Without 参考信号功率 the power per RE is derived "
                       "from it and the bandwidth (12 subcarriers × N_RB, TS 38.101-1 Table 5.3.2-1)."),
    Column("gain", "天线增益", "Antenna Gain", ("天线增益", "增益", "Antenna Gain", "Gain"), unit="dBi",
           allowed="0–30", description="Default 17 dBi."),
    Column("hpbw_h", "水平波瓣宽度", "Horizontal Beamwidth",
           ("水平波瓣宽度", "水平波束宽度", "水平半功率角", "水平波瓣", "Horizontal Beamwidth", "HBW", "H-BW"), unit="°",
           allowed="1–360", description="Default 65°."),
    Column("hpbw_v", "垂直波瓣宽度", "Vertical Beamwidth",
           ("垂直波瓣宽度", "垂直波束宽度", "垂直半功率角", "垂直波瓣", "Vertical Beamwidth", "VBW", "V-BW"), unit="°",
           allowed="1–90", description="Default 10°."),
    Column("pci", "PCI", "PCI", ("PCI", "物理小区标识", "物理小区ID"), allowed="0–1007 (NR), 0–503 (LTE)"),
    Column("operator", "运营商", "Operator", ("运营商", "所属运营商", "归属运营商", "运营商名称", "Operator"),
           required=True, allowed="中国移动/移动/CMCC, 中国电信/电信/CTCC, 中国联通/联通/CUCC, 中国广电/广电/CBN",
           description="The operator whose cell it is. May be left out when importing for one operator (--as)."),
    Column("owner", "产权单位", "Site Owner", ("产权单位", "产权方", "站址产权", "产权", "站址归属", "Owner", "Site Owner"),
           allowed="铁塔/中国铁塔, or an operator",
           description="Owner of the site. Default: the tower company when it imports, else the cell's operator."),
    Column("technology", "制式", "Technology", ("制式", "网络制式", "网络类型", "Technology", "RAT"),
           allowed="5G/NR, 4G/LTE", description="Default: from the band (n… NR, B… LTE)."),
    Column("site_type", "站型", "Site Type", ("站型", "站点类型", "基站类型", "站址类型", "Site Type"),
           allowed="宏站, 楼顶, 灯杆, 智慧杆, 室分, 微站", description="Default 宏站 (macro tower)."),
    Column("address", "地址", "Address", ("地址", "站址地址", "详细地址", "基站地址", "Address")),
    Column("on_air_date", "入网日期", "On-air Date", ("入网日期", "开通日期", "开通时间", "入网时间", "开站日期",
                                                    "On-air Date", "On Air Date"), allowed="YYYY-MM-DD"),
    Column("state", "状态", "State", ("状态", "站点状态", "小区状态", "运行状态", "State", "Status"),
           allowed="在网/开通, 在建, 已批复, 已申请, 规划, 迁改, 退网", description="Default 在网 (on air)."),
    Column("power_supply", "供电方式", "Power Supply", ("供电方式", "供电类型", "Power Supply"),
           allowed="直供电, 转供电"),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
#: Required columns with alternatives: (keys any of which satisfies it, name used in the error).
REQUIRED_GROUPS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("site_name",), "站名/基站名称/Site Name"),
    (("cell_id",), "小区ID/CGI/ECI/NCI/Cell ID"),
    (("lon",), "经度/Longitude"),
    (("lat",), "纬度/Latitude"),
    (("azimuth",), "方位角/Azimuth"),
    (("mech_tilt", "elec_tilt", "total_tilt"), "机械下倾/电子下倾/总下倾"),
    (("height",), "挂高/天线挂高/Height"),
    (("band", "freq"), "频段/Band or 中心频点/ARFCN"),
    (("rs_power", "total_power"), "参考信号功率/SSB功率 or 总功率"),
    (("operator",), "运营商/Operator"),
)

_ARFCN_HEADERS = {"arfcn", "nrarfcn", "earfcn", "ssbarfcn", "ssb频点"}


def normalize(text) -> str:
    """Fold a header or a value for matching: NFKC (full-width → ASCII), lower case, no spaces/punctuation."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-·.:：/\\]+", "", s)


_UNIT_RE = re.compile(r"^(.*?)[(\[【{]([^)\]】}]*)[)\]】}]\s*$")
_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _a in (_c.header, *_c.aliases):
        _ALIASES.setdefault(normalize(_a), _c.key)


def match_header(text) -> tuple[str | None, str]:
    """Column key and unit of a header cell: ``"挂高(m)"`` → ``("height", "m")``; ``(None, "")`` if unknown."""
    if text is None:
        return None, ""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        return None, ""
    key = _ALIASES.get(normalize(raw))
    if key:
        return key, ""
    m = _UNIT_RE.match(raw)
    if m:
        key = _ALIASES.get(normalize(m.group(1)))
        if key:
            return key, normalize(m.group(2))
    return None, ""


# --------------------------------------------------------------------------------------------------- reading


@dataclass
class RawTable:
    """The rows of one file as read: ``rows`` are ``(row number as the spreadsheet shows it, values)``."""

    file_name: str
    headers: list[str]
    header_row: int
    columns: dict[str, int]  # key -> index of the column
    units: dict[str, str]  # key -> unit written in the header ("" if none)
    header_keys: dict[str, str]  # key -> normalized header (to tell an ARFCN column)
    rows: list[tuple[int, tuple]]
    sheet: str = ""
    encoding: str = ""
    sha256: str = ""

    def header_of(self, key: str) -> str:
        """The column's header as written in the file (or the template's name if the file has none)."""
        index = self.columns.get(key)
        return self.headers[index] if index is not None else COLUMNS_BY_KEY[key].header


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _find_header(rows: list[tuple[int, tuple]]):
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        keys = {match_header(v)[0] for v in values} - {None}
        if len(keys) >= HEADER_MIN_MATCHES:
            return number, values
    return None, None


def _detect_encoding(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise ImportFileError("the file is neither UTF-8 nor GBK text") from exc


def _csv_rows(data: bytes, file_name: str = "") -> tuple[list[tuple[int, tuple]], str]:
    text, encoding = _detect_encoding(data)
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    # The csv module refuses a field over its limit (131,072 characters by default) with an exception; the file
    # is already in memory, so no field can be longer than it: let the reader through and report a long value as a
    # row/column error (validate_table, MAX_FIELD_CHARS).
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for r in reader:
            rows.append((reader.line_num, tuple(r)))
    except csv.Error as exc:
        raise ImportFileError(f"{file_name}: line {reader.line_num}: not readable as CSV ({exc})") from exc
    return rows, encoding


def _openpyxl_sheets(path: Path):
    """``[(title, rows)]`` with openpyxl in read-only mode (the active sheet first); rows are
    ``(row number, values)``."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ImportFileError(f"not a readable .xlsx workbook ({exc})") from exc
    sheets = list(wb.worksheets)
    active = wb.active
    if active in sheets:  # the sheet the user last looked at first
        sheets.remove(active)
        sheets.insert(0, active)

    return [(ws.title, enumerate(ws.iter_rows(values_only=True), start=1)) for ws in sheets], wb.close


# A direct reader of the sheet XML (ECMA-376 Part 1 §18.3): openpyxl's reader takes ~0.4 ms a row on this
# machine, half a minute for 100,000 rows; this one a fifth of that. Anything it does not understand falls back to
# openpyxl.
_MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")
_DATE_FORMAT_IDS = set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.lower())
    return bool(re.search(r"[ymdhs]", code)) and "general" not in code


def _fast_xlsx_sheets(path: Path):
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"not a readable .xlsx workbook ({exc})") from exc
    names = set(zf.namelist())
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sheets = []
    active = 0
    for el in workbook.iter():
        tag = _local(el.tag)
        if tag == "workbookView":
            active = int(el.get("activeTab", 0) or 0)
        elif tag == "sheet":
            rid = next(el.get(f"{{{ns}}}id") for ns in _REL_NS if el.get(f"{{{ns}}}id"))
            target = targets[rid].lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            sheets.append((el.get("name"), target))
    if 0 <= active < len(sheets):
        sheets.insert(0, sheets.pop(active))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for si in ET.fromstring(zf.read("xl/sharedStrings.xml")):
            # the text runs of the item, without phonetic (rPh) runs
            parts = [t.text or "" for t in si.iter() if _local(t.tag) == "t"]
            phonetic = [t.text or "" for rph in si if _local(rph.tag) == "rPh" for t in rph.iter()
                        if _local(t.tag) == "t"]
            if phonetic:
                parts = parts[:len(parts) - len(phonetic)]
            shared.append("".join(parts))
    date_styles: set[int] = set()
    if "xl/styles.xml" in names:
        styles = ET.fromstring(zf.read("xl/styles.xml"))
        custom = {}
        for el in styles.iter():
            if _local(el.tag) == "numFmt":
                custom[int(el.get("numFmtId"))] = el.get("formatCode", "")
        for child in styles:
            if _local(child.tag) == "cellXfs":
                for index, xf in enumerate(child):
                    fmt = int(xf.get("numFmtId", 0))
                    if fmt in _DATE_FORMAT_IDS or (fmt in custom and _is_date_format(custom[fmt])):
                        date_styles.add(index)
    epoch = dt.datetime(1899, 12, 30)

    def rows(target):
        with zf.open(target) as stream:
            row_tags = {f"{{{ns}}}row" for ns in _MAIN_NS}
            for _, el in ET.iterparse(stream, events=("end",)):
                if el.tag not in row_tags:
                    continue
                values: list = []
                for c in el:
                    if _local(c.tag) != "c":
                        continue
                    ref = c.get("r")
                    index = _column_index(_CELL_REF.match(ref).group(1)) if ref else len(values)
                    kind = c.get("t", "n")
                    value = None
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter() if _local(t.tag) == "t")
                    else:
                        v = next((x.text for x in c if _local(x.tag) == "v"), None)
                        if v is not None:
                            if kind == "s":
                                value = shared[int(v)]
                            elif kind == "n":
                                number = float(v)
                                if int(c.get("s", 0) or 0) in date_styles:
                                    value = epoch + dt.timedelta(days=number)
                                else:
                                    value = int(number) if number.is_integer() and "." not in v and "E" not in v \
                                        else number
                            elif kind == "b":
                                value = v == "1"
                            elif kind in ("str", "d"):
                                value = v
                    while len(values) < index:
                        values.append(None)
                    if len(values) == index:
                        values.append(value)
                    else:
                        values[index] = value
                number = int(el.get("r")) if el.get("r") else None
                el.clear()
                yield number, tuple(values)

    def numbered(target):
        expected = 1
        for number, values in rows(target):
            number = number or expected
            expected = number + 1
            yield number, values

    return [(title, numbered(target)) for title, target in sheets], zf.close


def _xlsx_candidates(path: Path, reader) -> list[tuple[str, list]]:
    """The first sheet (active first) with a header row in its first rows, with all its rows."""
    sheets, close = reader(path)
    try:
        for title, rows_iter in sheets:
            rows = []
            header_at = None
            for number, values in rows_iter:
                rows.append((number, values))
                if header_at is None and number <= HEADER_SEARCH_ROWS:
                    if len({match_header(v)[0] for v in values} - {None}) >= HEADER_MIN_MATCHES:
                        header_at = number
                if header_at is None and number >= HEADER_SEARCH_ROWS:
                    break
            if header_at is not None:
                return [(title, rows)]
        return []
    finally:
        close()


XLSX_ENGINES = ("auto", "direct", "openpyxl")


def read_table(path: Path | str, *, file_name: str | None = None, engine: str = "auto") -> RawTable:
    """Read a 工参 file and locate its header row and columns.

    Parameters
    ----------
    path : path of an ``.xlsx``/``.xlsm`` or ``.csv``/``.txt`` file.
    file_name : the name to report (the uploaded file's name); default the path's name.
    engine : how to read an .xlsx: ``direct`` (the sheet XML, fast), ``openpyxl`` (read-only mode), or ``auto``
        (direct, falling back to openpyxl for anything it does not understand).

    Raises
    ------
    ImportFileError
        Unknown file type, unreadable file, or no header row in the first 15 rows of any sheet.
    """
    path = Path(path)
    file_name = file_name or path.name
    suffix = Path(file_name).suffix.lower() or path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError(f"{file_name}: unsupported file type '{suffix}'; use .xlsx or .csv")
    try:
        import_limits.check_upload_size(path.stat().st_size, file_name)
    except import_limits.UploadRefused as exc:
        raise ImportFileError(str(exc)) from None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if suffix in (".csv", ".txt"):
        all_rows, encoding = _csv_rows(data, file_name)
        candidates = [("", all_rows)]
    else:
        encoding = ""
        try:
            import_limits.check_zip_archive(path, file_name)
        except import_limits.UploadRefused as exc:
            raise ImportFileError(str(exc)) from None
        if engine not in XLSX_ENGINES:
            raise ValueError(f"unknown engine {engine!r}; valid: {', '.join(XLSX_ENGINES)}")
        if engine == "openpyxl":
            candidates = _xlsx_candidates(path, _openpyxl_sheets)
        else:
            try:
                candidates = _xlsx_candidates(path, _fast_xlsx_sheets)
            except ImportFileError:
                raise
            except Exception:
                if engine == "direct":
                    raise
                # something the direct reader does not know: let openpyxl read it
                candidates = _xlsx_candidates(path, _openpyxl_sheets)
    for sheet, rows in candidates:
        number, header_values = _find_header(rows)
        if number is None:
            continue
        headers = ["" if v is None else unicodedata.normalize("NFKC", str(v)).strip() for v in header_values]
        columns, units, header_keys = {}, {}, {}
        for index, text in enumerate(headers):
            key, unit = match_header(text)
            if key and key not in columns:
                columns[key], units[key], header_keys[key] = index, unit, normalize(text)
        width = len(headers)
        data_rows = []
        for n, values in rows:
            if n <= number:
                continue
            values = tuple(_clean(v) for v in values[:width])
            if all(v is None for v in values):
                continue
            if len(values) < width:
                values = values + (None,) * (width - len(values))
            data_rows.append((n, values))
        return RawTable(file_name=file_name, headers=headers, header_row=number, columns=columns, units=units,
                        header_keys=header_keys, rows=data_rows, sheet=sheet, encoding=encoding, sha256=digest)
    raise ImportFileError(
        f"{file_name}: no header row found in the first {HEADER_SEARCH_ROWS} rows (expected column names such as "
        "站名, 小区ID, 经度, 纬度, 方位角, 挂高, 频段)"
    )


# -------------------------------------------------------------------------------------------- value parsers


class _Bad(ValueError):
    pass


_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _number_and_unit(value) -> tuple[float, str]:
    if isinstance(value, bool):
        raise _Bad(f"'{value}' is not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            raise _Bad("is not a number")
        return float(value), ""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("−", "-").replace(",", "")
    m = _NUM_RE.match(text)
    if not m:
        raise _Bad(f"'{value}' is not a number")
    return float(m.group(0)), normalize(text[m.end():])


def parse_number(value, allowed_units=("", "°", "度", "deg")) -> float:
    """A number, optionally followed by one of ``allowed_units``: ``"46°"`` → 46.0."""
    number, unit = _number_and_unit(value)
    if unit not in allowed_units:
        raise _Bad(f"'{value}' is not a number")
    return number


def _in_range(value: float, low: float, high: float, what: str, unit: str) -> float:
    if not (low <= value <= high):
        raise _Bad(f"{what} {value:g}{unit} is outside {low:g}–{high:g}{unit}")
    return value


def parse_bandwidth(value) -> float:
    """Channel bandwidth [MHz]: ``100``, ``"100M"``, ``"100MHz"``, ``"20000kHz"``."""
    number, unit = _number_and_unit(value)
    if unit in ("", "m", "mhz", "兆"):
        mhz = number
    elif unit == "khz":
        mhz = number / 1000
    elif unit in ("g", "ghz"):
        mhz = number * 1000
    else:
        raise _Bad(f"'{value}' is not a bandwidth in MHz")
    return _in_range(mhz, 1, 400, "bandwidth", " MHz")


def dbm_to_w(dbm: float) -> float:
    """Power [W] of ``dbm`` [dBm]: 10^((dBm − 30)/10)."""
    return 10 ** ((dbm - 30) / 10)


def parse_total_power_w(value, header_unit: str = "") -> float:
    """Total transmit power [W] from ``"200"``, ``"200W"``, ``"53dBm"`` (a bare number is in the header's unit,
    W by default)."""
    number, unit = _number_and_unit(value)
    unit = unit or header_unit
    if unit in ("", "w", "瓦"):
        watts = number
    elif unit == "dbm":
        watts = dbm_to_w(number)
    elif unit == "mw":
        watts = number / 1000
    else:
        raise _Bad(f"'{value}' is not a power in W or dBm")
    if not (0 < watts <= 1000):
        raise _Bad(f"total power {watts:.4g} W is outside 0–1000 W")
    return watts


_TECH = {"5g": "NR", "nr": "NR", "5gnr": "NR", "sa": "NR", "nsa": "NR", "nr5g": "NR", "4g": "LTE", "lte": "LTE",
         "fdd": "LTE", "tdd": "LTE", "fddlte": "LTE", "tdlte": "LTE", "ltefdd": "LTE", "ltetdd": "LTE", "4glte": "LTE"}


def parse_technology(value) -> str:
    tech = _TECH.get(normalize(value))
    if tech is None:
        raise _Bad(f"'{value}' is not a technology; valid: 5G/NR, 4G/LTE")
    return tech


#: Band of a frequency label [MHz] for NR and for LTE (None: the technology has no such band here).
_LABELS_MHZ = {
    700: ("n28", None), 900: ("n8", "B8"), 1800: ("n3", "B3"), 1900: (None, "B39"), 2000: (None, "B34"),
    2100: ("n1", "B1"), 2300: (None, "B40"), 2600: ("n41", "B41"), 3500: ("n78", None), 4900: ("n79", None),
}
_LTE_LETTERS = {"a": "B34", "d": "B41", "e": "B40", "f": "B39"}
_BAND_LABEL_RE = re.compile(r"^(nr|lte|fdd|tdd|tdlte|fddlte)?(\d+(?:\.\d+)?)(g|ghz|m|mhz)?$")
#: The carrier a band usually has in China when a file gives only the band [MHz]: (centre, bandwidth).
USUAL_CARRIER_MHZ = {
    "n78": (3500.0, 100.0), "n41": (2565.0, 100.0), "n28": (773.0, 30.0), "n79": (4850.0, 100.0),
    "n1": (2140.0, 20.0), "n3": (1842.5, 20.0), "n8": (942.5, 10.0), "B1": (2140.0, 20.0), "B3": (1842.5, 20.0),
    "B8": (942.5, 10.0), "B34": (2017.5, 15.0), "B39": (1900.0, 20.0), "B40": (2350.0, 20.0), "B41": (2585.0, 20.0),
}
#: Operator-specific centres of the shared bands (China Telecom 3400–3500, China Unicom 3500–3600 MHz).
OPERATOR_CARRIER_MHZ = {("jx-telecom", "n78"): 3450.0, ("jx-unicom", "n78"): 3550.0}


def band_technology(band: str) -> str:
    return Technology.NR if band in NR_BANDS else Technology.LTE


def parse_band(value, technology: str | None = None) -> str:
    """Registry band code of a band as files write it.

    ``n78``/``N78``/``3.5G``/``3500M``/``NR3500`` → ``n78``; ``2.6G`` → ``n41`` (``B41`` when ``technology`` is
    LTE); ``B3``/``FDD1800``/``LTE1800`` → ``B3``; the China Mobile letters A/D/E/F → B34/B41/B40/B39.
    """
    text = re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(value)).lower())
    text = text.replace("频段", "").replace("band", "b")
    if not text:
        raise _Bad("band is empty")
    m = re.fullmatch(r"n(\d+)", text)
    if m and f"n{m.group(1)}" in BAND_RANGES_MHZ:
        return f"n{m.group(1)}"
    m = re.fullmatch(r"(?:lte)?b(\d+)", text)
    if m and f"B{m.group(1)}" in BAND_RANGES_MHZ:
        band = f"B{m.group(1)}"
        if technology == Technology.NR and f"n{m.group(1)}" in BAND_RANGES_MHZ:
            return f"n{m.group(1)}"
        return band
    if text in _LTE_LETTERS:
        return _LTE_LETTERS[text]
    m = _BAND_LABEL_RE.fullmatch(text)
    if m:
        prefix, number, unit = m.group(1), float(m.group(2)), m.group(3)
        mhz = number * 1000 if unit in ("g", "ghz") or (unit is None and number < 10) else number
        tech = "NR" if prefix == "nr" else "LTE" if prefix else technology
        for label, (nr, lte) in _LABELS_MHZ.items():
            if abs(mhz - label) <= 50:
                if tech == "LTE":
                    if lte:
                        return lte
                elif nr:
                    return nr
                elif lte and tech is None:
                    return lte
    valid = ", ".join(BAND_RANGES_MHZ)
    raise _Bad(f"'{value}' is not a known band; valid: {valid} (or 3.5G, 2.6G, 700M, 2.1G …)")


def nr_arfcn_to_mhz(n: int) -> float:
    """Frequency [MHz] of an NR-ARFCN (3GPP TS 38.104 V17 §5.4.2.1, global frequency raster):
    F = F_REF-Offs + ΔF_Global (N − N_REF-Offs): 0–599999 → 5 kHz steps from 0; 600000–2016666 → 15 kHz steps from
    3000 MHz; 2016667–3279165 → 60 kHz steps from 24250.08 MHz."""
    if 0 <= n < 600000:
        return 0.005 * n
    if 600000 <= n < 2016667:
        return 3000.0 + 0.015 * (n - 600000)
    if 2016667 <= n <= 3279165:
        return 24250.08 + 0.06 * (n - 2016667)
    raise _Bad(f"NR-ARFCN {n} is outside 0–3279165")


#: E-UTRA downlink: band -> (F_DL_low [MHz], N_Offs-DL, N_DL range) (3GPP TS 36.104 Table 5.7.3-1).
EARFCN_DL = {
    "B1": (2110.0, 0, (0, 599)), "B3": (1805.0, 1200, (1200, 1949)), "B8": (925.0, 3450, (3450, 3799)),
    "B34": (2010.0, 36200, (36200, 36349)), "B39": (1880.0, 38250, (38250, 38649)),
    "B40": (2300.0, 38650, (38650, 39649)), "B41": (2496.0, 39650, (39650, 41589)),
}


def earfcn_to_mhz(n: int) -> tuple[float, str]:
    """Downlink frequency [MHz] and band of an EARFCN: F_DL = F_DL_low + 0.1 (N_DL − N_Offs-DL)
    (3GPP TS 36.104 §5.7.3)."""
    for band, (f_low, offset, (lo, hi)) in EARFCN_DL.items():
        if lo <= n <= hi:
            return round(f_low + 0.1 * (n - offset), 3), band
    raise _Bad(f"EARFCN {n} is not in a band used here ({', '.join(EARFCN_DL)})")


def _band_of_mhz(mhz: float, technology: str | None) -> str | None:
    found = [b for b, (lo, hi) in BAND_RANGES_MHZ.items() if lo <= mhz <= hi]
    if technology == Technology.LTE:
        found = [b for b in found if b not in NR_BANDS] or found
    else:
        found = [b for b in found if b in NR_BANDS] or found
    return found[0] if found else None


def resolve_frequency(value, band: str | None, technology: str | None, *, arfcn_column: bool = False,
                      header_unit: str = "") -> tuple[float, str]:
    """Centre frequency [MHz] and band from a 频点 value (MHz, NR-ARFCN or EARFCN) and the row's band.

    A value inside the band's range [MHz] is MHz; otherwise (or in an ARFCN column) it is read as an ARFCN of the
    row's technology. Without a band, the band is the one the frequency falls in.
    """
    number, unit = _number_and_unit(value)
    unit = unit or header_unit
    if unit in ("ghz", "g"):
        number, unit = number * 1000, "mhz"
    candidates = []
    if not arfcn_column or unit in ("mhz", "m"):
        candidates.append(number)
    if unit not in ("mhz", "m") and float(number).is_integer():
        n = int(number)
        tech = technology or (band_technology(band) if band else None)
        if tech != Technology.LTE:
            try:
                candidates.append(nr_arfcn_to_mhz(n))
            except _Bad:
                pass
        if tech != Technology.NR:
            try:
                candidates.append(earfcn_to_mhz(n)[0])
            except _Bad:
                pass
    for mhz in candidates:
        if band:
            lo, hi = BAND_RANGES_MHZ[band]
            if lo <= mhz <= hi:
                return round(mhz, 3), band
        else:
            found = _band_of_mhz(mhz, technology)
            if found:
                return round(mhz, 3), found
    if band:
        lo, hi = BAND_RANGES_MHZ[band]
        raise _Bad(f"frequency {value} is outside band {band} ({lo:g}–{hi:g} MHz)")
    raise _Bad(f"frequency {value} is in no known band")


_SITE_TYPES = {
    SiteType.MACRO_TOWER: ("宏站", "宏基站", "铁塔", "落地塔", "地面塔", "塔站", "宏蜂窝", "macro", "macrotower",
                           "tower", "宏站(铁塔)"),
    SiteType.ROOFTOP: ("楼顶", "楼顶站", "楼面", "楼面站", "屋顶", "楼顶抱杆", "楼顶塔", "rooftop", "roof"),
    SiteType.STREET_POLE: ("灯杆", "路灯杆", "灯杆站", "街道杆", "监控杆", "简易杆", "streetpole", "pole", "lamppost"),
    SiteType.SMART_POLE: ("智慧杆", "智慧灯杆", "多功能杆", "智能杆", "多功能智慧杆", "smartpole"),
    SiteType.INDOOR: ("室分", "室内", "室分站", "室内分布", "室内覆盖", "indoor", "das"),
    SiteType.SMALL_CELL: ("微站", "小站", "皮站", "微蜂窝", "皮基站", "微基站", "smallcell", "micro", "pico", "small"),
}
SITE_TYPE_ALIASES = {normalize(a): k for k, aliases in _SITE_TYPES.items() for a in (*aliases, k.value)}
_STATES = {
    SiteState.ON_AIR: ("在网", "开通", "已开通", "在用", "运行", "在运行", "已入网", "onair", "active", "inservice"),
    SiteState.BUILDING: ("在建", "建设中", "施工", "building", "underconstruction"),
    SiteState.APPROVED: ("已批复", "批复", "已审批", "approved"),
    SiteState.APPLIED: ("已申请", "申请", "报批", "applied"),
    SiteState.PLANNED: ("规划", "计划", "待建", "planned"),
    SiteState.RELOCATING: ("迁改", "搬迁", "迁移", "relocating"),
    SiteState.RETIRED: ("退网", "拆除", "已拆除", "退服", "retired"),
}
STATE_ALIASES = {normalize(a): k for k, aliases in _STATES.items() for a in (*aliases, k.value)}
POWER_ALIASES = {normalize(a): k for k, aliases in {
    PowerSupply.DIRECT: ("直供电", "直供", "直供电(国网)", "direct"),
    PowerSupply.TRANSFER: ("转供电", "转供", "transfer"),
}.items() for a in (*aliases, k.value)}

#: Operator names as files write them -> operator family (mapped to an organization code by the caller).
OPERATOR_FAMILIES = {
    "china_mobile": ("中国移动", "移动", "中移动", "CMCC", "CM", "China Mobile", "ChinaMobile"),
    "china_telecom": ("中国电信", "电信", "CTCC", "CT", "China Telecom", "ChinaTelecom"),
    "china_unicom": ("中国联通", "联通", "CUCC", "CU", "China Unicom", "ChinaUnicom"),
    "china_broadnet": ("中国广电", "广电", "CBN", "China Broadnet", "ChinaBroadnet", "China Broadcast Network"),
    "china_tower": ("中国铁塔", "铁塔", "China Tower", "ChinaTower", "CTC", "Tower"),
}


def operator_aliases(family_codes: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalized operator name → organization code, from :data:`OPERATOR_FAMILIES` and ``family_codes``
    (family → organization code) plus ``extra`` names (e.g. every organization's names from the directory)."""
    out = {}
    for family, names in OPERATOR_FAMILIES.items():
        code = family_codes.get(family)
        if code:
            for name in names:
                out[normalize(name)] = code
            out[normalize(code)] = code
    for name, code in (extra or {}).items():
        out.setdefault(normalize(name), code)
    return out


def parse_date(value) -> dt.date:
    """A date from a cell: a datetime, ``2021-05-01``, ``2021/5/1``, ``2021年5月1日``, ``20210501`` or an Excel
    serial day number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if 1 <= value < 80000:  # Excel serial day (1900 date system)
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise _Bad(f"'{value}' is not a date")
    text = unicodedata.normalize("NFKC", str(value)).strip().split(" ")[0].split("T")[0]
    text = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        if re.fullmatch(r"\d{8}", text):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
    except ValueError:
        pass
    raise _Bad(f"'{value}' is not a date (use YYYY-MM-DD)")


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def _plain_text(value) -> str:
    """Text as written (numbers from Excel without a trailing .0; Chinese characters kept as they are)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


# ----------------------------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self):
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{self.file}: {where}, column '{self.column}': {self.reason}"


@dataclass(slots=True)
class CellRow:
    """One valid row, in registry units. ``lon``/``lat`` are still in the file's coordinate system [degree]."""

    row: int
    site_code: str
    site_name: str
    cell_id: str
    cell_name: str
    lon: float
    lat: float
    azimuth_deg: float
    mechanical_tilt_deg: float
    electrical_tilt_deg: float
    height_m: float
    band: str
    technology: str
    freq_mhz: float
    bandwidth_mhz: float
    rs_power_dbm: float
    total_power_w: float | None
    gain_dbi: float | None
    hpbw_h_deg: float | None
    hpbw_v_deg: float | None
    pci: int | None
    operator: str  # organization code
    owner: str | None  # organization code
    site_type: str | None
    address: str
    on_air_date: dt.date | None
    state: str | None
    power_supply: str | None


@dataclass
class Validation:
    table: RawTable
    rows: list[CellRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def failed_row_numbers(self) -> set[int]:
        if self.file_errors:
            return {n for n, _ in self.table.rows}
        return {e.row for e in self.errors if e.row is not None}


def rs_power_from_total(total_w: float, bandwidth_mhz: float, band: str) -> float:
    """Power per resource element [dBm] if ``total_w`` [W] is spread evenly over the 12 × N_RB subcarriers of the
    carrier, N_RB from TS 38.101-1 Table 5.3.2-1 at the band's SCS / TS 36.101 Table 5.6-1
    (:func:`rollout5g.core.radio.nr.band_re_power_dbm`); ``ValueError`` for a bandwidth the table does not have."""
    return nr.band_re_power_dbm(total_w, bandwidth_mhz, band)


class _Row:
    """Parses the cells of one row, collecting errors against the header as written."""

    def __init__(self, table: RawTable, number: int, values: tuple):
        self.table, self.number, self.values, self.errors = table, number, values, []

    def raw(self, key):
        index = self.table.columns.get(key)
        return self.values[index] if index is not None else None

    def error(self, key, reason):
        self.errors.append(RowError(self.table.file_name, self.number, self.table.header_of(key), reason))

    def has_error(self, *keys) -> bool:
        headers = {self.table.header_of(k) for k in keys}
        return any(e.column in headers for e in self.errors)

    def parse(self, key, parser, *args, required=True):
        raw = self.raw(key)
        if raw is None:
            if required:
                self.error(key, "value is missing")
            return None
        try:
            return parser(raw, *args)
        except _Bad as exc:
            self.error(key, str(exc))
            return None

    def ranged(self, key, low, high, what, unit, required=True):
        value = self.parse(key, parse_number, ("", "°", "度", "deg", "m", "米", "dbi", "db", "dbm"), required=required)
        if value is None:
            return None
        try:
            return _in_range(value, low, high, what, unit)
        except _Bad as exc:
            self.error(key, str(exc))
            return None

    def choice(self, key, aliases, what, valid):
        raw = self.raw(key)
        if raw is None:
            return None
        value = aliases.get(normalize(raw))
        if value is None:
            self.error(key, f"'{raw}' is not a {what}; valid: {valid}")
        return value


def _validate_row(row: _Row, *, operators, default_operator, default_owner, arfcn_column) -> CellRow | None:
    cols = row.table.columns
    site_name = _plain_text(row.raw("site_name"))
    if not site_name:
        row.error("site_name", "value is missing")
    cell_id = _text(row.raw("cell_id"))
    if not cell_id:
        row.error("cell_id", "value is missing")
    elif len(cell_id) > 80:
        row.error("cell_id", "cell id is longer than 80 characters")
    site_code = _text(row.raw("site_code"))
    if len(site_code) > 60:
        row.error("site_code", "site code is longer than 60 characters")
    lon = row.ranged("lon", -180, 180, "longitude", "°")
    lat = row.ranged("lat", -90, 90, "latitude", "°")
    azimuth = row.ranged("azimuth", 0, 360, "azimuth", "°")
    height = row.ranged("height", 1, 150, "antenna height", " m")
    mech = row.ranged("mech_tilt", -10, 30, "mechanical tilt", "°", required=False)
    elec = row.ranged("elec_tilt", -10, 30, "electrical tilt", "°", required=False)
    total = row.ranged("total_tilt", -10, 30, "total tilt", "°", required=False)
    if mech is None and elec is None and total is None:
        if not row.has_error("mech_tilt", "elec_tilt", "total_tilt"):
            row.error(next(k for k in ("total_tilt", "mech_tilt", "elec_tilt") if k in cols), "value is missing")
    elif total is not None:
        if mech is not None and elec is not None:
            if abs(mech + elec - total) > 0.5:
                row.error("total_tilt", f"total tilt {total:g}° is not mechanical {mech:g}° + electrical {elec:g}°")
        elif mech is not None:
            elec = total - mech
        elif elec is not None:
            mech = total - elec
        else:
            mech, elec = total, 0.0
    mech = mech if mech is not None else 0.0
    elec = elec if elec is not None else 0.0

    technology = row.parse("technology", parse_technology, required=False)
    raw_band, raw_freq = row.raw("band"), row.raw("freq")
    band = row.parse("band", parse_band, technology, required=False)
    if band is not None and technology is not None and band_technology(band) != technology:
        row.error("band", f"band {band} is not a {technology} band")
    freq = None
    if raw_freq is not None and (raw_band is None or band is not None):
        try:
            freq, band = resolve_frequency(raw_freq, band, technology, arfcn_column=arfcn_column,
                                           header_unit=row.table.units.get("freq", ""))
        except _Bad as exc:
            row.error("freq", str(exc))
    elif raw_band is None and raw_freq is None:
        row.error("band" if "band" in cols else "freq", "value is missing")
    technology = technology or (band_technology(band) if band else None)
    bandwidth = row.parse("bandwidth", parse_bandwidth, required=False)

    operator = None
    raw_op = row.raw("operator")
    if raw_op is None:
        if default_operator:
            operator = default_operator
        else:
            row.error("operator", "value is missing")
    else:
        operator = operators.get(normalize(raw_op))
        if operator is None:
            row.error("operator", f"'{raw_op}' is not a known operator")
    owner = default_owner
    raw_owner = row.raw("owner")
    if raw_owner is not None:
        owner = operators.get(normalize(raw_owner))
        if owner is None:
            row.error("owner", f"'{raw_owner}' is not a known site owner")
    if band is not None and freq is None and raw_freq is None:
        freq = OPERATOR_CARRIER_MHZ.get((operator, band), USUAL_CARRIER_MHZ[band][0])
    if band is not None and bandwidth is None and not row.has_error("bandwidth"):
        bandwidth = USUAL_CARRIER_MHZ[band][1]

    total_w = row.parse("total_power", parse_total_power_w, row.table.units.get("total_power", ""), required=False)
    rs = None
    if row.raw("rs_power") is not None:
        rs = row.ranged("rs_power", -20, 50, "reference-signal power per RE", " dBm")
    elif total_w is not None and band is not None and bandwidth is not None:
        try:
            rs = round(rs_power_from_total(total_w, bandwidth, band), 2)
        except ValueError as exc:
            row.error("bandwidth" if "bandwidth" in cols else "band", str(exc))
    elif not row.has_error("total_power"):
        row.error("rs_power" if "rs_power" in cols else "total_power", "value is missing")
    gain = row.ranged("gain", 0, 30, "antenna gain", " dBi", required=False)
    hpbw_h = row.ranged("hpbw_h", 1, 360, "horizontal beamwidth", "°", required=False)
    hpbw_v = row.ranged("hpbw_v", 1, 90, "vertical beamwidth", "°", required=False)
    pci = None
    raw_pci = row.raw("pci")
    if raw_pci is not None:
        try:
            value = parse_number(raw_pci, ("",))
            if not value.is_integer():
                raise _Bad(f"PCI {raw_pci} is not a whole number")
            limit = 503 if technology == Technology.LTE else 1007
            pci = int(_in_range(value, 0, limit, f"PCI ({technology or 'NR'})", ""))
        except _Bad as exc:
            row.error("pci", str(exc))
    site_type = row.choice("site_type", SITE_TYPE_ALIASES, "site type", "宏站, 楼顶, 灯杆, 智慧杆, 室分, 微站")
    state = row.choice("state", STATE_ALIASES, "state", "在网, 在建, 已批复, 已申请, 规划, 迁改, 退网")
    power = row.choice("power_supply", POWER_ALIASES, "power supply", "直供电, 转供电")
    on_air = row.parse("on_air_date", parse_date, required=False)
    if row.errors:
        return None
    return CellRow(
        row=row.number, site_code=site_code, site_name=site_name[:150], cell_id=cell_id,
        cell_name=_plain_text(row.raw("cell_name"))[:150] or cell_id, lon=lon, lat=lat,
        azimuth_deg=0.0 if azimuth == 360 else azimuth, mechanical_tilt_deg=mech, electrical_tilt_deg=elec,
        height_m=height, band=band, technology=technology, freq_mhz=freq, bandwidth_mhz=bandwidth,
        rs_power_dbm=rs, total_power_w=round(total_w, 3) if total_w is not None else None, gain_dbi=gain,
        hpbw_h_deg=hpbw_h, hpbw_v_deg=hpbw_v, pci=pci, operator=operator, owner=owner, site_type=site_type,
        address=_plain_text(row.raw("address"))[:300], on_air_date=on_air, state=state, power_supply=power,
    )


def validate_table(table: RawTable, *, operators: dict[str, str], default_operator: str | None = None,
                   default_owner: str | None = None) -> Validation:
    """Check every row of ``table``; return the valid rows and the errors (file, row, column, reason).

    Parameters
    ----------
    operators : normalized operator name → organization code (see :func:`operator_aliases`).
    default_operator : organization code for a file without an operator column (an import "as" one operator).
    default_owner : organization code of the site owner when the file has no owner column.
    """
    out = Validation(table=table)
    for keys, label in REQUIRED_GROUPS:
        if keys == ("operator",) and default_operator:
            continue
        if not any(k in table.columns for k in keys):
            out.errors.append(RowError(table.file_name, None, label, "required column is missing"))
    if out.errors:
        return out
    arfcn_column = table.header_keys.get("freq", "") in _ARFCN_HEADERS
    seen_ids: dict[str, list[int]] = defaultdict(list)
    limit = import_limits.MAX_FIELD_CHARS
    for number, values in table.rows:
        too_long = [(i, v) for i, v in enumerate(values) if isinstance(v, str) and len(v) > limit]
        if too_long:
            for i, v in too_long:
                header = table.headers[i] if i < len(table.headers) and table.headers[i] else f"#{i + 1}"
                out.errors.append(RowError(table.file_name, number, header,
                                           f"value is {len(v):,} characters long; at most {limit:,} allowed"))
            continue
        row = _Row(table, number, values)
        cell = _validate_row(row, operators=operators, default_operator=default_operator,
                             default_owner=default_owner, arfcn_column=arfcn_column)
        cell_id = _text(row.raw("cell_id"))
        if cell_id:
            seen_ids[cell_id].append(number)
        if cell is None:
            out.errors.extend(row.errors)
        else:
            out.rows.append(cell)
    duplicates = {cid: rows for cid, rows in seen_ids.items() if len(rows) > 1}
    if duplicates:
        bad = set()
        header = table.header_of("cell_id")
        for cid, rows in duplicates.items():
            listed = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
            for r in rows:
                out.errors.append(RowError(table.file_name, r, header, f"duplicate cell id {cid} (rows {listed})"))
                bad.add(r)
        out.rows = [r for r in out.rows if r.row not in bad]
    out.errors.sort(key=lambda e: (e.row or 0))
    return out


# ------------------------------------------------------------------------------------------------- writing


def _xlsx_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def failed_rows_xlsx(validation: Validation, extra_errors: list[RowError] = ()) -> bytes:
    """The failed rows with their original columns, then ``错误原因 / error`` and ``原行号 / source row``.

    After fixing, the file imports as it is (the two extra columns are ignored by the importer)."""
    import openpyxl

    table = validation.table
    reasons: dict[int, list[str]] = defaultdict(list)
    file_errors = [e for e in (*validation.errors, *extra_errors) if e.row is None]
    for e in (*validation.errors, *extra_errors):
        if e.row is not None:
            reasons[e.row].append(f"{e.column}: {e.reason}")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("failed rows")
    ws.append([*table.headers, ERROR_COLUMN, SOURCE_ROW_COLUMN])
    file_reason = "; ".join(f"{e.column}: {e.reason}" for e in file_errors)
    for number, values in table.rows:
        if number in reasons or file_reason:
            reason = "; ".join(filter(None, [file_reason, *reasons.get(number, [])]))
            ws.append([*(v.isoformat() if isinstance(v, dt.datetime) else v for v in values), reason, number])
    return _xlsx_bytes(wb)


#: The template's example row: a rooftop site in Nanhu district, Jiaxing (WGS-84).
TEMPLATE_EXAMPLE = {
    "site_code": "JX-EXAMPLE-0001", "site_name": "南湖区-示例站点", "cell_name": "南湖区-示例站点-1",
    "cell_id": "460-00-123456-1", "lon": 120.7555, "lat": 30.7469, "azimuth": 120, "mech_tilt": 3, "elec_tilt": 6,
    "total_tilt": 9, "height": 30, "band": "n41", "freq": 2565, "bandwidth": "100M", "rs_power": 17.9,
    "total_power": 200, "gain": 17, "hpbw_h": 65, "hpbw_v": 10, "pci": 123, "operator": "中国移动", "owner": "中国铁塔",
    "technology": "5G", "site_type": "楼顶", "address": "示例市南湖区示例路1号", "on_air_date": "2021-06-30",
    "state": "在网", "power_supply": "直供电",
}


def template_header(column: Column) -> str:
    return f"{column.header}({column.unit})" if column.unit and column.unit != "°" else column.header


def template_xlsx() -> bytes:
    """The import template: sheet 工参表 with the Chinese headers and one example row, sheet 说明 explaining every
    column (English name, required, unit, allowed values, accepted header aliases)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工参表"
    bold = Font(bold=True)
    required = {k for keys, _ in REQUIRED_GROUPS for k in keys}
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=template_header(column))
        cell.font = bold
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.cell(row=2, column=index, value=TEMPLATE_EXAMPLE.get(column.key))
        ws.column_dimensions[cell.column_letter].width = max(10, len(column.header) * 2 + 4)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    notes.append(["列名 / column", "English", "必填 / required", "单位 / unit", "允许值 / allowed values",
                  "说明 / notes", "可用表头 / accepted headers"])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        needed = "是 / yes" if column.required else ("之一 / one of a group" if column.key in required else "")
        notes.append([template_header(column), column.english, needed, column.unit, column.allowed,
                      column.description, ", ".join(column.aliases)])
    notes.append([])
    notes.append(["坐标系 / coordinate system", "WGS-84, CGCS2000 or GCJ-02 (chosen when importing)"])
    notes.append(["表头 / header row", f"the first row of the first {HEADER_SEARCH_ROWS} with at least "
                  f"{HEADER_MIN_MATCHES} known column names; title rows above it are ignored"])
    notes.append(["一次导入 / all or nothing", "any error: nothing is imported, unless you choose to import the "
                  "valid rows after a preview"])
    for letter, width in zip("ABCDEFG", (16, 22, 14, 10, 40, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    return _xlsx_bytes(wb)
