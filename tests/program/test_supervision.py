"""Programme supervision through services and HTTP: the flow, reports and who may file them, the registry-driven
indicator, the regional evaluation on a hand-computed example, the Excel ledger, snapshots, meetings, warnings."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from rollout5g.policy.indicators import observe
from rollout5g.policy.models import Indicator, PolicyTask
from rollout5g.program import services
from rollout5g.program.models import EvaluationIndicator, ProgressReport, Snapshot
from rollout5g.program.selectors import regional_evaluation, task_status, task_statuses
from rollout5g.regions.models import Region
from tests.conftest import TODAY as FIXED_TODAY

pytestmark = pytest.mark.django_db
TODAY = FIXED_TODAY.date()  # the day every test runs on (tests/conftest.py)


def task_naming(code, *, role=None, exclude=False):
    qs = PolicyTask.objects.filter(units__organization__code=code)
    if role:
        qs = qs.filter(units__role=role, units__organization__code=code)
    if exclude:
        return PolicyTask.objects.exclude(pk__in=qs.values("pk")).order_by("pk").first()
    return qs.distinct().order_by("pk").first()


def test_demo_shows_every_task_with_milestones_reports_and_each_colour_explained():
    rows = task_statuses()
    assert len(rows) == PolicyTask.objects.count() >= 65  # 35 provincial + 30 Jiaxing tasks
    assert PolicyTask.objects.filter(document__key="zhejiang-2020-5g-action-plan-tasks").count() == 35
    assert all(row.task.milestones.all() for row in rows)
    assert {row.verdict.colour for row in rows} == {"red", "amber", "green", "grey"}
    assert all(row.verdict.message and row.verdict.rule for row in rows)
    assert ProgressReport.objects.values("organization").distinct().count() >= 5


def test_department_reports_only_on_its_own_tasks(client_for, users):
    planning = users["planning"]
    own = task_naming(planning.organization.code)
    other = task_naming(planning.organization.code, exclude=True)
    c = client_for("planning")
    r = c.post(f"/supervision/tasks/{own.pk}/report/", {"period": "2021-06", "text": "规划选址已完成"})
    assert r.status_code == 302
    assert ProgressReport.objects.get(task=own, organization=planning.organization, period=dt.date(2021, 6, 1))
    assert c.post(f"/supervision/tasks/{other.pk}/report/", {"period": "2021-06", "text": "x"}).status_code == 404
    assert not ProgressReport.objects.filter(task=other, organization=planning.organization).exists()
    assert c.get(f"/supervision/tasks/{other.pk}/").status_code == 404
    # the API says the same
    r = c.post(f"/api/supervision/tasks/{other.pk}/reports", {"period": "2021-06", "text": "x"},
               content_type="application/json")
    assert r.status_code == 404
    listed = {t["id"] for t in c.get("/api/supervision/tasks").json()}
    assert own.pk in listed and other.pk not in listed
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=planning, task=other, period=TODAY, text="x")


def test_office_sees_every_task_and_anonymous_nothing(client_for, client):
    office = client_for("office")
    page = office.get("/supervision/tasks/")
    assert page.status_code == 200
    assert page.content.decode().count("/supervision/tasks/") - 1 >= PolicyTask.objects.count()
    assert len(office.get("/api/supervision/tasks").json()) == PolicyTask.objects.count()
    assert client.get("/supervision/").status_code == 302
    assert client.get("/api/supervision/tasks").status_code == 401
    task = task_naming("jx-mobile")
    # another unit's reports are not visible to a unit not on the task
    assert client_for("police").get(f"/api/supervision/tasks/{task.pk}/reports").status_code in (404,) or \
        task_naming("jx-police") == task


def test_flow_lead_unit_moves_office_closes(users, client_for):
    task = PolicyTask.objects.filter(status="assigned", units__organization__code="jx-mobile",
                                     units__role="responsible").first() or task_naming("jx-mobile")
    PolicyTask.objects.filter(pk=task.pk).update(status="in_progress")
    task.refresh_from_db()
    mobile, police = users["mobile"], users["police"]
    if police.organization_id not in services.lead_unit_ids(task):
        with pytest.raises(PermissionDenied):
            services.task_transition(actor=police, task=task, to_status="submitted")
    task = services.task_transition(actor=mobile, task=task, to_status="submitted", note="done")
    with pytest.raises(PermissionDenied):
        services.task_transition(actor=mobile, task=task, to_status="closed")
    r = client_for("office").post(f"/supervision/tasks/{task.pk}/transition/", {"to": "closed"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed"
    assert task_status(task).verdict.rule == "closed"
    actions = [e.after.get("status") for e in __import__("rollout5g.audit.services", fromlist=["x"]).history_for(task)
               if e.after and "status" in e.after]
    assert actions[-2:] == ["submitted", "closed"]


def test_extension_is_counted_and_moves_the_deadline(users):
    task = task_naming("jx-mobile")
    office, mobile = users["office"], users["mobile"]
    old = services.effective_deadline(task)
    ext = services.extension_request(actor=mobile, task=task, new_deadline=old + dt.timedelta(days=60),
                                     reason="铁塔资源协调延迟")
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=mobile, extension=ext, approve=True)
    services.extension_decide(actor=office, extension=ext, approve=True)
    assert task.extensions.filter(state="approved").count() == 1
    assert services.effective_deadline(task) == old + dt.timedelta(days=60)
    assert task_status(task).facts.deadline == old + dt.timedelta(days=60)


def test_base_station_indicator_follows_the_registry(users):
    from rollout5g.sites.models import Cell, Site
    from rollout5g.sites.services import site_transition

    indicator = Indicator.objects.get(key="jx-5g-base-stations")
    city = Region.objects.get(pk="330400")
    before = observe(indicator, city, TODAY)
    assert before.source == "computed: registry.on_air_base_stations"
    site = Site.objects.filter(state="on_air", cells__band="n78").first()
    gnbs = Cell.objects.filter(site=site, band__in=["n41", "n78", "n28", "n1", "n79"]).values("operator").distinct().count()
    site_transition(actor=users["admin"], site=site, to_state="retired", on=TODAY - dt.timedelta(days=1))
    after = observe(indicator, city, TODAY)
    assert after.value == before.value - gnbs and gnbs >= 1


@pytest.mark.clause("zj", "29", level="partial")
def test_regional_evaluation_hand_computed_example(users):
    """Two entered indicators, weights 0.6 / 0.4, targets 10 and 5 in every county, cap 1.2:
    南湖 A 12 (1.2) B 5 (1.0): 100(0.72 + 0.40) = 112   秀洲 A 10 (1.0) B 4 (0.8): 60 + 32 = 92
    嘉善 A 8 (0.8) B 6 (1.2): 48 + 48 = 96              海盐 A 5 (0.5) B 2.5 (0.5): 30 + 20 = 50
    海宁 A 15 (1.5 -> 1.2) B 1 (0.2): 72 + 8 = 80       平湖 A 9 (0.9) B 5 (1.0): 54 + 40 = 94
    桐乡 A 0 (0) B 7.5 (1.5 -> 1.2): 0 + 48 = 48"""
    office = users["office"]
    a, b = Indicator.objects.get(key="jx-5g-industry-scale"), Indicator.objects.get(key="jx-5g-cluster-output")
    EvaluationIndicator.objects.all().delete()
    counties = ["330402", "330411", "330421", "330424", "330481", "330482", "330483"]
    EvaluationIndicator.objects.create(code="a", name="A", weight=Decimal("0.6"), indicator=a, year=2021,
                                       targets=dict.fromkeys(counties, 10))
    EvaluationIndicator.objects.create(code="b", name="B", weight=Decimal("0.4"), indicator=b, year=2021,
                                       targets=dict.fromkeys(counties, 5), sort_order=1)
    values = dict(zip(counties, [(12, 5), (10, 4), (8, 6), (5, 2.5), (15, 1), (9, 5), (0, 7.5)], strict=True))
    for adcode, (va, vb) in values.items():
        region = Region.objects.get(pk=adcode)
        for ind, v in ((a, va), (b, vb)):
            services.indicator_value_enter(actor=office, indicator=ind, region=region, as_of=dt.date(2021, 12, 31),
                                           value=v, source_note="test")
    result = regional_evaluation(dt.date(2022, 3, 1))
    by_code = {r["adcode"]: r for r in result.rows()}
    expected = {"330402": (112, 1, "优秀"), "330421": (96, 2, "优秀"), "330482": (94, 3, "优秀"),
                "330411": (92, 4, "优秀"), "330481": (80, 5, "良好"), "330424": (50, 6, "待提升"),
                "330483": (48, 7, "待提升")}
    for adcode, (score, rank, tier) in expected.items():
        assert by_code[adcode]["score"] == pytest.approx(score, abs=1e-9)  # float rounding only
        assert (by_code[adcode]["rank"], by_code[adcode]["tier"]) == (rank, tier)
    # the what-if view: all weight on B puts 桐乡 (B capped 1.2) first with 嘉善
    r = users and regional_evaluation(dt.date(2022, 3, 1), weights={"a": 0.0, "b": 1.0})
    assert {x["adcode"] for x in r.rows() if x["rank"] == 1} == {"330421", "330483"}


def test_evaluation_pages(client_for):
    c = client_for("office")
    page = c.get("/supervision/evaluation/?w_base-stations=0.4&w_key-area-coverage=0.4&w_industry-output=0.2")
    assert page.status_code == 200 and "sensitivity" in page.content.decode()
    data = c.get("/api/supervision/evaluation").json()
    assert len(data["regions"]) == 7 and sorted(r["rank"] for r in data["regions"])[0] == 1


def _fill(data, rows):
    wb = load_workbook(io.BytesIO(data))
    ws = wb["任务台账"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for r, values in rows.items():
        for h, v in values.items():
            ws.cell(row=r, column=col[h], value=v)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "ledger.xlsx"
    return out


def test_ledger_round_trip_and_a_bad_row_commits_nothing(client_for, users):
    c = client_for("mobile")
    r = c.get("/supervision/ledger/template.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content))["任务台账"]
    assert [cell.value for cell in ws[1]][:4] == ["任务ID", "文件", "编号", "任务"]
    mobile_tasks = PolicyTask.objects.filter(units__organization__code="jx-mobile").distinct().count()
    assert ws.max_row - 1 == mobile_tasks >= 2
    task_ids = [ws.cell(row=2, column=1).value, ws.cell(row=3, column=1).value]
    good = {2: {"进展情况": "新开通5G基站120个", "报告月份": "2021-07"}, 3: {"进展情况": "完成室分改造", "报告月份": "2021-07"}}
    before = ProgressReport.objects.count()
    bad = {**good, 3: {"进展情况": "完成室分改造", "报告月份": "July"}}
    r = c.post("/supervision/ledger/", {"file": _fill(r.content, bad)})
    assert r.status_code == 400
    text = r.content.decode()
    assert "报告月份" in text and "is not a month" in text and "<td>3</td>" in text
    assert ProgressReport.objects.count() == before  # row 2 was fine but nothing was written
    template = c.get("/supervision/ledger/template.xlsx").content
    r = c.post("/supervision/ledger/", {"file": _fill(template, good)})
    assert r.status_code == 200
    assert ProgressReport.objects.count() == before + 2
    for pk in task_ids:
        assert ProgressReport.objects.filter(task_id=pk, organization=users["mobile"].organization,
                                             period=dt.date(2021, 7, 1)).exists()
    # a unit cannot file for a task that does not name it, even through the ledger
    other = task_naming("jx-mobile", exclude=True)
    r = c.post("/supervision/ledger/", {"file": _fill(template, {2: {"任务ID": other.pk, "进展情况": "x"}})})
    assert r.status_code == 400 and "填报单位代码" in r.content.decode()


def test_snapshot_diff_shows_what_changed(users, client_for):
    office = users["office"]
    old, _ = services.snapshot_take(actor=office, as_of=dt.date(2020, 6, 30))
    new, created = services.snapshot_take(actor=office, as_of=dt.date(2021, 12, 31))
    assert created and Snapshot.objects.filter(as_of=dt.date(2021, 12, 31)).count() == 1
    diff = services.snapshot_diff(old, new)
    bs = [d for d in diff["indicators"] if d["indicator"] == "jx-5g-base-stations" and d["region"] == "330400"]
    assert bs and Decimal(bs[0]["after"]) > Decimal(bs[0]["before"])
    page = client_for("office").get(f"/supervision/snapshots/?a={old.pk}&b={new.pk}")
    # people read the indicator's and the region's names, not their codes
    text = page.content.decode()
    name = Indicator.objects.get(key="jx-5g-base-stations").name
    assert page.status_code == 200 and name in text and "嘉兴市" in text
    assert "jx-5g-base-stations" not in text and "330400" not in text.split('id="diff-indicators"')[1]
    assert client_for("mobile").get("/supervision/snapshots/").status_code == 403


@pytest.mark.clause("jx", "三(一)", level="partial")
def test_meeting_agenda_from_red_tasks_and_follow_up(users, client_for):
    office, mobile = users["office"], users["mobile"]
    meeting = services.meeting_create(actor=office, title="第二次联席会议", held_on=TODAY)
    red = {r.task.pk for r in task_statuses() if r.verdict.colour == "red"}
    assert {a.task_id for a in meeting.agenda.all()} == red and red
    action = services.action_create(actor=office, meeting=meeting, decision="两周内完成", due=TODAY,
                                    organization=mobile.organization, task=meeting.agenda.first().task)
    with pytest.raises(PermissionDenied):
        services.action_complete(actor=users["police"], action=action, done_on=TODAY)
    r = client_for("mobile").post(f"/supervision/meetings/{meeting.pk}/", {"action": action.pk, "note": "已完成"})
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.state == "done"
    assert client_for("office").get(f"/supervision/meetings/{meeting.pk}/").status_code == 200


def test_warnings_go_once_to_units_and_office(users):
    from rollout5g.notifications.models import Notification
    from rollout5g.program.jobs import send_warnings

    sent = send_warnings(TODAY)
    assert sent > 0
    assert Notification.objects.filter(recipient=users["office"], key__startswith="program:").exists()
    assert send_warnings(TODAY) == 0  # keyed: not sent twice


def test_pages_render(client_for):
    c = client_for("office")
    task = task_naming("jx-mobile")
    for url in ("/supervision/", "/supervision/tasks/?colour=red", f"/supervision/tasks/{task.pk}/",
                "/supervision/indicators/", "/supervision/indicators/jx-5g-base-stations/", "/supervision/meetings/",
                "/supervision/ledger/", "/supervision/rules/"):
        assert c.get(url).status_code == 200, url
    r = c.get("/supervision/briefing.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client_for("mobile").get("/supervision/briefing.pdf").status_code == 404


def test_indicator_value_entry_needs_a_source(client_for):
    c = client_for("office")
    r = c.post("/supervision/indicators/jx-5g-industry-scale/",
               {"region": "330402", "as_of": "2021-06-30", "value": "12.5", "source_note": ""})
    assert r.status_code == 302
    ind = Indicator.objects.get(key="jx-5g-industry-scale")
    assert not ind.values.filter(as_of=dt.date(2021, 6, 30)).exists()
    c.post("/supervision/indicators/jx-5g-industry-scale/",
           {"region": "330402", "as_of": "2021-06-30", "value": "12.5", "source_note": "南湖区经信局月报"})
    assert ind.values.get(as_of=dt.date(2021, 6, 30), region_id="330402").value == Decimal("12.5")
