"""The ``rollout5g coverage`` command contract, through typer.testing.CliRunner on a small app."""

import json
import sys

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from conftest import make_cells, write_cells_csv
from rollout5g.coverage.commands import coverage as coverage_command

app = typer.Typer()
app.command("coverage")(coverage_command)


@app.callback()
def _root():
    """Test app."""


runner = CliRunner()


def _area(path, lon0, lat0, d=0.02, names=("north", "south")):
    feats = []
    for i, name in enumerate(names):
        lat_a = lat0 + (0 if i == 0 else -d)
        ring = [
            [lon0 - d, lat_a],
            [lon0 + d, lat_a],
            [lon0 + d, lat_a + d],
            [lon0 - d, lat_a + d],
            [lon0 - d, lat_a],
        ]
        feats.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")


@pytest.fixture
def inputs(tmp_path):
    cells, _, _ = make_cells(150, 3000.0, seed=21)
    csv_path = tmp_path / "CELLS.csv"
    write_cells_csv(cells, csv_path)
    area = tmp_path / "AREA.geojson"
    _area(area, float(np.mean(cells.lon)), float(np.mean(cells.lat)))
    return cells, csv_path, area


def _recompute(out, area_path, rsrp_min=-105.0, sinr_min=-3.0, margin=0.0):
    """Re-read the GeoTIFFs and recompute the covered share of every area independently."""
    import rasterio
    import shapely
    from pyproj import Transformer
    from rasterio.features import geometry_mask
    from shapely.geometry import mapping, shape

    with (
        rasterio.open(out / "rsrp.tif") as a,
        rasterio.open(out / "sinr.tif") as b,
        rasterio.open(out / "server.tif") as c,
    ):
        rsrp, sinr, server = a.read(1), b.read(1), c.read(1)
        assert a.crs.to_epsg() == 32651 and a.dtypes[0] == "float32" and a.nodata == -9999.0
        assert c.nodata == -2 and c.dtypes[0] == "int32"
        tf, shp = a.transform, a.shape
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    inside = rsrp != -9999.0
    served = server >= 0
    assert np.array_equal(inside, server != -2), "nodata (outside the areas) is the same pixels in both rasters"
    assert np.all(rsrp[inside & ~served] == -150.0) and np.all(sinr[inside & ~served] == -50.0), "no-service floor"
    cov = served & (rsrp >= rsrp_min + margin) & (sinr >= sinr_min + margin)
    shares = {}
    union = np.zeros(shp, bool)
    for f in json.loads(area_path.read_text())["features"]:
        g = shapely.transform(shape(f["geometry"]), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        m = ~geometry_mask([mapping(g)], out_shape=shp, transform=tf, all_touched=False)
        union |= m
        shares[f["properties"]["name"]] = (cov[m].sum() / m.sum(), int(m.sum()))
    assert np.array_equal(union, inside), "nodata only outside the areas"
    return shares, cov[union].sum() / union.sum(), int(union.sum())


def test_coverage_command_writes_rasters_and_consistent_summary(inputs, tmp_path):
    cells, csv_path, area = inputs
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "coverage",
            "--cells",
            str(csv_path),
            "--area",
            str(area),
            "--resolution",
            "40",
            "--model",
            "uma",
            "--los-mode",
            "weighted",
            "--out",
            str(out),
            "--no-gpu",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= {"areas", "pixels", "covered_share", "seconds"}
    shares, total, pixels = _recompute(out, area)
    assert summary["pixels"] == pixels
    assert summary["covered_share"] == pytest.approx(total, abs=1e-12), (
        "summary matches rasters; tolerance 1e-12"
    )
    for a in summary["areas"]:
        assert a["covered_share"] == pytest.approx(shares[a["name"]][0], abs=1e-12), "tolerance 1e-12"
        assert a["pixels"] == shares[a["name"]][1]
    assert 0.0 < summary["covered_share"] < 1.0
    assert summary["location_probability"] == 0.5 and summary["margin_db"] == 0.0
    # server indexes CELLS.csv rows, and server.csv maps every index to its cell
    import csv

    import rasterio

    with rasterio.open(out / "server.tif") as s:
        srv = s.read(1)
    assert srv.max() < len(cells) and srv.max() >= 0
    with open(out / "server.csv", encoding="utf-8") as fh:
        table = {int(r["index"]): r for r in csv.DictReader(fh)}
    for i in np.unique(srv[srv >= 0]):
        assert table[i]["cell_id"] == cells.cell_id[i] and table[i]["band"] == cells.band[i]
        assert float(table[i]["freq_mhz"]) == cells.freq_mhz[i] and table[i]["operator"] == cells.operator[i]
    assert json.loads((out / "server.json").read_text())["no_service"] == -1


def test_band_operator_and_thresholds(inputs, tmp_path):
    cells, csv_path, area = inputs
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "coverage",
            "--cells",
            str(csv_path),
            "--area",
            str(area),
            "--resolution",
            "50",
            "--band",
            "n41",
            "--operator",
            "china_mobile",
            "--rsrp-min",
            "-95",
            "--sinr-min",
            "0",
            "--model",
            "umi",
            "--los-mode",
            "nlos",
            "--out",
            str(out),
            "--crs",
            "EPSG:32651",
        ],
    )
    assert res.exit_code == 0, res.output
    import rasterio

    with rasterio.open(out / "server.tif") as s:
        srv = s.read(1)
    used = set(srv[srv >= 0].tolist())
    assert used and all(cells.band[i] == "n41" and cells.operator[i] == "china_mobile" for i in used)
    shares, total, _ = _recompute(out, area, -95.0, 0.0)
    assert json.loads((out / "summary.json").read_text())["covered_share"] == pytest.approx(
        total, abs=1e-12
    ), "1e-12"


def test_location_probability_adds_the_shadow_fading_margin(inputs, tmp_path):
    """At 95 % location probability a pixel needs RSRP and SINR above the thresholds by σ Φ⁻¹(0.95):
    UMa NLOS σ = 6 dB (TR 38.901 Table 7.4.1-1), 1.6449 x 6 = 9.869 dB."""
    _, csv_path, area = inputs
    out = tmp_path / "out"
    res = runner.invoke(app, ["coverage", "--cells", str(csv_path), "--area", str(area), "--resolution", "50",
                              "--location-probability", "0.95", "--out", str(out)])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["margin_db"] == pytest.approx(9.8691, abs=1e-3), "tolerance 1e-3 dB"
    assert summary["covered_share_at"]["0.95"] == summary["covered_share"] < summary["covered_share_at"]["0.5"]
    _, total, _ = _recompute(out, area, margin=summary["margin_db"])
    assert summary["covered_share"] == pytest.approx(total, abs=1e-12), "1e-12"
    assert "at 95% location probability" in res.output


def test_bad_csv_row_exits_nonzero_without_outputs(inputs, tmp_path):
    cells, csv_path, area = inputs
    lines = csv_path.read_text().splitlines()
    parts = lines[5].split(",")
    parts[3] = "tall"
    lines[5] = ",".join(parts)
    csv_path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["coverage", "--cells", str(csv_path), "--area", str(area), "--out", str(out)])
    assert res.exit_code != 0
    assert "CELLS.csv: row 5 (line 6), column 'height_m': 'tall' is not a number" in res.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "hata"], "valid: uma, umi, rma, cost231"),
        (["--los-mode", "maybe"], "valid: los, nlos, weighted"),
        (["--crs", "EPSG:4326"], "not projected"),
        (["--resolution", "0"], "--resolution must be > 0"),
        (["--band", "n1"], "no cells match"),
        (["--location-probability", "0.3"], "location probability 0.3 is outside 0.5-0.999"),
    ],
)
def test_bad_options(inputs, tmp_path, args, message):
    _, csv_path, area = inputs
    out = tmp_path / "out"
    res = runner.invoke(
        app, ["coverage", "--cells", str(csv_path), "--area", str(area), "--out", str(out), *args]
    )
    assert res.exit_code != 0 and message in res.output
    assert not out.exists() or not any(out.iterdir())


def test_bad_area_file(inputs, tmp_path):
    _, csv_path, _ = inputs
    area = tmp_path / "bad.geojson"
    area.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [120.7, 30.7]}}]}'
    )
    res = runner.invoke(
        app, ["coverage", "--cells", str(csv_path), "--area", str(area), "--out", str(tmp_path / "o")]
    )
    assert res.exit_code != 0 and "feature 1: missing 'name'" in res.output


def test_without_cells_uses_registry_or_says_it_is_missing(inputs, tmp_path, monkeypatch):
    _, _, area = inputs
    monkeypatch.setitem(sys.modules, "rollout5g.coverage.registry", None)  # import fails
    res = runner.invoke(app, ["coverage", "--area", str(area), "--out", str(tmp_path / "o")])
    assert res.exit_code != 0
    assert "the site registry is not available yet; pass --cells" in res.output


def test_command_module_does_not_import_django():
    import subprocess

    code = "import sys, rollout5g.coverage.commands; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
