"""The industry workflows of issue 17 item 6, each proved against its clause: the listing pipeline (凤凰行动, Zhejiang
30), first-of-kind recognition feeding the incentive clauses (Zhejiang 14), the talent catalogue and support (Jiaxing
二(四)1, 三(二)), events and the public gallery of application cases (Zhejiang 35), the two alliances (Jiaxing
三(五)). Services and pages are driven as the people of the demo: the financial office (jrb), the talent office
(talent), the economy and IT bureau's industry division (industrydept), the programme office, the enterprises."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rollout5g.audit.services import history_for
from rollout5g.incentives import industry_services as ws
from rollout5g.incentives import services
from rollout5g.incentives.industry_models import (
    Alliance,
    ApplicationCase,
    FirstOfKind,
    ListingStageChange,
    TalentSupport,
)
from rollout5g.incentives.models import Achievement, Application, Recognition
from rollout5g.incentives.selectors import (
    first_of_kind_reviewers,
    listing_counts,
    listing_regulators,
    support_totals,
    talent_offices,
)
from rollout5g.notifications.models import Notification
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.policy.models import IncentiveClause

pytestmark = pytest.mark.django_db


def org(code):
    return Organization.objects.get(code=code)


def pdf(name="报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


# -- who acts: from the policy data --------------------------------------------------------------------------------
def test_the_acting_units_come_from_the_policy_data_the_home_regions_first():
    assert [o.short_name for o in listing_regulators()] == ["市金融办", "省地方金融监管局"]
    assert [o.short_name for o in first_of_kind_reviewers()] == ["市经信局", "省经信厅"]
    assert [o.code for o in talent_offices()][:1] == ["jx-organization"]  # 市委组织部（市委人才办）


# -- 凤凰行动 -------------------------------------------------------------------------------------------------------
@pytest.mark.clause("zj", "30")
@pytest.mark.clause("jx", "三(二)", level="partial")
def test_the_regulator_moves_an_enterprise_through_the_pipeline_with_dated_stages(users):
    jrb = users["jrb"]
    company = ws.listing_register(actor=jrb, enterprise=org("ind-wingtech"), since="2025-03-01")
    assert (company.regulator.short_name, company.stage) == ("市金融办", "cultivating")
    for step, on in (("tutoring", "2025-06-01"), ("apply", "2026-01-10"), ("accept", "2026-02-01"),
                     ("approve", "2026-05-20")):
        ws.listing_step(actor=jrb, company=company, step=step, on=on, board="chinext" if step == "apply" else "")
    ws.listing_step(actor=jrb, company=company, step="list", on="2026-08-03", stock_code="301999")
    company.refresh_from_db()
    assert (company.stage, company.stage_on, company.board, company.stock_code) == (
        "listed", dt.date(2026, 8, 3), "chinext", "301999")
    changes = ListingStageChange.objects.filter(company=company)
    assert [(c.stage, c.on.isoformat()) for c in changes] == [
        ("cultivating", "2025-03-01"), ("tutoring", "2025-06-01"), ("applied", "2026-01-10"),
        ("accepted", "2026-02-01"), ("approved", "2026-05-20"), ("listed", "2026-08-03")]
    counts = {r["year"]: {v: n for v, _label, n in r["stages"]} for r in listing_counts(changes)}
    assert counts[2025] == {**dict.fromkeys(counts[2025], 0), "cultivating": 1, "tutoring": 1}
    assert counts[2026]["listed"] == 1 and counts[2026]["tutoring"] == 0
    notes = [e.note for e in history_for(company) if e.action == "transition"]
    assert notes == ["tutoring", "apply", "accept", "approve", "list"]  # every stage is a declared step, audited
    with pytest.raises(ActionUnavailable):  # listed is final
        ws.listing_step(actor=jrb, company=company, step="withdraw", note="x")


def test_a_stage_date_cannot_go_back_or_ahead_and_a_listing_names_its_stock_code(users, today):
    jrb = users["jrb"]
    company = ws.listing_register(actor=jrb, enterprise=org("ind-wingtech"), since="2026-03-01")
    with pytest.raises(ValidationError) as err:
        ws.listing_step(actor=jrb, company=company, step="tutoring", on="2026-02-01")
    assert "on" in err.value.message_dict
    with pytest.raises(ValidationError):
        ws.listing_step(actor=jrb, company=company, step="tutoring", on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as err:
        ws.listing_step(actor=jrb, company=company, step="withdraw")
    assert "note" in err.value.message_dict
    with pytest.raises(ValidationError):  # the same enterprise twice in the pipeline
        ws.listing_register(actor=jrb, enterprise=org("ind-wingtech"))
    company.refresh_from_db()
    assert company.stage == "cultivating" and company.changes.count() == 1  # nothing half-written


def test_only_the_regulator_office_records_stages(users):
    company = ws.listing_register(actor=users["jrb"], enterprise=org("ind-wingtech"), since="2026-03-01")
    for name in ("office", "wingtech", "planning"):
        with pytest.raises(ActionRefused):
            ws.listing_step(actor=users[name], company=company, step="tutoring")
    with pytest.raises((ActionRefused, ValidationError)):  # another department does not register for the office
        ws.listing_register(actor=users["planning"], enterprise=org("ind-dejing"))


# -- 首台套 / 首批次 / 首版次 ----------------------------------------------------------------------------------------
@pytest.mark.clause("zj", "14")
def test_an_enterprise_applies_and_the_department_recognises_the_product_into_the_registry(users, client):
    ent, dept = users["enterprise"], users["industrydept"]
    a = ws.first_create(actor=ent, kind="equipment", product="5G基站自动调测装备", description="指标……")
    assert (a.reviewer.short_name, a.state) == ("市经信局", "draft")
    with pytest.raises(ActionUnavailable):  # the declared condition: the evidence first
        ws.first_submit(actor=ent, application=a)
    with pytest.raises(ValidationError):
        ws.first_evidence(actor=ent, application=a, upload=SimpleUploadedFile("x.exe", b"MZ"))
    ws.first_evidence(actor=ent, application=a, upload=pdf())
    ws.first_submit(actor=ent, application=a)
    assert client.get(f"/industry/first/{a.number}/").status_code == 404  # not public before the recognition
    ws.first_return(actor=dept, application=a, note="补充检测报告")
    ws.first_edit(actor=ent, application=a, product="5G基站自动调测装备", description="补充后的指标")
    ws.first_submit(actor=ent, application=a)
    with pytest.raises(ActionRefused):  # the applicant does not recognise its own product
        ws.first_recognise(actor=ent, application=a, level="provincial", document="认定文件")
    with pytest.raises(ActionRefused):  # nor another department
        ws.first_recognise(actor=users["planning"], application=a, level="provincial", document="认定文件")
    ws.first_recognise(actor=dept, application=a, level="provincial", document="省首台（套）认定")
    a.refresh_from_db()
    assert a.state == "recognised"
    rec = Recognition.objects.get(product=a)
    assert (rec.level, rec.document) == ("provincial", "省首台（套）认定")
    assert Achievement.objects.filter(enterprise=a.enterprise, kind="first_set", title=a.product).exists()
    page = client.get(f"/industry/first/{a.number}/").content.decode()  # public once recognised
    assert "5G基站自动调测装备" in page and "报告.pdf" not in page and "补充检测报告" not in page


@pytest.mark.clause("zj", "14")
def test_a_recognition_is_matched_to_the_incentive_clauses_the_policy_data_declares(users):
    ent, dept, office = users["enterprise"], users["industrydept"], users["office"]
    a = ws.first_create(actor=ent, kind="software", product="5G工业网关软件", description="……")
    ws.first_evidence(actor=ent, application=a, upload=pdf())
    ws.first_submit(actor=ent, application=a)
    ws.first_recognise(actor=dept, application=a, level="provincial", document="首版次认定")
    # the seed sets no amount (按规定给予相应政策扶持): without a clause for it nothing is proposed
    assert not [p for p in services.match_awards(actor=office) if p.product_id == a.pk]
    # a clause the programme office adds as data is applied without code
    template = IncentiveClause.objects.get(key="jx-5g-pilot-award-provincial")
    IncentiveClause.objects.create(
        document=template.document, key="test-first-version-award", name="首版次软件奖励（测试）", clause="测试",
        text="测试条款", kind="fixed_award", amount=Decimal("300000"),
        eligibility={"recognition": "first_version_software", "level": "provincial"}, payer=["市经信局"])
    (claim,) = [p for p in services.match_awards(actor=office) if p.product_id == a.pk]
    assert (claim.clause.key, claim.computed_amount, claim.track, claim.enterprise) == (
        "test-first-version-award", Decimal("300000.00"), "auto", a.enterprise)
    assert claim.project_ref == f"product:{a.number}"
    assert not [p for p in services.match_awards(actor=office) if p.product_id == a.pk]  # once


# -- talent --------------------------------------------------------------------------------------------------------
@pytest.mark.clause("jx", "二(四)1")
@pytest.mark.clause("jx", "三(二)", level="partial")
def test_the_talent_office_publishes_the_catalogue_and_grants_support_with_totals(users, client):
    talent = users["talent"]
    entry = ws.talent_entry_add(actor=talent, year=2026, field="rf", title="毫米波射频芯片设计", level="leading",
                                shortage="urgent")
    with pytest.raises(ValidationError):
        ws.talent_entry_add(actor=talent, year=2026, field="rf", title="毫米波射频芯片设计", level="leading",
                            shortage="urgent")
    page = client.get("/industry/talent/?field=rf").content.decode()  # the catalogue is public
    assert "毫米波射频芯片设计" in page
    base = support_totals(TalentSupport.objects.all())["total"]
    s1 = ws.talent_support_grant(actor=talent, kind="research", amount="1234567.89", person="测试人甲",
                                 enterprise=org("ind-wingtech"), entry=entry, granted_on="2026-10-08")
    s2 = ws.talent_support_grant(actor=talent, kind="housing", amount="200000", person="测试人乙")
    assert (s1.granted_by.code, s1.amount, s1.state) == ("jx-organization", Decimal("1234567.89"), "granted")
    ws.talent_support_revoke(actor=talent, support=s2, note="离职")
    totals = support_totals(TalentSupport.objects.all())
    assert totals["total"] - base == Decimal("1234567.89")  # the revoked grant does not count
    for bad in ("-5", "abc", "1.234", "0", "200000000"):
        with pytest.raises(ValidationError) as err:
            ws.talent_support_grant(actor=talent, kind="research", amount=bad, person="x")
        assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError):  # somebody receives it
        ws.talent_support_grant(actor=talent, kind="research", amount="1")
    assert TalentSupport.objects.filter(number__in=[s1.number, s2.number]).count() == 2


def test_support_is_shown_in_yuan_and_a_persons_grant_is_not_public(users, client_for, client):
    talent = users["talent"]
    s = ws.talent_support_grant(actor=talent, kind="research", amount="1234567.89", person="测试人甲",
                                enterprise=org("ind-wingtech"))
    page = client_for("talent").get(f"/industry/talent/support/{s.number}/").content.decode()
    assert "¥1,234,567.89" in page and "2026年11月16日" in page and "research" not in page
    assert client_for("wingtech").get(f"/industry/talent/support/{s.number}/").status_code == 200  # its enterprise
    assert client_for("enterprise").get(f"/industry/talent/support/{s.number}/").status_code == 404
    assert client.get(f"/industry/talent/support/{s.number}/").status_code == 302  # to the login
    with pytest.raises(ActionRefused):  # the programme office reads it, the granting office revokes it
        ws.talent_support_revoke(actor=users["office"], support=s, note="x")


# -- events and the public gallery ---------------------------------------------------------------------------------
@pytest.mark.clause("zj", "35")
def test_events_are_recorded_by_the_office_and_public(users, client, today):
    office = users["office"]
    event = ws.event_add(actor=office, kind="summit", title="5G峰会（测试）", starts_on=today, ends_on=today,
                         place="会展中心", organiser="市经信局")
    future = ws.event_add(actor=office, kind="exhibition", title="成果展（测试）", starts_on=today + dt.timedelta(days=9),
                          ends_on=today + dt.timedelta(days=11), place="展馆", organiser="市经信局")
    with pytest.raises(ValidationError):
        ws.event_add(actor=office, kind="forum", title="x", starts_on=today, ends_on=today - dt.timedelta(days=1),
                     place="p", organiser="o")
    with pytest.raises(ActionRefused):
        ws.event_add(actor=users["enterprise"], kind="forum", title="x", starts_on=today, ends_on=today, place="p",
                     organiser="o")
    with pytest.raises(ValidationError):  # not held before it starts
        ws.event_held(actor=office, event=future, participants=10)
    ws.event_held(actor=office, event=event, participants=1200, outcome="签约5个项目")
    page = client.get(f"/industry/events/{event.code}/").content.decode()
    assert "5G峰会（测试）" in page and "1,200" in page and "签约5个项目" in page
    assert "成果展（测试）" in client.get("/industry/events/").content.decode()


@pytest.mark.clause("zj", "35")
def test_the_gallery_shows_published_cases_only_and_escapes_what_enterprises_typed(users, client, client_for):
    ent, office = users["enterprise"], users["office"]
    case = ws.case_submit_new(actor=ent, title="<script>alert(1)</script>5G质检", field="industrial_internet",
                              summary="机器视觉质检")
    assert case.state == "submitted"
    assert "机器视觉质检" not in client.get("/industry/gallery/").content.decode()
    assert client.get(f"/industry/cases/{case.number}/").status_code == 404
    assert client_for("wingtech").get(f"/industry/cases/{case.number}/").status_code == 404  # another firm
    with pytest.raises(ActionRefused):  # the enterprise does not publish its own case
        ws.case_step(actor=ent, case=case, step="publish")
    ws.case_step(actor=office, case=case, step="publish")
    page = client.get("/industry/gallery/").content.decode()
    assert "机器视觉质检" in page and "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    api = client.get("/api/industry/gallery").json()
    assert case.number in [c["number"] for c in api["items"]]
    with pytest.raises(ValidationError):  # a take-down says why
        ws.case_step(actor=office, case=case, step="unpublish")
    ws.case_step(actor=office, case=case, step="unpublish", note="企业要求撤下")
    assert "机器视觉质检" not in client.get("/industry/gallery/").content.decode()
    assert ApplicationCase.objects.get(pk=case.pk).state == "unpublished"


# -- notifications in the reader's language (issue 19) -------------------------------------------------------------
def _read(note, language):
    with translation.override(language):
        return Notification.objects.get(pk=note.pk).subject_text


def test_the_industry_notifications_are_keys_read_in_the_readers_language(users):
    """Sent by people working in English, read in Chinese by a Chinese reader and in English by an English one: the
    stage and the state are stored as choice codes, not as labels in the sender's language."""
    ent, dept, office = users["enterprise"], users["industrydept"], users["office"]
    with translation.override("en"):
        company = ws.listing_register(actor=users["jrb"], enterprise=org("ind-wingtech"), since="2026-03-01")
        ws.listing_step(actor=users["jrb"], company=company, step="tutoring", on="2026-06-01")
        a = ws.first_create(actor=ent, kind="equipment", product="5G基站自动调测装备", description="指标")
        ws.first_evidence(actor=ent, application=a, upload=pdf())
        ws.first_submit(actor=ent, application=a)
        ws.first_recognise(actor=dept, application=a, level="provincial", document="省首台（套）认定")
        case = ws.case_submit_new(actor=ent, title="5G质检", field="industrial_internet", summary="机器视觉质检")
        ws.case_step(actor=office, case=case, step="publish")
    [listing] = Notification.objects.filter(recipient=users["wingtech"], key__startswith="incentives:listing:")
    assert listing.params["stage"] == {"$choice": "incentives.ListingCompany.stage", "value": "tutoring"}
    enterprise = str(org("ind-wingtech"))
    assert _read(listing, "zh-hans") == f"{enterprise}：已辅导备案"
    assert _read(listing, "en") == f"{enterprise}: Tutoring filed"
    [submitted] = Notification.objects.filter(recipient=dept, key__startswith=f"incentives:first:{a.pk}:submitted")
    assert _read(submitted, "zh-hans") == f"{a.number}：首台套（首批次、首版次）申报已提交"
    assert _read(submitted, "en") == f"{a.number}: first-of-kind application submitted"
    [recognised] = Notification.objects.filter(recipient=ent, key=f"incentives:first:{a.pk}:recognised")
    assert (_read(recognised, "zh-hans"), _read(recognised, "en")) == (f"{a.number}：已认定",
                                                                      f"{a.number}: recognised")
    [published] = Notification.objects.filter(recipient=ent, key__startswith=f"incentives:case:{case.pk}:publish")
    assert published.params["state"] == {"$choice": "incentives.ApplicationCase.state", "value": "published"}
    assert _read(published, "zh-hans") == "应用案例5G质检：已发布"
    assert _read(published, "en") == "Application case 5G质检: Published"


# -- alliances -----------------------------------------------------------------------------------------------------
@pytest.mark.clause("jx", "三(五)")
def test_the_two_alliances_are_organizations_with_members_and_activities(users, client, today):
    kinds = set(Alliance.objects.values_list("kind", flat=True))
    assert kinds == {"5g_industry", "smart_pole"}  # the demo's two alliances
    pole = Alliance.objects.get(kind="smart_pole")
    tower = users["tower"]
    assert pole.secretariat == tower.organization
    member = ws.alliance_admit(actor=tower, alliance=pole, organization=org("ind-saisi"), joined_on=today)
    with pytest.raises(ValidationError):  # not twice
        ws.alliance_admit(actor=users["office"], alliance=pole, organization=org("ind-saisi"))
    with pytest.raises(ActionRefused):  # an operator that is not the secretariat
        ws.alliance_admit(actor=users["unicom"], alliance=pole, organization=org("ind-dejing"))
    with pytest.raises(ValidationError):  # participants are members
        ws.alliance_activity(actor=tower, alliance=pole, kind="meeting", title="x", held_on=today,
                             participants=[org("ind-dejing").pk])
    activity = ws.alliance_activity(actor=tower, alliance=pole, kind="standard", title="多功能杆团体标准研讨",
                                    held_on=today, participants=[member.organization_id])
    assert list(activity.participants.all()) == [org("ind-saisi")]
    ws.alliance_remove(actor=users["office"], alliance=pole, member=member, left_on=today)
    page = client.get(f"/industry/alliances/{pole.code}/").content.decode()  # public
    assert "多功能杆团体标准研讨" in page and "赛思电子" in page


def test_every_new_workflow_has_synthetic_demo_rows():
    from rollout5g.incentives.industry_models import IndustryEvent, ListingCompany, TalentEntry

    for model in (ListingCompany, FirstOfKind, TalentEntry, TalentSupport, IndustryEvent, ApplicationCase, Alliance):
        assert model.objects.filter(is_synthetic=True).exists(), model
    assert Application.objects.exists()
