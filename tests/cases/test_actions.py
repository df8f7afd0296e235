"""The declared steps of the three case families: the allowed role takes a step (and its audit row names it),
another role or organization is refused (403 over HTTP), a step out of its state is unavailable, and no step is
taken without an actor. The pages offer exactly the steps the declaration allows."""

import datetime as dt

import pytest

from rollout5g.audit.services import history_for
from rollout5g.cases import actions, services
from rollout5g.cases.choices import IncidentState, PowerKind, PowerState, RelocationCause, RelocationState
from rollout5g.cases.models import IncidentCase, PowerCase, RelocationCase
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable, available_actions, roles_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def power_case(users, site_of):
    return services.power_apply(actor=users["mobile"], site=site_of("jx-mobile"), kind=PowerKind.CONNECTION,
                                received_on=dt.date(2026, 11, 2))


@pytest.fixture
def relocation_case(users, site_of):
    # demanded by the planning department, which sees the case but does not move it
    return services.relocation_open(actor=users["mobile"], site=site_of("jx-mobile"), cause=RelocationCause.RENOVATION,
                                    notice_date=dt.date(2026, 11, 2), demanding_party="规划部门",
                                    demanding_organization=users["planning"].organization)


@pytest.fixture
def incident(users, site_of):
    return services.incident_report(actor=users["mobile"], kind="theft", site=site_of("jx-mobile"),
                                    description="蓄电池被盗", reported_on=dt.date(2026, 11, 2))


def _last_event(case):
    return history_for(case).order_by("-seq").first()


def test_the_transition_tables_are_gone_the_declarations_are_the_one_source():
    from rollout5g.cases import choices

    assert not [n for n in dir(choices) if n.endswith("TRANSITIONS")]
    assert set(PowerCase.access_policy.actions) == {"accept", "survey", "complete", "refuse"}
    assert set(RelocationCase.access_policy.actions) == {"compensation", "secure", "remove", "rebuilt", "cancel"}
    assert set(IncidentCase.access_policy.actions) == {"assign", "start", "resolve", "close", "confirm", "reroute"}
    for family, model in actions.FAMILIES.items():  # every form belongs to a declared step and back
        assert set(actions.FORMS[family]) == set(model.access_policy.actions)


def test_power_company_accepts_and_the_audit_row_names_the_step(users, power_case):
    case = services.power_accept(actor=users["power"], case=power_case, on=dt.date(2026, 11, 3), note="资料齐全")
    assert (case.state, case.state_since) == (PowerState.ACCEPTED, dt.date(2026, 11, 3))
    event = _last_event(case)
    assert (event.action, event.note, event.actor_label) == ("transition", "accept: 资料齐全", "power")
    assert event.before["state"] == "applied" and event.after["state"] == "accepted"


def test_power_steps_refused_to_others_over_http(client_for, users, power_case):
    url = f"/cases/power/{power_case.number}/accept/"
    assert client_for("mobile").post(url).status_code == 403  # the applicant sees the case but does not accept it
    assert client_for("police").post(url).status_code == 404  # another department does not even see it
    with pytest.raises(ActionRefused):
        services.power_accept(actor=users["office"], case=power_case)  # the office follows, the power company acts
    power_case.refresh_from_db()
    assert power_case.state == PowerState.APPLIED
    assert client_for("power").post(url).status_code == 302
    power_case.refresh_from_db()
    assert power_case.state == PowerState.ACCEPTED


def test_power_step_out_of_its_state_is_unavailable(users, power_case):
    with pytest.raises(ActionUnavailable):
        services.power_complete(actor=users["power"], case=power_case, meter_number="1")
    with pytest.raises(ActionUnavailable):
        services.power_survey(actor=users["power"], case=power_case)


@pytest.mark.parametrize("step", [
    lambda case: services.power_accept(actor=None, case=case),
    lambda case: services.power_refuse(actor=None, case=case, reason="x"),
])
def test_power_step_without_an_actor_is_a_programming_error(power_case, step):
    with pytest.raises(TypeError):
        step(power_case)


def test_relocation_operator_and_office_act_the_demanding_party_is_refused(client_for, users, relocation_case):
    url = f"/cases/relocation/{relocation_case.number}/cancel/"
    assert client_for("planning").get(f"/cases/relocation/{relocation_case.number}/").status_code == 200
    assert client_for("planning").post(url, {"reason": "x"}).status_code == 403
    with pytest.raises(ActionRefused):
        services.relocation_cancel(actor=users["planning"], case=relocation_case, reason="x")
    case = services.relocation_agree_compensation(actor=users["office"], case=relocation_case, amount="1200.50",
                                                  basis="协议", on=dt.date(2026, 11, 4))
    assert (case.state, case.state_since) == (RelocationState.AGREED, dt.date(2026, 11, 4))
    assert _last_event(case).note.startswith("compensation: ") and "¥1,200.50" in _last_event(case).note
    assert client_for("mobile").post(url, {"reason": "规划调整，不再迁移"}).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.closed_on) == (RelocationState.CANCELLED, dt.date.today())
    assert _last_event(case).note == "cancel: 规划调整，不再迁移"
    with pytest.raises(ActionUnavailable):  # a cancelled case is finished
        services.relocation_cancel(actor=users["mobile"], case=case, reason="again")
    with pytest.raises(TypeError):
        services.relocation_cancel(actor=None, case=case, reason="x")


def test_incident_department_acts_the_reporter_confirms(client_for, users, incident):
    assert client_for("mobile").post(f"/cases/incident/{incident.number}/assign/",
                                     {"handler_name": "x"}).status_code == 403
    with pytest.raises(ActionUnavailable):  # not assigned yet
        services.incident_start(actor=users["police"], case=incident)
    with pytest.raises(TypeError):
        services.incident_assign(actor=None, case=incident, handler_name="x")
    case = services.incident_assign(actor=users["police"], case=incident, handler_name="王警官")
    case = services.incident_resolve(actor=users["police"], case=case, outcome="已追回")
    assert available_actions(users["mobile"], case) == {
        "assign": False, "start": False, "resolve": False, "close": False, "confirm": True, "reroute": False}
    assert [o.name for o in actions.available(users["police"], case)] == ["confirm"]
    assert actions.available(users["telecom"], case) == []
    case = services.incident_close(actor=users["mobile"], case=case)
    assert case.state == IncidentState.CLOSED and _last_event(case).note == "confirm: 已追回"


def test_reroute_is_the_programme_offices(users, incident, org):
    with pytest.raises(ActionRefused):
        services.incident_reroute(actor=users["police"], case=incident, department=org("jx-amr"), reason="x")
    case = services.incident_reroute(actor=users["office"], case=incident, department=org("jx-amr"), reason="收费问题")
    assert case.department.code == "jx-amr" and _last_event(case).action == "update"
    assert roles_for(IncidentCase, "reroute") == ("program_office",)


def test_a_process_may_take_a_step_and_the_history_names_it(power_case):
    case = services.power_accept(actor=SYSTEM, case=power_case)
    assert case.state == PowerState.ACCEPTED and _last_event(case).actor_label == "system"


def test_the_detail_page_offers_only_the_allowed_steps(client_for, power_case):
    page = client_for("power").get(f"/cases/power/{power_case.number}/").content.decode()
    assert "action-accept" in page and "action-refuse" in page and "action-survey" not in page
    page = client_for("mobile").get(f"/cases/power/{power_case.number}/").content.decode()
    assert "action-" not in page.replace("action-form", "")
