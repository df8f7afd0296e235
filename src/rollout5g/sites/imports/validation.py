"""Checking a read table: every data row becomes a :class:`CellRow` in the registry's units, or :class:`RowError` s
naming the file, the row as the spreadsheet shows it, the column as written, and the reason."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rollout5g.core.radio import nr

from ..choices import Technology
from . import limits as import_limits
from .columns import _ARFCN_HEADERS, REQUIRED_GROUPS
from .parsers import (
    OPERATOR_CARRIER_MHZ,
    POWER_ALIASES,
    SITE_TYPE_ALIASES,
    STATE_ALIASES,
    USUAL_CARRIER_MHZ,
    _Bad,
    _in_range,
    _plain_text,
    _text,
    band_technology,
    normalize,
    parse_band,
    parse_bandwidth,
    parse_date,
    parse_number,
    parse_technology,
    parse_total_power_w,
    resolve_frequency,
)
from .reader import RawTable

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


