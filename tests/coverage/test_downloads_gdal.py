"""A coverage run's gap polygons as files GDAL reads (issue 19 item 9): GeoJSON (RFC 7946 wound), the GCJ-02
variant named as such, a shapefile zip with its .prj; the GeoTIFFs carry their projection."""

import json
import zipfile

import pytest
from shapely.geometry import LinearRing

from rollout5g.coverage.views import gaps_feature_collection
from rollout5g.jobs.services import run_queued_jobs
from rollout5g.sites.models import KeyArea
from tests.regions.gdal import needs_gdal, ogrinfo, save

pytestmark = [pytest.mark.django_db, needs_gdal]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def run(client_for):
    from rollout5g.coverage.models import CoverageRun

    areas = list(KeyArea.objects.order_by("pk").values_list("pk", flat=True)[:3])
    response = client_for("mobile").post("/api/coverage/runs", {
        "scope": "key_areas", "key_areas": areas, "resolution_m": 50, "own_cells_only": True, "as_of": "2021-12-31",
        "rsrp_min": -90}, content_type="application/json")
    assert response.status_code == 201, response.content
    run_queued_jobs()
    return CoverageRun.objects.get(pk=response.json()["run_id"])


def test_gap_downloads_open_in_gdal(client_for, run, tmp_path):
    c = client_for("mobile")
    expected = len(gaps_feature_collection(run)["features"])
    assert expected > 0  # RSRP ≥ -90 dBm from one operator's cells leaves gaps

    path = save(tmp_path, c.get(f"/coverage/runs/{run.pk}/gaps/download/"))
    assert path.name == f"coverage-{run.pk}-gaps-WGS-84.geojson"
    (layer,) = ogrinfo(path)
    assert layer.count == expected and layer.geometry in ("Multi Polygon", "Polygon", "Unknown (any)")
    assert "WGS 84" in layer.crs
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        for rings in f["geometry"]["coordinates"]:
            assert LinearRing(rings[0]).is_ccw and all(not LinearRing(h).is_ccw for h in rings[1:])

    shp = save(tmp_path, c.get(f"/coverage/runs/{run.pk}/gaps/download/", {"format": "shp"}))
    with zipfile.ZipFile(shp) as zf:
        assert f"coverage-{run.pk}-gaps-WGS-84.prj" in zf.namelist()
    (layer,) = ogrinfo(f"/vsizip/{shp}")
    assert layer.count == expected and layer.geometry == "Polygon" and "WGS" in layer.crs

    gcj = save(tmp_path, c.get(f"/coverage/runs/{run.pk}/gaps/download/", {"crs": "gcj02"}))
    assert gcj.name.endswith("-GCJ-02.geojson") and ogrinfo(gcj)[0].count == expected

    # the run's own file, through the files route: the same polygons, wound
    raw = save(tmp_path, c.get(f"/coverage/runs/{run.pk}/files/gaps.geojson"), "raw.geojson")
    assert ogrinfo(raw)[0].count == expected


def test_geotiffs_carry_their_projection(client_for, run, tmp_path):
    path = save(tmp_path, client_for("mobile").get(f"/coverage/runs/{run.pk}/files/rsrp.tif"), "rsrp.tif")
    import subprocess

    info = subprocess.run(["gdalinfo", str(path)], capture_output=True, text=True, timeout=60)
    assert info.returncode == 0 and "Coordinate System is:" in info.stdout and "UTM" in info.stdout
