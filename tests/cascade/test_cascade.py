"""A provincial task carried down to the cities: assignment with the cities' counterpart units, the city's steps,
the provincial review, the roll-up, and who may do what — through the services and over HTTP."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rollout5g.accounts.choices import Role
from rollout5g.audit.models import AuditEvent
from rollout5g.cascade import services
from rollout5g.cascade.models import CityTask
from rollout5g.notifications.models import Notification
from rollout5g.organizations.models import Organization
from rollout5g.policy.models import PolicyTask

pytestmark = pytest.mark.django_db
JIAXING, HUZHOU = "330400", "330500"
PROVINCE_DOC = "zhejiang-2020-5g-action-plan-tasks"


def _unit(region, suffix, name, kind="government_department"):
    """The unit of 湖州 (table prefix ``hu``) as the province's table codes it, if the reference data lacks it."""
    code = f"hu-{suffix}"
    found = Organization.objects.filter(code=code).first()
    return found or Organization.objects.create(code=code, name=name, short_name=name, kind=kind, region_id=region)


@pytest.fixture
def province(make_user):
    """The province's programme office (省经信厅), and 湖州 with a programme office and a tower branch."""
    hz_dei = _unit(HUZHOU, "dei", "湖州市经济和信息化局（测试）")
    _unit(HUZHOU, "tower", "中国铁塔湖州市分公司（测试）", kind="tower_company")
    _unit(HUZHOU, "nrp", "湖州市自然资源和规划局（测试）")
    return {
        "zj": make_user("zj-office", role=Role.PROGRAM_OFFICE, organization=Organization.objects.get(code="zj-dei")),
        "zj-housing": make_user("zj-housing-user", role=Role.DEPARTMENT,
                                organization=Organization.objects.get(code="zj-housing")),
        "hz": make_user("hz-office", role=Role.PROGRAM_OFFICE, organization=hz_dei),
    }


def _task(number):
    return PolicyTask.objects.get(document__key=PROVINCE_DOC, number=number)


def test_counterparts_come_from_the_organizations_data():
    # task 3 (site special plan): led by 省经信厅 and 省通管局, supported by 省自然资源厅 and 浙江铁塔
    lead, supporting = services.counterparts(_task("3"), _city(JIAXING))
    assert lead.code == "jx-dei"
    codes = [u.code for u in supporting]
    assert "jx-nrp" in codes and "jx-tower" in codes  # 省自然资源厅 -> 市自然资源和规划局, 浙江铁塔 -> its branch
    assert "jx-dei" not in codes  # 省通管局 falls to the programme office, who already leads


def _city(adcode):
    from rollout5g.regions.models import Region

    return Region.objects.get(pk=adcode)


def test_the_province_assigns_a_retry_creates_nothing_twice_and_the_cities_are_told(province):
    task = _task("3")
    created = services.assign_task(actor=province["zj"], task=task, cities=[JIAXING, HUZHOU], deadline="2020-08-31",
                                   target_text="发布专项规划", note="按省专项规划编制要求")
    assert [c.region_id for c in created] == [JIAXING, HUZHOU]
    assert services.assign_task(actor=province["zj"], task=task, cities=[JIAXING, HUZHOU],
                                deadline="2020-08-31") == []
    assert CityTask.objects.filter(task=task).count() == 2
    jx = CityTask.objects.get(task=task, region_id=JIAXING)
    assert jx.organization.code == "jx-dei" and jx.deadline == dt.date(2020, 8, 31)
    assert Notification.objects.filter(recipient__organization__code="jx-dei", url__endswith=f"/cascade/{jx.pk}/")
    assert AuditEvent.objects.filter(object_type="cascade.citytask", object_id=str(jx.pk), action="create").exists()


def test_who_may_assign(province, users):
    task = _task("2")  # led by 省建设厅
    with pytest.raises(PermissionDenied):  # a city's office
        services.assign_task(actor=users["office"], task=task, cities=[JIAXING], deadline="2021-01-01")
    with pytest.raises(PermissionDenied):  # a city's department
        services.assign_task(actor=users["planning"], task=task, cities=[JIAXING], deadline="2021-01-01")
    assert services.assign_task(actor=province["zj-housing"], task=task, cities=[JIAXING], deadline="2021-01-01")
    with pytest.raises(PermissionDenied):  # 省建设厅 does not lead task 3
        services.assign_task(actor=province["zj-housing"], task=_task("3"), cities=[JIAXING], deadline="2021-01-01")
    jiaxing_task = PolicyTask.objects.filter(document__region_id=JIAXING).first()
    with pytest.raises(PermissionDenied):  # a city's own task is not carried down
        services.assign_task(actor=province["zj"], task=jiaxing_task, cities=[JIAXING], deadline="2021-01-01")


def test_bad_input_names_the_field_and_writes_nothing(province):
    task = _task("7")
    for kwargs, field in [({"cities": [JIAXING], "deadline": "31.08.2020"}, "deadline"),
                          ({"cities": ["330402"], "deadline": "2020-08-31"}, "cities"),  # a county, not a city
                          ({"cities": [], "deadline": "2020-08-31"}, "cities"),
                          ({"cities": [JIAXING], "deadline": "2020-08-31", "target_value": "много"}, "target_value")]:
        with pytest.raises(ValidationError) as exc:
            services.assign_task(actor=province["zj"], task=task, **kwargs)
        assert field in exc.value.message_dict
    assert not CityTask.objects.filter(task=task).exists()


@pytest.mark.today("2020-09-10")
def test_the_city_accepts_reports_the_province_returns_then_closes_and_the_task_rolls_up(province, users):
    from rollout5g.cascade.selectors import rollups

    task = _task("3")
    jx, hz = services.assign_task(actor=province["zj"], task=task, cities=[JIAXING, HUZHOU], deadline="2020-09-30")
    assert rollups(province["zj"], [task], dt.date(2020, 9, 10))[task.pk]["result"].rule == "awaiting-acceptance"
    with pytest.raises(PermissionDenied):  # 湖州's office cannot sign for 嘉兴
        services.accept_city_task(actor=province["hz"], city_task=jx)
    services.accept_city_task(actor=users["office"], city_task=jx)
    services.report_city_task(actor=users["office"], city_task=jx, text="专项规划已印发", value="1")
    with pytest.raises(PermissionDenied):  # a city's own office does not close its city's sub-task
        services.close_city_task(actor=users["office"], city_task=jx)
    services.return_city_task(actor=province["zj"], city_task=jx, note="请附规划文本")
    jx.refresh_from_db()
    assert jx.state == "accepted"
    services.report_city_task(actor=users["office"], city_task=jx, text="已附规划文本")
    services.close_city_task(actor=province["zj"], city_task=jx)
    jx.refresh_from_db()
    assert jx.state == "closed" and jx.reports.count() == 2 and jx.closed_at
    result = rollups(province["zj"], [task], dt.date(2020, 10, 8))[task.pk]["result"]
    assert (result.rule, result.late) == ("cities-overdue", (hz.region.name,))  # 湖州 never accepted
    steps = list(AuditEvent.objects.filter(object_type="cascade.citytask", object_id=str(jx.pk))
                 .values_list("note", flat=True))
    assert any(n.startswith("accept") for n in steps) and any(n.startswith("close") for n in steps)


def test_a_city_links_its_own_task(province, users):
    jx = services.assign_task(actor=province["zj"], task=_task("7"), cities=[JIAXING], deadline="2021-06-30")[0]
    own = PolicyTask.objects.filter(document__region_id=JIAXING).first()
    services.link_local_task(actor=users["office"], city_task=jx, local_task=own)
    services.link_local_task(actor=users["office"], city_task=jx, local_task=own)  # again: nothing new
    assert list(jx.local_tasks.all()) == [own]
    with pytest.raises(ValidationError):  # a provincial task is not the city's own
        services.link_local_task(actor=users["office"], city_task=jx, local_task=_task("1"))


# --- over HTTP ---------------------------------------------------------------------------------------------------


def test_pages_assign_and_step_over_http(province, client_for, users):
    task = _task("3")
    zj = client_for("zj-office")
    page = zj.get(f"/cascade/tasks/{task.pk}/")
    assert page.status_code == 200 and b'id="assign-form"' in page.content
    response = zj.post(f"/cascade/tasks/{task.pk}/assign/", {"cities": [JIAXING], "deadline": "2020-08-31",
                                                             "target_text": "发布专项规划"})
    assert response.status_code == 302
    jx = CityTask.objects.get(task=task, region_id=JIAXING)
    office = client_for("office")
    assert b'id="assign-form"' not in office.get(f"/cascade/tasks/{task.pk}/").content  # a city does not assign
    detail = office.get(f"/cascade/{jx.pk}/")
    assert detail.status_code == 200 and b'id="action-accept"' in detail.content
    assert b'id="action-close"' not in detail.content
    assert office.post(f"/cascade/{jx.pk}/accept/", {"note": ""}).status_code == 302
    office.post(f"/cascade/{jx.pk}/report/", {"text": "已印发", "value": ""})
    jx.refresh_from_db()
    assert jx.state == "reported"
    assert b'id="action-close"' in zj.get(f"/cascade/{jx.pk}/").content
    assert client_for("mobile").get(f"/cascade/{jx.pk}/").status_code == 404  # not a unit of it
    assert client_for("owner").get("/cascade/").status_code == 403
    index = zj.get("/cascade/")
    assert index.status_code == 200 and task.title.encode() in index.content


def test_a_bad_assignment_over_http_shows_the_field_by_its_label(province, client_for):
    task = _task("3")
    client = client_for("zj-office")
    client.cookies["django_language"] = "en"
    response = client.post(f"/cascade/tasks/{task.pk}/assign/", {"cities": [JIAXING], "deadline": "soon"})
    assert response.status_code == 400
    assert b"Deadline:" in response.content and b"deadline:" not in response.content
    assert not CityTask.objects.filter(task=task).exists()


def test_the_cities_side_by_side_as_the_province_and_as_a_city(province, client_for, settings):
    import io

    from openpyxl import load_workbook

    settings.ROLLOUT5G_HOME = {"region": "330000", "documents": []}  # a province deployment
    services.assign_task(actor=province["zj"], task=_task("3"), cities=[JIAXING, HUZHOU], deadline="2020-08-31")
    zj = client_for("zj-office")
    page = zj.get("/cascade/cities/")
    assert page.status_code == 200
    rows = page.content.decode().split('id="city-overview"')[1]
    assert rows.count('<th scope="row">') == 11 and "湖州市" in rows and "嘉兴市" in rows
    hz = client_for("hz-office").get("/cascade/cities/").content.decode().split('id="city-overview"')[1]
    assert hz.count('<th scope="row">') == 1 and "湖州市" in hz and "嘉兴市" not in hz
    book = load_workbook(io.BytesIO(zj.get("/cascade/cities/?format=xlsx").content))
    cities = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert len(cities) == 11 and "湖州市" in cities
