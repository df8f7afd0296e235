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


def test_lcs_angles_by_hand():
    """TR 38.901 eq. (7.1-7)/(7.1-8) with α = 0, γ = 0 and a downtilt β = 6°:
    * the boresight of the tilted antenna, 6° below the horizon (θ = 96°, φ = 0), is the LCS boresight (90°, 0);
    * the horizon straight ahead (90°, 0) is 6° above it: θ' = 84°;
    * the horizon 60° to the side: cos θ' = sin β cos 60° = 0.10453 / 2 -> θ' = 87.004°, and
      tan φ' = sin 60° / (cos β cos 60°) = 0.86603 / 0.49726 -> φ' = 60.136°."""
    assert ant.lcs_angles(96.0, 0.0, 0.0, 6.0) == pytest.approx((90.0, 0.0), abs=1e-9)
    assert ant.lcs_angles(90.0, 0.0, 0.0, 6.0) == pytest.approx((84.0, 0.0), abs=1e-9)
    assert ant.lcs_angles(90.0, 60.0, 0.0, 6.0) == pytest.approx((87.004115, 60.136097), abs=1e-5), "1e-5 deg"
    # the bearing α only shifts the azimuth; with β = γ = 0 the LCS is the GCS turned by α
    assert ant.lcs_angles(100.0, 130.0, 30.0, 0.0) == pytest.approx((100.0, 100.0), abs=1e-9)
    # a slant γ = 90° swaps the lateral and vertical axes: (7.1-7) gives cos θ' = -sin γ sin Δφ sin θ = -1 for the
    # horizon at Δφ = 90°, i.e. θ' = 180°
    assert ant.lcs_angles(90.0, 90.0, 0.0, 0.0, 90.0)[0] == pytest.approx(180.0, abs=1e-9)


def test_mechanical_tilt_by_rotation_differs_from_electrical_off_boresight():
    """6° of tilt: along the boresight both put the UE on the beam's axis; 60° to the side on the horizon the
    mechanical tilt leaves the UE 2.996° above the beam (A_V = 12 (2.996/10)² = 1.077 dB, plus A_H(60.136°) =
    12 (60.136/65)² = 10.271 dB), the electrical one 6° above it (A_V = 4.32 dB, A_H(60°) = 10.225 dB): 3.2 dB
    apart — the error the old elevation shift made."""
    mech = ant.sector_attenuation(60.0, 0.0, 6.0, mech_tilt_deg=6.0)
    elec = ant.sector_attenuation(60.0, 0.0, 6.0)
    assert mech == pytest.approx(12 * (60.136097 / 65) ** 2 + 12 * (2.995885 / 10) ** 2, abs=1e-4), "1e-4 dB"
    assert elec == pytest.approx(12 * (60.0 / 65) ** 2 + 12 * (6.0 / 10) ** 2, abs=1e-9)
    assert elec - mech == pytest.approx(3.197, abs=1e-3)
    assert ant.sector_attenuation(0.0, 6.0, 6.0, mech_tilt_deg=6.0) == pytest.approx(0.0, abs=1e-9)
    # part mechanical, part electrical: 2° + 4° on the boresight still points 6° down
    assert ant.sector_attenuation(0.0, 6.0, 6.0, mech_tilt_deg=2.0) == pytest.approx(0.0, abs=1e-9)
    # no mechanical tilt: the plain Table 7.3-1 pattern
    assert ant.sector_attenuation(30.0, 3.0, 7.0, mech_tilt_deg=0.0) == ant.sector_attenuation(30.0, 3.0, 7.0)
