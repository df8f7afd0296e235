"""The declared steps of an incentive claim: the enterprise drafts and submits, the clause's reviewing units review,
publish, approve, pay and claw back. Allowed roles take their step (the audit row names it), others are refused
(403 over HTTP), a step out of its state is unavailable, no step is taken without an actor, and the page names a step
by its label, never by its code."""

import pytest
from django.contrib.messages import get_messages

from rollout5g.audit.services import history_for
from rollout5g.incentives import services
from rollout5g.incentives.models import Application, PilotProject
from rollout5g.platform.workflow import (
    ActionRefused,
    ActionUnavailable,
    available_actions,
    declared,
    roles_for,
)

pytestmark = pytest.mark.django_db


def test_the_transition_table_is_gone_the_declaration_is_the_one_source():
    from rollout5g.incentives import choices, views

    assert not hasattr(choices, "TRANSITIONS")
    assert set(views.ACTIONS) <= set(Application.access_policy.actions)  # every page action is a declared step


def test_enterprise_submits_and_the_audit_row_names_the_step(draft, users):
    app = services.application_submit(actor=users["enterprise"], application=draft(ref="t:a1", invoice="A-1"))
    event = history_for(app).order_by("-seq").first()
    assert app.state == "submitted"
    assert (event.action, event.note, event.before["state"], event.after["state"]) == (
        "transition", "submit", "draft", "submitted")


def test_steps_refused_to_other_roles_over_http(draft, users, client_for):
    app = draft(ref="t:a2", invoice="A-2")
    url = f"/industry/applications/{app.number}/"
    # the reviewing unit sees the draft but does not submit it for the enterprise
    assert client_for("finance").get(url).status_code == 200
    assert client_for("finance").post(url + "submit/").status_code == 403
    assert client_for("wingtech").post(url + "submit/").status_code == 404  # another firm does not see it
    services.application_submit(actor=users["enterprise"], application=app)
    # the enterprise does not review its own claim
    assert client_for("enterprise").post(url + "review/", {"eligibility_checked": "1"}).status_code == 403
    with pytest.raises(ActionRefused):
        services.application_review(actor=users["police"], application=app, eligibility_checked=True,
                                    evidence_checked=True)


def test_step_out_of_its_state_is_unavailable(draft, users):
    app = draft(ref="t:a3", invoice="A-3")
    with pytest.raises(ActionUnavailable):
        services.application_pay(actor=users["office"], application=app, reference="V-1")
    services.application_submit(actor=users["enterprise"], application=app)
    with pytest.raises(ActionUnavailable):  # submitted: no more invoices
        services.invoice_add(actor=users["enterprise"], application=app, number="A-3b", issued_on="2021-01-05",
                             amount="1", seller="s", seller_tax_id="T")
    with pytest.raises(ActionUnavailable):  # the declared condition: review before the notice
        services.notice_start(actor=users["office"], application=app)


@pytest.mark.parametrize("step", [
    lambda app: services.application_submit(actor=None, application=app),
    lambda app: services.application_withdraw(actor=None, application=app),
    lambda app: services.invoice_add(actor=None, application=app, number="N", issued_on="2021-01-05", amount="1",
                                     seller="s", seller_tax_id="T"),
])
def test_step_without_an_actor_is_a_programming_error(draft, step):
    with pytest.raises(TypeError):
        step(draft(ref="t:a4", invoice="A-4"))


def test_page_offers_the_allowed_steps_and_names_a_done_step_by_its_label(draft, users, client_for):
    app = draft(ref="t:a5", invoice="A-5")
    assert {k for k, v in available_actions(users["enterprise"], app).items() if v} == {
        "edit", "invoice", "evidence", "submit", "withdraw"}
    assert not any(available_actions(users["finance"], app).values())
    services.application_submit(actor=users["enterprise"], application=app)
    office = client_for("office")
    page = office.get(f"/industry/applications/{app.number}/").content.decode()
    assert 'id="review-form"' in page and 'id="start-notice"' not in page and 'id="submit-application"' not in page
    r = office.post(f"/industry/applications/{app.number}/review/",
                    {"eligibility_checked": "1", "evidence_checked": "1"})
    (message,) = [str(m) for m in get_messages(r.wsgi_request)]
    assert str(declared(Application, "review").label) in message and "review" not in message
    page = office.get(f"/industry/applications/{app.number}/").content.decode()
    assert 'id="start-notice"' in page


def test_matching_is_the_programme_offices_step(client_for):
    assert roles_for(PilotProject, "propose") == ("program_office",)
    assert client_for("enterprise").post("/industry/matches/run/").status_code == 403
    assert client_for("office").post("/industry/matches/run/").status_code == 302
    from rollout5g.accounts.models import User

    with pytest.raises(ActionRefused):
        services.match_awards(actor=User.objects.get(username="enterprise"))
