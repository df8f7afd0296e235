"""The province's views of its cities (issue 15, items 3 and 4): the evaluation of the cities hand-computed on three
cities and published to them, the province page over HTTP for the province's office and a city's, tasks 3 and 7 on
time or late per city, the briefing (PDF) and the ledger by city (Excel), and meetings and snapshots scoped to the
office's region."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from rollout5g.accounts.choices import Role
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM
from rollout5g.policy.models import Indicator
from rollout5g.program import services
from rollout5g.program.models import EvaluationIndicator, EvaluationResult, Meeting, Snapshot
from rollout5g.program.selectors import regional_evaluation
from rollout5g.regions.models import Region

pytestmark = pytest.mark.django_db
PROVINCE, JIAXING, HUZHOU, ZHOUSHAN = "330000", "330400", "330500", "330900"


@pytest.fixture
def province(settings, make_user):
    """A province deployment: the province's programme office (省经信厅) and 湖州's programme office."""
    settings.ROLLOUT5G_HOME = {"region": PROVINCE, "documents": []}
    hu = Organization.objects.filter(code="hu-dei").first() or Organization.objects.create(
        code="hu-dei", name="湖州市经济和信息化局（测试）", short_name="湖州市经信局", kind="government_department",
        region_id=HUZHOU)
    return {
        "zj": make_user("zj-office", role=Role.PROGRAM_OFFICE, organization=Organization.objects.get(code="zj-dei")),
        "hz": make_user("hz-office", role=Role.PROGRAM_OFFICE, organization=hu),
    }


def _three_cities():
    """Two entered indicators, weights 0.6 / 0.4, targets A 10 and B 5 in 嘉兴, 湖州 and 舟山 only, cap 1.2:
    嘉兴 A 12 (1.2) B 5 (1.0): 100(0.6·1.2 + 0.4·1.0) = 112 (优秀)
    湖州 A 5 (0.5) B 6 (1.2 capped): 100(0.6·0.5 + 0.4·1.2) = 78 (良好)
    舟山 no observation at all: 0 + 0 = 0 (待提升), both named as missing — no value is invented."""
    a, b = Indicator.objects.get(key="jx-5g-industry-scale"), Indicator.objects.get(key="jx-5g-cluster-output")
    EvaluationIndicator.objects.filter(level="city").delete()
    cities = [JIAXING, HUZHOU, ZHOUSHAN]
    EvaluationIndicator.objects.create(level="city", code="a", name="A", weight=Decimal("0.6"), indicator=a,
                                       year=2021, targets=dict.fromkeys(cities, 10))
    EvaluationIndicator.objects.create(level="city", code="b", name="B", weight=Decimal("0.4"), indicator=b,
                                       year=2021, targets=dict.fromkeys(cities, 5), sort_order=1)
    for adcode, values in ((JIAXING, (12, 5)), (HUZHOU, (5, 6))):
        for ind, v in zip((a, b), values, strict=True):
            services.indicator_value_enter(actor=SYSTEM, indicator=ind, region=Region.objects.get(pk=adcode),
                                           as_of=dt.date(2021, 12, 31), value=v, source_note="test")


def test_the_evaluation_of_the_cities_hand_computed(province):
    _three_cities()
    result = regional_evaluation(dt.date(2022, 3, 1), level="city")
    rows = {r["adcode"]: r for r in result.rows()}
    assert set(rows) == {JIAXING, HUZHOU, ZHOUSHAN}  # the eight cities without a published target are not ranked
    for adcode, (score, rank, tier) in {JIAXING: (112, 1, "优秀"), HUZHOU: (78, 2, "良好"),
                                        ZHOUSHAN: (0, 3, "待提升")}.items():
        assert rows[adcode]["score"] == pytest.approx(score, abs=1e-9)
        assert (rows[adcode]["rank"], rows[adcode]["tier"]) == (rank, tier)
    assert [m for m in result.missing if m.startswith("舟山市")] == ["舟山市：" + Indicator.objects.get(
        key="jx-5g-industry-scale").name, "舟山市：" + Indicator.objects.get(key="jx-5g-cluster-output").name]
    # the county evaluation of the city deployment is unchanged: still the seven counties
    assert len(regional_evaluation(dt.date(2022, 3, 1), level="county").regions) == 7


def test_the_province_publishes_the_result_and_each_city_reads_its_own(province, users, client_for):
    _three_cities()
    with pytest.raises(PermissionDenied):  # a city's office does not publish the cities' evaluation
        services.evaluation_publish(actor=province["hz"], as_of=dt.date(2022, 3, 1))
    zj = client_for("zj-office")
    page = zj.get("/supervision/evaluation/?level=city")
    assert page.status_code == 200 and 'id="evaluation-publish"' in page.content.decode()
    table = page.content.decode().split('id="evaluation-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 4 and "舟山市" in table  # the header and three cities, 舟山 marked without data
    assert client_for("hz-office").get("/supervision/evaluation/?level=city").status_code == 403
    api = zj.get("/api/supervision/evaluation?level=city").json()
    assert [(r["adcode"], r["rank"]) for r in api["regions"]] == [(JIAXING, 1), (HUZHOU, 2), (ZHOUSHAN, 3)]
    assert client_for("hz-office").get("/api/supervision/evaluation?level=city").status_code == 403
    assert client_for("hz-office").post("/supervision/evaluation/publish/").status_code == 403
    # nothing published yet: a city's office sees no result
    assert 'id="published-result"' not in client_for("hz-office").get("/supervision/evaluation/").content.decode()
    assert zj.post("/supervision/evaluation/publish/", {"note": "2021年度"}).status_code == 302
    from rollout5g.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="program.evaluationpublication", action="create").exists()
    hz_results = EvaluationResult.objects.restrict(province["hz"])
    assert [(r.region_id, r.rank, round(r.score, 6)) for r in hz_results] == [(HUZHOU, 2, 78)]
    assert [r.region_id for r in EvaluationResult.objects.restrict(users["office"])] == [JIAXING]
    assert EvaluationResult.objects.restrict(province["zj"]).count() == 3
    page = client_for("hz-office").get("/supervision/evaluation/").content.decode()
    published = page.split('id="published-result"')[1].split("</section>")[0]
    assert "湖州市" in published and "嘉兴市" not in published and "78.0" in published


def _plan(code, county, *, published):
    from rollout5g.sites.models import PlannedSite

    return PlannedSite.objects.create(code=code, lon=120.1, lat=30.8, region_id=county, planned_year=2021,
                                      site_type="macro", organization=Organization.objects.get(code="zj-dei"),
                                      published=published)


def test_the_province_page_tasks_3_and_7_and_the_exports(province, client_for, users):
    from openpyxl import load_workbook

    from rollout5g.cascade.services import assign_task
    from rollout5g.policy.models import PolicyTask
    from rollout5g.sites.services import plan_publish

    jx_plan = _plan("TEST-JX-1", "330402", published=False)
    with time_machine.travel(dt.datetime(2020, 8, 1, 10, tzinfo=dt.UTC)):
        plan_publish(actor=SYSTEM, plans=[jx_plan])  # 嘉兴 published its plan before 2020-08-31
    _plan("TEST-HZ-1", "330502", published=True)  # 湖州's plan was published today: late
    task7 = PolicyTask.objects.get(document__region__level="province", number="7")
    assign_task(actor=province["zj"], task=task7, cities=[JIAXING], deadline="2021-06-30")
    zj = client_for("zj-office")
    page = zj.get("/supervision/province/")
    assert page.status_code == 200
    html = page.content.decode()
    indicators = html.split('id="province-indicators"')[1].split("</table>")[0]
    assert indicators.count('<th scope="row">') == 12 and 'id="province-total"' in indicators  # 11 cities + 浙江省

    def timing(adcode, n):
        row = html.split(f'data-adcode="{adcode}"')[1].split("</tr>")[0]
        return row.split('data-timing="')[n].split('"')[0]

    assert timing(JIAXING, 1) == "on_time" and timing(HUZHOU, 1) == "late" and timing(ZHOUSHAN, 1) == "overdue"
    # task 7 has no date in the document: 嘉兴's carried-down deadline (2021-06-30) against its releases
    from rollout5g.resources.models import ListRelease

    jx_released = ListRelease.objects.filter(published_at__isnull=False,
                                             entries__resource__region__parent_id=JIAXING).exists()
    assert timing(JIAXING, 2) == ("late" if jx_released else "overdue")
    assert timing(HUZHOU, 2) == "not_yet"
    assert 'id="province-map"' in html and html.count("<path ") == 11
    # a city's office sees its own city only; an operator has no province view
    hz = client_for("hz-office").get("/supervision/province/").content.decode()
    rows = hz.split('id="province-indicators"')[1].split("</table>")[0]
    assert rows.count('<th scope="row">') == 1 and "湖州市" in rows and "嘉兴市" not in rows
    assert 'id="province-total"' not in rows
    assert client_for("mobile").get("/supervision/province/").status_code == 403
    # the map by any indicator
    assert zj.get("/supervision/province/?colour=jx-5g-base-stations").status_code == 200
    book = load_workbook(io.BytesIO(zj.get("/supervision/province/?format=xlsx").content))
    names = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert len(names) == 12 and "湖州市" in names and names[-1] == "浙江省"
    pdf = zj.get("/supervision/province/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_meetings_and_snapshots_belong_to_the_offices_region(province, users, client_for):
    hz_meeting = services.meeting_create(actor=province["hz"], title="湖州市联席会议", held_on=dt.date(2026, 11, 10))
    zj_meeting = services.meeting_create(actor=province["zj"], title="全省联席会议", held_on=dt.date(2026, 11, 10))
    assert hz_meeting.region_id == HUZHOU and zj_meeting.region_id is None  # the province's: the deployment's
    assert set(Meeting.objects.restrict(province["hz"])) == {hz_meeting}
    assert {hz_meeting, zj_meeting} <= set(Meeting.objects.restrict(province["zj"]))
    assert client_for("hz-office").get(f"/supervision/meetings/{zj_meeting.pk}/").status_code in (403, 404)
    assert client_for("zj-office").get(f"/supervision/meetings/{hz_meeting.pk}/").status_code == 200
    assert hz_meeting not in Meeting.objects.restrict(users["office"])  # 嘉兴's office
    snap, created = services.snapshot_take(actor=province["hz"], as_of=dt.date(2026, 11, 16))
    assert created and snap.region_id == HUZHOU
    again, created = services.snapshot_take(actor=province["hz"], as_of=dt.date(2026, 11, 16))
    assert again == snap and not created
    mine, _created = services.snapshot_take(actor=province["zj"], as_of=dt.date(2026, 11, 16))
    assert mine.region_id is None and mine != snap  # the province's own (the deployment's) snapshot of the same day
    assert list(Snapshot.objects.restrict(province["hz"])) == [snap]
    assert snap not in Snapshot.objects.restrict(users["office"])
    assert {snap, mine} <= set(Snapshot.objects.restrict(province["zj"]))
    # 湖州's snapshot holds the tasks of its region's documents and those above it (the province's), not 嘉兴's
    assert all(t["document"] != "jiaxing-2019-5g-opinions" for t in snap.data["tasks"].values())


def test_a_city_deployment_has_no_province_evaluation_nor_province_row(client_for):
    office = client_for("office")  # 嘉兴's programme office in the 嘉兴 city deployment
    assert office.get("/supervision/evaluation/?level=city").status_code == 403
    assert 'href="?level=city"' not in office.get("/supervision/evaluation/").content.decode()
    html = office.get("/supervision/province/").content.decode()
    rows = html.split('id="province-indicators"')[1].split("</table>")[0]
    assert rows.count('<th scope="row">') == 1 and "嘉兴市" in rows and 'id="province-total"' not in rows
