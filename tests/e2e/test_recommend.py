"""Site recommendation in a real browser: an operator runs a small recommendation, watches it finish and turns the
proposals into planned sites in one step."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_operator_recommends_sites_and_converts_them(page, screenshots_dir):
    login(page, "mobile")
    page.goto(page.base_url + "/open-list/recommend/")
    page.select_option("#id_area", "region:330402")  # 南湖区
    page.fill("#id_n_sites", "5")
    page.select_option("#id_resolution_m", "200")
    page.check("#id_exact")
    with page.expect_navigation():
        page.click("#recommend-form button[type=submit]")
    # the job runs in the demo server's worker; the page polls and reloads itself when it is done
    page.wait_for_selector("#proposals", timeout=120000)
    assert page.locator("#share-before").inner_text().endswith("%")
    assert page.locator("#gap").count() == 1
    rows = page.locator("#proposals tbody tr")
    assert rows.count() == 5
    page.wait_for_function("() => document.querySelectorAll('#recommend-map .leaflet-marker-icon').length === 5")
    page.screenshot(path=str(screenshots_dir / "recommend_result.png"), full_page=True)
    # the excluded candidates are collapsed behind their count, with a download of all of them
    assert page.locator("#excluded-candidates").count() == 1
    if page.locator("#excluded-download").count():
        assert page.get_attribute("#excluded-download", "href").endswith("/excluded.csv")

    boxes = page.locator("#proposals input[name=rank]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    with page.expect_navigation():
        page.click("#to-plan")
    messages = page.locator(".messages li")
    assert messages.count() >= 1
    text = page.locator(".messages").inner_text()
    # open-list proposals became planned sites; special-plan proposals were already in the plan
    assert ("P-330402-" in text) or ("special" in text or "规划" in text)
    page.screenshot(path=str(screenshots_dir / "recommend_converted.png"), full_page=True)
