"""The open list in a real browser: the public map and filters without login, then an operator's request that the
owner accepts, which creates the planned site."""

import re

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def _map_count(page) -> int:
    page.wait_for_selector("#open-list-map[data-loaded='1']", timeout=20000)
    return int(page.locator("#open-list-map").get_attribute("data-count"))


def test_public_map_and_filters_without_login(page, screenshots_dir):
    page.goto(page.base_url + "/open-list/")
    total = _map_count(page)
    assert total > 2000  # the published 第2批 of the demo
    assert page.locator("#open-list-map canvas").count() >= 1  # Leaflet drew the points on its canvas
    assert "第2批" in page.inner_text("#current-release")
    page.screenshot(path=str(screenshots_dir / "open_list_public.png"), full_page=False)
    page.select_option("#open-list-filters select[name=kind]", "school")
    page.select_option("#open-list-filters select[name=region]", "330483")
    with page.expect_navigation():
        page.click("#open-list-filters button[type=submit]")
    schools = _map_count(page)
    assert 0 < schools < total
    assert page.locator("#entry-table tbody tr").count() == min(schools, 25)
    # the downloads keep the filters and state the coordinate system
    assert "kind=school" in page.get_attribute("#downloads a:first-child", "href")
    assert "crs=gcj02" in page.get_attribute("#download-csv-gcj02", "href")  # the GCJ-02 files, named as such
    assert page.get_attribute("#open-data-link", "href") == "/open-list/data.json"  # the DCAT description
    with page.expect_navigation():
        page.click("#release-table a:text('第2批')")
    assert page.locator("#diff-changed tbody tr").count() > 0


def test_operator_request_accepted_by_the_owner_creates_the_planned_site(page, screenshots_dir):
    login(page, "mobile")
    page.goto(page.base_url + "/open-list/manage/?owner=jx-jiacheng-group&availability=open&kind=street_light_pole"
              "&page=2")  # the demo's own requests are on the first entries
    with page.expect_navigation():
        page.click("#resource-table tbody tr:nth-child(5) td:first-child a")
    code = page.url.rstrip("/").rsplit("/", 1)[-1]
    with page.expect_navigation():
        page.click("#request-link")
    page.fill("#id_purpose", "e2e: 补盲")
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    request_code = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "/open-list/requests/SR-" in page.url, page.inner_text("main")[:500]
    assert re.match(r"SR-\d{4}-\d{4}", request_code) and code in page.inner_text("main")
    assert page.locator("#clock").count() == 1  # the owner's answer clock is shown

    login(page, "owner")
    page.goto(page.base_url + f"/open-list/requests/{request_code}/")
    page.fill("#answer-form textarea[name=conditions]", "电费按实结算")
    page.select_option("#answer-form select[name=charge_kind_1]", "entry")
    with page.expect_navigation():
        page.click("#accept-button")
    assert "进场费" in page.inner_text(".messages")  # an entry fee is refused, naming the fee
    page.select_option("#answer-form select[name=charge_kind_1]", "power")
    with page.expect_navigation():
        page.click("#accept-button")
    planned = page.inner_text("#planned-site")
    assert planned.startswith("P-330")
    history = page.inner_text("#history")  # sentences with labels, not dictionaries of field codes
    assert planned.split()[0] in history and "{" not in history and "status" not in history
    page.screenshot(path=str(screenshots_dir / "open_list_request_accepted.png"), full_page=True)
    page.goto(page.base_url + f"/open-list/resources/{code}/")
    assert "中国移动" in page.inner_text("#hosted") or "移动" in page.inner_text("#hosted")
