"""The streaming engine's files are GIS-ready: Cloud-Optimised GeoTIFFs checked with GDAL's own ``gdalinfo``
(Debian's gdal-bin), nodata only outside the areas, the server table, KPIs equal to a recount from the files,
and the same rasters from the in-process threads, the in-memory job and a Dask scheduler."""

import csv
import json
import shutil
import subprocess

import numpy as np
import pytest
import rasterio
from shapely.geometry import Polygon, box

from conftest import make_cells
from rollout5g.core.radio.job import run_coverage, write_outputs
from rollout5g.core.radio.link import RadioParams
from rollout5g.core.radio.stream import (
    NO_SERVICE_RSRP_DBM,
    NO_SERVICE_SINR_DB,
    NODATA_DB,
    NODATA_SERVER,
    make_plan,
    run_streaming,
)

GDALINFO = shutil.which("gdalinfo")


@pytest.fixture(scope="module")
def world():
    cells, x, y = make_cells(220, 3500.0, seed=31, bands=("n78", "n41"))
    # a second n78 operator on the adjacent carrier, some mechanical tilt, sites named
    cells.freq_mhz[:] = np.where(cells.band == "n78", np.where(np.arange(len(cells)) % 2 == 0, 3450.0, 3550.0), 2565.0)
    cells.mechanical_tilt_deg[:] = np.where(np.arange(len(cells)) % 3 == 0, 2.0, 0.0)
    cells.site_id[:] = [f"S{i // 3:03d}" for i in range(len(cells))]
    lon0, lat0 = float(np.mean(cells.lon)), float(np.mean(cells.lat))
    # an L-shaped area and a small one inside it: a third of the bounding box lies outside both
    ell = Polygon([(lon0 - 0.03, lat0 - 0.03), (lon0 + 0.03, lat0 - 0.03), (lon0 + 0.03, lat0),
                   (lon0, lat0), (lon0, lat0 + 0.03), (lon0 - 0.03, lat0 + 0.03)])
    small = box(lon0 - 0.01, lat0 - 0.01, lon0, lat0)
    return cells, [("ell", ell), ("small", small)]


@pytest.fixture(scope="module")
def streamed(world, tmp_path_factory):
    cells, areas = world
    out = tmp_path_factory.mktemp("stream") / "out"
    summary = run_streaming(cells, areas, out, resolution=25.0, params=RadioParams(location_probability=0.9),
                            backend="cpu", threads=2)
    return out, summary


def _gdalinfo(path):
    return json.loads(subprocess.run([GDALINFO, "-json", str(path)], capture_output=True, text=True,
                                     check=True).stdout)


@pytest.mark.skipif(GDALINFO is None, reason="gdalinfo (gdal-bin) is not installed")
def test_gdalinfo_sees_cogs_with_overviews_band_descriptions_and_units(streamed):
    out, _ = streamed
    expected = {"rsrp.tif": ("RSRP", "dBm", "Float32", NODATA_DB), "sinr.tif": ("SINR", "dB", "Float32", NODATA_DB),
                "server.tif": ("Best server", "index", "Int32", NODATA_SERVER)}
    for name, (desc, unit, dtype, nodata) in expected.items():
        info = _gdalinfo(out / name)
        structure = info["metadata"]["IMAGE_STRUCTURE"]
        assert structure["LAYOUT"] == "COG" and structure["COMPRESSION"] == "DEFLATE", name
        band = info["bands"][0]
        assert band["block"] == [256, 256] and band["type"] == dtype, name
        assert band["description"].startswith(desc) and band["unit"] == unit, name
        assert band["noDataValue"] == nodata and band["overviews"], f"{name}: overviews"
        assert info["metadata"][""]["LOCATION_PROBABILITY"] == "0.9"
        assert "32651" in info["coordinateSystem"]["wkt"]
    # the plain text output a GIS user reads says the same
    text = subprocess.run([GDALINFO, str(out / "rsrp.tif")], capture_output=True, text=True, check=True).stdout
    assert "LAYOUT=COG" in text and "Overviews:" in text and "Unit Type: dBm" in text and "Description = RSRP" in text


def test_nodata_only_outside_the_areas_and_a_floor_for_no_service(world, streamed):
    cells, areas = world
    out, summary = streamed
    plan = make_plan(areas, 25.0)
    from rollout5g.core.radio.grid import rasterize_mask

    inside = np.zeros(plan.grid.shape, bool)
    for g in plan.areas:
        inside |= rasterize_mask(plan.grid, g)
    with rasterio.open(out / "rsrp.tif") as r, rasterio.open(out / "sinr.tif") as s, \
            rasterio.open(out / "server.tif") as v:
        rsrp, sinr, server = r.read(1), s.read(1), v.read(1)
    assert 0.2 < (~inside).mean() < 0.5, "the L leaves part of the box outside"
    np.testing.assert_array_equal(rsrp == NODATA_DB, ~inside)
    np.testing.assert_array_equal(server == NODATA_SERVER, ~inside)
    no_service = inside & (server == -1)
    assert np.all(rsrp[no_service] == NO_SERVICE_RSRP_DBM) and np.all(sinr[no_service] == NO_SERVICE_SINR_DB)
    assert np.all(rsrp[inside & (server >= 0)] > NO_SERVICE_RSRP_DBM)
    assert summary["pixels"] == int(inside.sum())


def test_kpis_are_the_sums_of_the_files(world, streamed):
    """Each area's covered share at 50 / 90 / 95 % equals a recount from the rasters it was written with."""
    from rollout5g.core.radio.grid import rasterize_mask
    from rollout5g.core.radio.link import location_margin_db

    cells, areas = world
    out, summary = streamed
    plan = make_plan(areas, 25.0)
    with rasterio.open(out / "rsrp.tif") as r, rasterio.open(out / "sinr.tif") as s, \
            rasterio.open(out / "server.tif") as v:
        rsrp, sinr, server = r.read(1), s.read(1), v.read(1)
    sigma = summary["shadow_fading_sigma_db"]
    assert sigma == 6.0 and summary["margin_db"] == pytest.approx(7.6893, abs=1e-3)
    for entry, geom in zip(summary["areas"], plan.areas, strict=True):
        m = rasterize_mask(plan.grid, geom)
        assert entry["pixels"] == int(m.sum())
        for p, share in entry["covered_share_at"].items():
            margin = location_margin_db(float(p), sigma)
            cov = (server >= 0) & (rsrp >= -105.0 + margin) & (sinr >= -3.0 + margin)
            assert share == pytest.approx((cov & m).sum() / m.sum(), abs=1e-12), f"{entry['name']} at {p}: 1e-12"
        assert entry["covered_share"] == entry["covered_share_at"]["0.9"]


def test_server_table_maps_every_index_to_its_cell_and_carrier(world, streamed):
    cells, _ = world
    out, _ = streamed
    with rasterio.open(out / "server.tif") as v:
        server = v.read(1)
    with open(out / "server.csv", encoding="utf-8") as fh:
        rows = {int(r["index"]): r for r in csv.DictReader(fh)}
    assert set(np.unique(server[server >= 0]).tolist()) <= set(rows)
    for i in (0, 1, 5, 17):
        r = rows[i]
        assert (r["cell_id"], r["site_id"], r["operator"], r["band"]) == (
            cells.cell_id[i], cells.site_id[i], cells.operator[i], cells.band[i])
        assert float(r["freq_mhz"]) == cells.freq_mhz[i] and float(r["bandwidth_mhz"]) == 100.0
    # TS 38.104: 3450 MHz is NR-ARFCN 630000, 3550 MHz 636667 (nearest raster point), 2565 MHz 513000
    arfcn = {float(r["freq_mhz"]): r["nr_arfcn"] for r in rows.values()}
    assert arfcn[3450.0] == "630000" and arfcn[3550.0] == "636667" and arfcn[2565.0] == "513000"
    doc = json.loads((out / "server.json").read_text())
    assert doc["no_service"] == -1 and doc["nodata"] == NODATA_SERVER and len(doc["cells"]) == len(rows)


def test_streamed_equals_in_memory_and_dask(world, streamed, tmp_path):
    """The same chunk kernel three ways: threads (streamed), the in-memory job, a Dask scheduler — identical."""
    from dask.distributed import LocalCluster

    cells, areas = world
    out, summary = streamed
    params = RadioParams(location_probability=0.9)
    mem = run_coverage(cells, areas, resolution=25.0, params=params, backend="cpu")
    write_outputs(mem, tmp_path / "mem")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        calls = []
        dsum = run_streaming(cells, areas, tmp_path / "dask", resolution=25.0, params=params, backend="dask",
                             scheduler=cluster.scheduler_address, progress=lambda d, t: calls.append((d, t)),
                             chunks_per_task=1)
        assert "compute_chunks" in cluster.scheduler.task_prefixes
    assert calls[0] == (0, summary["chunks"]) and calls[-1] == (summary["chunks"],) * 2
    for name in ("rsrp.tif", "sinr.tif", "server.tif"):
        with rasterio.open(out / name) as a, rasterio.open(tmp_path / "mem" / name) as b, \
                rasterio.open(tmp_path / "dask" / name) as c:
            np.testing.assert_array_equal(a.read(1), b.read(1), err_msg=f"{name}: streamed vs in memory")
            np.testing.assert_array_equal(a.read(1), c.read(1), err_msg=f"{name}: streamed vs Dask")
    assert dsum["covered_share"] == summary["covered_share"] and dsum["backend"] == "dask"
    assert mem.summary["covered_share"] == pytest.approx(summary["covered_share"], abs=1e-12)


def test_chunks_outside_the_areas_are_skipped(world):
    """Two small areas 20 km apart: only the chunks touching them are computed."""
    cells, _ = world
    lon0, lat0 = float(np.mean(cells.lon)), float(np.mean(cells.lat))
    areas = [("a", box(lon0, lat0, lon0 + 0.005, lat0 + 0.005)),
             ("b", box(lon0 + 0.2, lat0, lon0 + 0.205, lat0 + 0.005))]
    plan = make_plan(areas, 20.0)
    boxes = -(-plan.grid.height // plan.chunk) * -(-plan.grid.width // plan.chunk)
    assert plan.total == 2 and boxes == 4  # 4 chunks in the box, 2 touch an area
    summary = run_streaming(cells, areas, None, resolution=20.0, write=False)
    assert summary["chunks"] == plan.total
