"""The smart-pole programme over the services and HTTP: consolidations from open-list poles and free text, retrofit
batches with progress, standards against their task's deadline (Zhejiang 9: 2020-09-30), future communities with
their pole plan; refusals by role and organization, wrong states, ``actor=None``, bad input that writes nothing."""

import datetime as dt
import json

import pytest
from django.test import Client

from rollout5g.audit.models import AuditEvent
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.poles import services
from rollout5g.poles.models import PoleConsolidation, RetrofitBatch, StandardDocument
from rollout5g.poles.selectors import community_progress, programme_figures, standard_tasks

pytestmark = pytest.mark.django_db


def _audited(obj, note):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                     note__startswith=note).exists()


@pytest.mark.clause("jx", "二(一)4-2", level="built")
@pytest.mark.clause("zj", "8", level="partial")
def test_consolidation_from_open_list_poles_and_free_text(users, resources):
    row = services.consolidation_create(actor=users["owner"], smart_pole=resources["smart"],
                                        poles=[resources["light1"], resources["light2"].code, "交警信号杆 中山路口"])
    poles = list(row.poles.order_by("pk"))
    assert [p.resource for p in poles] == [resources["light1"], resources["light2"], None]
    assert poles[2].kind == "other" and poles[2].description == "交警信号杆 中山路口"
    assert row.smart_pole_name == "中山路智慧杆 01" and row.region == resources["smart"].region
    with pytest.raises(ActionRefused):
        services.consolidation_complete(actor=users["tower"], consolidation=row)
    with pytest.raises(TypeError):
        services.consolidation_complete(actor=None, consolidation=row)
    services.consolidation_complete(actor=users["owner"], consolidation=row, on="2026-11-12")
    assert row.state == "done" and row.done_on == dt.date(2026, 11, 12) and _audited(row, "complete")
    with pytest.raises(ActionUnavailable):
        services.consolidation_cancel(actor=users["owner"], consolidation=row, reason="x")
    figures = programme_figures()
    assert figures["consolidations_done"] == 1 and figures["poles_merged"] == 3


def test_consolidation_bad_input_writes_nothing(users, resources, client_for):
    for poles, smart in (([resources["light1"]], None), ([resources["roof"], resources["light1"]], None),
                         ([resources["light1"], resources["light1"]], None),
                         ([resources["light1"], resources["light2"]], resources["light1"])):
        with pytest.raises(Exception) as exc:
            services.consolidation_create(actor=users["owner"], smart_pole=smart, smart_pole_name="智慧杆",
                                          region="330402", place="中山路", poles=poles)
        assert set(exc.value.message_dict) & {"poles", "smart_pole"}
    response = client_for("owner").post("/poles/consolidations/new/", {
        "smart_pole_name": "智慧杆", "region": "330402", "place": "中山路", "poles": "只有一根"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert PoleConsolidation.objects.count() == 0


def test_consolidation_pages_once_and_refusals(users, resources, client_for):
    form = {"smart_pole": resources["smart"].code, "poles": f"{resources['light1'].code}\n路灯杆 旧 02",
            "_once": "c-1"}
    first = client_for("owner").post("/poles/consolidations/new/", form)
    again = client_for("owner").post("/poles/consolidations/new/", form)
    assert first.status_code == 302 and again["Location"] == first["Location"]
    row = PoleConsolidation.objects.get()
    url = f"/poles/consolidations/{row.code}/"
    assert 'id="action-complete"' in client_for("owner").get(url).content.decode()
    assert 'id="action-complete"' not in client_for("planning").get(url).content.decode()  # reads, may not act
    assert client_for("planning").post(f"{url}complete/").status_code == 403
    assert client_for("mobile").get(url).status_code == 404  # another organization's
    assert Client().get(url).status_code == 302  # login first
    api = client_for("owner").get(f"/api/poles/consolidations/{row.code}").json()
    assert api["actions"] == ["complete", "cancel"] and len(api["poles"]) == 2


@pytest.mark.clause("zj", "9", level="partial")
def test_retrofit_batches_by_year_with_progress(users, client_for):
    tower = Organization.objects.get(code="jx-tower")
    batch = services.batch_create(actor=users["office"], year=2026, title="存量路灯杆改造 第一批", planned_count=120,
                                  organization=tower)
    with pytest.raises(ActionRefused):
        services.batch_create(actor=users["tower"], year=2026, title="x", planned_count=1, organization=tower)
    with pytest.raises(ActionRefused):
        services.batch_report(actor=users["mobile"], batch=batch, done_count=10)
    with pytest.raises(Exception) as exc:
        services.batch_report(actor=users["tower"], batch=batch, done_count=121)
    assert "done_count" in exc.value.message_dict
    services.batch_report(actor=users["tower"], batch=batch, done_count=40)
    assert batch.percent == pytest.approx(100 * 40 / 120) and _audited(batch, "report")
    services.batch_create(actor=users["office"], year=2026, title="第二批", planned_count=80, organization=tower)
    years = programme_figures()["years"]
    assert years == [{"year": 2026, "n": 2, "planned": 200, "done": 40, "percent": 20.0}]
    page = Client().get("/poles/batches/").content.decode()  # public
    assert "20.0%" in page and "33.3%" in page
    response = client_for("tower").post(f"/poles/batches/{batch.code}/report/", {"done_count": "60", "_once": "r"})
    assert response.status_code == 302 and RetrofitBatch.objects.get(pk=batch.pk).done_count == 60


@pytest.mark.clause("zj", "9", level="built")
@pytest.mark.clause("zj", "5", level="partial")
def test_standards_against_the_task_deadline(users, task9, client_for):
    assert task9 in standard_tasks() and task9.deadline == dt.date(2020, 9, 30)
    met = services.standard_create(actor=users["construction"], kind="local_standard", title="多功能智慧杆技术规范",
                                   number="DB33/T 0000-2020（测试）", publisher="省市场监管局", published_on="2020-09-25",
                                   task=task9)
    late = services.standard_create(actor=users["office"], kind="design_guide", title="智慧杆塔设计导则",
                                    publisher="市建设局", published_on="2020-10-15", task=task9)
    none = services.standard_create(actor=users["office"], kind="technical_spec", title="运维规范", publisher="市建设局",
                                    published_on="2021-03-01")
    assert (met.timeliness, met.days_late) == ("met", 0)
    assert (late.timeliness, late.days_late) == ("late", 15)  # 2020-09-30 + 15 days
    assert (none.timeliness, none.days_late) == ("none", None)
    with pytest.raises(ActionRefused):
        services.standard_create(actor=users["mobile"], kind="notice", title="x", publisher="x",
                                 published_on="2020-01-01")
    with pytest.raises(Exception) as exc:
        services.standard_create(actor=users["office"], kind="notice", title="x", publisher="x",
                                 published_on="2027-01-01")
    assert "published_on" in exc.value.message_dict
    page = Client().get("/poles/standards/").content.decode()  # public
    assert 'data-timeliness="met"' in page and 'data-timeliness="late"' in page and "DB33/T 0000-2020" in page
    api = Client().get("/api/poles/standards").json()["items"]
    assert {s["title"]: s["timeliness"] for s in api} == {"多功能智慧杆技术规范": "met", "智慧杆塔设计导则": "late",
                                                           "运维规范": "none"}
    form = {"kind": "notice", "title": "通知", "publisher": "市政府办", "published_on": "2018-05-01", "_once": "s-1"}
    client_for("office").post("/poles/standards/new/", form)
    client_for("office").post("/poles/standards/new/", form)
    assert StandardDocument.objects.filter(title="通知").count() == 1


@pytest.mark.clause("jx", "二(一)4-2", level="partial")
def test_future_community_pole_plan_and_progress(users, resources, client_for):
    community = services.community_create(actor=users["construction"], name="南湖未来社区（测试）", region="330402",
                                          planned_smart_poles=4, planned_removed_poles=10, plan="主干道路灯杆改智慧杆")
    with pytest.raises(ActionRefused):
        services.community_plan(actor=users["planning"], community=community, planned_smart_poles=5,
                                planned_removed_poles=10)
    row = services.consolidation_create(actor=users["owner"], smart_pole=resources["smart"], community=community,
                                        poles=[resources["light1"], resources["light2"]])
    assert community_progress(community) == {"built": 0, "merged": 0, "percent": 0.0}
    services.consolidation_complete(actor=users["owner"], consolidation=row)
    assert community_progress(community) == {"built": 1, "merged": 2, "percent": 25.0}
    services.community_step(actor=users["construction"], community=community, step="start")
    services.community_step(actor=users["construction"], community=community, step="complete")
    with pytest.raises(ActionUnavailable):
        services.community_plan(actor=users["construction"], community=community, planned_smart_poles=5,
                                planned_removed_poles=10)
    page = Client().get(f"/poles/communities/{community.code}/").content.decode()
    assert "南湖未来社区（测试）" in page and 'id="action-plan"' not in page
    api = Client().get(f"/api/poles/communities/{community.code}").json()
    assert (api["built"], api["merged"], api["actions"]) == (1, 2, [])
    body = json.dumps({"name": "x", "region": "330402", "planned_smart_poles": -1})
    assert client_for("construction").post("/api/poles/communities", body,
                                           content_type="application/json").status_code == 422
