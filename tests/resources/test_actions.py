"""The declared steps of the open list (SiteRequest, FeeComplaint, ListRelease, PublicResource): the allowed role takes
each step and the audit names it; another role or organization is refused (403 over HTTP); a step in the wrong state
is unavailable; a step without an actor is a programming error; pages offer only the steps that can succeed."""

import datetime as dt

import pytest

from rollout5g.audit.services import history_for
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable, available_actions, roles_for
from rollout5g.resources import services
from rollout5g.resources.choices import RequestStatus, ResourceKind
from rollout5g.resources.models import FeeComplaint, ListRelease, PublicResource, SiteRequest

pytestmark = pytest.mark.django_db
LON, LAT = 120.7530, 30.7590


def _resource(users, **kw):
    fields = {"name": "测试路灯杆", "kind": ResourceKind.STREET_LIGHT_POLE, "lon": LON, "lat": LAT}
    fields.update(kw)
    return services.resource_create(actor=users["owner"], owner=users["owner"].organization, **fields)


def _last(obj):
    return list(history_for(obj))[-1]


def test_each_request_step_is_taken_by_its_role_and_named_in_the_audit(users):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    services.site_request_propose(actor=users["owner"], request=req, conditions="夜间施工")
    assert (_last(req).action, _last(req).note) == ("transition", "propose: 夜间施工")
    services.site_request_agree(actor=users["mobile"], request=req)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and _last(req).note.startswith("agree:")
    assert _last(req).actor == users["mobile"]

    other = services.site_request_create(actor=users["mobile"], resource=_resource(users, name="另一杆"))
    services.site_request_decline(actor=users["office"], request=other, reason="专班代答：杆体迁移")
    assert _last(other).note == "decline: 专班代答：杆体迁移" and _last(other).actor == users["office"]


def test_other_roles_and_organizations_are_refused_and_the_wrong_state_is_unavailable(users):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    with pytest.raises(ActionRefused):  # another operator may not withdraw mobile's request
        services.site_request_withdraw(actor=users["telecom"], request=req)
    with pytest.raises(ActionRefused):  # the requester does not answer its own request
        services.site_request_decline(actor=users["mobile"], request=req, reason="x")
    with pytest.raises(ActionRefused):  # the office answers, it does not withdraw for the operator
        services.site_request_withdraw(actor=users["office"], request=req)
    with pytest.raises(ActionUnavailable) as exc:  # nothing was proposed yet
        services.site_request_agree(actor=users["mobile"], request=req)
    assert "agree to the conditions" in str(exc.value) or "同意" in str(exc.value)
    services.site_request_withdraw(actor=users["mobile"], request=req, reason="选址调整")
    with pytest.raises(ActionUnavailable):  # withdrawn: no longer open
        services.site_request_accept(actor=users["owner"], request=req)
    assert SiteRequest.objects.get(pk=req.pk).status == RequestStatus.WITHDRAWN


def test_a_sharing_offer_waits_for_the_request_it_shares(users):
    pole = _resource(users, smart_pole=True, smart_pole_capacity=2)
    first = services.site_request_create(actor=users["telecom"], resource=pole)
    offer = services.site_request_create(actor=users["unicom"], resource=pole)
    assert available_actions(users["owner"], offer)["accept"] is False
    assert available_actions(users["owner"], first)["accept"] is True
    with pytest.raises(ActionUnavailable) as exc:
        services.site_request_accept(actor=users["owner"], request=offer)
    assert "sharing offer" in str(exc.value) or "共享" in str(exc.value)
    services.site_request_accept(actor=users["owner"], request=first)
    offer.refresh_from_db()
    assert offer.status == RequestStatus.ACCEPTED and _last(offer).note.startswith("accept: ") and first.code in _last(offer).note


def test_complaint_steps_are_the_office_s_and_follow_the_states(users):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    c = services.fee_complaint_file(actor=users["mobile"], request=req, fee_kind="entry", description="要求进场费")
    with pytest.raises(ActionRefused):
        services.fee_complaint_transition(actor=users["owner"], complaint=c, to_status="investigating")
    services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="investigating")
    assert _last(c).note == "investigate"
    with pytest.raises(ActionUnavailable):  # already investigating
        services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="investigating")
    services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="dismissed", resolution="无证据")
    c.refresh_from_db()
    assert c.status == "dismissed" and c.closed_on == dt.date.today() and _last(c).note == "dismiss: 无证据"
    assert not any(available_actions(users["office"], c).values())
    with pytest.raises(ActionRefused):  # a process files no complaint in an operator's name
        services.fee_complaint_file(actor=SYSTEM, request=req, fee_kind="entry", description="x")


def test_withdrawing_an_entry_and_publishing_a_release_are_declared_steps(users):
    r = _resource(users)
    services.resource_withdraw(actor=users["owner"], resource=r, reason="拆除")
    assert PublicResource.objects.get(pk=r.pk).withdrawn and _last(r).note == "withdraw: 拆除"
    with pytest.raises(ActionUnavailable):
        services.resource_withdraw(actor=users["owner"], resource=r, reason="again")
    draft = services.release_create(actor=SYSTEM, notice_start=dt.date(2030, 1, 1), notice_end=dt.date(2030, 1, 9))
    with pytest.raises(ActionRefused):
        services.release_publish(actor=users["owner"], release=draft)
    services.release_publish(actor=SYSTEM, release=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by is None and _last(draft).note.startswith("publish: published")
    assert _last(draft).actor_label == "system"


@pytest.mark.parametrize("call", [
    lambda users, req: services.site_request_accept(actor=None, request=req),
    lambda users, req: services.site_request_withdraw(actor=None, request=req),
    lambda users, req: services.site_request_create(actor=None, resource=req.resource),
    lambda users, req: services.resource_confirm(actor=None, resource=req.resource),
    lambda users, req: services.release_create(actor=None, notice_start=dt.date(2030, 1, 1),
                                               notice_end=dt.date(2030, 1, 9)),
])
def test_a_step_without_an_actor_is_a_programming_error(users, call):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    with pytest.raises(TypeError):
        call(users, req)


def test_over_http_only_the_allowed_steps_are_offered_and_others_get_403(users, client_for):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    url = f"/open-list/requests/{req.code}/"
    owner_page = client_for("owner").get(url).content.decode()
    assert 'id="accept-button"' in owner_page and 'id="agree-button"' not in owner_page
    mobile_page = client_for("mobile").get(url).content.decode()
    assert 'id="answer-form"' not in mobile_page and 'id="requester-form"' in mobile_page
    assert 'id="agree-button"' not in mobile_page and 'id="complain-link"' in mobile_page
    # the requester posting the owner's step is refused and nothing changes
    resp = client_for("mobile").post(f"{url}action/", {"action": "decline", "reason": "x"}, follow=True)
    assert resp.status_code == 200 and SiteRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED
    # the API answers 403 to an organization that may see the request but not take the step
    resp = client_for("mobile").post(f"/api/open-list/requests/{req.code}/answer", {"action": "accept"},
                                     content_type="application/json")
    assert resp.status_code == 403
    # a resource owner is not admitted to the new-request and new-complaint pages (declared roles)
    assert roles_for(SiteRequest, "add") == ("operator",) and roles_for(FeeComplaint, "add") == ("operator",)
    assert client_for("owner").get("/open-list/requests/new/").status_code == 403
    assert client_for("owner").get("/open-list/complaints/new/").status_code == 403
    assert roles_for(ListRelease, "publish") == ("program_office",)
