"""Exports of the registry (.xlsx, .csv, GeoJSON, KML) through HTTP: only what the user may see, the list filters,
the coordinate system stated and GCJ-02 on request, and an exported file that imports again unchanged."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from rollout5g.core import geo
from rollout5g.sites.filters import filter_cells
from rollout5g.sites.imports.services import import_cells
from rollout5g.sites.models import Cell, Site

pytestmark = pytest.mark.django_db
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def cell_ids(fmt: str, data: bytes) -> list[str]:
    """The cell ids of an export, read back in its own format."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        return [r["小区ID"] for r in rows]
    if fmt == "xlsx":
        ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["data"]
        rows = ws.iter_rows(values_only=True)
        index = next(rows).index("小区ID")
        return [r[index] for r in rows]
    if fmt == "geojson":
        return [f["properties"]["小区ID"] for f in json.loads(data)["features"]]
    root = ET.fromstring(data)
    out = []
    for placemark in root.iter(f"{{{KML_NS['k']}}}Placemark"):
        for d in placemark.iter(f"{{{KML_NS['k']}}}Data"):
            if d.get("name") == "小区ID":
                out.append(d.find("k:value", KML_NS).text)
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "kml"])
def test_mobile_exports_only_its_own_cells(client_for, users, fmt):
    mobile = client_for("mobile")
    response = mobile.get(f"/api/sites/export/cells.{fmt}")
    assert response.status_code == 200 and response["X-Coordinate-System"] == "WGS-84"
    ids = cell_ids(fmt, _body(response))
    visible = set(Cell.objects.restrict(users["mobile"]).values_list("cell_id", flat=True))
    telecom = set(Cell.objects.filter(operator__code="jx-telecom").values_list("cell_id", flat=True))
    assert len(ids) == len(visible) > 10000
    assert set(ids) == visible
    assert not set(ids) & telecom


def test_the_page_export_is_restricted_too(client_for):
    data = _body(client_for("telecom").get("/sites/export/cells.csv?band=n41"))
    assert cell_ids("csv", data) == []  # China Telecom has no n41 cells: it sees none of China Mobile's


def test_anonymous_gets_401_or_the_login_page(client):
    assert client.get("/api/sites/export/cells.csv").status_code == 401
    assert client.get("/api/sites/export/sites.geojson").status_code == 401
    assert client.get("/sites/export/cells.csv").status_code == 302


def test_list_filters_apply(client_for, users):
    params = {"region": "330402", "band": "n28"}
    data = _body(client_for("office").get("/api/sites/export/cells.csv", params))
    ids = cell_ids("csv", data)
    expected = filter_cells(Cell.objects.restrict(users["office"]), params)
    assert sorted(ids) == sorted(expected.values_list("cell_id", flat=True)) and len(ids) > 0
    assert set(Cell.objects.filter(cell_id__in=ids).values_list("band", flat=True)) == {"n28"}
    bad = client_for("office").get("/api/sites/export/cells.csv", {"band": "n99"})
    assert bad.status_code == 422 and "band" in bad.json()["detail"]
    assert client_for("office").get("/api/sites/export/cells.pdf").status_code == 422


def test_gcj02_on_request_and_the_crs_is_stated(client_for):
    office = client_for("office")
    site = Site.objects.filter(code__startswith="JX-330402").order_by("code").first()
    wgs = _body(office.get("/api/sites/export/sites.geojson", {"q": site.code}))
    gcj = _body(office.get("/api/sites/export/sites.geojson", {"q": site.code, "crs": "gcj02"}))
    wgs_doc, gcj_doc = json.loads(wgs), json.loads(gcj)
    assert wgs_doc["coordinate_system"] == "WGS-84"
    assert wgs_doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert gcj_doc["coordinate_system"] == "GCJ-02" and "crs" not in gcj_doc
    point = next(f for f in wgs_doc["features"] if f["properties"]["站址编码"] == site.code)["geometry"]["coordinates"]
    shifted = next(f for f in gcj_doc["features"] if f["properties"]["站址编码"] == site.code)["geometry"]["coordinates"]
    assert point == pytest.approx([site.lon, site.lat], abs=1e-9)
    # the GCJ-02 export is the forward transform of the stored WGS-84 point, to 1e-6 degree
    assert shifted == pytest.approx(list(geo.wgs84_to_gcj02(site.lon, site.lat)), abs=1e-6)
    header = _body(office.get("/api/sites/export/cells.csv", {"site": site.code, "crs": "gcj02"})).decode("utf-8-sig")
    assert header.splitlines()[0].split(",")[4:6] == ["经度(GCJ-02)", "纬度(GCJ-02)"]
    xlsx = openpyxl.load_workbook(io.BytesIO(_body(office.get("/api/sites/export/cells.xlsx", {"site": site.code}))))
    meta = dict(xlsx["说明 metadata"].values)
    assert meta["坐标系 / coordinate system"] == "WGS-84 (EPSG:4326)"
    kml = _body(office.get("/api/sites/export/sites.kml", {"q": site.code})).decode()
    assert "WGS-84" in ET.fromstring(kml).find("k:Document/k:description", KML_NS).text


def test_site_export_lists_only_sites_the_operator_owns_or_shares(client_for, users):
    data = _body(client_for("unicom").get("/api/sites/export/sites.csv", {"region": "330481"}))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    unicom = users["unicom"].organization
    allowed = set(Site.objects.filter(region_id="330481").filter(
        owner=unicom).values_list("code", flat=True)) | set(Site.objects.filter(
            region_id="330481", operators=unicom).values_list("code", flat=True))
    assert {r["站址编码"] for r in rows} == allowed and len(rows) > 0
    # cell counts are of the cells unicom may see
    first = rows[0]
    expected = Cell.objects.restrict(users["unicom"]).filter(site__code=first["站址编码"]).count()
    assert int(first["小区数"]) == expected


def test_exported_cells_import_again_unchanged(client_for, users, tmp_path):
    site = Site.objects.filter(cells__operator__code="jx-mobile").order_by("code").first()
    data = _body(client_for("mobile").get("/api/sites/export/cells.xlsx", {"site": site.code}))
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    result = import_cells(actor=users["mobile"], path=path, mode="dry_run")
    assert result.ok, result.errors
    n = Cell.objects.restrict(users["mobile"]).filter(site=site).count()
    assert (result.rows_total, result.cells_created, result.cells_updated, result.cells_unchanged) == (n, 0, 0, n)
    assert (result.sites_created, result.sites_updated) == (0, 0)
