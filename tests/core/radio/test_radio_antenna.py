"""Sector antenna pattern, TR 38.901 V17.0.0 Table 7.3-1 with downtilt; hand values."""

import numpy as np
import pytest

from rollout5g.core.radio import antenna as ant


def test_horizontal_cut_hand_values():
    # 12 (phi/65)^2: 0 dB on boresight, 3 dB at half the beamwidth, 12 dB at the full beamwidth
    assert ant.horizontal_attenuation(0.0) == pytest.approx(0.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.horizontal_attenuation(32.5) == pytest.approx(3.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.horizontal_attenuation(-65.0) == pytest.approx(12.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.horizontal_attenuation(180.0) == pytest.approx(30.0, abs=1e-12), "capped at A_m; tol 1e-12 dB"
    assert ant.horizontal_attenuation(350.0) == pytest.approx(12 * (10 / 65) ** 2, abs=1e-12), (
        "wraps; tol 1e-12"
    )


def test_vertical_cut_with_tilt():
    # tilt 6 deg, theta3dB 10 deg: UE seen 11 deg below the horizon -> 12 (5/10)^2 = 3 dB
    assert ant.vertical_attenuation(11.0, 6.0, 10.0) == pytest.approx(3.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.vertical_attenuation(6.0, 6.0) == pytest.approx(0.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.vertical_attenuation(90.0, 6.0, 10.0, 20.0) == pytest.approx(20.0, abs=1e-12), (
        "SLA_V cap; 1e-12 dB"
    )


def test_combined_is_capped_at_a_m():
    assert ant.sector_attenuation(32.5, 11.0, 6.0) == pytest.approx(6.0, abs=1e-12), "3 + 3 dB; tol 1e-12 dB"
    assert ant.sector_attenuation(180.0, 90.0, 6.0) == pytest.approx(30.0, abs=1e-12), "tolerance 1e-12 dB"
    assert ant.sector_attenuation(90.0, 30.0, 0.0, a_m=25.0) == pytest.approx(25.0, abs=1e-12), "tol 1e-12 dB"


def test_geometry_bearing_and_depression():
    assert ant.bearing_deg(1.0, 0.0) == pytest.approx(90.0, abs=1e-12), "east is 90 deg; tol 1e-12"
    assert ant.bearing_deg(0.0, -1.0) == pytest.approx(180.0, abs=1e-12), "south is 180 deg; tol 1e-12"
    assert ant.bearing_deg(-1.0, 0.0) == pytest.approx(270.0, abs=1e-12), "west is 270 deg; tol 1e-12"
    # antenna 31.5 m, UE 1.5 m, 30 m away: atan(30/30) = 45 deg
    assert ant.depression_deg(30.0, 31.5, 1.5) == pytest.approx(45.0, abs=1e-12), "tolerance 1e-12 deg"


def test_gain_towards_points():
    # cell pointing east (90 deg), tilt 0: a UE due east far away gets ~ the peak gain
    g = ant.sector_gain_dbi(np.array([10000.0, 0.0]), np.array([0.0, 10000.0]), 30.0, 90.0, 0.0, 18.0)
    # east: depression atan(28.5/10000) = 0.163 deg -> A_V = 12 (0.163/10)^2 = 0.0032 dB
    assert g[0] == pytest.approx(18.0 - 12 * (np.degrees(np.arctan(28.5 / 10000)) / 10) ** 2, abs=1e-9), (
        "1e-9 dB"
    )
    # north is 90 deg off boresight: 12 (90/65)^2 = 23.0 dB down (+ the same tiny A_V)
    assert g[1] == pytest.approx(18.0 - 12 * (90 / 65) ** 2 - 0.0032, abs=1e-3), "tolerance 1e-3 dB"
