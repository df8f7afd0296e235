"""The user guide's journeys (docs/user-guide/, one Markdown file per role), walked in a real browser.

Each journey takes the screenshots its guide shows. They are written, 1280×800 and reduced to a 256-colour palette, to
``ROLLOUT5G_GUIDE_SCREENSHOTS`` when it is set (to regenerate the guide's images:
``ROLLOUT5G_GUIDE_SCREENSHOTS=docs/user-guide/img pytest tests/e2e/test_user_guide.py -m e2e``), otherwise next to the
other browser tests' screenshots (``ROLLOUT5G_SCREENSHOTS``, default ``out/screenshots``) in ``user-guide/``.
A screenshot the guide does not show fails the journey, and so does an image in the guide that no journey takes.
"""

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide"
VIEWPORT = {"width": 1280, "height": 800}
#: One guide per role, and the journey (a test below) that takes its screenshots.
ROLES = {"office": "专班办公室", "department": "审查部门", "operator": "运营商与铁塔", "owner": "资源权属单位",
         "enterprise": "企业", "public": "公众"}
#: Street-light entries of the open list that the journeys ask for (the first pages carry the demo's own requests and
#: tests/e2e/test_open_list.py takes the fifth entry of page 2): (page, row) of the operator's and the owner's.
OPERATOR_ENTRY, OWNER_ENTRY = (3, 2), (4, 3)
INVOICE, PROJECT = "GUIDE-INV-1", "guide:motor-line"  # the enterprise's invoice and project (each claimed once)
ENTRIES = "/open-list/manage/?owner=jx-jiacheng-group&availability=open&kind=street_light_pole&page={}"
IMAGE = re.compile(r"\]\((img/([a-z0-9-]+)\.png)\)")


def guide_images() -> dict[str, str]:
    """The images the guide shows: name -> the guide file that shows it."""
    shown = {}
    for md in sorted(GUIDE.glob("*.md")):
        for _path, name in IMAGE.findall(md.read_text(encoding="utf-8")):
            shown[name] = md.name
    return shown


@pytest.fixture
def guide_dir(screenshots_dir):
    path = Path(os.environ["ROLLOUT5G_GUIDE_SCREENSHOTS"]) if os.environ.get("ROLLOUT5G_GUIDE_SCREENSHOTS") \
        else screenshots_dir / "user-guide"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Journey:
    """One role's walk: pages of a browser context logged in as a demo user, and the screenshots of the guide."""

    def __init__(self, browser, base_url, out_dir, role=None, username=None):
        self.base_url, self.out_dir, self.role = base_url, out_dir, role
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        self.page = self.context.new_page()
        self.external = []
        self.page.on("request", lambda r: self.external.append(r.url)
                     if not r.url.startswith(base_url) and not r.url.startswith("data:") else None)
        self.shown = guide_images()
        self.taken = []
        if username:
            self.login(username)

    def login(self, username, *, shoot=None):
        page = self.page
        page.goto(self.base_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        if shoot:
            self.shot(shoot)
        with page.expect_navigation():
            page.click("#login-submit")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    def goto(self, path, *, wait=None, drawn=None):
        """Open a page; ``wait``: a selector to wait for; ``drawn``: the id of a map whose data-loaded must be > 0."""
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, f"{path}: HTTP {response.status}"
        if wait:
            self.page.wait_for_selector(wait, timeout=30000)
        if drawn:
            self.page.wait_for_function("id => Number(document.getElementById(id).dataset.loaded) > 0", arg=drawn,
                                        timeout=30000)
        return response

    def submit(self, selector):
        with self.page.expect_navigation():
            self.page.click(selector)
        errors = self.page.locator(".messages .error")
        assert errors.count() == 0, errors.all_inner_texts()

    def shot(self, name):
        assert name in self.shown, f"the guide shows no img/{name}.png: add it to docs/user-guide/{self.role}.md"
        assert self.shown[name] == f"{self.role}.md", f"img/{name}.png belongs in {self.shown[name]}"
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring
        self.page.wait_for_timeout(300)  # let transitions and popups settle
        raw = self.out_dir / f"{name}.raw.png"
        self.page.screenshot(path=str(raw))
        with Image.open(raw) as im:
            small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            small.save(self.out_dir / f"{name}.png", optimize=True)
        raw.unlink()
        self.taken.append(name)

    def close(self):
        self.context.close()
        assert not self.external, f"pages loaded external resources: {self.external}"


@pytest.fixture
def journey(browser, live_demo, guide_dir):
    """``journey(role, username)`` opens a browser as the demo user; ``role`` (the guide's file name) is None for a
    helper that only prepares data. At the end every image of the role's guide must have been taken."""
    opened = []

    def start(role=None, username=None):
        j = Journey(browser, live_demo, guide_dir, role, username)
        opened.append(j)
        return j

    yield start
    for j in opened:
        j.close()
    for role in {j.role for j in opened if j.role}:
        taken = {name for j in opened if j.role == role for name in j.taken}
        missing = sorted(n for n, md in guide_images().items() if md == f"{role}.md" and n not in taken)
        assert not missing, f"{role}.md shows images its journey did not take: {missing}"


def test_guide_has_a_page_per_role_and_every_image(guide_dir):
    """The index links every role's guide; every image a guide shows is committed, 1280×800, small."""
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    for role, title in ROLES.items():
        assert f"({role}.md)" in index and title in index
        assert (GUIDE / f"{role}.md").exists()
    shown = guide_images()
    committed = {p.stem for p in (GUIDE / "img").glob("*.png")}
    assert set(shown) == committed, (f"not committed: {sorted(set(shown) - committed)}; "
                                     f"shown nowhere: {sorted(committed - set(shown))}")
    total = 0
    for name in shown:
        path = GUIDE / "img" / f"{name}.png"
        with Image.open(path) as im:
            assert im.size == (VIEWPORT["width"], VIEWPORT["height"]), f"{name}: {im.size}"
        total += path.stat().st_size
    assert total < 5 * 1024 * 1024, f"the guide's images weigh {total / 1e6:.1f} MB"


def test_public_journey(journey):
    j = journey("public")
    page = j.page
    j.goto("/")
    assert "总览" in page.title()
    j.shot("public-home")
    j.goto("/open-list/", drawn="open-list-map")
    j.shot("public-open-list")
    page.select_option("#open-list-filters select[name=kind]", "school")
    j.submit("#open-list-filters button[type=submit]")
    page.wait_for_function("() => Number(document.getElementById('open-list-map').dataset.loaded) > 0")
    assert "kind=school" in page.url
    j.shot("public-open-list-filtered")
    # the approval status: typed by its code, no login
    office = journey(username="office")
    office.goto("/approvals/")
    code = office.page.locator("main a[href^='/approvals/YJS']").first.inner_text().strip()
    j.goto("/approvals/status/")
    page.fill("#status-form input[name=code]", code)
    j.submit("#status-form button[type=submit]")
    expect(page.locator("#public-status")).to_contain_text(code)
    j.shot("public-approval-status")
    j.goto("/emf/sites/")
    j.shot("public-emf")
    j.goto("/industry/notices/")
    j.shot("public-industry-notices")


def test_enterprise_journey(journey):
    j = journey("enterprise")
    page = j.page
    j.login("enterprise", shoot="enterprise-login")
    j.goto("/industry/applications/")
    j.shot("enterprise-applications")
    j.goto("/industry/applications/new/")
    page.select_option("#id_clause", label="5G智能化改造补助 (三(二))")
    page.fill("#id_project_title", "电机产线5G改造（用户手册示例）")
    page.fill("#id_project_ref", PROJECT)
    page.fill("#id_amount_equipment_investment", "8000000")
    page.fill("#id_amount_technology_it_investment", "1500000")
    page.check("#id_declare_project")
    j.shot("enterprise-new-application")
    page.click("#create-application")
    expect(page.locator("#computed-amount")).to_be_visible()
    page.fill("#id_invoice_number", INVOICE)
    page.fill("#id_invoice_date", "2021-03-01")
    page.fill("#id_invoice_amount", "8000000")
    page.fill("#id_invoice_seller", "嘉兴电机设备有限公司")
    page.fill("#id_invoice_tax_id", "91330400GUIDE0001")
    page.click("#add-invoice")
    expect(page.locator("#invoices")).to_contain_text(INVOICE)
    j.shot("enterprise-application-draft")
    page.click("#submit-application")
    expect(page.locator("#app-state")).to_contain_text("已提交")
    j.shot("enterprise-application-submitted")


def test_operator_journey(journey):
    j = journey("operator", "mobile")
    page = j.page
    j.goto("/sites/map/", drawn="site-map")
    j.shot("operator-site-map")
    j.goto("/sites/list/")
    j.shot("operator-site-list")
    # a site request on the open list (the first entries carry the demo's own requests)
    j.goto(ENTRIES.format(OPERATOR_ENTRY[0]))
    with page.expect_navigation():
        page.click(f"#resource-table tbody tr:nth-child({OPERATOR_ENTRY[1]}) td:first-child a")
    j.shot("operator-open-list-entry")
    with page.expect_navigation():
        page.click("#request-link")
    page.fill("#id_purpose", "南湖区 中环南路 补盲")
    j.shot("operator-site-request")
    j.submit("#request-form button[type=submit]")
    assert "/open-list/requests/SR-" in page.url
    j.shot("operator-site-request-sent")
    # the one-stop approval: a new application in the draft state
    j.goto("/approvals/")
    with page.expect_navigation():
        page.click("#new-application")
    page.fill("#title", "南湖区 中环南路 楼顶站")
    page.fill("#project_code", "2026-330402-63-03-004243")
    page.fill("#contact_name", "李工")
    page.fill("#contact_phone", "0573-82000010")
    j.shot("operator-approval-new")
    j.submit("#create-form button[type=submit]")
    assert re.search(r"/approvals/YJS\d+/", page.url)
    j.shot("operator-approval-draft")
    # an incident (theft, obstruction, ...) is routed to the right department
    j.goto("/cases/")
    with page.expect_navigation():
        page.click("#incident-new")
    page.select_option("#id_kind", "theft")
    page.fill("#id_location", "南湖区 中环南路 杆站")
    page.fill("#id_description", "夜间馈线被盗割")
    j.shot("operator-incident-new")
    j.submit("#case-submit")
    assert re.match(r"INC-\d{4}-\d{4}", page.locator("h1").inner_text())
    j.shot("operator-incident-reported")


def test_owner_journey(journey):
    operator = journey(username="mobile")  # a request to answer (no screenshots of its own)
    operator.goto(ENTRIES.format(OWNER_ENTRY[0]))
    with operator.page.expect_navigation():
        operator.page.click(f"#resource-table tbody tr:nth-child({OWNER_ENTRY[1]}) td:first-child a")
    with operator.page.expect_navigation():
        operator.page.click("#request-link")
    operator.page.fill("#id_purpose", "秀洲区 补盲")
    operator.submit("#request-form button[type=submit]")
    request_url = operator.page.url.removeprefix(operator.base_url)

    j = journey("owner", "owner")
    page = j.page
    j.goto("/open-list/manage/")
    j.shot("owner-entries")
    j.goto("/open-list/requests/")
    j.shot("owner-requests")
    j.goto(request_url)
    page.fill("#answer-form textarea[name=conditions]", "电费按实结算；施工前三日通知物业")
    page.select_option("#answer-form select[name=charge_kind_1]", "power")
    j.shot("owner-answer")
    j.submit("#accept-button")
    assert page.inner_text("#planned-site").startswith("P-")
    j.shot("owner-accepted")


def test_department_journey(journey):
    j = journey("department", "planning")
    page = j.page
    j.goto("/approvals/")
    j.shot("department-queue")
    with page.expect_navigation():
        page.click("main a[href^='/approvals/YJS']")
    expect(page.locator("#items")).to_be_visible()
    j.shot("department-application")
    page.locator("#items").scroll_into_view_if_needed()
    j.shot("department-items")
    police = journey("department", "police")
    police.goto("/cases/incident/")
    police.shot("department-incidents")
    with police.page.expect_navigation():
        police.page.click("main a[href^='/cases/incident/INC-']")
    police.shot("department-incident")


def test_office_journey(journey):
    j = journey("office", "office")
    j.goto("/")
    j.shot("office-home")
    j.goto("/supervision/", drawn="region-map")
    j.shot("office-supervision")
    j.goto("/supervision/tasks/")
    j.shot("office-tasks")
    j.goto("/supervision/evaluation/")
    j.shot("office-evaluation")
    j.goto("/approvals/")
    j.shot("office-approvals")
    j.goto("/coverage/")
    j.shot("office-coverage")
    j.goto("/industry/applications/")
    j.shot("office-industry")
    j.goto("/audit/")
    j.shot("office-audit")
