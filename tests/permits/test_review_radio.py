"""The review's radio: a planned sector's power per resource element at its band's subcarrier spacing (TS 38.101-1
Table 5.3.2-1 via rollout5g.core.radio.nr) and the coverage gain a reviewer sees. Before, every planned carrier was
taken at 30 kHz with 98.3 % of the bandwidth: a 30 MHz n28 carrier got 81 RB instead of 160, so its RS power and the
gain shown were ~3 dB too optimistic."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from rollout5g.core.radio.cells import Cells
from rollout5g.permits import review
from rollout5g.sites.models import Site

LON, LAT = 120.755, 30.745  # Nanhu, Jiaxing


@pytest.fixture(name="world_records")
def _no_world():
    """These tests need no database: the package's world is not loaded for them."""
    return None


def _entry(band, total_power_w=40.0, azimuths="0"):
    site = Site(pk=987654, code="JX-TEST-0001", lon=LON, lat=LAT)
    return SimpleNamespace(band=band, azimuths=azimuths, total_power_w=total_power_w, antenna_height_m=30.0,
                           site=site, application=SimpleNamespace(applicant=SimpleNamespace(code="china_mobile")))


def test_planned_n28_sector_at_15_khz():
    """40 W over the 30 MHz n28 carrier at 15 kHz: N_RB = 160 (Table 5.3.2-1), 12 · 160 = 1 920 REs,
    40 000 mW / 1 920 = 20.833 mW = 13.188 dBm. The old 30 kHz approximation: floor(30 000 · 0.983 / 360) = 81 RB,
    40 000 / 972 = 41.15 mW = 16.144 dBm, i.e. 10 log10(160 / 81) = 2.956 dB too high."""
    (cell,) = review.planned_cells(_entry("n28"))
    assert cell.bandwidth_mhz == 30.0
    assert cell.rs_power_dbm == pytest.approx(13.188, abs=0.001)
    old = 10 * math.log10(40_000 / (12 * 81))
    assert old == pytest.approx(16.144, abs=0.001)
    assert old - cell.rs_power_dbm == pytest.approx(2.956, abs=0.001)


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        # 200 W, n78 100 MHz at 30 kHz: 273 RB, 200 000 / 3 276 = 61.05 mW = 17.857 dBm (unchanged)
        ("n78", 17.857),
        # 200 W, n1 20 MHz at 15 kHz: 106 RB, 200 000 / 1 272 = 157.23 mW = 21.965 dBm
        ("n1", 21.965),
        # 200 W, n8 10 MHz at 15 kHz: 52 RB, 200 000 / 624 = 320.51 mW = 25.058 dBm
        ("n8", 25.058),
    ],
)
def test_planned_sectors_use_their_band_spacing(band, expected):
    (cell,) = review.planned_cells(_entry(band, total_power_w=200.0))
    assert cell.rs_power_dbm == pytest.approx(expected, abs=0.001)


def test_the_review_gain_of_a_planned_n28_sector(monkeypatch):
    """No registry cell near the site: a pixel is covered when RSRP ≥ -105 dBm (its SINR against the noise alone,
    -174 + 10 log10(15 000) + 7 = -125.2 dBm, is then ≥ 20 dB). The review's gain must be the pixels where the RSRP
    of the sector at 13.188 dBm per RE reaches -105 dBm; that RSRP is the one at the old 16.144 dBm less 2.956 dB
    everywhere, and the old assumption showed more pixels gained."""
    from rollout5g.core.radio.grid import DEFAULT_CRS, Grid
    from rollout5g.core.radio.job import compute_layer
    from rollout5g.core.radio.link import RadioParams
    from rollout5g.sites.selectors import _to_metres

    empty = Cells(cell_id=[], lon=[], lat=[], height_m=[], azimuth_deg=[], tilt_deg=[], gain_dbi=[], hpbw_h_deg=[],
                  hpbw_v_deg=[], rs_power_dbm=[], freq_mhz=[], band=[], operator=[])
    monkeypatch.setattr("rollout5g.coverage.registry.radiating_cells", lambda **kw: empty)
    entry = _entry("n28")
    cells = review.planned_cells(entry)
    result = review.coverage_gain(entry.site, cells)
    assert result["available"] and result["existing_cells"] == 0 and result["covered_before"] == 0

    def rsrp_at(rs_dbm):
        (c,) = cells
        one = Cells(cell_id=["x"], lon=[LON], lat=[LAT], height_m=[c.height_m], azimuth_deg=[c.azimuth_deg],
                    tilt_deg=[c.tilt_deg], gain_dbi=[c.gain_dbi], hpbw_h_deg=[c.hpbw_h_deg],
                    hpbw_v_deg=[c.hpbw_v_deg], rs_power_dbm=[rs_dbm], freq_mhz=[c.freq_mhz], band=["n28"],
                    operator=["china_mobile"])
        x, y = _to_metres(LON, LAT)
        h = review.COVERAGE_HALF_SIDE_M
        grid = Grid.from_bounds((x - h, y - h, x + h, y + h), review.COVERAGE_RES_M, DEFAULT_CRS)
        rsrp, _, _, _ = compute_layer(one, grid, np.ones(grid.shape, bool), RadioParams(extrapolate=True, scs_khz=15))
        return rsrp

    new, old = rsrp_at(13.188), rsrp_at(16.144)
    assert np.nanmax(np.abs(old - new - 2.956)) < 0.01
    gained_new = int(np.sum(new >= -105.0))
    gained_old = int(np.sum(old >= -105.0))
    assert abs(result["gained"] - gained_new) <= 2  # the exact RS power, 13.1876, against the rounded 13.188
    assert gained_old > gained_new
