"""Browser journey: an operator reports an incident, the police resolve it, the operator sees the outcome."""

import re

from tests.e2e.conftest import login


def test_incident_reported_and_resolved_by_the_department(page, screenshots_dir):
    login(page, "mobile")
    page.goto(page.base_url + "/cases/")
    page.click("#incident-new")
    page.select_option("#id_kind", "theft")
    page.fill("#id_location", "南湖区 中环南路 杆站")
    page.fill("#id_description", "夜间馈线被盗割（e2e）")
    with page.expect_navigation():
        page.click("#case-submit")
    number = page.locator("h1").inner_text().split()[0]
    assert re.match(r"INC-\d{4}-\d{4}", number)
    assert "市公安局" in page.locator("#department").inner_text()
    page.screenshot(path=str(screenshots_dir / "cases-incident-reported.png"), full_page=True)
    _logout(page)

    login(page, "police")
    page.goto(page.base_url + "/cases/incident/?q=" + number)
    with page.expect_navigation():
        page.click(f"text={number}")
    page.fill("#action-assign input[name=handler_name]", "王警官")
    with page.expect_navigation():
        page.click("#action-assign button")
    page.fill("#action-resolve textarea[name=outcome]", "已追回被盗馈线，嫌疑人已刑拘")
    with page.expect_navigation():
        page.click("#action-resolve button")
    assert "已追回被盗馈线" in page.locator("#outcome").inner_text()
    assert page.locator("#case-history tbody tr").count() >= 3
    page.screenshot(path=str(screenshots_dir / "cases-incident-resolved.png"), full_page=True)
    _logout(page)

    login(page, "mobile")
    page.goto(page.base_url + f"/cases/incident/{number}/")
    with page.expect_navigation():
        page.click("#action-confirm button")
    assert page.locator("#case-state").get_attribute("data-state") == "closed"
    assert page.locator("#action-confirm").count() == 0


def _logout(page):
    with page.expect_navigation():
        page.click("header form[action$='logout/'] button")
