"""The recommendation's declared actions (run = add, convert) and what it reads from data instead of code: the home
region's operators from the organizations directory and their carriers from core.radio.nr."""

import pytest

from rollout5g.audit.models import AuditEvent
from rollout5g.jobs.models import Job
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.resources.recommend.config import carrier_frequency_mhz
from rollout5g.resources.recommend.models import Recommendation
from rollout5g.resources.recommend.selectors import home_operators, operator_family
from rollout5g.resources.recommend.services import convert_proposals, submit_recommendation


def _finished(actor, resource, *, operator=None):
    """A recommendation of ``actor`` that succeeded with one proposal (the engine is tested in test_recommend)."""
    rec = submit_recommendation(actor=actor, area="region:330402", n_sites=1, operator=operator)
    result = {"params": {"band": "n78", "operator": operator}, "area": {"key_area": None},
              "proposals": [{"rank": 1, "source": "resource", "id": resource.pk, "code": resource.code,
                             "name": resource.name, "kind": resource.kind, "lon": resource.lon, "lat": resource.lat,
                             "config": "macro", "converted": None}]}
    Job.objects.filter(pk=rec.pk).update(status="succeeded", result=result)  # fixture: the worker's outcome
    rec.refresh_from_db()
    return rec


@pytest.fixture
def resource(db):
    from rollout5g.resources.models import PublicResource

    return PublicResource.objects.filter(withdrawn=False).exclude(kind="duct").order_by("code").first()


def test_operator_and_office_convert_with_audit_row(users, resource):
    rec = _finished(users["office"], resource, operator="jx-mobile")
    out = convert_proposals(actor=users["office"], job=rec, ranks=[1], action="plan", planned_year=2026)
    assert len(out["created"]) == 1
    rec.refresh_from_db()
    converted = rec.result["proposals"][0]["converted"]
    assert converted["code"] == out["created"][0] and converted["kind"] == "planned_site"
    event = AuditEvent.objects.filter(object_type="jobs.job", object_id=str(rec.pk), action="update").last()
    assert event.note.startswith("convert:") and event.after["converted"] == out["created"]
    # the plan entry is the operator's the recommendation was made for, not the office's
    from rollout5g.sites.models import PlannedSite

    assert PlannedSite.objects.get(code=out["created"][0]).organization.code == "jx-mobile"


def test_other_roles_and_organizations_are_refused(users, resource, client_for):
    rec = _finished(users["mobile"], resource)
    with pytest.raises(ActionRefused):
        convert_proposals(actor=users["telecom"], job=rec, ranks=[1], action="plan")
    with pytest.raises(ActionRefused):
        submit_recommendation(actor=users["enterprise"], area="region:330402", n_sites=1)
    with pytest.raises(ActionRefused):  # an operator recommends for its own network only
        submit_recommendation(actor=users["mobile"], area="region:330402", n_sites=1, operator="jx-telecom")
    # over HTTP: another operator does not even see the recommendation; the enterprise's role is not declared
    assert client_for("telecom").post(f"/open-list/recommend/{rec.pk}/convert/", {"rank": [1]}).status_code == 404
    assert client_for("enterprise").post(f"/open-list/recommend/{rec.pk}/convert/", {"rank": [1]}).status_code == 403


def test_wrong_state_and_missing_actor(users, resource):
    queued = submit_recommendation(actor=users["mobile"], area="region:330402", n_sites=1)
    assert queued.status == "queued"
    with pytest.raises(ActionUnavailable):
        convert_proposals(actor=users["mobile"], job=queued, ranks=[1], action="plan")
    with pytest.raises(TypeError):
        convert_proposals(actor=None, job=_finished(users["mobile"], resource), ranks=[1], action="plan")
    with pytest.raises(TypeError):
        submit_recommendation(actor=None, area="region:330402", n_sites=1)


def test_the_proxy_holds_only_recommendations(users, resource):
    rec = _finished(users["mobile"], resource)
    assert set(Recommendation.objects.values_list("kind", flat=True)) == {"resources.recommend"}
    assert Recommendation.objects.restrict(users["telecom"]).filter(pk=rec.pk).count() == 0
    assert Recommendation.objects.restrict(users["office"]).filter(pk=rec.pk).count() == 1


def test_operators_and_their_carriers_come_from_data(db):
    codes = set(home_operators().values_list("code", flat=True))
    assert {"jx-mobile", "jx-telecom", "jx-unicom"} <= codes and "jx-tower" not in codes
    families = {code: operator_family(Organization.objects.get(code=code)) for code in codes}
    assert families["jx-mobile"] == "china_mobile" and families["jx-telecom"] == "china_telecom"
    assert families["jx-unicom"] == "china_unicom"
    # TS 38.101-1 n78 3300-3800 MHz: China Telecom 3400-3500 and China Unicom 3500-3600 MHz (centres 3450, 3550);
    # China Mobile n79 4800-4900 MHz (4850); without an operator the band's default carrier (n78: 3500 MHz)
    assert carrier_frequency_mhz("n78", "china_telecom") == 3450.0
    assert carrier_frequency_mhz("n78", "china_unicom") == 3550.0
    assert carrier_frequency_mhz("n79", "china_mobile") == 4850.0
    assert carrier_frequency_mhz("n78") == 3500.0
