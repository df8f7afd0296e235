"""The plain-language estimate against GB 8702-2014, checked by hand: the density on the boresight where it meets
the ground, the several-frequency sum of ratios (GB 8702-2014 clause 4.3), and the broadband measurement shares."""

import math

import numpy as np
import pytest

from rollout5g.core.radio.emf import Antenna
from rollout5g.emf.assessment import estimate, measured_share, site_estimate

# 200 W into 17 dBi at 31.7 m, 6° down: the boresight meets the 1.7 m plane at 30 / tan 6° = 285.43 m, r = 30 / sin 6°
R = 30.0 / math.sin(math.radians(6.0))
D = 30.0 / math.tan(math.radians(6.0))
S_HAND = 200.0 * 10 ** 1.7 / (4.0 * math.pi * R**2)  # 0.0096839 W/m²


def _antenna(freq):
    return Antenna(x=0.0, y=0.0, height_m=31.7, azimuth_deg=0.0, tilt_deg=6.0, gain_dbi=17.0, total_power_w=200.0,
                   freq_mhz=freq)


def test_density_on_the_boresight_and_its_share_of_the_limit():
    out = estimate([("n78", _antenna(3500.0))], points=(np.array([0.0]), np.array([D])))
    band = out.bands[0]
    assert S_HAND == pytest.approx(0.0096839, rel=1e-4)
    assert band.estimate_w_m2 == pytest.approx(S_HAND, rel=1e-6)
    assert band.limit_w_m2 == pytest.approx(3500.0 / 7500.0)  # GB 8702-2014 Table 1: f/7500 above 3 GHz
    assert band.limit_uw_cm2 == pytest.approx(46.667, rel=1e-4)
    assert band.ratio == pytest.approx(S_HAND / (3500.0 / 7500.0), rel=1e-6)  # 2.075 %
    assert band.percent == pytest.approx(2.0751, rel=1e-3)
    assert out.distance_m == pytest.approx(D)


def test_several_frequencies_add_their_ratios():
    # the same geometry at 2.6 GHz (limit 0.4 W/m²) and at 3.5 GHz (limit 0.4667 W/m²): S/0.4667 + S/0.4
    out = estimate([("n78", _antenna(3500.0)), ("n41", _antenna(2600.0))], points=(np.array([0.0]), np.array([D])))
    assert out.total_ratio == pytest.approx(S_HAND / (3500 / 7500) + S_HAND / 0.4, rel=1e-6)  # 4.496 %
    assert out.percent == pytest.approx(4.4961, rel=1e-3)
    assert [b.band for b in out.bands] == ["n41", "n78"]


def test_the_ground_scan_finds_at_least_the_boresight_value():
    out = estimate([("n78", _antenna(3500.0))])
    assert out.bands[0].estimate_w_m2 >= S_HAND * 0.999
    assert 0.0 <= out.distance_m <= 300.0
    assert out.within_limit and out.within_project_value


def test_cells_without_power_are_counted_not_assessed(site):
    out = site_estimate(site.cells.all())
    assert out.cells == 3 and out.unassessed == 1
    assert [b.band for b in out.bands] == ["n78"] and out.bands[0].cells == 3


def test_measured_shares_of_the_broadband_limits():
    assert measured_share(0.6, "V/m") == (12.0, pytest.approx(0.05))  # 0.6 / 12 V/m
    assert measured_share(0.5, "uW/cm2") == (40.0, pytest.approx(0.0125))  # 0.5 / 40 μW/cm²
