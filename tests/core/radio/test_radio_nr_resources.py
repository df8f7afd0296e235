"""Resource blocks and power per resource element: N_RB from 3GPP TS 38.101-1 V17.5.0 Table 5.3.2-1 (NR FR1) and
TS 36.101 V17.5.0 Table 5.6-1 (LTE), the subcarrier spacing of a band, and EPRE = 10 log10(P[mW] / (12 N_RB)),
each checked against the table or a value computed by hand in the docstring."""

import math

import numpy as np
import pytest

from rollout5g.core.radio import nr


@pytest.mark.parametrize(
    ("bandwidth_mhz", "scs_khz", "expected"),
    [
        # TS 38.101-1 Table 5.3.2-1, row by row
        (5, 15, 25), (10, 15, 52), (15, 15, 79), (20, 15, 106), (25, 15, 133), (30, 15, 160), (35, 15, 188),
        (40, 15, 216), (45, 15, 242), (50, 15, 270),
        (5, 30, 11), (10, 30, 24), (15, 30, 38), (20, 30, 51), (25, 30, 65), (30, 30, 78), (35, 30, 92),
        (40, 30, 106), (45, 30, 119), (50, 30, 133), (60, 30, 162), (70, 30, 189), (80, 30, 217), (90, 30, 245),
        (100, 30, 273),
        (10, 60, 11), (15, 60, 18), (20, 60, 24), (25, 60, 31), (30, 60, 38), (35, 60, 44), (40, 60, 51),
        (45, 60, 58), (50, 60, 65), (60, 60, 79), (70, 60, 93), (80, 60, 107), (90, 60, 121), (100, 60, 135),
    ],
)
def test_nr_resource_blocks_are_the_table(bandwidth_mhz, scs_khz, expected):
    assert nr.n_rb(bandwidth_mhz, scs_khz) == expected
    assert nr.n_rb(float(bandwidth_mhz), float(scs_khz)) == expected


def test_nr_resource_blocks_fit_the_channel():
    """Every entry leaves a guard band: 12 · N_RB · SCS < channel bandwidth (TS 38.101-1 clause 5.3.3)."""
    for scs, table in nr.NR_N_RB.items():
        for bw, rb in table.items():
            assert 12 * rb * scs < bw * 1000, (bw, scs)


@pytest.mark.parametrize(("bandwidth_mhz", "scs_khz"), [(100, 15), (60, 15), (5, 60), (12, 30), (100, 120)])
def test_a_pair_not_in_the_table_is_a_clear_error(bandwidth_mhz, scs_khz):
    with pytest.raises(ValueError, match="Table 5.3.2-1"):
        nr.n_rb(bandwidth_mhz, scs_khz)


def test_the_error_lists_the_valid_bandwidths():
    with pytest.raises(ValueError, match=r"100 MHz is not an NR channel bandwidth at 15 kHz.*5, 10, 15, 20, 25, 30, "
                                         r"35, 40, 45, 50 MHz"):
        nr.n_rb(100, 15)


@pytest.mark.parametrize(("bandwidth_mhz", "expected"), [(1.4, 6), (3, 15), (5, 25), (10, 50), (15, 75), (20, 100)])
def test_lte_resource_blocks_are_the_table(bandwidth_mhz, expected):
    assert nr.lte_n_rb(bandwidth_mhz) == expected
    assert nr.carrier_n_rb("B3", bandwidth_mhz) == expected


def test_an_lte_bandwidth_not_in_the_table_is_an_error():
    with pytest.raises(ValueError, match="Table 5.6-1"):
        nr.lte_n_rb(25)


@pytest.mark.parametrize(
    ("band", "scs"),
    [("n1", 15), ("n3", 15), ("n8", 15), ("n28", 15), ("N28", 15), ("n41", 30), ("n78", 30), ("n79", 30),
     ("B3", 15), ("B41", 15), ("3", 15)],
)
def test_default_subcarrier_spacing(band, scs):
    """FDD bands 15 kHz, TDD n41/n78/n79 30 kHz (TS 38.101-1 Tables 5.3.5-1, 5.4.3.3-1); LTE 15 kHz."""
    assert nr.default_scs_khz(band) == scs


def test_an_unknown_nr_band_has_no_default_spacing():
    with pytest.raises(ValueError, match="unknown NR band"):
        nr.default_scs_khz("n258")


def test_carrier_resource_blocks_use_the_band_spacing():
    assert nr.carrier_n_rb("n78", 100) == 273
    assert nr.carrier_n_rb("n28", 30) == 160
    assert nr.carrier_n_rb("n28", 30, scs_khz=30) == 78
    assert nr.carrier_n_rb("n1", 20) == 106
    assert nr.carrier_n_rb("n8", 10) == 52


def test_power_per_resource_element_20_w_over_100_mhz_at_30_khz():
    """20 W = 20 000 mW over 12 · 273 = 3 276 subcarriers: 20 000 / 3 276 = 6.105 mW per RE;
    10 log10(6.105) = 7.857 dBm."""
    assert nr.re_power_dbm(20.0, 100, 30) == pytest.approx(7.857, abs=0.001)


def test_power_per_resource_element_200_w_over_100_mhz_at_30_khz():
    """200 W = 200 000 mW / 3 276 = 61.05 mW: 17.857 dBm (ten times the power: +10 dB)."""
    assert nr.re_power_dbm(200.0, 100, 30) == pytest.approx(17.857, abs=0.001)


def test_power_per_resource_element_n28_at_15_khz():
    """40 W over 30 MHz at 15 kHz = 160 RB: 40 000 mW / (12 · 160 = 1 920) = 20.833 mW: 13.188 dBm. At 30 kHz the
    same carrier has 78 RB: 40 000 / 936 = 42.74 mW, 16.308 dBm — 10 log10(160/78) = 3.12 dB more per RE."""
    assert nr.re_power_dbm(40.0, 30, 15) == pytest.approx(13.188, abs=0.001)
    assert nr.band_re_power_dbm(40.0, 30, "n28") == pytest.approx(13.188, abs=0.001)
    assert nr.re_power_dbm(40.0, 30, 30) == pytest.approx(16.308, abs=0.001)


def test_power_per_resource_element_lte():
    """60 W over 20 MHz LTE = 100 RB: 60 000 mW / 1 200 = 50 mW: 16.990 dBm."""
    assert nr.band_re_power_dbm(60.0, 20, "B3") == pytest.approx(16.990, abs=0.001)


def test_epre_takes_arrays_and_refuses_zero():
    out = nr.epre_dbm(np.array([200.0, 20.0]), np.array([273, 273]))
    assert out == pytest.approx([17.857, 7.857], abs=0.001)
    assert isinstance(nr.epre_dbm(200.0, 273), float)
    for p, n in ((0.0, 273), (200.0, 0), (-1.0, 273), (math.nan, 273)):
        with pytest.raises(ValueError):
            nr.epre_dbm(p, n)


def test_the_scenario_and_recommendation_carriers_agree_with_the_table():
    """The demo scenario's carriers and the recommendation's default sectors take N_RB from this one table."""
    from rollout5g.core import scenario
    from rollout5g.resources.recommend import BAND_N_RB

    for carrier in scenario.CARRIERS.values():
        assert carrier.scs_khz == nr.default_scs_khz(carrier.band)
        assert carrier.n_rb == nr.n_rb(carrier.bandwidth_mhz, carrier.scs_khz)
    assert BAND_N_RB == {"n78": 273, "n41": 273, "n79": 273, "n28": 160, "n1": 106, "n3": 106, "n8": 52}
    assert scenario.ssb_epre_dbm(200.0, 273) == nr.re_power_dbm(200.0, 100, 30)
