"""Parsers of one value of a 工参 row: numbers with units, bandwidth, power, technology, band, frequency (NR-ARFCN /
EARFCN via :mod:`rollout5g.core.radio.nr`), operator, date, text. Each raises :class:`_Bad` with the reason."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from rollout5g.core.radio import nr

from ..choices import BAND_RANGES_MHZ, NR_BANDS, PowerSupply, SiteState, SiteType, Technology
from .columns import normalize

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
    """Frequency [MHz] of an NR-ARFCN (3GPP TS 38.104 §5.4.2.1, :func:`rollout5g.core.radio.nr.nr_arfcn_to_mhz`)."""
    try:
        return nr.nr_arfcn_to_mhz(n)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


#: E-UTRA downlink: band -> (F_DL_low [MHz], N_Offs-DL, N_DL range) (3GPP TS 36.101 Table 5.7.3-1, from
#: :data:`rollout5g.core.radio.nr.LTE_BANDS`).
EARFCN_DL = {band: (f_low, offset, (offset, last)) for band, (f_low, offset, last) in nr.LTE_BANDS.items()}


def earfcn_to_mhz(n: int) -> tuple[float, str]:
    """Downlink frequency [MHz] and band of an EARFCN: F_DL = F_DL_low + 0.1 (N_DL − N_Offs-DL)
    (3GPP TS 36.101 §5.7.3, :func:`rollout5g.core.radio.nr.earfcn_to_mhz`)."""
    for band, (_, _, (lo, hi)) in EARFCN_DL.items():
        if lo <= n <= hi:
            return nr.earfcn_to_mhz(n, band), band
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


