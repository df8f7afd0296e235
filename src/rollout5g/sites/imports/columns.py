"""The 工参 importer's column contract: every column it understands (Chinese and English aliases real files use,
units, allowed values), the required groups, and header matching. Each radio column names its field of the one cell
specification (:data:`rollout5g.core.radio.cells.CELL_FIELDS`); a unit that disagrees with it fails at import."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rollout5g.core.radio.cells import CELL_FIELDS_BY_NAME

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




#: The field of the one cell specification (:data:`rollout5g.core.radio.cells.CELL_FIELDS`) each radio column
#: fills; the others (names, owner, site type, address, state, power supply) describe the site or the record.
COLUMN_FIELDS = {
    "site_code": "site_id", "cell_id": "cell_id", "lon": "lon", "lat": "lat", "azimuth": "azimuth_deg",
    "mech_tilt": "mechanical_tilt_deg", "elec_tilt": "electrical_tilt_deg", "total_tilt": "tilt_deg",
    "height": "height_m", "band": "band", "freq": "freq_mhz", "bandwidth": "bandwidth_mhz", "rs_power": "rs_power_dbm",
    "total_power": "total_power_w", "gain": "gain_dbi", "hpbw_h": "hpbw_h_deg", "hpbw_v": "hpbw_v_deg", "pci": "pci",
    "operator": "operator", "technology": "technology", "on_air_date": "on_air_date",
}


def check_contract() -> None:
    """Raise ``RuntimeError`` unless every radio column names a field of the cell specification with the same unit
    (run at import: the contract cannot drift from the specification)."""
    problems = []
    for key, name in COLUMN_FIELDS.items():
        spec = CELL_FIELDS_BY_NAME.get(name)
        if spec is None:
            problems.append(f"{key}: no field {name!r} in the cell specification")
        elif COLUMNS_BY_KEY[key].unit != spec.unit:
            problems.append(f"{key}: unit {COLUMNS_BY_KEY[key].unit!r}, the specification's {name} has {spec.unit!r}")
    if problems:
        raise RuntimeError("the 工参 column contract disagrees with CELL_FIELDS: " + "; ".join(problems))


check_contract()
