"""Import of engineering-parameter tables (工参表): parsing, validation, all-or-nothing, re-import, the failed-rows
file, permissions, the web flow, the API and the command. Files are built in the tests with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from rollout5g.audit.models import AuditEvent
from rollout5g.core import geo
from rollout5g.sites import imports as importer
from rollout5g.sites.imports.services import import_cells
from rollout5g.sites.models import Cell, ImportBatch, Site

pytestmark = pytest.mark.django_db

# Points inside Jiaxing (WGS-84): Nanhu district near the city centre, and Haining.
NANHU = (120.7555, 30.7469)
HAINING = (120.6880, 30.5100)

HEADERS = ["站址编码", "基站名称", "小区名称", "CGI", "经度", "纬度", "方位角", "机械下倾", "电子下倾", "天线挂高(m)",
           "频段", "中心频点(MHz)", "带宽", "参考信号功率(dBm)", "总功率(W)", "天线增益", "PCI", "运营商", "站型",
           "地址", "开通日期"]


def cell_row(n: int, *, lon: float, lat: float, site: str = "T-SITE-1", operator="中国移动", band="n41", **over):
    row = {
        "站址编码": site, "基站名称": f"测试站{site[-1:]}", "小区名称": f"测试站-{n}", "CGI": f"460-00-99{n:04d}-1",
        "经度": lon, "纬度": lat, "方位角": (n * 120) % 360, "机械下倾": 2, "电子下倾": 6, "天线挂高(m)": 30,
        "频段": band, "中心频点(MHz)": None, "带宽": "100M ", "参考信号功率(dBm)": 17.9, "总功率(W)": 200,
        "天线增益": 17.5, "PCI": 100 + n, "运营商": operator, "站型": "楼顶", "地址": "嘉兴市南湖区测试路1号 ",
        "开通日期": "2021-06-30",
    }
    row.update(over)
    return row


def write_xlsx(path: Path, rows: list[dict], *, headers=HEADERS, title="嘉兴移动 5G 工参表（2021年6月）") -> Path:
    """A real-looking 工参 workbook: a merged title row, a blank row, then the header and the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "5G小区"
    row0 = 1
    if title:
        ws.cell(row=1, column=1, value=title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=2, column=1, value="数据日期：2021-06-30")
        row0 = 4
    for j, h in enumerate(headers, start=1):
        ws.cell(row=row0, column=j, value=h)
    for i, r in enumerate(rows, start=row0 + 1):
        for j, h in enumerate(headers, start=1):
            ws.cell(row=i, column=j, value=r.get(h))
    ws.cell(row=row0 + len(rows) + 2, column=1, value=None)  # trailing blank rows are ignored
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict], *, headers=HEADERS, encoding="utf-8") -> Path:
    lines = [",".join(headers)] + [",".join("" if r.get(h) is None else str(r.get(h)) for h in headers) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def good_rows():
    return [cell_row(n, lon=NANHU[0], lat=NANHU[1]) for n in range(1, 4)] + [
        cell_row(n, lon=HAINING[0], lat=HAINING[1], site="T-SITE-2") for n in range(4, 7)]


@pytest.fixture
def mobile_user(users):
    return users["mobile"]


# ------------------------------------------------------------------------------------------ pure parsing


def test_header_aliases_and_units():
    assert importer.match_header("基站名称") == ("site_name", "")
    assert importer.match_header(" Cell ID ") == ("cell_id", "")
    assert importer.match_header("天线挂高（m）") == ("height", "m")
    assert importer.match_header("总功率(dBm)") == ("total_power", "dbm")
    assert importer.match_header("LON") == ("lon", "")
    assert importer.match_header("备注") == (None, "")


@pytest.mark.parametrize("text,tech,band", [
    ("n78", None, "n78"), ("N78", None, "n78"), ("3.5G", None, "n78"), ("3500M", None, "n78"), ("NR3500", None, "n78"),
    ("n41", None, "n41"), ("2.6G", None, "n41"), ("2600M", None, "n41"), ("2.6G", "LTE", "B41"), ("700M", None, "n28"),
    ("n28", None, "n28"), ("2.1G", None, "n1"), ("B3", None, "B3"), ("FDD1800", None, "B3"), ("D", None, "B41"),
])
def test_band_aliases(text, tech, band):
    assert importer.parse_band(text, tech) == band


def test_unknown_band_lists_valid_ones():
    with pytest.raises(ValueError, match="valid: n78, n41"):
        importer.parse_band("5.8G")


def test_arfcn_conversion_against_hand_computed_values():
    # TS 38.104 §5.4.2.1: N=630000 → 3000 + 0.015 × 30000 = 3450 MHz; N=513000 → 0.005 × 513000 = 2565 MHz
    assert importer.nr_arfcn_to_mhz(630000) == pytest.approx(3450.0, abs=1e-9)
    assert importer.nr_arfcn_to_mhz(513000) == pytest.approx(2565.0, abs=1e-9)
    # TS 36.104 Table 5.7.3-1: B3, N=1825 → 1805 + 0.1 × (1825 − 1200) = 1867.5 MHz
    assert importer.earfcn_to_mhz(1825) == (pytest.approx(1867.5, abs=1e-9), "B3")
    assert importer.resolve_frequency(630000, "n78", None) == (pytest.approx(3450.0, abs=1e-9), "n78")
    assert importer.resolve_frequency(3450, "n78", None) == (pytest.approx(3450.0, abs=1e-9), "n78")


def test_rs_power_from_total_matches_the_scenario_convention():
    # 200 W over 12 × 273 subcarriers: 53.01 dBm − 35.15 dB = 17.86 dBm (the scenario's n41 value), to 0.01 dB
    assert importer.rs_power_from_total(200, 100, "n41") == pytest.approx(17.86, abs=0.01)


def test_csv_gbk_and_header_detection(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", good_rows(), encoding="gbk")
    table = importer.read_table(path)
    assert table.encoding == "gbk" and table.header_row == 1 and len(table.rows) == 6
    assert table.headers[1] == "基站名称"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().decode("gbk").encode("utf-8"))
    assert importer.read_table(bom).encoding == "utf-8-sig"


def test_no_header_row_is_a_file_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(importer.ImportFileError, match="no header row"):
        importer.read_table(path)


# ------------------------------------------------------------------------------------------ the service


def test_real_looking_gcj02_xlsx_imports_at_the_right_wgs84_place(tmp_path, mobile_user):
    rows = good_rows()
    # the file is in GCJ-02 (as AMap shows it): convert our WGS-84 truth forward
    for r in rows:
        r["经度"], r["纬度"] = geo.wgs84_to_gcj02(r["经度"], r["纬度"])
    path = write_xlsx(tmp_path / "嘉兴移动工参.xlsx", rows)
    events_before = AuditEvent.objects.count()
    result = import_cells(actor=mobile_user, path=path, crs="gcj02")
    assert result.ok, result.errors
    assert result.committed and result.rows_total == 6 and result.cells_created == 6 and result.sites_created == 2
    site = Site.objects.get(code="T-SITE-1")
    # stored WGS-84 equals the truth within 1e-6 degree (~0.1 m)
    assert site.lon == pytest.approx(NANHU[0], abs=1e-6) and site.lat == pytest.approx(NANHU[1], abs=1e-6)
    assert site.source_crs == "gcj02" and site.region_id == "330402" and site.site_type == "rooftop"
    assert site.address == "嘉兴市南湖区测试路1号"
    assert Site.objects.get(code="T-SITE-2").region_id == "330481"  # Haining
    cell = Cell.objects.get(cell_id="460-00-990001-1")
    assert cell.operator.code == "jx-mobile" and cell.band == "n41" and cell.bandwidth_mhz == 100
    assert cell.freq_mhz == 2565.0  # the band's usual carrier when only the band is given
    assert cell.mechanical_tilt_deg == 2 and cell.electrical_tilt_deg == 6 and cell.height_m == 30
    assert cell.pci == 101 and str(cell.on_air_date) == "2021-06-30"
    assert mobile_user.organization in site.operators.all()
    # one audit event for the whole import, on the batch, with the counts and the file hash
    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.object_type == "sites.importbatch" and event.object_id == str(result.batch_id)
    assert event.after["cells_created"] == 6 and event.after["sha256"] == result.sha256


def test_one_bad_row_commits_nothing_and_is_named(tmp_path, mobile_user):
    rows = good_rows()
    rows[3]["方位角"] = 400  # spreadsheet row 4 (header) + 4 = row 8
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = (Site.objects.count(), Cell.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count())
    result = import_cells(actor=mobile_user, path=path)
    assert not result.committed
    assert [e.as_dict() for e in result.errors] == [
        {"file": "bad.xlsx", "row": 8, "column": "方位角", "reason": "azimuth 400° is outside 0–360°"}]
    assert (Site.objects.count(), Cell.objects.count(), ImportBatch.objects.count(),
            AuditEvent.objects.count()) == before


def test_each_check_names_its_column(tmp_path, mobile_user):
    rows = good_rows()
    rows[0]["天线挂高(m)"] = 200
    rows[1]["机械下倾"] = 45
    rows[2]["频段"] = "5.8G"
    rows[3]["中心频点(MHz)"] = 3500  # n41 row
    rows[4]["PCI"] = 1008
    rows[5]["经度"], rows[5]["纬度"] = 116.40, 39.90  # Beijing
    rows.append(cell_row(1, lon=NANHU[0], lat=NANHU[1]))  # duplicate cell id of row 5
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "many.xlsx", rows), mode="dry_run")
    got = {(e.row, e.column): e.reason for e in result.errors}
    assert got[(5, "天线挂高(m)")] == "antenna height 200 m is outside 1–150 m"
    assert got[(6, "机械下倾")] == "mechanical tilt 45° is outside −10–30°".replace("−", "-")
    assert got[(7, "频段")].startswith("'5.8G' is not a known band")
    assert got[(8, "中心频点(MHz)")] == "frequency 3500 is outside band n41 (2496–2690 MHz)"
    assert got[(9, "PCI")] == "PCI (NR) 1008 is outside 0–1007"
    assert "outside the province" in got[(10, "经度")]
    assert got[(11, "CGI")] == "duplicate cell id 460-00-990001-1 (rows 5, 11)"
    assert result.rows_valid == 0 and not result.committed


def test_missing_required_column_is_one_file_error(tmp_path, mobile_user):
    headers = [h for h in HEADERS if h != "方位角"]
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "noaz.xlsx", good_rows(), headers=headers))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (None, "方位角/Azimuth", "required column is missing")]
    assert not result.committed


def test_reimport_updates_instead_of_duplicating(tmp_path, mobile_user):
    path = write_xlsx(tmp_path / "a.xlsx", good_rows())
    first = import_cells(actor=mobile_user, path=path)
    assert first.cells_created == 6
    again = import_cells(actor=mobile_user, path=path)
    assert (again.sites_created, again.cells_created, again.cells_updated, again.cells_unchanged) == (0, 0, 0, 6)
    rows = good_rows()
    rows[0]["方位角"] = 15
    changed = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "b.xlsx", rows))
    assert (changed.cells_created, changed.cells_updated, changed.cells_unchanged) == (0, 1, 5)
    assert Cell.objects.get(cell_id="460-00-990001-1").azimuth_deg == 15
    assert Cell.objects.filter(cell_id__startswith="460-00-99").count() == 6


def test_sites_without_code_match_by_name_within_5_m(tmp_path, mobile_user):
    rows = [cell_row(1, lon=NANHU[0], lat=NANHU[1], site=""), cell_row(2, lon=NANHU[0] + 0.00002, lat=NANHU[1],
                                                                         site="")]
    for r in rows:
        r["基站名称"] = "无编码站"
    first = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "c.xlsx", rows))
    assert first.ok and first.sites_created == 1  # 1.9 m apart: one site
    moved = [cell_row(3, lon=NANHU[0] + 0.00003, lat=NANHU[1], site="", 基站名称="无编码站")]
    second = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "d.xlsx", moved))
    assert second.sites_created == 0  # 2.9 m from the registry's site: the same site
    assert Cell.objects.get(cell_id="460-00-990003-1").site.name == "无编码站"


def test_failed_rows_xlsx_reimports_after_fixing(tmp_path, mobile_user):
    rows = good_rows()
    rows[2]["方位角"] = -5
    rows[4]["频段"] = "n99"
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "e.xlsx", rows))
    assert not result.committed and result.rows_failed == 2
    failed = tmp_path / "failed.xlsx"
    failed.write_bytes(result.failed_rows_xlsx())
    ws = openpyxl.load_workbook(failed).active
    header = [c.value for c in ws[1]]
    assert header == [*HEADERS, importer.ERROR_COLUMN, importer.SOURCE_ROW_COLUMN]
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[-1] for r in body] == [7, 9]
    assert body[0][-2] == "方位角: azimuth -5° is outside 0–360°"
    # fix the two rows in the failed-rows file and import it
    wb = openpyxl.load_workbook(failed)
    ws = wb.active
    ws.cell(row=2, column=HEADERS.index("方位角") + 1, value=5)
    ws.cell(row=3, column=HEADERS.index("频段") + 1, value="n41")
    wb.save(failed)
    fixed = import_cells(actor=mobile_user, path=failed)
    assert fixed.ok and fixed.committed and fixed.cells_created == 2


def test_valid_rows_mode_imports_only_the_good_rows(tmp_path, mobile_user):
    rows = good_rows()
    rows[1]["纬度"] = "三十"
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "f.xlsx", rows), mode="valid_rows")
    assert result.committed and result.rows_failed == 1 and result.cells_created == 5
    assert result.errors[0].row == 6 and result.errors[0].column == "纬度"
    assert not Cell.objects.filter(cell_id="460-00-990002-1").exists()
    assert ImportBatch.objects.get(pk=result.batch_id).rows_skipped == 1


def test_dry_run_writes_nothing_but_counts(tmp_path, mobile_user):
    before = Cell.objects.count()
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "g.xlsx", good_rows()), mode="dry_run")
    assert result.ok and not result.committed and result.cells_created == 6 and Cell.objects.count() == before


def test_operator_cannot_import_for_another_operator(tmp_path, mobile_user):
    rows = good_rows()
    rows[0]["运营商"] = "中国电信"
    result = import_cells(actor=mobile_user, path=write_xlsx(tmp_path / "h.xlsx", rows))
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(5, "运营商")]
    assert result.errors[0].reason.startswith("operator ") and "is not your organization" in result.errors[0].reason


def test_cell_id_of_another_operator_is_refused(tmp_path, users):
    telecom_cell = Cell.objects.filter(operator__code="jx-telecom").first()
    rows = good_rows()
    rows[0]["CGI"] = telecom_cell.cell_id
    result = import_cells(actor=users["office"], path=write_xlsx(tmp_path / "i.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "CGI")]
    assert "belongs to" in result.errors[0].reason


def test_tower_company_imports_for_the_operators_it_hosts(tmp_path, users):
    rows = good_rows()
    rows[3]["运营商"] = "中国电信"
    result = import_cells(actor=users["tower"], path=write_xlsx(tmp_path / "j.xlsx", rows))
    assert result.ok and result.committed
    site = Site.objects.get(code="T-SITE-2")
    assert site.owner.code == "jx-tower"
    assert sorted(site.operators.values_list("code", flat=True)) == ["jx-mobile", "jx-telecom"]


def test_department_may_not_import(tmp_path, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_cells(actor=users["planning"], path=write_xlsx(tmp_path / "k.xlsx", good_rows()))


def test_total_tilt_only_and_english_headers_csv(tmp_path, mobile_user):
    headers = ["Site Name", "Cell ID", "LON", "LAT", "Azimuth", "总下倾", "Height", "Band", "ARFCN", "Bandwidth",
               "总功率(dBm)", "Operator"]
    rows = [{"Site Name": "English site", "Cell ID": "EN-1", "LON": NANHU[0], "LAT": NANHU[1], "Azimuth": 90,
             "总下倾": 8, "Height": 25, "Band": "3.5G", "ARFCN": 636666, "Bandwidth": "100MHz", "总功率(dBm)": 53,
             "Operator": "CMCC"}]
    result = import_cells(actor=mobile_user, path=write_csv(tmp_path / "en.csv", rows, headers=headers))
    assert result.ok, result.errors
    cell = Cell.objects.get(cell_id="EN-1")
    assert (cell.mechanical_tilt_deg, cell.electrical_tilt_deg) == (8, 0)
    # NR-ARFCN 636666 → 3000 + 0.015 × 36666 = 3549.99 MHz (to 1e-6)
    assert cell.freq_mhz == pytest.approx(3549.99, abs=1e-6)
    assert cell.total_power_w == pytest.approx(199.526, abs=1e-3)  # 53 dBm
    assert cell.rs_power_dbm == pytest.approx(53 - 10 * __import__("math").log10(12 * 273), abs=0.01)


def test_template_has_headers_notes_and_an_example_that_imports(tmp_path, mobile_user):
    data = importer.template_xlsx()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["工参表", "说明"]
    header = [c.value for c in wb["工参表"][1]]
    assert header[:4] == ["站址编码", "站名", "小区名称", "小区ID"]
    notes = [r[0].value for r in wb["说明"].iter_rows(min_row=2, max_row=len(importer.COLUMNS) + 1)]
    assert notes == header
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    result = import_cells(actor=mobile_user, path=path, mode="dry_run")
    assert result.ok, result.errors
    assert result.rows_total == 1 and result.cells_created == 1


# ------------------------------------------------------------------------------------------ web, API, CLI



@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(path: Path, name: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_web_flow_preview_then_import_the_valid_rows(tmp_path, client_for, media):
    rows = good_rows()
    rows[0]["频段"] = "n99"
    path = write_xlsx(tmp_path / "web.xlsx", rows)
    mobile = client_for("mobile")
    assert mobile.get("/sites/import/").status_code == 200
    response = mobile.post("/sites/import/", {"file": _upload(path), "crs": "wgs84", "mode": "dry_run"})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = mobile.get(preview_url).content.decode()
    assert "web.xlsx" in page and "<td>5</td><td>频段</td>" in page and "is not a known band" in page
    assert 'id="import-valid-rows"' in page and not Cell.objects.filter(cell_id__startswith="460-00-99").exists()
    failed = mobile.get(preview_url + "failed-rows.xlsx")
    assert failed.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(failed.streaming_content))).active
    assert [c.value for c in ws[2]][-1] == 5
    # another user cannot use the token
    assert client_for("telecom").get(preview_url).status_code == 404
    response = mobile.post(preview_url + "commit/", {"mode": "valid_rows"})
    assert response.status_code == 302
    assert Cell.objects.filter(cell_id__startswith="460-00-99").count() == 5
    assert 'data-committed="true"' in mobile.get(preview_url).content.decode()


def test_web_import_refused_for_a_department(tmp_path, client_for, media):
    path = write_xlsx(tmp_path / "dep.xlsx", good_rows())
    response = client_for("planning").post("/sites/import/", {"file": _upload(path), "crs": "wgs84",
                                                              "mode": "all_or_nothing"})
    assert response.status_code == 403
    assert not Cell.objects.filter(cell_id__startswith="460-00-99").exists()


def test_api_import_all_or_nothing_422_then_ok(tmp_path, client, client_for, media):
    rows = good_rows()
    rows[2]["天线挂高(m)"] = 0.5
    bad = write_xlsx(tmp_path / "api-bad.xlsx", rows)
    assert client.post("/api/sites/import", {"file": _upload(bad)}).status_code == 401
    mobile = client_for("mobile")
    response = mobile.post("/api/sites/import", {"file": _upload(bad), "crs": "wgs84", "mode": "all_or_nothing"})
    assert response.status_code == 422
    body = response.json()
    assert body["committed"] is False and body["errors"] == [
        {"file": "api-bad.xlsx", "row": 7, "column": "天线挂高(m)", "reason": "antenna height 0.5 m is outside 1–150 m"}]
    good = write_xlsx(tmp_path / "api-good.xlsx", good_rows())
    response = mobile.post("/api/sites/import", {"file": _upload(good), "crs": "wgs84"})
    assert response.status_code == 200 and response.json()["cells_created"] == 6
    dry = mobile.post("/api/sites/import", {"file": _upload(bad), "mode": "dry_run"})
    assert dry.status_code == 200 and dry.json()["error_count"] == 1


def test_template_downloads(client):
    for url in ("/api/sites/template.xlsx", "/sites/import/template.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["工参表", "说明"]


def _cli():
    import typer

    from rollout5g.sites.commands import import_cells_command

    app = typer.Typer()
    app.command("import-cells")(import_cells_command)
    app.command("noop")(lambda: None)  # a second command, so that the command name is part of the call
    return app


def test_cli_exit_codes(tmp_path):
    from typer.testing import CliRunner

    runner = CliRunner()
    rows = good_rows()
    rows[1]["PCI"] = 2000
    bad = write_xlsx(tmp_path / "cli-bad.xlsx", rows)
    before = Cell.objects.count()
    result = runner.invoke(_cli(), ["import-cells", str(bad)])
    assert result.exit_code == 1, result.output
    assert "PCI (NR) 2000 is outside 0–1007" in result.output and "nothing was written" in result.output
    assert Cell.objects.count() == before
    dry = runner.invoke(_cli(), ["import-cells", str(bad), "--dry-run"])
    assert dry.exit_code == 1
    rows_gcj = good_rows()
    for r in rows_gcj:
        r["经度"], r["纬度"] = geo.wgs84_to_gcj02(r["经度"], r["纬度"])
        r["运营商"] = None
    good = write_xlsx(tmp_path / "cli-good.xlsx", rows_gcj)
    ok = runner.invoke(_cli(), ["import-cells", str(good), "--crs", "gcj02", "--as", "jx-mobile"])
    assert ok.exit_code == 0, ok.output
    assert Cell.objects.count() == before + 6
    assert Site.objects.get(code="T-SITE-1").lon == pytest.approx(NANHU[0], abs=1e-6)
    assert runner.invoke(_cli(), ["import-cells", str(good), "--crs", "mars"]).exit_code == 2


@pytest.mark.parametrize("engine", ["calamine", "direct", "auto"])
def test_xlsx_readers_agree_with_openpyxl(tmp_path, engine):
    import datetime as dt

    rows = good_rows()
    rows[0]["开通日期"] = dt.datetime(2021, 6, 30)  # a real date cell
    rows[1]["PCI"] = 7.5
    path = write_xlsx(tmp_path / "both.xlsx", rows)
    table = importer.read_table(path, engine=engine)
    reference = importer.read_table(path, engine="openpyxl")
    assert table.header_row == reference.header_row == 4
    assert table.headers == reference.headers and table.columns == reference.columns
    assert table.sheet == reference.sheet
    assert table.rows == reference.rows
    assert table.rows[0][1][HEADERS.index("开通日期")] == dt.datetime(2021, 6, 30)
    with pytest.raises(ValueError, match="valid: auto, calamine, direct, openpyxl"):
        importer.read_table(path, engine="pandas")
