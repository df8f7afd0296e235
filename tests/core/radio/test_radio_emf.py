"""EMF: GB 8702-2014 limits, far-field power density, compliance distances and building checks
against hand-computed values."""

import math

import numpy as np
import pytest
from shapely.geometry import box

from rollout5g.core.radio import emf


@pytest.mark.parametrize(
    ("f_mhz", "limit"),
    [
        (1.0, 4.0),
        (20.0, 0.6),
        (30.0, 0.4),
        (700.0, 0.4),
        (1800.0, 0.4),
        (3000.0, 0.4),
        (3500.0, 3500 / 7500),
        (4900.0, 4900 / 7500),
        (15000.0, 2.0),
        (26000.0, 2.0),
    ],
)
def test_gb8702_public_limits(f_mhz, limit):
    assert emf.power_density_limit(f_mhz) == pytest.approx(limit, abs=1e-12), "tolerance 1e-12 W/m2"


def test_limit_examples_and_errors():
    assert emf.power_density_limit(3500.0) == pytest.approx(0.4667, abs=1e-4), (
        "0.467 W/m2 at 3.5 GHz; tol 1e-4"
    )
    np.testing.assert_allclose(emf.power_density_limit(np.array([100.0, 3600.0])), [0.4, 0.48], atol=1e-12)
    with pytest.raises(ValueError, match="0.1 MHz - 300 GHz"):
        emf.power_density_limit(0.05)
    assert emf.assessment_limit(3500.0) == pytest.approx(0.4667 / 5, abs=1e-4), "1/5 by default; tol 1e-4"
    assert emf.assessment_limit(1800.0, fraction=1.0) == 0.4
    with pytest.raises(ValueError, match="fraction"):
        emf.assessment_limit(1800.0, fraction=0.0)


def test_power_density_and_compliance_distance_by_hand():
    # 200 W, 24 dBi (251.19), 50 m: S = 200 * 251.19 / (4 pi 2500) = 1.5991 W/m2
    assert emf.power_density(200.0, 24.0, 50.0) == pytest.approx(1.5991, abs=1e-4), "tolerance 1e-4 W/m2"
    # r = sqrt(200 * 251.19 / (4 pi 0.09333)) = 206.96 m at 3.5 GHz with the 1/5 fraction
    r = emf.compliance_distance(200.0, 24.0, emf.assessment_limit(3500.0))
    assert r == pytest.approx(206.96, abs=0.01), "tolerance 0.01 m"
    assert emf.power_density(200.0, 24.0, r) == pytest.approx(emf.assessment_limit(3500.0), rel=1e-12), (
        "rel 1e-12"
    )


def _antenna(**kw):
    base = dict(
        x=0.0,
        y=0.0,
        height_m=30.0,
        azimuth_deg=90.0,
        tilt_deg=6.0,
        gain_dbi=24.0,
        total_power_w=200.0,
        freq_mhz=3500.0,
    )
    base.update(kw)
    return emf.Antenna(**base)


def test_compliance_boundary_below_the_beam():
    a = _antenna()
    th, r, horiz, below = emf.compliance_boundary(a, theta_deg=[6.0, 16.0, 90.0])
    assert r[0] == pytest.approx(206.96, abs=0.01), "main beam; tolerance 0.01 m"
    # 10 deg below the beam: A_V = 12 dB -> r = 206.96 * 10^(-12/20) = 51.99 m
    assert r[1] == pytest.approx(206.96 * 10 ** (-0.6), abs=0.01), "tolerance 0.01 m"
    assert horiz[1] == pytest.approx(r[1] * math.cos(math.radians(16.0)), abs=1e-9), "tolerance 1e-9 m"
    assert below[1] == pytest.approx(r[1] * math.sin(math.radians(16.0)), abs=1e-9), "tolerance 1e-9 m"
    # straight down: A = min(0 + SLA_V 30, 30) = 30 dB -> 206.96 * 10^(-1.5) = 6.54 m
    assert r[2] == pytest.approx(206.96 * 10 ** (-1.5), abs=0.01), "tolerance 0.01 m"


def test_buildings_intrusion():
    a = _antenna()
    buildings = [
        ("in the beam at 100 m", box(100, -5, 110, 5), 25.0),
        ("beyond the main-beam distance", box(300, -5, 310, 5), 40.0),
        ("behind the antenna", box(-60, -5, -50, 5), 35.0),
        ("low building under the beam", box(20, -5, 30, 5), 3.0),
    ]
    res = {r.name: r for r in emf.check_buildings([a], buildings)}
    hit = res["in the beam at 100 m"]
    # on the beam axis at 100 m (height 30 - 100 tan 6 = 19.5 m): S = 50238 / (4 pi 100.55^2) = 0.395 W/m2
    assert hit.intrudes and hit.max_density_w_m2 == pytest.approx(0.395, abs=0.01), "tolerance 0.01 W/m2"
    assert 100.0 <= hit.point[0] <= 101.0 and 18.0 <= hit.point[2] <= 21.0
    assert not res["beyond the main-beam distance"].intrudes
    assert res["beyond the main-beam distance"].ratio == 0.0  # rejected by distance
    assert not res["behind the antenna"].intrudes and res["behind the antenna"].ratio < 0.2
    assert not res["low building under the beam"].intrudes


def test_densities_of_several_antennas_add_up():
    a = _antenna(total_power_w=100.0)
    b = _antenna(total_power_w=100.0, freq_mhz=3400.0)
    one = emf.check_buildings([a], [("B", box(150, -5, 160, 5), 25.0)])[0]
    two = emf.check_buildings([a, b], [("B", box(150, -5, 160, 5), 25.0)])[0]
    assert two.max_density_w_m2 == pytest.approx(2 * one.max_density_w_m2, rel=1e-9), "rel 1e-9"
    with pytest.raises(ValueError, match="no antennas"):
        emf.check_buildings([], [])
