"""The registry's declared steps: a site's lifecycle, publishing the special plan, importing, key areas.

Who takes each step is declared once (``Site.access_policy.actions`` and its siblings); these tests take the steps
through the services and over HTTP: the allowed role with its audit row, another role or organization refused
(403 / not shown), a step not open in the present state (ActionUnavailable), and no actor (TypeError).
"""

import datetime as dt

import pytest
from django.urls import reverse

from rollout5g.audit.models import AuditEvent
from rollout5g.platform.actors import SYSTEM, SystemActor
from rollout5g.platform.routes import declared_access
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable, roles_for
from rollout5g.sites import services, views
from rollout5g.sites.choices import SiteState
from rollout5g.sites.imports.services import import_cells
from rollout5g.sites.models import PlannedSite, Site

pytestmark = pytest.mark.django_db

NANHU = (120.7555, 30.7469)  # 南湖区, central Jiaxing
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def mobile_site(users):
    mobile = users["mobile"]
    return services.site_create(actor=mobile, owner=mobile.organization, name="工作流测试站", lon=NANHU[0],
                                lat=NANHU[1], site_type="macro_tower")


def _steps(site):
    """The (action, actor label, note) of the site's transition audit rows, oldest first."""
    events = AuditEvent.objects.filter(object_type="sites.site", object_id=str(site.pk), action="transition")
    return [(e.note.split(":")[0], e.actor_label, e.after["state"]) for e in events.order_by("seq")]


def test_the_owner_and_the_office_take_the_lifecycle_with_an_audit_row_each(users, mobile_site):
    mobile, office = users["mobile"], users["office"]
    site = services.site_transition(actor=mobile, site=mobile_site, to_state="applied", on=DAY, note="申请审批")
    site = services.site_transition(actor=office, site=site, to_state="approved", on=DAY)
    for state in ("building", "on_air", "relocating", "on_air", "retired"):
        site = services.site_transition(actor=mobile, site=site, to_state=state, on=DAY)
    assert _steps(site) == [
        ("apply", "mobile", "applied"), ("approve", "office", "approved"), ("build", "mobile", "building"),
        ("on_air", "mobile", "on_air"), ("relocate", "mobile", "relocating"), ("on_air", "mobile", "on_air"),
        ("retire", "mobile", "retired")]
    site.refresh_from_db()
    assert (site.state, site.on_air_date, site.retired_date, site.state_since) == ("retired", DAY, DAY, DAY)
    first = (AuditEvent.objects.filter(object_type="sites.site", object_id=str(site.pk), action="transition")
             .order_by("seq").first())
    assert first.note == "apply: 申请审批"


def test_the_lifecycle_has_one_step_per_target_state():
    steps = services.site_steps()
    assert set(steps) == set(SiteState.values)
    assert steps == {"applied": "apply", "planned": "withdraw", "approved": "approve", "building": "build",
                     "on_air": "on_air", "relocating": "relocate", "retired": "retire"}


def test_an_operator_does_not_approve_its_own_site(users, mobile_site):
    site = services.site_transition(actor=users["mobile"], site=mobile_site, to_state="applied", on=DAY)
    with pytest.raises(ActionRefused):
        services.site_transition(actor=users["mobile"], site=site, to_state="approved", on=DAY)
    client = _client(users["mobile"])
    response = client.post(reverse("sites:transition", args=[site.code]), {"to_state": "approved", "on": "2026-03-02"})
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.state == "applied"
    # the page offers the steps the operator may take now, not the approval
    page = client.get(reverse("sites:detail", args=[site.code])).content.decode()
    assert 'value="planned"' in page and 'value="retired"' in page and 'value="approved"' not in page
    # so does the API
    assert client.get(f"/api/sites/{site.code}").json()["actions"] == ["withdraw", "retire"]
    # the approval decision is a process: it may
    services.site_transition(actor=SystemActor("approvals"), site=site, to_state="approved", on=DAY)
    assert _steps(site)[-1] == ("approve", "system:approvals", "approved")


def test_another_organization_or_role_is_refused(users, mobile_site):
    with pytest.raises(ActionRefused):
        services.site_transition(actor=users["telecom"], site=mobile_site, to_state="applied")
    with pytest.raises(ActionRefused):
        services.site_transition(actor=users["planning"], site=mobile_site, to_state="applied")
    with pytest.raises(ActionRefused):
        services.site_update(actor=users["telecom"], site=mobile_site, name="改名")
    url = reverse("sites:transition", args=[mobile_site.code])
    # a reviewing department takes no step of a site: the route's gate refuses it
    assert _client(users["planning"]).post(url, {"to_state": "applied"}).status_code == 403
    # another operator does not even see the site
    assert _client(users["telecom"]).post(url, {"to_state": "applied"}).status_code == 404
    mobile_site.refresh_from_db()
    assert mobile_site.state == "planned" and not _steps(mobile_site)
    # the page shows the department no step
    page = _client(users["planning"]).get(reverse("sites:detail", args=[mobile_site.code])).content.decode()
    assert "transition-form" not in page


def test_a_step_not_open_now_is_unavailable_and_the_page_says_why(users, mobile_site):
    with pytest.raises(ActionUnavailable, match=_label("build")):
        services.site_transition(actor=users["mobile"], site=mobile_site, to_state="building")
    with pytest.raises(services.TransitionError):
        services.site_transition(actor=users["mobile"], site=mobile_site, to_state="flying")
    client = _client(users["mobile"])
    response = client.post(reverse("sites:transition", args=[mobile_site.code]), {"to_state": "on_air"}, follow=True)
    assert response.status_code == 200 and _label("on_air") in response.content.decode()
    retired = services.site_transition(actor=users["office"], site=mobile_site, to_state="retired", on=DAY)
    with pytest.raises(ActionUnavailable):  # retired is final
        services.site_transition(actor=users["office"], site=retired, to_state="retired")
    page = client.get(reverse("sites:detail", args=[retired.code])).content.decode()
    assert "transition-form" not in page


def test_the_api_answers_a_refusal_403_and_a_closed_step_422(users, mobile_site):
    url = f"/api/sites/{mobile_site.code}/transition"
    mobile = _client(users["mobile"])
    assert mobile.post(url, {"to_state": "building"}, content_type="application/json").status_code == 422
    assert mobile.post(url, {"to_state": "applied"}, content_type="application/json").json()["state"] == "applied"
    assert mobile.post(url, {"to_state": "approved"}, content_type="application/json").status_code == 403
    mobile_site.refresh_from_db()
    assert mobile_site.state == "applied"


def test_the_transition_route_admits_the_roles_the_declaration_names():
    declared = set()
    for name in Site.access_policy.actions:
        declared |= set(roles_for(Site, name))
    assert declared_access(views.site_transition).roles == frozenset(declared) == {"operator", "program_office"}


def test_only_the_office_publishes_the_special_plan(users):
    mobile = users["mobile"]
    plan = services.planned_site_create(actor=mobile, organization=mobile.organization, lon=NANHU[0], lat=NANHU[1],
                                        planned_year=2026, site_type="rooftop")
    with pytest.raises(ActionRefused):
        services.plan_publish(actor=mobile, plans=[plan])
    assert services.plan_publish(actor=users["office"], plans=[plan]) == 1
    assert services.plan_publish(actor=users["office"], plans=[plan]) == 0  # already published
    plan.refresh_from_db()
    assert plan.published
    events = AuditEvent.objects.filter(object_type="sites.plannedsite", object_id=str(plan.pk), action="transition")
    assert [(e.note, e.actor_label, e.after) for e in events] == [("publish", "office", {"published": True})]
    with pytest.raises(ActionUnavailable):  # taken directly on a published entry
        from rollout5g.platform.workflow import transition

        transition(plan, "publish", actor=users["office"])
    services.plan_publish(actor=users["office"], plans=PlannedSite.objects.filter(pk=plan.pk), published=False)
    plan.refresh_from_db()
    assert not plan.published


def test_an_operator_imports_only_for_its_own_organization(tmp_path, users):
    path = tmp_path / "empty.csv"
    path.write_text("小区名称\n", encoding="utf-8")
    with pytest.raises(ActionRefused):
        import_cells(actor=users["mobile"], path=path, organization="jx-telecom", mode="dry_run")
    with pytest.raises(ActionRefused):
        import_cells(actor=users["planning"], path=path, mode="dry_run")
    # the office and the platform's processes import for anyone
    assert import_cells(actor=users["office"], path=path, organization="jx-telecom", mode="dry_run").committed is False
    assert import_cells(actor=SYSTEM, path=path, mode="dry_run").committed is False


def test_no_actor_is_refused(users, mobile_site, tmp_path):
    org = users["mobile"].organization
    plan = services.planned_site_create(actor=SYSTEM, organization=org, lon=NANHU[0], lat=NANHU[1],
                                        planned_year=2026, site_type="rooftop")
    calls = [
        lambda: services.site_transition(actor=None, site=mobile_site, to_state="applied"),
        lambda: services.site_update(actor=None, site=mobile_site, name="x"),
        lambda: services.site_create(actor=None, owner=org, name="x", lon=NANHU[0], lat=NANHU[1],
                                     site_type="rooftop"),
        lambda: services.planned_site_create(actor=None, organization=org, lon=NANHU[0], lat=NANHU[1],
                                             planned_year=2026, site_type="rooftop"),
        lambda: services.plan_publish(actor=None, plans=[plan]),
        lambda: services.import_key_areas(actor=None, path=tmp_path / "none.geojson"),
        lambda: services.load_key_areas(actor=None),
        lambda: import_cells(actor=None, path=tmp_path / "none.csv"),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="actor"):
            call()
    mobile_site.refresh_from_db()
    assert mobile_site.state == "planned" and mobile_site.name == "工作流测试站"


def _label(name: str) -> str:
    """A step's label as the user reads it (translated once the catalogue has it)."""
    return str(Site.access_policy.actions[name].label)


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
