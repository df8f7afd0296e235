"""The EMF workflows over the services: pages prepared, published and withdrawn by the ecology department (found
from the policy data), measurements, science articles, public requests routed with a working-day clock; refusals by
role and organization, wrong states, ``actor=None``."""

import datetime as dt

import pytest

from rollout5g.audit.models import AuditEvent
from rollout5g.emf import services
from rollout5g.emf.models import MeasurementRequest, MonitoringResult, SitePage
from rollout5g.emf.selectors import answer_clock, ecology_department
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable

pytestmark = pytest.mark.django_db


def _audited(obj, note):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                     note__startswith=note).exists()


def test_the_ecology_department_comes_from_the_policy_data(db):
    # the radiation task (三(四)-2) names 公安局, 综合执法局 and 生态环境局: the ecology one is chosen
    assert ecology_department().name.endswith("生态环境局")


@pytest.mark.clause("jx", "三(四)-2", level="partial")
def test_prepare_publish_withdraw(users, page):
    assert page.state == "draft" and page.publisher == ecology_department()
    assert page.estimate.cells == 3 and page.estimate.unassessed == 1
    assert page.place == "南湖路一带" and page.public_name == "测试基站 南湖一号"
    services.page_publish(actor=users["ecology"], page=page)
    assert page.state == "published" and page.published_on == dt.date(2026, 11, 16)
    assert _audited(page, "publish")
    assert SitePage.objects.restrict(None).filter(pk=page.pk).exists()  # public now
    with pytest.raises(ActionUnavailable):
        services.page_publish(actor=users["ecology"], page=page)
    services.page_withdraw(actor=users["office"], page=page, reason="天线调整，重新评估")
    assert page.state == "withdrawn" and not SitePage.objects.restrict(None).filter(pk=page.pk).exists()


def test_who_may_prepare_and_publish(users, site, bare_site, page):
    with pytest.raises(ActionRefused):  # another department
        services.page_prepare(actor=users["planning"], site=bare_site)
    with pytest.raises(ActionRefused):  # an operator
        services.page_prepare(actor=users["mobile"], site=bare_site)
    with pytest.raises(ActionRefused):
        services.page_publish(actor=users["tower"], page=page)
    with pytest.raises(TypeError):
        services.page_publish(actor=None, page=page)
    with pytest.raises(Exception) as exc:
        services.page_prepare(actor=users["ecology"], site=site)  # one page per site
    assert "site" in exc.value.message_dict
    office_page = services.page_prepare(actor=users["office"], site=bare_site)
    assert office_page.publisher == ecology_department()
    with pytest.raises(Exception) as exc:  # nothing assessable: nothing to publish
        services.page_publish(actor=users["ecology"], page=office_page)
    assert "assessment" in exc.value.message_dict


def test_measurements_by_the_ecology_department_only(users, site):
    row = services.result_record(actor=users["ecology"], site=site, point="南湖路 1 号 楼顶平台", measured_on="2026-11-10",
                                 value=0.6, unit="V/m", instrument="NBM-550 / EF0391 B-0123")
    assert row.limit == 12.0 and row.percent == pytest.approx(5.0)
    with pytest.raises(Exception) as exc:
        services.result_record(actor=users["planning"], point="x", measured_on="2026-11-10", value=1, unit="V/m",
                               instrument="x")
    assert "organization" in exc.value.message_dict
    for bad, field in (({"value": -1}, "value"), ({"unit": "mW"}, "unit"), ({"measured_on": "2026-12-01"},
                                                                            "measured_on")):
        args = {"point": "p", "measured_on": "2026-11-10", "value": 1, "unit": "V/m", "instrument": "i", **bad}
        with pytest.raises(Exception) as exc:
            services.result_record(actor=users["ecology"], **args)
        assert field in exc.value.message_dict
    assert MonitoringResult.objects.count() == 1


def _submit(token="t-1", client="10.0.0.1", phone="13800000001", **kw):
    return services.request_submit(name="张三", phone=phone, place="南湖路 3 号 小区", client=client, token=token, **kw)


@pytest.mark.clause("jx", "三(四)-2", level="partial")
def test_request_routed_answered_with_a_clock(users, published):
    row, created = _submit(page=published, description="楼顶新装了天线")
    assert created and row.department == ecology_department() and row.state == "received"
    again, created = _submit()  # the same form token
    assert not created and again.pk == row.pk and MeasurementRequest.objects.count() == 1
    # received Monday 2026-11-16 (not counted) + 15 working days: 17-20, 23-27, 30 Nov-4 Dec, 7 Dec
    clock = answer_clock(row)
    assert clock.due == dt.date(2026, 12, 7) and clock.state == "running"
    event = AuditEvent.objects.get(object_type="emf.measurementrequest", object_id=str(row.pk))
    assert "13800000001" not in str(event.after) and "张三" not in str(event.after)
    with pytest.raises(ActionRefused):
        services.request_schedule(actor=users["planning"], request=row, on="2026-11-20")
    services.request_schedule(actor=users["ecology"], request=row, on="2026-11-20")
    result = services.result_record(actor=users["ecology"], site=published.site, point="南湖路 3 号 小区门口",
                                    measured_on="2026-11-16", value=0.5, unit="uW/cm2", instrument="SEM-600")
    services.request_answer(actor=users["ecology"], request=row, answer="测得 0.5 μW/cm²，为限值的 1.25%。",
                            result=result)
    assert row.state == "answered" and row.result == result and _audited(row, "answer")
    assert answer_clock(row).state == "stopped"
    with pytest.raises(ActionUnavailable):
        services.request_decline(actor=users["ecology"], request=row, reason="x")
    with pytest.raises(TypeError):
        services.request_decline(actor=None, request=row, reason="x")


def test_requests_are_rate_limited_and_checked(users):
    for i in range(2):
        _submit(token=f"a-{i}", phone=f"1380000000{i}")
    _submit(token="a-2", phone="13900000002", client="10.0.0.1")
    with pytest.raises(Exception) as exc:  # a fourth from the same address in a day
        _submit(token="a-3", phone="13900000009")
    assert "__all__" in exc.value.message_dict
    _submit(token="b-1", client="10.0.0.2", phone="13700000001")
    _submit(token="b-2", client="10.0.0.3", phone="137 0000 0001")
    with pytest.raises(Exception) as exc:  # a third with the same phone number
        _submit(token="b-3", client="10.0.0.4", phone="13700000001")
    assert "phone" in exc.value.message_dict
    with pytest.raises(Exception) as exc:
        _submit(token="c-1", client="10.0.0.5", phone="not a phone")
    assert "phone" in exc.value.message_dict
    assert MeasurementRequest.objects.count() == 5
    assert not MeasurementRequest.objects.filter(client_hash="10.0.0.1").exists()  # only a keyed hash is kept
