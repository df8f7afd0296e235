"""The approval flow's declared actions (platform.workflow): who takes each step, on which rows, in which state;
what the pages and the API offer; processes act as SYSTEM, never as ``None``."""

import datetime as dt
import re

import pytest

from rollout5g.audit.models import AuditEvent
from rollout5g.permits import services
from rollout5g.permits.models import Application, ApprovalItem, Certificate, JointSurvey
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import (
    ActionRefused,
    ActionUnavailable,
    available_actions,
    declared,
    roles_for,
)


def _says(model, action, *, reason=False):
    """The refusal names the declared step (and, for a condition, its reason) in the reader's language."""
    step = declared(model, action)
    return re.escape(str(step.doc if reason else step.label))

pytestmark = pytest.mark.django_db
API = "/api/approvals"
DEMO = "[示例]"
#: Reviewer account of each department of the Jiaxing rules (as in test_flow_api).
REVIEWERS = {"jx-nrp": "planning", "jx-housing": "construction", "jx-dei": "radio", "jx-ecology": "ecology",
             "jx-law-enforcement": "roads", "jx-power": "power"}


def demo(state: str) -> Application:
    return Application.objects.get(state=state, title__startswith=DEMO)


def audit_notes(obj) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=f"permits.{type(obj).__name__.lower()}",
                                          object_id=str(obj.pk)).order_by("seq").values_list("note", flat=True))


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_applicant_submits_its_draft_and_the_history_names_the_step(users):
    draft = demo("draft")
    applicant = draft.applicant.users.get(role="operator")
    assert available_actions(applicant, draft)["submit"] is True
    draft = services.application_submit(actor=applicant, application=draft)
    assert draft.state == "received"
    assert any(n.startswith("submit") for n in audit_notes(draft))


def test_other_roles_and_organizations_are_refused_over_http(client_for, users):
    draft, received = demo("draft"), demo("received")
    # the office sees every application but does not submit an operator's draft: 403 from the declaration
    r = post(client_for("office"), f"{API}/{draft.code}/submit")
    assert r.status_code == 403, r.content
    # an operator does not accept (the one-stop window does)
    applicant = received.applicant.users.get(role="operator")
    assert post(client_for(applicant.username), f"{API}/{received.code}/accept").status_code == 403
    # another operator cannot even see the draft
    assert post(client_for("telecom"), f"{API}/{draft.code}/submit").status_code == 404
    with pytest.raises(ActionRefused):
        services.application_submit(actor=users["telecom"], application=draft)
    # a department does not create applications (the page route and the service read the same declaration)
    assert client_for("planning").get("/approvals/new/").status_code == 403
    assert "department" not in roles_for(Application, "add")
    with pytest.raises(ActionRefused):
        services.application_create(actor=users["planning"], title="x")


def test_wrong_state_is_unavailable_not_refused(client_for, users):
    draft, notice = demo("draft"), demo("notice_issued")
    with pytest.raises(ActionUnavailable):
        services.application_accept(actor=users["office"], application=draft)
    r = post(client_for("office"), f"{API}/{draft.code}/accept")
    assert r.status_code == 422, r.content
    # the one-time notice is issued once: the condition of the declared step says so
    with pytest.raises(ActionUnavailable, match=_says(Application, "notice")):
        services.notice_issue(actor=users["office"], application=notice)


def test_none_is_no_actor(users):
    draft, review = demo("draft"), demo("under_review")
    item = ApprovalItem.objects.filter(application=review, state="in_review").first()
    with pytest.raises(TypeError):
        services.application_submit(actor=None, application=draft)
    with pytest.raises(TypeError):
        services.application_create(actor=None, title="x", applicant=draft.applicant)
    with pytest.raises(TypeError):
        services.item_decide(actor=None, item=item, approve=True, reasons="x")
    with pytest.raises(TypeError):
        services.comment_add(actor=None, application=review, text="x")
    with pytest.raises(TypeError):
        services.extension_grant(actor=None, application=review, days=1, reason="x")


def test_decision_waits_for_the_joint_survey_and_the_page_says_so(client_for):
    app = demo("survey_scheduled")  # the survey is scheduled, not yet held
    item = ApprovalItem.objects.filter(application=app, item_type__joint_survey=True, state="in_review").first()
    assert item is not None
    username = REVIEWERS[item.department.code]
    reviewer = item.department.users.get(username=username)
    assert available_actions(reviewer, item)["decide"] is False
    with pytest.raises(ActionUnavailable, match=_says(ApprovalItem, "decide", reason=True)):
        services.item_decide(actor=reviewer, item=item, approve=True, reasons="ok")
    page = client_for(username).get(f"/approvals/{app.code}/").content.decode()
    decide_form = re.search(r'id="decide-form".*?</form>', page, re.S)
    assert decide_form is None or f'value="{item.pk}"' not in decide_form.group(0)
    assert 'id="decide-waits"' in page and item.item_type.name in page
    # over the API: 422 with the reason, not a 403
    r = post(client_for(username), f"{API}/{app.code}/items/{item.pk}/decide", {"approve": True, "reasons": "ok"})
    assert r.status_code == 422 and str(declared(ApprovalItem, "decide").doc) in r.json()["detail"]


def test_an_item_is_decided_by_its_own_department_only(users):
    review = demo("under_review")
    item = ApprovalItem.objects.filter(application=review, state="in_review", item_type__joint_survey=False).first()
    assert item is not None
    other = next(u for u in users.values() if u.role == "department" and u.organization_id != item.department_id
                 and review.items.filter(department_id=u.organization_id).exists())
    with pytest.raises(ActionRefused):
        services.item_decide(actor=other, item=item, approve=True, reasons="x")
    mine = item.department.users.get(username=REVIEWERS[item.department.code])
    services.item_decide(actor=mine, item=item, approve=False, reasons="材料不符")
    item.refresh_from_db()
    assert item.state == "rejected" and item.decided_by == mine
    assert any(n.startswith("decide") for n in audit_notes(item))
    with pytest.raises(ActionUnavailable):  # decided already
        services.item_decide(actor=mine, item=item, approve=True, reasons="x")


def test_survey_steps_are_declared(users):
    app = demo("survey_scheduled")
    survey = JointSurvey.objects.get(application=app)
    applicant = app.applicant.users.get(role="operator")
    with pytest.raises(ActionRefused):
        services.survey_hold(actor=applicant, application=app, held_on=survey.scheduled_on, record="x")
    department = users[REVIEWERS[app.items.first().department.code]]
    with pytest.raises(ActionUnavailable):  # the record is not written yet: nothing to sign
        services.survey_sign(actor=department, application=app, opinion="同意", on=survey.scheduled_on)
    services.survey_hold(actor=users["office"], application=app, held_on=survey.scheduled_on, record="可建")
    survey.refresh_from_db()
    assert survey.state == "held" and any(n.startswith("hold") for n in audit_notes(survey))
    with pytest.raises(ActionRefused):  # the office writes the record; the departments sign it
        services.survey_sign(actor=users["office"], application=app, on=survey.scheduled_on)
    for code in sorted({i.department.code for i in app.items.select_related("department")}):
        services.survey_sign(actor=users[REVIEWERS[code]], application=app, on=survey.scheduled_on)
    survey.refresh_from_db()
    app.refresh_from_db()
    assert survey.state == "signed" and app.state == "under_review"
    assert any(n.startswith("complete_survey") for n in audit_notes(app))


def test_certificate_and_pause_steps(users):
    done = Application.objects.get(title__contains="城市核心区")
    cert = Certificate.objects.get(application=done)
    with pytest.raises(ActionRefused):
        services.certificate_revoke(actor=done.applicant.users.get(role="operator"), certificate=cert, reason="x")
    with pytest.raises(ActionRefused):  # a step only a person takes
        services.certificate_revoke(actor=SYSTEM, certificate=cert, reason="x")
    services.certificate_revoke(actor=users["office"], certificate=cert, reason="站址变更")
    with pytest.raises(ActionUnavailable, match=_says(Certificate, "revoke", reason=True)):
        services.certificate_revoke(actor=users["office"], certificate=cert, reason="again")

    review = demo("under_review")
    item = ApprovalItem.objects.filter(application=review, state="in_review").first()
    owner = users[REVIEWERS[item.department.code]]
    other = next(u for u in users.values() if u.role == "department" and u.organization_id != item.department_id)
    with pytest.raises(ActionRefused):
        services.pause_start(actor=other, application=review, kind="testing", start=review.accepted_on,
                             reason="x", item=item)
    with pytest.raises(ActionRefused):  # the whole application's clock is the office's
        services.pause_start(actor=owner, application=review, kind="testing", start=review.accepted_on, reason="x")
    pause = services.pause_start(actor=owner, application=review, kind="testing", start=review.accepted_on,
                                 reason="检测", item=item)
    with pytest.raises(ActionRefused):
        services.pause_end(actor=other, pause=pause, end=review.accepted_on + dt.timedelta(days=3))
    services.pause_end(actor=owner, pause=pause, end=review.accepted_on + dt.timedelta(days=3))
    with pytest.raises(ActionUnavailable):
        services.pause_end(actor=owner, pause=pause, end=review.accepted_on + dt.timedelta(days=4))


def test_pages_offer_only_the_allowed_steps(client_for):
    draft, received = demo("draft"), demo("received")
    applicant = draft.applicant.users.get(role="operator").username
    page = client_for(applicant).get(f"/approvals/{draft.code}/").content.decode()
    assert 'id="submit-form"' in page and 'id="update-form"' in page and 'id="accept-form"' not in page
    office = client_for("office").get(f"/approvals/{draft.code}/").content.decode()
    assert 'id="submit-form"' not in office and 'id="update-form"' not in office and 'id="accept-form"' not in office
    office = client_for("office").get(f"/approvals/{received.code}/").content.decode()
    assert 'id="accept-form"' in office and 'id="notice-form"' in office and 'id="submit-form"' not in office
    api = client_for("office").get(f"{API}/{received.code}").json()
    assert {"accept", "notice", "refuse"} <= set(api["actions"]) and "submit" not in api["actions"]
    telecom = received.applicant.users.get(role="operator").username
    assert client_for(telecom).get(f"{API}/{received.code}").json()["actions"] == ["comment"]


def test_processes_act_as_the_system(users):
    from rollout5g.audit.models import AuditEvent as Event

    received = demo("received")
    late = received.received_on + dt.timedelta(days=60)
    accepted = services.deem_accepted_lapsed(late)
    assert received.pk in {a.pk for a in accepted}
    event = Event.objects.filter(object_type="permits.application", object_id=str(received.pk),
                                 note__startswith="accept").latest("seq")
    assert event.actor_label == "system:clock" and event.actor_id is None
