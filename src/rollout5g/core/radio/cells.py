"""Cells for the coverage engine: a small column-store dataclass and the CELLS.csv reader.

CELLS.csv (UTF-8, optional BOM) has the header ``cell_id, lon, lat, height_m, azimuth_deg, tilt_deg,
gain_dbi, hpbw_h_deg, hpbw_v_deg, rs_power_dbm, freq_mhz, band, operator``; ``lon``/``lat`` are WGS-84
[degree], ``tilt_deg`` the total downtilt [deg], ``rs_power_dbm`` the SSB/reference-signal power per
resource element [dBm]. Optional columns: ``a_m_db`` and ``sla_v_db`` (default 30 dB), the pattern's
A_m and SLA_V; ``mechanical_tilt_deg`` (default 0), the part of ``tilt_deg`` that is mechanical (applied
by rotation, TR 38.901 eq. 7.1-7/7.1-8; the rest is electrical); ``bandwidth_mhz``, the channel
bandwidth (default: the band's, :mod:`rollout5g.core.radio.nr`); ``arfcn``, an NR-ARFCN or EARFCN that
gives ``freq_mhz`` when that cell is left empty; ``site_id``, the site the cell is on (written to the
server table). A bad file raises :class:`CellsFileError` naming the file, row and column.
"""

from __future__ import annotations

import csv
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .antenna import DEFAULT_A_M, DEFAULT_SLA_V
from .nr import arfcn_to_mhz, carrier_for

REQUIRED, OPTIONAL = "required", "optional"


@dataclass(frozen=True, slots=True)
class CellField:
    """One field of a cell, the one specification the CELLS.csv reader, the registry reader
    (``rollout5g.coverage.registry``), the 工参 importer's column contract and the cells API schema read.

    ``type`` is ``"float"``, ``"int"``, ``"str"`` or ``"date"``; ``unit`` its unit (``""`` none); ``low``/``high`` the
    inclusive range a value must lie in (``None``: none); ``csv`` whether CELLS.csv requires it, may have it (with
    ``default`` when left empty) or has no such column (``None``); ``api`` whether the cells API returns it (and may
    return ``None``: ``nullable``); ``registry`` the ORM path of the value on ``sites.Cell`` (``None``: not stored as
    such); ``label_zh`` the Chinese label (the 工参 template header and catalogue key)."""

    name: str
    type: str
    unit: str
    low: float | None
    high: float | None
    description: str
    label_zh: str
    csv: str | None = None
    default: object = None
    api: bool = False
    nullable: bool = False
    registry: str | None = None

    @property
    def required(self) -> bool:
        """Required in CELLS.csv."""
        return self.csv == REQUIRED


def _f(name, type_, unit, low, high, description, label_zh, **kw) -> CellField:
    return CellField(name, type_, unit, low, high, description, label_zh, **kw)


#: Every field of a cell, in CELLS.csv order (required columns first, then the optional ones, then API-only).
CELL_FIELDS: tuple[CellField, ...] = (
    _f("cell_id", "str", "", None, None, "Unique cell id (CGI/NCI).", "小区ID", csv=REQUIRED, api=True,
       registry="cell_id"),
    _f("lon", "float", "°", -180.0, 180.0, "Longitude, WGS-84.", "经度", csv=REQUIRED, registry="site__lon"),
    _f("lat", "float", "°", -90.0, 90.0, "Latitude, WGS-84.", "纬度", csv=REQUIRED, registry="site__lat"),
    _f("height_m", "float", "m", 0.5, 500.0, "Antenna height above ground.", "天线挂高", csv=REQUIRED, api=True,
       registry="height_m"),
    _f("azimuth_deg", "float", "°", -360.0, 720.0, "Azimuth, clockwise from north.", "方位角", csv=REQUIRED,
       api=True, registry="azimuth_deg"),
    _f("tilt_deg", "float", "°", -90.0, 90.0, "Total downtilt (mechanical + electrical), positive down.", "总下倾",
       csv=REQUIRED),
    _f("gain_dbi", "float", "dBi", -30.0, 45.0, "Peak antenna gain.", "天线增益", csv=REQUIRED, api=True,
       registry="gain_dbi"),
    _f("hpbw_h_deg", "float", "°", 0.1, 360.0, "Horizontal half-power beamwidth.", "水平波瓣宽度", csv=REQUIRED,
       api=True, registry="hpbw_h_deg"),
    _f("hpbw_v_deg", "float", "°", 0.1, 180.0, "Vertical half-power beamwidth.", "垂直波瓣宽度", csv=REQUIRED,
       api=True, registry="hpbw_v_deg"),
    _f("rs_power_dbm", "float", "dBm", -50.0, 60.0, "SSB / reference-signal power per resource element.",
       "参考信号功率", csv=REQUIRED, api=True, registry="rs_power_dbm"),
    _f("freq_mhz", "float", "MHz", 100.0, 100000.0, "Downlink centre frequency.", "中心频点", csv=REQUIRED, api=True,
       registry="freq_mhz"),
    _f("band", "str", "", None, None, "Operating band (n78, n41, n28 …, LTE B3 …).", "频段", csv=REQUIRED, api=True,
       registry="band"),
    _f("operator", "str", "", None, None, "Operator (organization code).", "运营商", csv=REQUIRED, api=True,
       registry="operator__code"),
    _f("a_m_db", "float", "dB", 0.0, 100.0, "Antenna pattern A_m (TR 38.901 Table 7.3-1).", "前后比", csv=OPTIONAL,
       default=DEFAULT_A_M),
    _f("sla_v_db", "float", "dB", 0.0, 100.0, "Antenna pattern SLA_V (TR 38.901 Table 7.3-1).", "垂直旁瓣抑制",
       csv=OPTIONAL, default=DEFAULT_SLA_V),
    _f("mechanical_tilt_deg", "float", "°", -90.0, 90.0, "The mechanical part of the downtilt.", "机械下倾",
       csv=OPTIONAL, default=0.0, api=True, registry="mechanical_tilt_deg"),
    _f("bandwidth_mhz", "float", "MHz", 0.1, 2000.0, "Channel bandwidth (default: the band's).", "带宽",
       csv=OPTIONAL, api=True, registry="bandwidth_mhz"),
    _f("arfcn", "int", "", 0.0, 3279165.0, "NR-ARFCN or EARFCN; gives freq_mhz when that is empty.", "频点号",
       csv=OPTIONAL),
    _f("site_id", "str", "", None, None, "Code of the site the cell is on.", "站址编码", csv=OPTIONAL, default="",
       api=True, registry="site__code"),
    _f("electrical_tilt_deg", "float", "°", -90.0, 90.0, "The electrical part of the downtilt.", "电子下倾",
       api=True, registry="electrical_tilt_deg"),
    _f("technology", "str", "", None, None, "NR or LTE.", "制式", api=True, registry="technology"),
    _f("total_power_w", "float", "W", 0.0, 1000.0, "Total transmit power, all ports.", "总功率", api=True,
       nullable=True, registry="total_power_w"),
    _f("pci", "int", "", 0.0, 1007.0, "Physical cell identity.", "PCI", api=True, nullable=True, registry="pci"),
    _f("on_air_date", "date", "", None, None, "On air since.", "入网日期", api=True, nullable=True,
       registry="on_air_date"),
)
CELL_FIELDS_BY_NAME = {f.name: f for f in CELL_FIELDS}

#: The API calls the cell's site ``site`` (its code); everything else keeps the field's name.
API_NAMES = {"site_id": "site"}

#: CELLS.csv: the required columns (in order), the optional ones with their defaults, the ranges.
CELL_COLUMNS = tuple(f.name for f in CELL_FIELDS if f.csv == REQUIRED)
OPTIONAL_COLUMNS = {f.name: f.default for f in CELL_FIELDS if f.csv == OPTIONAL}
# (column, minimum, maximum) checks for the numeric columns, inclusive
_RANGES = {f.name: (f.low, f.high) for f in CELL_FIELDS if f.csv and f.low is not None}


def api_fields() -> dict[str, CellField]:
    """The fields the cells API returns, by their API name."""
    return {API_NAMES.get(f.name, f.name): f for f in CELL_FIELDS if f.api}


def _annotation_name(annotation) -> str:
    """``float`` -> ``"float"``, ``float | None`` -> ``"float | None"``, ``datetime.date`` -> ``"date"``."""
    args = typing.get_args(annotation)
    if args and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return f"{_annotation_name(inner)} | None"
    return getattr(annotation, "__name__", str(annotation))


def check_schema(annotations: dict, *, what: str) -> None:
    """Raise ``RuntimeError`` unless ``annotations`` (field name -> type, e.g. a pydantic model's fields'
    annotations) are exactly :func:`api_fields` with their types (``T | None`` for a nullable one): a schema that
    drifts from the specification fails at import."""
    got = {name: _annotation_name(a) for name, a in annotations.items()}
    want = {name: f.type + (" | None" if f.nullable else "") for name, f in api_fields().items()}
    if got != want:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        wrong = sorted(f"{k}: {got[k]} (spec {want[k]})" for k in set(want) & set(got) if want[k] != got[k])
        raise RuntimeError(f"{what} disagrees with rollout5g.core.radio.cells.CELL_FIELDS: missing {missing}, "
                           f"not in the specification {extra}, other type {wrong}")


class CellsFileError(ValueError):
    """A CELLS.csv problem, naming the file, the data row (1-based) and the column."""

    def __init__(self, path, message, row: int | None = None, column: str | None = None):
        where = str(path)
        if row is not None:
            where += f": row {row} (line {row + 1})"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.path, self.row, self.column = str(path), row, column


@dataclass
class Cells:
    """Cells as parallel numpy arrays (one entry per cell); ``index`` is each cell's position in the
    original list (CELLS.csv order), which the server raster reports."""

    cell_id: np.ndarray
    lon: np.ndarray  # [deg] WGS-84
    lat: np.ndarray  # [deg] WGS-84
    height_m: np.ndarray  # [m] antenna height above ground
    azimuth_deg: np.ndarray  # [deg] clockwise from north
    tilt_deg: np.ndarray  # [deg] total downtilt, positive down
    gain_dbi: np.ndarray  # [dBi] peak gain
    hpbw_h_deg: np.ndarray  # [deg]
    hpbw_v_deg: np.ndarray  # [deg]
    rs_power_dbm: np.ndarray  # [dBm] SSB / RS power per resource element
    freq_mhz: np.ndarray  # [MHz]
    band: np.ndarray  # str
    operator: np.ndarray  # str
    a_m_db: np.ndarray = field(default=None)  # [dB]
    sla_v_db: np.ndarray = field(default=None)  # [dB]
    index: np.ndarray = field(default=None)
    mechanical_tilt_deg: np.ndarray = field(default=None)  # [deg] part of tilt_deg that is mechanical
    bandwidth_mhz: np.ndarray = field(default=None)  # [MHz] channel bandwidth (default: the band's)
    site_id: np.ndarray = field(default=None)  # str, "" where unknown

    def __post_init__(self):
        n = len(self.cell_id)
        for name in CELL_COLUMNS[1:11]:
            setattr(self, name, np.asarray(getattr(self, name), dtype=float).reshape(n))
        self.cell_id = np.asarray(self.cell_id, dtype=object).reshape(n)
        self.band = np.asarray(self.band, dtype=object).reshape(n)
        self.operator = np.asarray(self.operator, dtype=object).reshape(n)
        self.a_m_db = (
            np.full(n, DEFAULT_A_M) if self.a_m_db is None else np.asarray(self.a_m_db, float).reshape(n)
        )
        self.sla_v_db = (
            np.full(n, DEFAULT_SLA_V)
            if self.sla_v_db is None
            else np.asarray(self.sla_v_db, float).reshape(n)
        )
        self.index = np.arange(n) if self.index is None else np.asarray(self.index, dtype=np.int64).reshape(n)
        self.mechanical_tilt_deg = (
            np.zeros(n) if self.mechanical_tilt_deg is None else np.asarray(self.mechanical_tilt_deg, float).reshape(n)
        )
        if self.bandwidth_mhz is None:
            self.bandwidth_mhz = default_bandwidths(self.band, self.operator, self.freq_mhz)
        else:
            bw = np.asarray(self.bandwidth_mhz, dtype=float).reshape(n)
            missing = ~np.isfinite(bw)
            if missing.any():
                bw = bw.copy()
                bw[missing] = default_bandwidths(self.band[missing], self.operator[missing], self.freq_mhz[missing])
            self.bandwidth_mhz = bw
        self.site_id = (
            np.full(n, "", dtype=object) if self.site_id is None else np.asarray(self.site_id, dtype=object).reshape(n)
        )

    def __len__(self) -> int:
        return len(self.cell_id)

    @property
    def freq_ghz(self) -> np.ndarray:
        return self.freq_mhz / 1000.0

    @property
    def electrical_tilt_deg(self) -> np.ndarray:
        """[deg] the electrical part of the downtilt: ``tilt_deg - mechanical_tilt_deg``."""
        return self.tilt_deg - self.mechanical_tilt_deg

    def subset(self, selector) -> Cells:
        """Cells selected by a boolean mask or index array (keeps ``index``)."""
        sel = np.asarray(selector)
        kw = {name: getattr(self, name)[sel] for name in (*CELL_COLUMNS, *EXTRA_FIELDS)}
        return Cells(**kw)

    @classmethod
    def concat(cls, parts) -> Cells:
        """One Cells of several (``index`` renumbered 0..n-1)."""
        parts = list(parts)
        kw = {name: np.concatenate([getattr(p, name) for p in parts]) for name in (*CELL_COLUMNS, *EXTRA_FIELDS)}
        kw["index"] = None
        return cls(**kw)

    def filter(self, band: str | None = None, operator: str | None = None) -> Cells:
        """Cells of one band (e.g. ``"n78"``, case-insensitive) and/or one operator."""
        mask = np.ones(len(self), dtype=bool)
        if band:
            mask &= np.array([str(b).lower() == band.lower() for b in self.band], dtype=bool)
        if operator:
            mask &= np.array([str(o).lower() == operator.lower() for o in self.operator], dtype=bool)
        return self.subset(mask)

    def bands(self) -> list[str]:
        """Distinct bands in first-seen order."""
        return list(dict.fromkeys(str(b) for b in self.band))

    def project(self, crs) -> tuple[np.ndarray, np.ndarray]:
        """Projected ``(x, y)`` [m] of the cells in ``crs`` (anything pyproj accepts)."""
        from pyproj import Transformer

        tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        x, y = tr.transform(self.lon, self.lat)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


EXTRA_FIELDS = ("a_m_db", "sla_v_db", "index", "mechanical_tilt_deg", "bandwidth_mhz", "site_id")


def default_bandwidths(bands, operators, freqs) -> np.ndarray:
    """Channel bandwidth [MHz] of cells that give none: the band's default (:func:`nr.carrier_for`)."""
    cache: dict = {}
    out = np.empty(len(bands))
    for i, (b, o, f) in enumerate(zip(bands, operators, freqs, strict=True)):
        key = (str(b), str(o))
        if key not in cache:
            try:
                cache[key] = carrier_for(str(b), operator=str(o), freq_mhz=float(f)).bandwidth_mhz
            except ValueError:
                cache[key] = 20.0  # an unknown band: a typical LTE/NR FDD channel
        out[i] = cache[key]
    return out


def cells_from_records(records) -> Cells:
    """Cells from objects or dicts with the CELLS.csv fields; ``tilt_deg`` may instead be given as
    ``mechanical_tilt_deg`` + ``electrical_tilt_deg`` and ``cell_id`` as ``key`` (the scenario's
    cell dataclass)."""

    def get(r, name, default=None):
        if isinstance(r, dict):
            return r.get(name, default)
        return getattr(r, name, default)

    cols = {name: [] for name in CELL_COLUMNS}
    mech, bw, site = [], [], []
    for r in records:
        cid = get(r, "cell_id")
        cols["cell_id"].append(cid if cid is not None else get(r, "key"))
        tilt = get(r, "tilt_deg")
        m = float(get(r, "mechanical_tilt_deg", 0.0) or 0.0)
        if tilt is None:
            tilt = m + float(get(r, "electrical_tilt_deg", 0.0) or 0.0)
        cols["tilt_deg"].append(tilt)
        mech.append(m)
        b = get(r, "bandwidth_mhz")
        bw.append(np.nan if b is None else float(b))
        s = get(r, "site_id")
        site.append(str(s if s is not None else (get(r, "site_key") or "")))
        for name in CELL_COLUMNS:
            if name not in ("cell_id", "tilt_deg"):
                cols[name].append(get(r, name))
    return Cells(**cols, mechanical_tilt_deg=mech, bandwidth_mhz=bw, site_id=site)


def read_cells_csv(path) -> Cells:
    """Read and validate CELLS.csv; raise :class:`CellsFileError` (file, row, column) on bad input."""
    path = Path(path)
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CellsFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise CellsFileError(path, "empty file (expected a header row)") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CellsFileError(path, f"unreadable header: {exc}") from None
        header = [h.strip().lower() for h in header]
        missing = [c for c in CELL_COLUMNS if c not in header]
        if missing:
            raise CellsFileError(
                path, f"missing column(s) {', '.join(missing)}; expected {', '.join(CELL_COLUMNS)}"
            )
        pos = {
            name: header.index(name) for name in header if name in CELL_COLUMNS or name in OPTIONAL_COLUMNS
        }
        cols: dict[str, list] = {name: [] for name in pos}
        seen: dict[str, int] = {}
        row = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as exc:
                raise CellsFileError(path, f"unreadable: {exc}", row=row + 1) from None
            row += 1
            if not values or all(not v.strip() for v in values):
                for name in cols:
                    cols[name].append(None)
                continue
            if len(values) < len(header):
                col = header[len(values)]
                raise CellsFileError(
                    path, f"row has {len(values)} fields, header has {len(header)}", row, col
                )
            for name, i in pos.items():
                raw = values[i].strip()
                if name in ("cell_id", "band", "operator"):
                    if not raw:
                        raise CellsFileError(path, "empty value", row, name)
                    cols[name].append(raw)
                    continue
                if name == "site_id":
                    cols[name].append(raw)
                    continue
                if not raw and name in OPTIONAL_COLUMNS:
                    cols[name].append(OPTIONAL_COLUMNS[name])
                    continue
                if not raw and name == "freq_mhz" and "arfcn" in pos and values[pos["arfcn"]].strip():
                    cols[name].append(None)  # from the ARFCN below
                    continue
                try:
                    v = float(raw)
                except ValueError:
                    raise CellsFileError(path, f"{raw!r} is not a number", row, name) from None
                if not math.isfinite(v):
                    raise CellsFileError(path, f"{raw!r} is not a finite number", row, name)
                lo, hi = _RANGES[name]
                if not lo <= v <= hi:
                    raise CellsFileError(
                        path, f"{v:g} is outside the valid range {lo:g} to {hi:g}", row, name
                    )
                cols[name].append(v)
            if "arfcn" in pos and cols["arfcn"][-1] is not None:
                arfcn = cols["arfcn"][-1]
                if arfcn != int(arfcn):
                    raise CellsFileError(path, f"{arfcn:g} is not an integer", row, "arfcn")
                try:
                    f = arfcn_to_mhz(int(arfcn), cols["band"][-1])
                except ValueError as exc:
                    raise CellsFileError(path, str(exc), row, "arfcn") from None
                if cols["freq_mhz"][-1] is None:
                    cols["freq_mhz"][-1] = f
                elif abs(cols["freq_mhz"][-1] - f) > 0.01:
                    raise CellsFileError(
                        path, f"freq_mhz {cols['freq_mhz'][-1]:g} disagrees with arfcn {int(arfcn)} ({f:g} MHz)",
                        row, "freq_mhz")
            cid = cols["cell_id"][-1]
            if cid in seen:
                raise CellsFileError(
                    path, f"duplicate cell_id {cid!r} (first on row {seen[cid]})", row, "cell_id"
                )
            seen[cid] = row
    keep = [i for i, v in enumerate(cols["cell_id"]) if v is not None]
    if not keep:
        raise CellsFileError(path, "no cell rows")
    data = {name: [cols[name][i] for i in keep] for name in cols}
    data.pop("arfcn", None)
    if "bandwidth_mhz" in data:
        data["bandwidth_mhz"] = [np.nan if v is None else v for v in data["bandwidth_mhz"]]
    return Cells(**data)
