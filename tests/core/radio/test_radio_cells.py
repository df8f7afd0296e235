"""CELLS.csv reader: columns, numbers, ranges; errors name the file, row and column."""

import numpy as np
import pytest

from conftest import make_cells, write_cells_csv
from rollout5g.core.radio.cells import CELL_COLUMNS, CellsFileError, cells_from_records, read_cells_csv


def test_round_trip(tmp_path, small_layout):
    cells, _, _ = small_layout
    path = tmp_path / "CELLS.csv"
    write_cells_csv(cells, path)
    got = read_cells_csv(path)
    assert len(got) == len(cells)
    np.testing.assert_allclose(got.lon, cells.lon, atol=1e-7, err_msg="tolerance 1e-7 deg")
    assert list(got.band) == list(cells.band)
    assert got.index.tolist() == list(range(len(cells)))
    assert got.a_m_db[0] == 30.0 and got.sla_v_db[0] == 30.0


def test_filter_keeps_original_index(small_layout):
    cells, _, _ = small_layout
    sub = cells.filter(band="N78")
    assert len(sub) == int(np.sum(cells.band == "n78"))
    assert all(cells.band[i] == "n78" for i in sub.index)
    assert len(cells.filter(band="n78", operator="china_mobile")) <= len(sub)


def _write(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n", encoding="utf-8")


GOOD = [
    "A1",
    "120.75",
    "30.75",
    "30",
    "120",
    "6",
    "17.5",
    "65",
    "10",
    "17.86",
    "3500",
    "n78",
    "china_telecom",
]


def test_missing_column(tmp_path):
    p = tmp_path / "CELLS.csv"
    _write(p, [c for c in CELL_COLUMNS if c != "tilt_deg"], [GOOD[:5] + GOOD[6:]])
    with pytest.raises(CellsFileError, match=r"CELLS.csv: missing column\(s\) tilt_deg"):
        read_cells_csv(p)


@pytest.mark.parametrize(
    ("col", "value", "message"),
    [
        ("height_m", "abc", "'abc' is not a number"),
        ("lat", "nan", "not a finite number"),
        ("lon", "250", "outside the valid range"),
        ("hpbw_v_deg", "0", "outside the valid range"),
        ("band", "", "empty value"),
    ],
)
def test_bad_value_names_row_and_column(tmp_path, col, value, message):
    p = tmp_path / "CELLS.csv"
    bad = list(GOOD)
    bad[CELL_COLUMNS.index(col)] = value
    bad[0] = "A2"
    _write(p, CELL_COLUMNS, [GOOD, bad])
    with pytest.raises(CellsFileError) as err:
        read_cells_csv(p)
    text = str(err.value)
    assert str(p) in text and "row 2 (line 3)" in text and f"column '{col}'" in text and message in text
    assert err.value.row == 2 and err.value.column == col


def test_duplicate_id_and_short_row(tmp_path):
    p = tmp_path / "CELLS.csv"
    _write(p, CELL_COLUMNS, [GOOD, GOOD])
    with pytest.raises(CellsFileError, match="row 2 .*duplicate cell_id 'A1'"):
        read_cells_csv(p)
    _write(p, CELL_COLUMNS, [GOOD[:4]])
    with pytest.raises(CellsFileError, match="row 1 .*column 'azimuth_deg'"):
        read_cells_csv(p)


def test_empty_and_missing_file(tmp_path):
    p = tmp_path / "CELLS.csv"
    p.write_text("", encoding="utf-8")
    with pytest.raises(CellsFileError, match="empty file"):
        read_cells_csv(p)
    with pytest.raises(CellsFileError, match="cannot open"):
        read_cells_csv(tmp_path / "nope.csv")


def test_from_scenario_like_records():
    from dataclasses import dataclass

    @dataclass
    class Rec:
        key: str
        lon: float
        lat: float
        height_m: float
        azimuth_deg: float
        mechanical_tilt_deg: float
        electrical_tilt_deg: float
        gain_dbi: float
        hpbw_h_deg: float
        hpbw_v_deg: float
        rs_power_dbm: float
        freq_mhz: float
        band: str
        operator: str

    cells = cells_from_records(
        [Rec("K1", 120.7, 30.7, 30, 10, 2, 4, 17, 65, 10, 17.86, 2565, "n41", "china_mobile")]
    )
    assert cells.cell_id[0] == "K1" and cells.tilt_deg[0] == 6.0


def test_make_cells_helper_is_deterministic():
    a = make_cells(5, 100.0, seed=3)[0]
    b = make_cells(5, 100.0, seed=3)[0]
    assert np.array_equal(a.azimuth_deg, b.azimuth_deg)
