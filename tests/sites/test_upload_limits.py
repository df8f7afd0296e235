"""Upload limits (issue 18 item 5): size limit with a clear error, zip bombs refused by name before parsing, over-long
fields as row/column errors, uploads deleted when imported or abandoned, invalid key-area geometry refused with the
feature and the reason (or repaired with a warning)."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from rollout5g.sites import imports as importer
from rollout5g.sites.areas import AreaFileError, read_area_file
from rollout5g.sites.imports import limits as import_limits
from rollout5g.sites.imports.services import import_cells
from rollout5g.sites.imports.views import imports_dir
from rollout5g.sites.models import Cell
from tests.sites.test_import import NANHU, cell_row, good_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(path: Path, name: str | None = None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def zip_bomb(path: Path, *, unpacked_mb: int = 300) -> Path:
    """An .xlsx-looking zip whose sheet unpacks to ``unpacked_mb`` MB of zeros (about 0.3 MB packed)."""
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(chunk)
    return path


# ------------------------------------------------------------------------------------------ size limit


def test_a_file_over_the_limit_is_refused_with_a_clear_error(tmp_path, client_for, media, settings):
    settings.ROLLOUT5G_MAX_UPLOAD_BYTES = 4096
    big = write_csv(tmp_path / "big.csv", good_rows() * 20)
    assert big.stat().st_size > 4096
    mobile = client_for("mobile")
    page = mobile.post("/sites/import/", {"file": _upload(big), "crs": "wgs84", "mode": "dry_run"})
    assert page.status_code == 200 and "MB" in page.content.decode()
    assert not imports_dir().exists() or not any(imports_dir().iterdir())  # nothing stored
    api = mobile.post("/api/sites/import", {"file": _upload(big), "crs": "wgs84"})
    assert api.status_code == 413 and api["Content-Type"] == "application/problem+json"
    assert "big.csv" in api.json()["detail"]
    with pytest.raises(importer.ImportFileError, match="at most"):
        importer.read_table(big)


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client_for, settings):
    settings.ROLLOUT5G_MAX_UPLOAD_BYTES = 1024
    response = client_for("mobile").post("/api/sites/import", data=b"x", content_type="application/octet-stream",
                                         CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413 and response.json()["status"] == 413


# ------------------------------------------------------------------------------------------ zip bomb


def test_a_zip_bomb_is_refused_by_name_before_parsing(tmp_path, users, media, client_for):
    bomb = zip_bomb(tmp_path / "gongcan.xlsx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(importer.ImportFileError, match="gongcan.xlsx: refused as a zip bomb"):
        importer.read_table(bomb)
    result = import_cells(actor=users["mobile"], path=bomb, crs="wgs84", mode="dry_run")
    assert "zip bomb" in result.errors[0].reason and result.errors[0].row is None
    response = client_for("mobile").post("/api/sites/import", {"file": _upload(bomb)})
    assert response.status_code == 422 and "zip bomb" in json.dumps(response.json(), ensure_ascii=False)


def test_a_member_with_an_extreme_compression_ratio_is_refused(tmp_path):
    bomb = zip_bomb(tmp_path / "small-bomb.xlsx", unpacked_mb=20)  # under the total limit, ratio about 1000
    with pytest.raises(import_limits.UploadRefused, match="times its packed size"):
        import_limits.check_zip_archive(bomb)


def test_an_ordinary_workbook_passes_the_zip_check(tmp_path, users):
    path = write_xlsx(tmp_path / "ok.xlsx", good_rows())
    import_limits.check_zip_archive(path)
    assert import_cells(actor=users["mobile"], path=path, crs="wgs84", mode="dry_run").errors == []


def test_a_zipped_shapefile_bomb_is_refused(tmp_path):
    bomb = zip_bomb(tmp_path / "areas.zip")
    with pytest.raises(AreaFileError, match="zip bomb"):
        read_area_file(bomb)


# ------------------------------------------------------------------------------------------ long fields


def test_a_csv_field_over_131072_characters_is_a_row_and_column_error(tmp_path, users, client_for, media):
    rows = good_rows()
    rows[1]["地址"] = "长" * 200_000
    path = write_csv(tmp_path / "long.csv", rows)
    result = import_cells(actor=users["mobile"], path=path, crs="wgs84", mode="all_or_nothing")
    assert not result.committed
    (error,) = result.errors
    assert (error.row, error.column) == (3, "地址") and "200,000 characters" in error.reason
    page = client_for("mobile").post("/sites/import/", {"file": _upload(path), "crs": "wgs84", "mode": "dry_run"})
    assert page.status_code == 302  # to the preview with the error table, not a traceback


def test_an_xlsx_cell_over_the_limit_is_a_row_and_column_error(tmp_path, users):
    rows = good_rows()
    rows[0]["基站名称"] = "站" * (import_limits.MAX_FIELD_CHARS + 1)
    result = import_cells(actor=users["mobile"], path=write_xlsx(tmp_path / "long.xlsx", rows), crs="wgs84",
                          mode="valid_rows")
    assert [(e.row, e.column) for e in result.errors] == [(5, "基站名称")]
    assert result.cells_created == 5


# ------------------------------------------------------------------------------------------ retention


def test_uploads_are_deleted_when_imported_and_when_abandoned(tmp_path, client_for, media, settings):
    mobile = client_for("mobile")
    done = mobile.post("/sites/import/", {"file": _upload(write_xlsx(tmp_path / "now.xlsx", good_rows())),
                                          "crs": "wgs84", "mode": "all_or_nothing"})
    assert done.status_code == 302 and Cell.objects.filter(cell_id__startswith="460-00-99").count() == 6
    assert not list(imports_dir().glob("*/now.xlsx"))  # imported: the file is gone at once
    api = mobile.post("/api/sites/import", {"file": _upload(write_xlsx(tmp_path / "api.xlsx", good_rows()))})
    assert api.status_code == 200 and not list(imports_dir().glob("*/api.xlsx"))

    rows = [cell_row(50, lon=NANHU[0], lat=NANHU[1], site="T-SITE-9")]
    mobile.post("/sites/import/", {"file": _upload(write_xlsx(tmp_path / "later.xlsx", rows)), "crs": "wgs84",
                                   "mode": "dry_run"})
    (waiting,) = imports_dir().glob("*/later.xlsx")
    assert import_limits.purge_stale_uploads(imports_dir()) == 0  # still within the keeping time
    settings.ROLLOUT5G_UPLOAD_KEEP_HOURS = 1
    assert import_limits.purge_stale_uploads(imports_dir(), now=time.time() + 2 * 3600) >= 1
    assert not waiting.exists() and not waiting.parent.exists()


def test_the_purge_is_a_periodic_check():
    from rollout5g.platform.jobs import periodic_checks

    assert "sites.purge_uploads" in periodic_checks()


# ------------------------------------------------------------------------------------------ key-area geometry


def _bowtie_geojson(path: Path) -> Path:
    ring = [[120.70, 30.70], [120.80, 30.80], [120.80, 30.70], [120.70, 30.80], [120.70, 30.70]]
    square = [[120.70, 30.70], [120.72, 30.70], [120.72, 30.72], [120.70, 30.72], [120.70, 30.70]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "好区"}, "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {"name": "蝴蝶区"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]}
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_invalid_key_area_is_refused_with_the_feature_and_the_reason(tmp_path):
    with pytest.raises(AreaFileError) as info:
        read_area_file(_bowtie_geojson(tmp_path / "areas.geojson"))
    (problem,) = info.value.problems
    assert problem.feature == 2 and problem.field == "geometry" and "Self-intersection" in problem.message


def test_an_invalid_key_area_is_repaired_only_with_a_warning(tmp_path):
    good, repaired = read_area_file(_bowtie_geojson(tmp_path / "areas.geojson"), repair=True)
    assert good.warnings == []
    assert repaired.name == "蝴蝶区" and "Self-intersection" in repaired.warnings[0] and "area changed" in \
        repaired.warnings[0]
    assert shapely.geometry.shape(repaired.geometry).is_valid
