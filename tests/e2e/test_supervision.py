"""The leadership dashboard and the PDF briefing in a real browser."""

import subprocess

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_office_reads_dashboard_and_briefing(page, screenshots_dir, tmp_path):
    login(page, "office")
    page.goto(page.base_url + "/supervision/")
    page.wait_for_function("() => document.getElementById('region-map').dataset.loaded === '1'", timeout=20000)
    assert page.locator("#red-tasks tbody tr").count() >= 1
    red_title = page.locator("#red-tasks tbody tr td a").first.inner_text()
    assert page.locator("#score-table tbody tr").count() == 7
    assert page.locator("#region-map path.leaflet-interactive").count() >= 7
    page.screenshot(path=str(screenshots_dir / "supervision-dashboard.png"), full_page=True)
    # fetch the PDF as the page does (same session cookie)
    href = page.locator("#briefing-link").get_attribute("href")
    response = page.request.get(page.base_url + href)
    assert response.status == 200
    body = response.body()
    assert body.startswith(b"%PDF")
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(body)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    number = red_title.split()[0]
    assert number in text and "待提升" in text or "优秀" in text or "良好" in text
    assert number in text
