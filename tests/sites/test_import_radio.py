"""The importer's radio facts come from rollout5g.core.radio.nr: power per RE over the N_RB of TS 38.101-1 Table
5.3.2-1 at the band's subcarrier spacing, and a bandwidth the table does not have is a row error naming the column."""

from __future__ import annotations

import pytest

from rollout5g.sites import imports as importer
from tests.sites.test_import import NANHU, cell_row, write_csv

pytestmark = pytest.mark.django_db  # the package's world (tests/sites/conftest.py) is loaded in the database


def _validate(tmp_path, rows):
    table = importer.read_table(write_csv(tmp_path / "radio.csv", rows))
    return importer.validate_table(table, operators=importer.operator_aliases({"china_mobile": "jx-mobile"}))


def test_power_per_re_from_the_total_at_the_band_spacing(tmp_path):
    """40 W, n28 30 MHz at 15 kHz: 160 RB, 40 000 mW / 1 920 = 20.833 mW = 13.19 dBm;
    200 W, n41 100 MHz at 30 kHz: 273 RB, 200 000 / 3 276 = 61.05 mW = 17.86 dBm;
    60 W, B3 20 MHz: 100 RB, 60 000 / 1 200 = 50 mW = 16.99 dBm."""
    rows = [
        cell_row(1, lon=NANHU[0], lat=NANHU[1], band="n28", **{"带宽": "30M", "参考信号功率(dBm)": None, "总功率(W)": 40}),
        cell_row(2, lon=NANHU[0], lat=NANHU[1], band="n41", **{"带宽": "100M", "参考信号功率(dBm)": None}),
        cell_row(3, lon=NANHU[0], lat=NANHU[1], band="B3",
                 **{"带宽": "20M", "参考信号功率(dBm)": None, "总功率(W)": 60, "PCI": 10}),
    ]
    result = _validate(tmp_path, rows)
    assert result.errors == []
    assert [r.rs_power_dbm for r in result.rows] == [13.19, 17.86, 16.99]


def test_a_bandwidth_the_table_does_not_have_names_the_column(tmp_path):
    rows = [cell_row(1, lon=NANHU[0], lat=NANHU[1], band="n28",
                     **{"带宽": "100M", "参考信号功率(dBm)": None, "总功率(W)": 40})]
    result = _validate(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "带宽")]
    assert result.errors[0].reason.startswith("100 MHz is not an NR channel bandwidth at 15 kHz")


def test_rs_power_from_total_is_the_one_source():
    # 200 W over 12 × 273 subcarriers: 53.01 dBm − 35.15 dB = 17.86 dBm
    assert importer.rs_power_from_total(200, 100, "n41") == pytest.approx(17.857, abs=0.001)
