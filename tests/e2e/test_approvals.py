"""Browser journey of the one-stop approval: a batch of a new tower, a rooftop and a smart pole goes from the
draft through the one-time notice, resubmission, parallel review and one joint survey to one decision whose
certificate is verified on the public page its QR code points to."""

import re

import pytest

from rollout5g.permits.certificates import verification_code

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

SITES = [
    {"name": "浏览器 新建铁塔", "lon": "120.7301", "lat": "30.7402", "site_type": "macro_tower",
     "flags": ["new_structure", "new_power_connection"]},
    {"name": "浏览器 楼顶站", "lon": "120.7352", "lat": "30.7431", "site_type": "rooftop",
     "flags": ["on_existing_building"]},
    {"name": "浏览器 智慧杆", "lon": "120.7403", "lat": "30.7463", "site_type": "smart_pole",
     "flags": ["new_structure", "in_road", "new_power_connection"]},
]
DEPARTMENTS = ["planning", "construction", "radio", "ecology", "roads", "power"]


def as_user(browser, base_url, username, external):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.on("request", lambda r: external.append(r.url) if not r.url.startswith(base_url)
          and not r.url.startswith("data:") else None)
    pg.goto(base_url + "/accounts/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", PASSWORD)
    with pg.expect_navigation():
        pg.click("#login-submit")
    return pg


def submit(pg, form_id):
    with pg.expect_navigation():
        pg.click(f"#{form_id} button[type=submit]")
    errors = pg.locator(".messages .error")
    assert errors.count() == 0, errors.all_inner_texts()


def test_batch_approval_journey(browser, live_demo, screenshots_dir, tmp_path):
    external = []
    mobile = as_user(browser, live_demo, "mobile", external)
    mobile.goto(live_demo + "/approvals/")
    with mobile.expect_navigation():
        mobile.click("#new-application")
    mobile.fill("#title", "浏览器 三站联合审批")
    mobile.fill("#project_code", "2026-330402-63-03-004242")
    mobile.fill("#contact_name", "王工")
    mobile.fill("#contact_phone", "0573-82000009")
    submit(mobile, "create-form")
    code = re.search(r"/approvals/(YJS\d+)/", mobile.url).group(1)
    app_url = f"{live_demo}/approvals/{code}/"
    for site in SITES:
        form = mobile.locator("#add-site-form")
        for key in ("name", "lon", "lat"):
            form.locator(f"input[name={key}]").fill(site[key])
        form.locator("select[name=site_type]").select_option(site["site_type"])
        for flag in site["flags"]:
            form.locator(f"input[name={flag}]").check()
        submit(mobile, "add-site-form")
    assert mobile.locator("#sites tbody tr").count() == 3
    doc = tmp_path / "材料.pdf"
    doc.write_bytes(b"%PDF-1.4 browser test")
    codes = mobile.locator("#upload-form select[name=code] option").evaluate_all("o => o.map(x => x.value)")
    assert "traffic_plan" in codes and "design_drawings" in codes
    for material in codes:
        if material == "design_drawings":
            continue  # forgotten: the one-time notice will list it
        mobile.select_option("#upload-form select[name=code]", material)
        mobile.set_input_files("#upload-form input[type=file]", str(doc))
        submit(mobile, "upload-form")
    submit(mobile, "submit-form")
    assert mobile.locator("#app-state").get_attribute("data-state") == "received"

    planning = as_user(browser, live_demo, "planning", external)
    planning.goto(app_url)
    planning.select_option("#flag-form select[name=flag_ref]", "material:site_plan")  # chosen from the list
    planning.fill("#flag-form input[name=message]", "总平面图未标注与住宅楼的间距")
    submit(planning, "flag-form")

    office = as_user(browser, live_demo, "office", external)
    office.goto(app_url)
    submit(office, "notice-form")
    assert office.locator("#app-state").get_attribute("data-state") == "notice_issued"
    notice = office.locator("#deficiencies").inner_text()
    assert "铁塔（杆体）设计图纸" in notice and "站址总平面图" in notice  # design_drawings, site_plan by their names

    mobile.goto(app_url)
    for material in ("design_drawings", "site_plan"):
        mobile.select_option("#upload-form select[name=code]", material)
        mobile.set_input_files("#upload-form input[type=file]", str(doc))
        submit(mobile, "upload-form")
    submit(mobile, "resubmit-form")

    office.goto(app_url)
    submit(office, "accept-form")
    assert office.locator("#app-state").get_attribute("data-state") == "under_review"
    submit(office, "survey-form")
    office.fill("#consult-form input[name=notes]", "社区公示无异议")
    submit(office, "consult-form")
    office.fill("#hold-form input[name=record]", "三个站址均具备建设条件")
    submit(office, "hold-form")

    reviewers = {"planning": planning}
    for name in DEPARTMENTS:
        pg = reviewers.get(name) or as_user(browser, live_demo, name, external)
        reviewers[name] = pg
        pg.goto(app_url)
        pg.fill("#sign-form input[name=opinion]", f"{name} 同意")
        submit(pg, "sign-form")
    assert reviewers["power"].locator("#survey-state").get_attribute("data-state") == "signed"
    planning.goto(app_url)
    planning.screenshot(path=str(screenshots_dir / "approvals-review.png"), full_page=True)
    assert planning.locator(".card.review").count() == 3  # coverage-aware review, one card per site

    for name in DEPARTMENTS:
        pg = reviewers[name]
        pg.goto(app_url)
        while pg.locator("#decide-form").count():
            pg.fill("#decide-form input[name=reasons]", f"{name}: 符合规定")
            submit(pg, "decide-form")
    mobile.goto(app_url)
    assert mobile.locator("#app-state").get_attribute("data-state") == "decided"
    assert mobile.locator("#comments li").count() >= 12  # every reviewer's reasons, not only the last
    mobile.screenshot(path=str(screenshots_dir / "approvals-decided.png"), full_page=True)
    verify_href = mobile.locator("#verify-link").get_attribute("href")

    anonymous = browser.new_context().new_page()
    anonymous.goto(live_demo + verify_href)
    assert anonymous.locator("#verify-result").inner_text().strip() != ""
    assert "badge green" in anonymous.locator("#verify-result").get_attribute("class")
    number = anonymous.locator("#cert-number").inner_text().strip()
    # without the QR code: the public navigation entry leads to the lookup, and from there to the certificate check
    anonymous.goto(live_demo + "/")
    anonymous.locator("nav a[href='/approvals/']").first.click()
    assert anonymous.locator("#status-form").count() == 1  # the public lookup, not the login
    anonymous.click("#verify-form-link")
    anonymous.fill("#verify-form input[name=number]", number)
    anonymous.fill("#verify-form input[name=code]", verification_code(verify_href.rstrip("/").rsplit("/", 1)[-1]))
    anonymous.click("#verify-form button[type=submit]")
    assert "badge green" in anonymous.locator("#verify-result").get_attribute("class")
    anonymous.fill("#verify-form input[name=code]", "AAAA-AAAA")
    anonymous.click("#verify-form button[type=submit]")
    assert "badge red" in anonymous.locator("#verify-result").get_attribute("class")
    anonymous.goto(f"{live_demo}/approvals/status/?code={code}")
    assert anonymous.locator("#public-status").count() == 1
    assert "王工" not in anonymous.content()
    assert not external, f"pages loaded external resources: {external}"
