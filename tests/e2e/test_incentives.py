"""Main journey of the incentives: an enterprise applies, the office reviews, the public notice shows it."""

import re

from playwright.sync_api import expect

from .conftest import login


def test_enterprise_applies_office_reviews_public_notice_shows(page, browser, live_demo, screenshots_dir):
    login(page, "enterprise")
    page.goto(page.base_url + "/industry/applications/new/")
    page.select_option("#id_clause", label="5G智能化改造补助 (三(二))")
    page.fill("#id_project_title", "E2E 射频产线5G改造")
    page.fill("#id_project_ref", "e2e:rf-line")
    page.fill("#id_amount_equipment_investment", "12345678.91")
    page.fill("#id_amount_technology_it_investment", "2345678.37")
    page.check("#id_declare_project")
    page.click("#create-application")
    expect(page.locator("#computed-amount")).to_contain_text("¥1,703,703.57")
    expect(page.locator("#trace")).to_contain_text("1,703,703.565")
    page.fill("#id_invoice_number", "E2E-INV-1")
    page.fill("#id_invoice_date", "2021-03-01")
    page.fill("#id_invoice_amount", "12345678.91")
    page.fill("#id_invoice_seller", "嘉兴射频设备有限公司")
    page.fill("#id_invoice_tax_id", "91330400E2E0001")
    page.click("#add-invoice")
    expect(page.locator("#invoices")).to_contain_text("E2E-INV-1")
    page.click("#submit-application")
    expect(page.locator("#app-state")).to_contain_text(re.compile("已提交|Submitted"))
    number = page.locator("h1").inner_text().split(" ")[0]
    page.screenshot(path=str(screenshots_dir / "incentives-application.png"), full_page=True)

    office = browser.new_context(locale="zh-CN").new_page()
    office.base_url = live_demo
    login(office, "office")
    office.goto(f"{live_demo}/industry/applications/{number}/")
    office.check("#id_eligibility_checked")
    office.check("#id_evidence_checked")
    office.click("#save-review")
    office.click("#start-notice")
    expect(office.locator("#app-state")).to_contain_text(re.compile("公示|public notice"))
    office.context.close()

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_demo}/industry/notices/")
    expect(public.locator("#notice-table")).to_contain_text("E2E 射频产线5G改造")
    expect(public.locator("#notice-table")).to_contain_text("¥1,703,703.57")
    public.screenshot(path=str(screenshots_dir / "incentives-notice.png"), full_page=True)
    public.context.close()


def test_enterprise_submits_a_case_office_publishes_it_the_public_gallery_shows_it(page, browser, live_demo,
                                                                                   screenshots_dir):
    login(page, "enterprise")
    page.goto(page.base_url + "/industry/cases/new/")
    page.fill("#id_title", "E2E 5G+机器视觉质检")
    page.select_option("#id_field", "smart_manufacturing")
    page.fill("#id_summary", "<b>产线</b>质检由5G回传的机器视觉完成")
    page.click("#industry-submit")
    expect(page.locator("#case-state")).to_contain_text(re.compile("已提交|Submitted"))
    case_url = page.url

    anonymous = browser.new_context(locale="zh-CN").new_page()
    anonymous.goto(f"{live_demo}/industry/gallery/")
    expect(anonymous.locator("#gallery")).not_to_contain_text("E2E 5G+机器视觉质检")

    office = browser.new_context(locale="zh-CN").new_page()
    office.base_url = live_demo
    login(office, "office")
    office.goto(case_url)
    office.click("#action-publish button")
    expect(office.locator("#case-state")).to_contain_text(re.compile("已发布|Published"))
    office.context.close()

    anonymous.goto(f"{live_demo}/industry/gallery/")
    expect(anonymous.locator("#gallery")).to_contain_text("E2E 5G+机器视觉质检")
    expect(anonymous.locator("#gallery")).to_contain_text("<b>产线</b>")  # shown as typed, not as markup
    anonymous.screenshot(path=str(screenshots_dir / "industry-gallery.png"), full_page=True)
    anonymous.context.close()


def test_financial_office_records_listing_stages_with_dates(page, live_demo, screenshots_dir):
    login(page, "jrb")
    page.goto(page.base_url + "/industry/listings/new/")
    # 富通集团 is not in the demo's pipeline
    value = page.locator("#id_enterprise option", has_text="富通").first.get_attribute("value")
    page.select_option("#id_enterprise", value)
    page.click("#industry-submit")
    expect(page.locator("#listing-stage")).to_contain_text(re.compile("培育|Cultivation"))
    page.click("#step-tutoring button")
    expect(page.locator("#listing-stage")).to_contain_text(re.compile("辅导备案|Tutoring"))
    expect(page.locator("#listing-changes")).to_contain_text("年")
    page.goto(page.base_url + "/industry/listings/")
    expect(page.locator("#listing-counts")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "industry-listings.png"), full_page=True)
