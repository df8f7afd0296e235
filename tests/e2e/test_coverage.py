"""A coverage run in a real browser: start a small run, watch its job reach 100 %, see the overlay and the table."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_office_starts_a_run_and_sees_the_overlay_and_the_table(page, screenshots_dir):
    login(page, "office")
    page.goto(page.base_url + "/coverage/")
    page.click("#start-run summary")
    page.select_option("#id_scope", "key_areas")
    page.select_option("#id_key_areas", label="嘉兴南站")
    page.fill("#id_resolution_m", "25")
    page.fill("#id_as_of", "2021-12-31")
    with page.expect_navigation():
        page.click("#run-form button[type=submit]")
    assert "/coverage/runs/" in page.url
    # the job's progress bar is polled by htmx; on success the page reloads with the map and the tables
    page.wait_for_selector("#key-area-table", timeout=120000)
    progress = page.locator("#job-progress")
    assert progress.get_attribute("data-status") == "succeeded"
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
    page.wait_for_function("() => Number(document.getElementById('coverage-map').dataset.overlayLoaded) > 0",
                           timeout=20000)
    row = page.locator("#key-area-table tbody tr").first
    assert "嘉兴南站" in row.inner_text() and "%" in row.inner_text()
    assert page.locator(".leaflet-image-layer").count() == 1
    # switch to the covered-or-not layer: the overlay image and the legend follow
    page.check("input[name=layer][value=covered]")
    page.wait_for_function("() => document.getElementById('coverage-map').dataset.overlay === 'covered'")
    assert "overlay/covered.png" in page.locator(".leaflet-image-layer").get_attribute("src")
    assert page.locator(".legend-block.active").get_attribute("data-layer") == "covered"
    page.screenshot(path=str(screenshots_dir / "coverage_run.png"), full_page=True)
