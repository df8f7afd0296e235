"""The raster job: grid, areas, progress callback, outputs written all at once."""

import json

import numpy as np
import pytest
from shapely.geometry import box

from conftest import make_cells
from rollout5g.core.radio.cells import Cells
from rollout5g.core.radio.grid import Grid, read_areas_geojson
from rollout5g.core.radio.job import has_gpu, run_coverage, summarize, write_outputs
from rollout5g.core.radio.link import RadioParams


def _areas(cells):
    lon0, lat0 = float(np.mean(cells.lon)), float(np.mean(cells.lat))
    return [
        ("west", box(lon0 - 0.02, lat0 - 0.01, lon0, lat0 + 0.01)),
        ("east", box(lon0, lat0 - 0.01, lon0 + 0.02, lat0 + 0.01)),
    ]


def test_run_coverage_progress_and_summary(small_layout, tmp_path):
    cells, _, _ = small_layout
    calls = []
    res = run_coverage(
        cells,
        _areas(cells),
        resolution=30.0,
        params=RadioParams(),
        backend="cpu",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert res.grid.crs == "EPSG:32651" and res.grid.res == 30.0
    assert calls[0] == (0, res.evaluations["tiles"]) and calls[-1] == (res.evaluations["tiles"],) * 2
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False)), "progress is monotonic"
    # pixels outside the areas stay nodata
    assert np.all(np.isnan(res.rsrp[~res.mask])) and np.all(res.server[~res.mask] == -1)
    s = res.summary
    assert s["pixels"] == int(res.mask.sum()) and {a["name"] for a in s["areas"]} == {"west", "east"}
    assert sum(a["pixels"] for a in s["areas"]) >= s["pixels"]
    out = tmp_path / "o"
    written = write_outputs(res, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "rsrp.tif", "server.csv", "server.json", "server.tif", "sinr.tif", "summary.json"]
    assert json.loads((out / "summary.json").read_text()) == written


def test_summarize_by_hand():
    rsrp = np.array([[-100.0, -110.0], [np.nan, -90.0]])
    sinr = np.array([[0.0, 5.0], [np.nan, -5.0]])
    m = np.array([[True, True], [True, False]])
    s = summarize(rsrp, sinr, m, [("a", m), ("empty", np.zeros_like(m))])
    assert s["pixels"] == 3 and s["covered_share"] == pytest.approx(1 / 3, abs=1e-12), "tolerance 1e-12"
    assert s["areas"][1] == {"name": "empty", "covered_share": 0.0, "pixels": 0}


def test_grid_alignment_and_bad_inputs(small_layout, tmp_path):
    g = Grid.from_bounds((1001.0, 2001.0, 1099.0, 2041.0), 20.0)
    assert (g.x_left, g.y_top, g.width, g.height) == (1000.0, 2060.0, 5, 3)
    cells, _, _ = small_layout
    with pytest.raises(ValueError, match="not projected"):
        run_coverage(cells, _areas(cells), crs="EPSG:4326")
    with pytest.raises(ValueError, match="no cells match"):
        run_coverage(cells, _areas(cells), band="n1")
    with pytest.raises(ValueError, match="unknown backend"):
        run_coverage(cells, _areas(cells), backend="tpu", resolution=100.0)
    p = tmp_path / "a.geojson"
    p.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_areas_geojson(p)


def test_multiband_layer_sinr_per_carrier():
    """A layer with two carriers that do not overlap: each pixel's SINR counts only its server's carrier, so it
    equals the SINR of the one-band layer (each within the kernel's interference bound of the brute force:
    10 log10(1.05) = 0.21 dB, plus interpolation; tolerance 0.25 dB)."""
    cells, x, y = make_cells(60, 2000.0, seed=5, bands=("n78", "n41"))
    lon0, lat0 = float(np.mean(cells.lon)), float(np.mean(cells.lat))
    area = [("a", box(lon0 - 0.01, lat0 - 0.01, lon0 + 0.01, lat0 + 0.01))]
    both = run_coverage(cells, area, resolution=50.0, backend="cpu")
    only = run_coverage(cells, area, resolution=50.0, backend="cpu", band="n78")
    served78 = np.isin(both.server, np.nonzero(cells.band == "n78")[0])
    same = served78 & (only.server == both.server)
    assert same.sum() > 50
    np.testing.assert_allclose(both.sinr[same], only.sinr[same], atol=0.25, err_msg="tolerance 0.25 dB")
    # had the n41 cells interfered, n78's SINR would be far lower somewhere
    shared = Cells(**{**{k: getattr(cells, k) for k in ("cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg",
                                                        "gain_dbi", "hpbw_h_deg", "hpbw_v_deg", "rs_power_dbm", "band",
                                                        "operator")}, "freq_mhz": np.full(len(cells), 3500.0)})
    mixed = run_coverage(shared, area, resolution=50.0, backend="cpu")
    assert np.nanmax(both.sinr[same] - mixed.sinr[same]) > 3.0


@pytest.mark.skipif(has_gpu(), reason="only meaningful without a GPU")
def test_gpu_flag_without_gpu(small_layout, tmp_path):
    from test_radio_cli import app
    from typer.testing import CliRunner

    cells, _, _ = small_layout
    from conftest import write_cells_csv

    write_cells_csv(cells, tmp_path / "c.csv")
    (tmp_path / "a.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "x"},
                        "geometry": box(*_areas(cells)[0][1].bounds).__geo_interface__,
                    }
                ],
            }
        )
    )
    r = CliRunner().invoke(
        app,
        [
            "coverage",
            "--cells",
            str(tmp_path / "c.csv"),
            "--area",
            str(tmp_path / "a.geojson"),
            "--out",
            str(tmp_path / "o"),
            "--gpu",
        ],
    )
    assert r.exit_code != 0 and "no CUDA GPU" in r.output


def test_engine_two_operators_on_adjacent_n78_carriers_on_one_mast():
    """China Telecom at 3450 MHz and China Unicom at 3550 MHz (100 MHz each) on one mast, same azimuth: through the
    whole engine every pixel's SINR is S/N (no interference between them), while on one shared carrier the two
    interfere: where both arrive equally, SINR ≈ 0 dB."""
    from pyproj import Transformer

    x0, y0 = 290000.0, 3405000.0
    lon, lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform([x0, x0], [y0, y0])
    base = dict(cell_id=["CT", "CU"], lon=lon, lat=lat, height_m=[30.0, 30.0], azimuth_deg=[0.0, 0.0],
                tilt_deg=[6.0, 6.0], gain_dbi=[17.0, 17.0], hpbw_h_deg=[65.0, 65.0], hpbw_v_deg=[10.0, 10.0],
                rs_power_dbm=[18.0, 18.0], band=["n78", "n78"], operator=["china_telecom", "china_unicom"],
                bandwidth_mhz=[100.0, 100.0])
    adjacent = Cells(**base, freq_mhz=[3450.0, 3550.0])
    shared = Cells(**base, freq_mhz=[3500.0, 3500.0])
    lo, la = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(
        [x0 - 300.0, x0 + 300.0], [y0 + 100.0, y0 + 700.0])
    area = [("beam", box(lo[0], la[0], lo[1], la[1]))]
    params = RadioParams()
    a = run_coverage(adjacent, area, resolution=20.0, params=params, backend="cpu")
    s = run_coverage(shared, area, resolution=20.0, params=params, backend="cpu")
    served = a.mask & (a.server >= 0)
    assert served.sum() > 500 and np.all(a.server[served] == 0)  # 3450 MHz: 0.25 dB less path loss
    np.testing.assert_allclose(a.sinr[served], a.rsrp[served] - params.noise_dbm, atol=1e-3,
                               err_msg="SINR = S - N: no interference; 1e-3 dB")
    assert np.nanmax(np.abs(s.sinr[served])) < 0.01, "shared carrier: S / (S + N) ≈ 0 dB; 0.01 dB"
