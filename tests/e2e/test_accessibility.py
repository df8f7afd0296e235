"""Accessibility of the main pages of every role, checked by axe-core in the browser.

axe-core is vendored in ``tests/e2e/vendor/`` (see its README: version, licence, how it was fetched) and injected by
Playwright into each page after it loaded (the page's Content-Security-Policy does not apply to it: the context is
opened with ``bypass_csp``). The test fails on every ``serious`` or ``critical`` violation of the WCAG 2.0 A and AA
rules and prints the rule, its impact, the page and the elements concerned.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

#: The main pages of each role (None: a visitor who has not logged in). A pair is a list page and the CSS selector of
#: the link to follow from it: a record page of the demo, whatever its number.
PAGES = {
    None: ["/", "/accounts/login/", "/open-list/", ("/open-list/", "#release-table a"), "/approvals/",
           "/approvals/status/", "/emf/", "/emf/sites/", ("/emf/sites/", "main table a[href^='/emf/sites/DC-']"),
           "/emf/request/", "/poles/", "/industry/", "/industry/notices/", "/regions/", "/policy/tasks/"],
    "office": ["/", "/sites/", "/sites/list/", "/sites/map/", ("/sites/list/", "main table a[href^='/sites/JX-']"),
               "/coverage/", "/open-list/", "/approvals/", ("/approvals/", "main a[href^='/approvals/YJS']"),
               "/cases/", ("/cases/", "main a[href^='/cases/power/PWR-']"), "/supervision/", "/supervision/tasks/",
               "/supervision/evaluation/", "/industry/", "/industry/applications/", "/construction/", "/power/",
               "/emf/", "/poles/", "/spectrum/", "/calendar/", "/audit/", "/notifications/"],
    "planning": ["/approvals/", ("/approvals/", "main a[href^='/approvals/YJS']"), "/cases/"],
    "police": ["/cases/", ("/cases/incident/", "main a[href^='/cases/incident/INC-']")],
    "mobile": ["/sites/list/", "/sites/map/", "/open-list/manage/", "/open-list/requests/new/",
               "/open-list/recommend/", "/approvals/", "/approvals/new/", "/cases/", "/cases/incident/new/",
               "/spectrum/", "/power/"],
    "owner": ["/open-list/manage/", "/open-list/requests/",
              ("/open-list/requests/", "main a[href^='/open-list/requests/SR-']")],
    "enterprise": ["/industry/", "/industry/applications/", "/industry/applications/new/"],
}

#: Violations whose cause is in an app template (not in base.html, site.css or _pagination.html), reported to the
#: app's owner: (page or the start of its path, rule) -> where to fix it. They are printed, not failed on; remove an
#: entry once it is fixed.
KNOWN = {
}

# Runs axe on the whole document and returns only what the test reports.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def audit(page, base_url: str, entry) -> list[dict]:
    """The serious and critical violations of one page of PAGES, each with the page it was found on."""
    if isinstance(entry, tuple):
        list_path, selector = entry
        page.goto(base_url + list_path)
        link = page.locator(selector).first
        assert link.count(), f"{list_path}: no link {selector!r} to a record page"
        url = base_url + link.get_attribute("href")
    else:
        url = base_url + entry
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status < 400, f"{url}: HTTP {response and response.status}"
    try:  # let maps and charts fetch and draw what they show; a polling page never goes idle, so do not insist
        page.wait_for_load_state("networkidle", timeout=8000)
    except PlaywrightError:
        pass
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, TAGS)
    path = url.removeprefix(base_url)
    return [dict(v, page=path) for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("username", list(PAGES), ids=lambda u: u or "public")
def test_main_pages_have_no_serious_or_critical_violations(browser, live_demo, username):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        if username:
            page.goto(live_demo + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("#login-submit")
            assert "/accounts/login/" not in page.url, f"{username} could not log in"
        found = []
        for entry in PAGES[username]:
            found += audit(page, live_demo, entry)
    finally:
        context.close()
    unknown = []
    for v in found:
        where = next((fix for (start, rule), fix in KNOWN.items() if v["page"].startswith(start) and v["id"] == rule),
                     None)
        if where:
            print(f"known, to be fixed in {where}:\n{describe([v])}")
        else:
            unknown.append(v)
    found = unknown
    assert not found, f"axe-core found serious or critical violations as {username or 'visitor'}:\n{describe(found)}"


def test_axe_reports_what_it_should(page):
    """The check itself can fail: a page with an unlabelled field, an image without text and grey-on-white text."""
    page.set_content('<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body><main>'
                     '<input type="text"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '<p style="color:#bbb;background:#fff">低对比度文字</p></main></body></html>')
    page.add_script_tag(path=str(AXE))
    rules = {v["id"] for v in page.evaluate(RUN_AXE, TAGS) if v["impact"] in FAILING_IMPACTS}
    assert {"label", "image-alt", "color-contrast"} <= rules


def test_skip_link_and_landmarks_of_the_base_page(page):
    """What base.html gives every page: the language, a skip link to the main content that the keyboard reaches
    first, a labelled navigation that marks the current page."""
    page.goto(page.base_url + "/open-list/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("main #main").count() == 1
    nav = page.locator("header nav[aria-label]")
    assert nav.count() == 1
    current = nav.locator("a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("href") == "/open-list/"
