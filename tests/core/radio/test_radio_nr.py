"""Carriers: NR-ARFCN (3GPP TS 38.104 V17.5.0 clause 5.4.2.1) and EARFCN (TS 36.101 V17.5.0 clause 5.7.3) to
frequency, checked against the standard's tables, and the default carriers of a band."""

import pytest

from rollout5g.core.radio import nr


@pytest.mark.parametrize(
    ("n_ref", "mhz"),
    [
        # Table 5.4.2.1-1: the first and last N_REF of each range, and their F_REF
        (0, 0.0),
        (599999, 2999.995),
        (600000, 3000.0),
        (2016666, 24249.99),
        (2016667, 24250.08),
        (3279165, 99999.96),
        # Table 5.4.2.3-1: the downlink NR-ARFCN range of bands used in China and its band edges
        (620000, 3300.0),  # n78 first
        (653333, 3799.995),  # n78 last
        (499200, 2496.0),  # n41 first
        (537999, 2689.995),  # n41 last
        (151600, 758.0),  # n28 DL first
        (160600, 803.0),  # n28 DL last
        (693334, 4400.01),  # n79 first
        (733333, 4999.995),  # n79 last
        (422000, 2110.0),  # n1 DL first
        # operators' centre frequencies in China
        (630000, 3450.0),
        (513000, 2565.0),
    ],
)
def test_nr_arfcn_to_frequency(n_ref, mhz):
    assert nr.nr_arfcn_to_mhz(n_ref) == pytest.approx(mhz, abs=1e-6), "tolerance 1 Hz"
    assert nr.mhz_to_nr_arfcn(mhz) == n_ref


@pytest.mark.parametrize(
    ("earfcn", "band", "mhz"),
    [
        (0, "B1", 2110.0),  # Table 5.7.3-1: F_DL_low of band 1, N_Offs-DL 0
        (300, "B1", 2140.0),
        (1200, "B3", 1805.0),
        (1825, "B3", 1867.5),
        (3450, "B8", 925.0),
        (38650, "B40", 2300.0),
        (38950, "B40", 2330.0),
        (39650, "B41", 2496.0),
        (38250, "B39", 1880.0),
    ],
)
def test_earfcn_to_frequency(earfcn, band, mhz):
    assert nr.earfcn_to_mhz(earfcn) == pytest.approx(mhz, abs=1e-6), "tolerance 1 Hz"
    assert nr.arfcn_to_mhz(earfcn, band) == pytest.approx(mhz, abs=1e-6)


def test_out_of_range_numbers_are_refused():
    with pytest.raises(ValueError, match="outside 0-3279165"):
        nr.nr_arfcn_to_mhz(3279166)
    with pytest.raises(ValueError, match="outside band n78's range 620000-653333"):
        nr.arfcn_to_mhz(700000, "n78")
    with pytest.raises(ValueError, match="belongs to band B3, not B1"):
        nr.earfcn_to_mhz(1825, "B1")
    with pytest.raises(ValueError, match="in none of the bands"):
        nr.earfcn_to_mhz(20000)
    with pytest.raises(ValueError, match="unknown band 'n999'; known: n78"):
        nr.default_carrier("n999")


def test_default_carriers():
    assert nr.default_carrier("n78", "china_telecom") == nr.Carrier(3450.0, 100.0)
    assert nr.default_carrier("N78", "china_unicom") == nr.Carrier(3550.0, 100.0)
    assert nr.default_carrier("n28") == nr.Carrier(773.0, 30.0)
    c = nr.default_carrier("n78", "china_telecom")
    assert (c.low_mhz, c.high_mhz) == (3400.0, 3500.0)
    # a cell's own values win; an ARFCN gives the frequency; the band gives the bandwidth
    assert nr.carrier_for("n78", freq_mhz=3500.0, bandwidth_mhz=60.0) == nr.Carrier(3500.0, 60.0)
    assert nr.carrier_for("n78", arfcn=636667) == nr.Carrier(3550.005, 100.0)
    assert nr.carrier_for("n41", freq_mhz=2600.0) == nr.Carrier(2600.0, 100.0)
    assert nr.carrier_for("B3", operator="china_telecom") == nr.Carrier(1850.0, 20.0)


def test_cells_csv_takes_the_carrier_from_arfcn_and_band(tmp_path):
    from rollout5g.core.radio.cells import CellsFileError, read_cells_csv

    head = ("cell_id,lon,lat,height_m,azimuth_deg,tilt_deg,gain_dbi,hpbw_h_deg,hpbw_v_deg,rs_power_dbm,freq_mhz,band,"
            "operator,arfcn,bandwidth_mhz,mechanical_tilt_deg,site_id\n")
    p = tmp_path / "c.csv"
    p.write_text(head + "A,120.7,30.7,30,0,6,17,65,10,18,,n78,china_unicom,636667,,2,S1\n"
                        "B,120.7,30.7,30,120,6,17,65,10,18,2565,n41,china_mobile,,,0,S1\n")
    cells = read_cells_csv(p)
    assert cells.freq_mhz.tolist() == pytest.approx([3550.005, 2565.0])
    assert cells.bandwidth_mhz.tolist() == [100.0, 100.0]
    assert cells.mechanical_tilt_deg.tolist() == [2.0, 0.0] and cells.electrical_tilt_deg.tolist() == [4.0, 6.0]
    assert cells.site_id.tolist() == ["S1", "S1"]
    p.write_text(head + "A,120.7,30.7,30,0,6,17,65,10,18,3300,n78,x,636667,,0,\n")
    with pytest.raises(CellsFileError, match="row 1 .*column 'freq_mhz': freq_mhz 3300 disagrees with arfcn 636667"):
        read_cells_csv(p)
    p.write_text(head + "A,120.7,30.7,30,0,6,17,65,10,18,,n78,x,151600,,0,\n")
    with pytest.raises(CellsFileError, match="column 'arfcn': NR-ARFCN 151600 is outside band n78"):
        read_cells_csv(p)
