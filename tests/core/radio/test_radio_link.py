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
    groups, _, weights = link.carrier_groups(cells)
    ref = link.best_server(rx, groups, p.noise_dbm, weights)
    got = link.brute_force(cells, xc, yc, px, py, p, chunk=7)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12, err_msg="tolerance 1e-12")


def test_radio_params_validate_names():
    with pytest.raises(ValueError, match="valid: uma, umi, rma, cost231"):
        link.RadioParams(model="okumura")
    with pytest.raises(ValueError, match="valid: los, nlos, weighted"):
        link.RadioParams(los_mode="both")


def test_two_operators_on_adjacent_n78_carriers_do_not_interfere():
    """China Telecom (3400-3500 MHz) and China Unicom (3500-3600 MHz) on one mast, facing the same way: at a UE
    in the main beam each cell's SINR is its signal over noise; on a shared carrier the co-sited cell interferes.
    By hand: both cells give the same power S, so on the shared carrier SINR = S / (S + N) ≈ 0 dB."""
    two = dict(operator=["china_telecom", "china_unicom"], azimuth_deg=[0.0, 0.0], height_m=[30.0, 30.0])
    xc, yc = np.zeros(2), np.zeros(2)
    px, py = np.array([0.0]), np.array([300.0])  # 300 m north: in both main beams
    p = link.RadioParams()
    adjacent = _cells(2, freq_mhz=[3450.0, 3550.0], bandwidth_mhz=[100.0, 100.0], **two)
    shared = _cells(2, freq_mhz=[3500.0, 3500.0], bandwidth_mhz=[100.0, 100.0], **two)
    rx = link.received_power_dbm(adjacent, xc, yc, px, py, p)[:, 0]
    assert rx[0] - rx[1] == pytest.approx(20 * np.log10(3550 / 3450), abs=1e-9)  # only the carrier differs
    r_adj, sinr_adj, srv = link.brute_force(adjacent, xc, yc, px, py, p)
    assert srv[0] == 0
    noise = 10 * np.log10(10 ** (p.noise_dbm / 10))
    assert sinr_adj[0] == pytest.approx(rx[0] - noise, abs=1e-9), "no interference: SINR = S - N, 1e-9 dB"
    s = link.received_power_dbm(shared, xc, yc, px, py, p)[0, 0]
    r_sh, sinr_sh, _ = link.brute_force(shared, xc, yc, px, py, p)
    expected = s - 10 * np.log10(10 ** (s / 10) + 10 ** (p.noise_dbm / 10))
    assert sinr_sh[0] == pytest.approx(expected, abs=1e-9), "shared carrier: SINR = S / (S + N), 1e-9 dB"
    assert sinr_sh[0] == pytest.approx(0.0, abs=0.01) and sinr_adj[0] > 40.0
    # the weights themselves
    assert link.carrier_overlap(3450, 100, 3550, 100) == 0.0
    assert link.carrier_overlap(3500, 100, 3500, 100) == 1.0
    assert link.carrier_overlap(3500, 100, 3550, 100) == pytest.approx(0.5, abs=1e-12)
    assert link.carrier_overlap(773, 30, 2565, 100) == 0.0
    # a 20 MHz carrier inside a 100 MHz one: all of the narrow server's band is hit; 20 % of the wide one's
    assert link.carrier_overlap(3510, 20, 3500, 100) == 1.0
    assert link.carrier_overlap(3500, 100, 3510, 20) == pytest.approx(0.2, abs=1e-12)


def test_carrier_groups_and_weight_matrix():
    cells = _cells(4, freq_mhz=[3450.0, 3550.0, 3450.0, 773.0], bandwidth_mhz=[100.0, 100.0, 100.0, 30.0],
                   band=["n78", "n78", "n78", "n28"])
    groups, carriers, w = link.carrier_groups(cells)
    assert groups.tolist() == [0, 1, 0, 2]
    assert carriers == [(3450.0, 100.0), (3550.0, 100.0), (773.0, 30.0)]
    np.testing.assert_array_equal(w, np.eye(3))


def test_location_probability_margin():
    """M = σ Φ⁻¹(p): Φ⁻¹(0.9) = 1.28155, Φ⁻¹(0.95) = 1.64485; σ from TR 38.901 Table 7.4.1-1."""
    assert link.location_margin_db(0.5, 6.0) == 0.0
    assert link.location_margin_db(0.9, 6.0) == pytest.approx(7.6893, abs=1e-4), "1e-4 dB"
    assert link.location_margin_db(0.95, 7.82) == pytest.approx(12.8628, abs=1e-4), "1e-4 dB"
    assert link.RadioParams(location_probability=0.95).margin_db == pytest.approx(9.8691, abs=1e-4)  # UMa NLOS 6 dB
    assert link.RadioParams(model="umi", los_mode="los", location_probability=0.9).sigma_db == 4.0
    assert link.RadioParams(model="rma", location_probability=0.9).sigma_db == 8.0
    assert link.RadioParams(shadow_fading_db=3.0, location_probability=0.9).margin_db == pytest.approx(3.8447, abs=1e-4)
    with pytest.raises(ValueError, match="location probability"):
        link.RadioParams(location_probability=0.4)
    # covered at a margin: both thresholds raised by M
    assert link.covered(-98.0, 5.0, -105.0, -3.0, 7.0).item() is True
    assert link.covered(-98.0, 5.0, -105.0, -3.0, 7.7).item() is False


def test_nothing_is_received_beyond_the_radio_horizon():
    """Radio horizon over a 4/3 Earth: sqrt(2 k R h1) + sqrt(2 k R h2) = 4122.0 (sqrt(30) + sqrt(1.5)) = 27.63 km."""
    from rollout5g.core.radio.pathloss import radio_horizon_m

    assert radio_horizon_m(30.0, 1.5) == pytest.approx(27626.0, abs=5.0), "5 m"
    cells = _cells(1, height_m=[30.0])
    p = link.RadioParams()
    rx = link.received_power_dbm(cells, [0.0], [0.0], [0.0, 0.0], [27000.0, 28500.0], p)[0]
    assert np.isfinite(rx[0]) and rx[1] == -np.inf
    far = link.RadioParams(max_range_m=np.inf)
    assert np.isfinite(link.received_power_dbm(cells, [0.0], [0.0], [0.0], [28500.0], far)[0, 0])
