"""Importing key areas from GeoJSON, KML and Shapefile (with a projected .prj), with errors per feature."""

import json
import zipfile

import pyproj
import pytest
import shapefile
from shapely.geometry import shape

from rollout5g.audit.models import AuditEvent
from rollout5g.core import geo
from rollout5g.sites.areas import AreaFileError, read_area_file
from rollout5g.sites.models import KeyArea
from rollout5g.sites.services import import_key_areas

# A square of about 400 m around 嘉兴南湖 (WGS-84)
SQUARE = [(120.758, 30.748), (120.762, 30.748), (120.762, 30.752), (120.758, 30.752), (120.758, 30.748)]


def _geojson(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def _feature(name, ring=SQUARE, **props):
    return {"type": "Feature", "properties": {"name": name, **props},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}}


def test_geojson_in_gcj02_is_converted(tmp_path):
    gcj = [geo.wgs84_to_gcj02(lon, lat) for lon, lat in SQUARE]
    (area,) = read_area_file(_geojson(tmp_path, [_feature("南湖示范区", gcj)]), crs="gcj02")
    got = area.geometry["coordinates"][0][0]
    assert got == pytest.approx(list(SQUARE[0]), abs=1e-6)


def test_kml_with_namespace_and_hole(tmp_path):
    hole = "120.759,30.749 120.760,30.749 120.760,30.750 120.759,30.749"
    ring = " ".join(f"{x},{y},0" for x, y in SQUARE)
    path = tmp_path / "areas.kml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>嘉兴学院</name>
<ExtendedData><SchemaData><SimpleData name="category">school</SimpleData></SchemaData></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>{hole}</coordinates></LinearRing></innerBoundaryIs></Polygon>
</Placemark></Document></kml>""", encoding="utf-8")
    (area,) = read_area_file(path)
    assert area.name == "嘉兴学院" and area.properties["category"] == "school"
    assert len(area.geometry["coordinates"]) == 2  # outer ring and hole


def test_shapefile_in_a_projected_cgcs2000_system_is_transformed(tmp_path):
    # CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), as planning bureaus deliver
    to_gk = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    ring = [to_gk.transform(x, y) for x, y in SQUARE]
    base = tmp_path / "plan"
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        w.field("name", "C", 50)
        w.poly([ring])
        w.record("南湖规划片区")
    (tmp_path / "plan.prj").write_text(pyproj.CRS("EPSG:4549").to_wkt(version="WKT1_ESRI"), encoding="utf-8")
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            zf.write(tmp_path / f"plan.{ext}", f"plan.{ext}")
    (area,) = read_area_file(archive)
    assert area.name == "南湖规划片区"
    # back in WGS-84 within ~1e-7 degree (a centimetre)
    assert shape(area.geometry).bounds == pytest.approx((120.758, 30.748, 120.762, 30.752), abs=1e-7)


def test_every_bad_feature_is_reported_with_its_number_and_field(tmp_path):
    line = {"type": "Feature", "properties": {"name": "一条线"},
            "geometry": {"type": "LineString", "coordinates": [[120.7, 30.7], [120.8, 30.8]]}}
    swapped = _feature("经纬度颠倒", [(y, x) for x, y in SQUARE])
    path = _geojson(tmp_path, [_feature("好的"), _feature(""), line, swapped])
    with pytest.raises(AreaFileError) as info:
        read_area_file(path)
    problems = [(p.feature, p.field) for p in info.value.problems]
    assert problems == [(2, "name"), (3, "geometry"), (4, "geometry")]
    assert "swapped" in str(info.value)


def test_unsupported_type_is_refused(tmp_path):
    path = tmp_path / "areas.dwg"
    path.write_bytes(b"x")
    with pytest.raises(AreaFileError, match="unsupported file type"):
        read_area_file(path)


@pytest.mark.django_db
def test_import_creates_then_updates_and_is_all_or_nothing(tmp_path, users):
    path = _geojson(tmp_path, [_feature("测试医院", category="hospital", due_year=2022)])
    assert import_key_areas(actor=users["office"], path=path) == (1, 0)
    area = KeyArea.objects.get(name="测试医院")
    assert area.region_id == "330402" and area.category == "hospital" and not area.approximate
    assert import_key_areas(actor=users["office"], path=path) == (0, 1)
    bad = _geojson(tmp_path, [_feature("另一医院"), _feature("坏分类", category="castle")], "bad.geojson")
    before = (KeyArea.objects.count(), AuditEvent.objects.count())
    with pytest.raises(AreaFileError, match="feature 2: category"):
        import_key_areas(actor=users["office"], path=bad)
    assert (KeyArea.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_only_the_program_office_imports_key_areas(tmp_path, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_key_areas(actor=users["mobile"], path=_geojson(tmp_path, [_feature("x")]))
