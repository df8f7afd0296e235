"""Link budget, best server, SINR and the brute-force reference on hand-computed cases."""

import numpy as np
import pytest

from rollout5g.core.radio import link
from rollout5g.core.radio.cells import Cells
from rollout5g.core.radio.pathloss import path_loss


def _cells(n, **kw):
    base = dict(
        cell_id=[f"c{i}" for i in range(n)],
        lon=np.zeros(n),
        lat=np.zeros(n),
        height_m=np.full(n, 25.0),
        azimuth_deg=np.zeros(n),
        tilt_deg=np.zeros(n),
        gain_dbi=np.full(n, 15.0),
        hpbw_h_deg=np.full(n, 65.0),
        hpbw_v_deg=np.full(n, 10.0),
        rs_power_dbm=np.full(n, 18.0),
        freq_mhz=np.full(n, 3500.0),
        band=["n78"] * n,
        operator=["op"] * n,
    )
    base.update(kw)
    return Cells(**base)


def test_thermal_noise_per_re():
    # -174 + 10 log10(30e3) + 7 = -122.229 dBm
    assert link.thermal_noise_dbm() == pytest.approx(-122.2288, abs=1e-4), "tolerance 1e-4 dB"
    assert link.thermal_noise_dbm(15.0, 9.0) == pytest.approx(-174 + 41.7609 + 9, abs=1e-4), (
        "tolerance 1e-4 dB"
    )


def test_received_power_is_rs_plus_gain_minus_path_loss():
    cells = _cells(1)
    p = link.RadioParams(model="uma", los_mode="nlos")
    # UE due north (boresight) 1 km away: depression atan(23.5/1000) = 1.346 deg -> A_V = 12 (0.1346)^2
    rx = link.received_power_dbm(cells, [0.0], [0.0], [0.0], [1000.0], p)
    a_v = 12 * (np.degrees(np.arctan2(23.5, 1000.0)) / 10) ** 2
    expected = 18.0 + 15.0 - a_v - path_loss(1000.0, 3.5, 25.0, model="uma", los_mode="nlos")
    assert rx[0, 0] == pytest.approx(expected, abs=1e-9), "tolerance 1e-9 dB"


def test_best_server_and_sinr_by_hand():
    # three cells at a pixel: -80, -83 dBm (n78) and -70 dBm (n41); noise -122.2288 dBm
    rx = np.array([[-80.0], [-83.0], [-70.0]])
    groups = np.array([0, 0, 1])
    rsrp, sinr, server = link.best_server(rx, groups, link.thermal_noise_dbm())
    assert server[0] == 2 and rsrp[0] == pytest.approx(-70.0, abs=1e-12), "tolerance 1e-12 dB"
    # n41 has no other cell: SINR = -70 - (-122.2288) = 52.2288 dB
    assert sinr[0] == pytest.approx(52.2288, abs=1e-4), "tolerance 1e-4 dB"
    rsrp, sinr, server = link.best_server(rx[:2], groups[:2], link.thermal_noise_dbm())
    n = 10 ** (-12.22288)
    expected = -80.0 - 10 * np.log10(10**-8.3 + n)
    assert server[0] == 0 and sinr[0] == pytest.approx(expected, abs=1e-6), (
        "3.0 dB (+noise); tolerance 1e-6 dB"
    )


def test_pixel_below_noise_has_no_server():
    rsrp, sinr, server = link.best_server(np.array([[-130.0], [-125.0]]), np.array([0, 0]), -122.0)
    assert np.isnan(rsrp[0]) and np.isnan(sinr[0]) and server[0] == -1


def test_coverage_criterion():
    cov = link.covered(np.array([-100.0, -106.0, -90.0, np.nan]), np.array([0.0, 5.0, -3.5, np.nan]))
    assert cov.tolist() == [True, False, False, False]
    assert link.covered(-110.0, 0.0, rsrp_min=-115.0)


def test_brute_force_matches_direct_matrix():
    rng = np.random.default_rng(2)
    cells = _cells(5, azimuth_deg=rng.uniform(0, 360, 5), band=["n78", "n78", "n41", "n41", "n78"])
    xc, yc = rng.uniform(0, 1000, 5), rng.uniform(0, 1000, 5)
    px, py = rng.uniform(0, 1000, 300), rng.uniform(0, 1000, 300)
    p = link.RadioParams()
    rx = link.received_power_dbm(cells, xc, yc, px, py, p)
    groups, _ = link.band_groups(cells)
    ref = link.best_server(rx, groups, p.noise_dbm)
    got = link.brute_force(cells, xc, yc, px, py, p, chunk=7)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12, err_msg="tolerance 1e-12")


def test_radio_params_validate_names():
    with pytest.raises(ValueError, match="valid: uma, umi, rma, cost231"):
        link.RadioParams(model="okumura")
    with pytest.raises(ValueError, match="valid: los, nlos, weighted"):
        link.RadioParams(los_mode="both")
