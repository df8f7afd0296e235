"""User journeys of the foundation, in a real browser."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_public_visitor_reads_the_programme_in_chinese_and_switches_to_english(page, screenshots_dir):
    page.goto(page.base_url + "/")
    assert page.title().startswith("总览")  # Chinese by default
    body = page.inner_text("main")
    assert "任务" in body  # Chinese by default
    assert "基站" in body  # the base-station indicator is on the overview
    page.screenshot(path=str(screenshots_dir / "home.png"), full_page=True)
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert "Tasks by status" in page.inner_text("main")
    assert page.locator("#base-station-chart canvas").count() == 1  # ECharts drew the chart


def test_public_visitor_filters_tasks_by_unit_and_opens_one(page):
    page.goto(page.base_url + "/policy/tasks/?document=zhejiang-2020-5g-action-plan-tasks")
    assert page.locator("#task-table tbody tr").count() == 35
    page.select_option("select[name=unit]", "zj-dei")
    page.select_option("select[name=role]", "lead")
    with page.expect_navigation():
        page.click("#task-filters button[type=submit]")
    rows = page.locator("#task-table tbody tr")
    assert 5 < rows.count() < 35
    with page.expect_navigation():
        page.click("#task-table tbody tr:first-child td:nth-child(3) a")
    assert "浙江省经济和信息化厅" in page.inner_text("main")


def test_region_map_draws_the_boundaries_offline(page, screenshots_dir):
    page.goto(page.base_url + "/regions/")
    page.wait_for_selector("#region-map[data-loaded='90']", timeout=20000)
    assert page.locator("#region-map path.leaflet-interactive").count() >= 90 or page.locator(
        "#region-map canvas").count() >= 1
    page.screenshot(path=str(screenshots_dir / "regions.png"))


@pytest.mark.parametrize("username", ["office", "planning", "mobile", "tower", "owner", "enterprise"])
def test_every_demo_role_can_log_in(page, username):
    login(page, username)
    header = page.inner_text("header")
    assert username != "" and ("退出" in header or "Log out" in header)


def test_operator_sees_no_audit_history_but_the_office_does(page):
    login(page, "mobile")
    page.goto(page.base_url + "/audit/")
    assert page.locator("table tbody tr td.muted").count() == 1  # "no events you may see"
    page.goto(page.base_url + "/accounts/login/")
    login(page, "office")
    page.goto(page.base_url + "/audit/")
    assert page.locator("table tbody tr").count() == 50


def test_api_docs_list_the_api(page):
    page.goto(page.base_url + "/api/docs")
    page.get_by_text("/api/v1/policy/tasks", exact=True).first.wait_for(timeout=20000)
