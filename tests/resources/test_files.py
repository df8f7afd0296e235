"""Files standard tools read: every download of the open list opens in GDAL (``ogrinfo``) with the right number of
features and point geometries, without any open option; the open-data description (DCAT, data.json field names) is
public at a stable URL, linked from the page, and lists every download with its coordinate system."""

import json
import re
import shutil
import subprocess

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db
OGRINFO = shutil.which("ogrinfo")
needs_gdal = pytest.mark.skipif(OGRINFO is None, reason="gdal-bin (ogrinfo) is not installed")


def _ogrinfo(path, *args, layer: str | None = None) -> str:
    command = [OGRINFO, "-ro", "-so", *args, str(path), layer] if layer else [OGRINFO, "-ro", "-al", "-so", *args,
                                                                                str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _count(summary: str) -> int:
    return int(re.search(r"Feature Count: (\d+)", summary).group(1))


def _extent(summary: str) -> tuple[float, ...]:
    return tuple(map(float, re.search(r"Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)",
                                      summary).groups()))


@needs_gdal
def test_every_download_opens_in_gdal_with_its_points(client, tmp_path):
    expected = 2880  # entries of the demo's 第2批
    files = {}
    for name, fmt, crs in (("wgs.csv", "csv", ""), ("gcj.csv", "csv", "gcj02"), ("wgs.geojson", "geojson", ""),
                           ("gcj.geojson", "geojson", "gcj02"), ("list.xlsx", "xlsx", "")):
        resp = client.get(f"/open-list/releases/2/download.{fmt}", {"crs": crs} if crs else {})
        assert resp.status_code == 200, name
        files[name] = tmp_path / name
        files[name].write_bytes(resp.content)

    # CSV: the header is the first line and the WKT column is the geometry, with GDAL's defaults
    summary = _ogrinfo(files["wgs.csv"])
    assert _count(summary) == expected
    assert "编号: String" in summary and "坐标系: String" in summary and "WKT: String" in summary
    assert _count(_ogrinfo(files["wgs.csv"], "-where", "OGR_GEOMETRY='POINT'")) == expected
    west, south, east, north = _extent(summary)
    assert 120.0 < west < east < 121.6 and 30.2 < south < north < 31.1  # Jiaxing, longitude first
    gcj = _ogrinfo(files["gcj.csv"])
    assert _count(gcj) == expected and _extent(gcj) != _extent(summary)  # the GCJ-02 file is shifted

    # GeoJSON: a layer of points in WGS-84 (GDAL reads RFC 7946 files as EPSG:4326)
    geo = _ogrinfo(files["wgs.geojson"])
    assert "Geometry: Point" in geo and _count(geo) == expected and "WGS 84" in geo
    assert _extent(geo) == pytest.approx(_extent(summary), abs=1e-6)
    geo_gcj = _ogrinfo(files["gcj.geojson"])
    assert "Geometry: Point" in geo_gcj and _count(geo_gcj) == expected

    # XLSX: the first sheet is a table from A1 (one feature per entry), the second the description
    xlsx = _ogrinfo(files["list.xlsx"], layer="开放清单")
    assert _count(xlsx) == expected and "编号: String" in xlsx and "经度: Real" in xlsx


def test_the_open_data_description_lists_every_download(client):
    page = client.get("/open-list/").content.decode()
    assert 'href="/open-list/data.json"' in page  # linked from the public page (and as rel=describedby)
    resp = client.get("/open-list/data.json")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    doc = resp.json()
    assert doc["@type"] == "dcat:Catalog" and doc["conformsTo"].startswith("https://project-open-data.cio.gov/v1.1")
    (dataset,) = doc["dataset"]
    for key in ("title", "description", "keyword", "modified", "issued", "publisher", "contactPoint", "identifier",
                "accessLevel", "license", "spatial", "temporal", "landingPage", "distribution"):
        assert dataset[key], key
    assert dataset["version"] == "第2批" and dataset["accessLevel"] == "public"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dataset["modified"])
    assert dataset["conformsTo"] == "http://www.opengis.net/def/crs/EPSG/0/4326"
    west, south, east, north = map(float, dataset["spatial"].split(","))
    assert west < east and south < north
    downloads = [d for d in dataset["distribution"] if "downloadURL" in d]
    assert {(d["format"], "gcj02" in d["downloadURL"]) for d in downloads} == {
        ("CSV", False), ("XLSX", False), ("GeoJSON", False), ("CSV", True), ("GeoJSON", True)}
    for d in downloads:
        assert d["downloadURL"].startswith("http://testserver/open-list/releases/2/download.")
        assert ("GCJ-02" in d["title"]) == ("gcj02" in d["downloadURL"])
        assert ("conformsTo" in d) != ("gcj02" in d["downloadURL"])  # GCJ-02 has no EPSG code
        path = d["downloadURL"].removeprefix("http://testserver")
        assert client.get(path).status_code == 200
    assert any(d.get("format") == "API" for d in dataset["distribution"])


def test_history_reads_as_sentences_with_labels(client_for, users):
    from rollout5g.resources import services
    from rollout5g.resources.choices import ResourceKind

    resource = services.resource_create(actor=users["owner"], owner=users["owner"].organization, name="历史路灯杆",
                                        kind=ResourceKind.STREET_LIGHT_POLE, lon=120.7530, lat=30.7590)
    req = services.site_request_create(actor=users["mobile"], resource=resource)
    services.site_request_decline(actor=users["owner"], request=req, reason="杆体迁移<b>")
    with translation.override("en"):
        html = client_for("owner").get(f"/open-list/requests/{req.code}/", HTTP_ACCEPT_LANGUAGE="en").content
    body = html.decode()
    history = body[body.index('id="history"'):]
    owner = str(users["owner"])
    assert f"{owner} changed Status from Submitted to Declined" in history
    assert "杆体迁移&lt;b&gt;" in history  # the reason typed by a person, escaped
    assert "{" not in history and "status_id" not in history and "declined" not in history  # no dict, no code
    zh = client_for("owner").get(f"/open-list/requests/{req.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    zh_history = zh[zh.index('id="history"'):]
    with translation.override("zh-hans"):
        from rollout5g.resources.choices import RequestStatus

        submitted, declined = str(RequestStatus.SUBMITTED.label), str(RequestStatus.DECLINED.label)
    assert submitted in zh_history and declined in zh_history and owner in zh_history
    assert "年" in zh_history  # the time in the Chinese form


def test_excluded_candidates_are_collapsed_with_a_download(client_for, users):
    from rollout5g.jobs.models import Job
    from rollout5g.resources.recommend.config import JOB_KIND

    excluded = [{"source": "resource", "id": i, "code": f"X-{i:04d}", "name": f"候选{i}", "kind": "duct",
                 "lon": 120.7, "lat": 30.7, "reason": "a duct carries no antennas", "reason_code": "duct",
                 "reason_params": {}} for i in range(150)]
    excluded.append({"source": "planned_site", "id": 999, "code": "P-1", "name": "老结果", "kind": "macro_tower",
                     "lon": 120.7, "lat": 30.7, "reason": "120 m from existing site S-1 (minimum spacing 250 m)"})
    result = {"share_before": 0.8785, "share_after": 0.9312, "heuristic_gap": None, "optimum": None, "objective": 12.0,
              "status": "heuristic", "proposals": [], "excluded": excluded, "uncovered": [],
              "counts": {"pixels": 10, "demand_pixels": 2, "candidates": 151, "eligible": 0, "existing_cells": 3,
                         "excluded": {"duct": 150, "spacing": 1}},
              "params": {"resolution_m": 50.0, "band": "n78", "n_sites": 3, "target_share": None},
              "timings": {"area": 0.1, "solve": 0.2}, "area": {"name": "南湖区", "geometry": None}}
    job = Job.objects.create(kind=JOB_KIND, title="Site recommendation: 南湖区, 3 sites, n78", status="succeeded",
                             params={"area": "region:330402", "n_sites": 3, "band": "n78"}, result=result,
                             created_by=users["office"], progress=1.0)
    office = client_for("office")
    with translation.override("en"):
        body = office.get(f"/open-list/recommend/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<details id="excluded-candidates">' in body  # collapsed: 151 is too many to show open
    assert body.count("<tr><td>X-") == 100 and "The first 100 of 151 are listed" in body
    assert "87.85%" in body and "93.12%" in body and "0.8785" not in body  # shares as percentages
    assert "Site recommendation: 南湖区, 3 sites, n78" in body
    csv_resp = office.get(f"/open-list/recommend/{job.pk}/excluded.csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = csv_resp.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 151 and "duct" not in rows[1].split(",")[3]  # the kind's label, not its code
    assert rows[-1].endswith("120 m from existing site S-1 (minimum spacing 250 m)")  # an old result's text
    assert client_for("telecom").get(f"/open-list/recommend/{job.pk}/excluded.csv").status_code == 404
    assert json.loads(json.dumps(job.result))  # the stored result is untouched
