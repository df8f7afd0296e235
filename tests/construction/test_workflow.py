"""The 5G supporting facilities of a construction project, end to end: register → design → design review by the
planning and the construction department → construction → completion acceptance → planned sites in the registry
(Zhejiang tasks 2, 4, 5; Jiaxing 二(一)2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rollout5g.audit.models import AuditEvent
from rollout5g.construction import services
from rollout5g.construction.choices import ProjectState, ReviewDecision
from rollout5g.construction.models import ConstructionProject, DesignReview, FacilityGuideline
from rollout5g.construction.selectors import accepted_projects, accepted_share, review_clock
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.regions.models import Region
from rollout5g.sites.models import PlannedSite

from .conftest import reserved_sites

pytestmark = pytest.mark.django_db

BUILT_AS_RESERVED = {"sites": 5, "machine_room_m2": "10", "power_kw": "50", "duct_holes": 4, "roof_m2": "100"}


def _approve_both(project, users):
    for review in project.reviews.filter(decision=ReviewDecision.PENDING).order_by("kind"):
        user = users["planning"] if review.kind == "planning" else users["construction"]
        services.review_decide(actor=user, review=review, approve=True)
    project.refresh_from_db()
    return project


def _actions(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .values_list("note", flat=True))


# -- the guideline ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "size", "expected"), [
    # housing: one site per 20,000 m² -> ⌈85,000 / 20,000⌉ = 5; 10 kW and 20 m² of roof per site
    ("housing", "85000", {"sites": 5, "machine_room_m2": Decimal("10"), "power_kw": Decimal("50"), "duct_holes": 4,
                          "roof_m2": Decimal("100")}),
    # a road: one site per 0.5 km -> ⌈3.2 / 0.5⌉ = ⌈6.4⌉ = 7; 5 kW per site, no room, no roof
    ("municipal_road", "3.2", {"sites": 7, "machine_room_m2": Decimal("0"), "power_kw": Decimal("35"),
                               "duct_holes": 2, "roof_m2": Decimal("0")}),
    # a small hub: ⌈5,000 / 10,000⌉ = 1, but at least 2 sites
    ("transport_hub", "5000", {"sites": 2, "machine_room_m2": Decimal("20"), "power_kw": Decimal("30"),
                               "duct_holes": 6, "roof_m2": Decimal("60")}),
])
def test_required_facilities_come_from_the_guideline_table(register, kind, size, expected):
    project = register(kind=kind, size=size)
    assert project.facilities("required") == expected
    row = FacilityGuideline.objects.get(kind=kind)
    assert row.is_default and "no figure" in row.note  # the office's default, not a document's figure


def test_a_changed_guideline_applies_to_new_projects_only(register, users):
    first = register()
    row = FacilityGuideline.objects.get(kind="housing")
    services.guideline_update(actor=users["office"], guideline=row, size_per_site=Decimal("10000"))
    with pytest.raises(ActionRefused):
        services.guideline_update(actor=users["owner"], guideline=row, min_sites=3)
    first.refresh_from_db()
    assert first.required_sites == 5
    assert register().required_sites == 9  # ⌈85,000 / 10,000⌉
    assert not FacilityGuideline.objects.get(kind="housing").is_default


# -- the workflow ----------------------------------------------------------------------------------------------
@pytest.mark.clause("zj", "2", level="built")
@pytest.mark.clause("zj", "4", level="built")
@pytest.mark.clause("zj", "5", level="partial")
@pytest.mark.clause("jx", "二(一)2", level="built")
def test_register_review_build_accept_and_the_sites_enter_the_registry(designed, users, today):
    project = designed()
    assert project.state == ProjectState.REGISTERED and project.reserved_sites == 5
    project = services.project_submit(actor=users["owner"], project=project)
    assert project.state == ProjectState.IN_REVIEW
    reviews = {r.kind: r for r in project.reviews.all()}
    assert set(reviews) == {"planning", "construction"}
    assert {r.department.code for r in reviews.values()} == {"jx-nrp", "jx-housing"}

    services.review_decide(actor=users["planning"], review=reviews["planning"], approve=True)
    project.refresh_from_db()
    assert project.state == ProjectState.IN_REVIEW  # the construction department has not decided yet
    services.review_decide(actor=users["construction"], review=reviews["construction"], approve=True)
    project.refresh_from_db()
    assert project.state == ProjectState.DESIGN_APPROVED and project.design_approved_on == today

    project = services.project_start(actor=users["owner"], project=project)
    project = services.project_request_acceptance(actor=users["owner"], project=project, built=BUILT_AS_RESERVED)
    assert project.state == ProjectState.ACCEPTANCE
    assert not PlannedSite.objects.filter(place=project.name).exists()

    project = services.project_accept(actor=users["construction"], project=project, note="按设计建成")
    assert project.state == ProjectState.ACCEPTED and project.accepted_on == today
    plans = PlannedSite.objects.filter(pk__in=project.site_reservations.values("planned_site"))
    assert plans.count() == 5
    assert {p.organization.code for p in plans} == {"jx-tower"}
    assert {p.region_id for p in plans} == {"330402"} and {p.planned_year for p in plans} == {today.year}
    # each planned site was written by the registry's service, with its own audit row naming the project
    for plan in plans:
        assert any(project.code in (n or "") for n in _actions(plan))
    notes = " ".join(_actions(project))
    for step in ("submit", "approve_design", "start", "request_acceptance", "accept"):
        assert step in notes
    assert "approve" in " ".join(_actions(reviews["planning"]))
    # the indicator supervision reads (the city and the county both count it)
    city = Region.objects.get(adcode="330400")
    assert accepted_projects(city, today) == 1
    assert accepted_projects(city, today - dt.timedelta(days=1)) == 0
    assert accepted_share(city, today) == Decimal("1")


@pytest.mark.clause("zj", "2", level="partial")
def test_a_return_sends_the_design_back_and_the_next_round_has_new_reviews(designed, users):
    project = services.project_submit(actor=users["owner"], project=designed())
    planning = project.reviews.get(kind="planning")
    with pytest.raises(ValidationError) as exc:
        services.review_decide(actor=users["planning"], review=planning, approve=False, findings="  ")
    assert "findings" in exc.value.message_dict
    services.review_decide(actor=users["planning"], review=planning, approve=False, findings="机房位置不满足要求")
    project.refresh_from_db()
    assert project.state == ProjectState.RETURNED
    assert project.reviews.get(kind="construction").decision == ReviewDecision.RETURNED  # closed with the round
    project = services.project_design(actor=users["owner"], project=project, facilities={"machine_room_m2": "12"})
    project = services.project_submit(actor=users["owner"], project=project)
    assert project.review_round == 2
    assert project.reviews.filter(round=2, decision=ReviewDecision.PENDING).count() == 2
    assert _approve_both(project, users).state == ProjectState.DESIGN_APPROVED


def test_the_design_review_clock_counts_working_days(designed, users, today):
    project = services.project_submit(actor=users["owner"], project=designed())
    review = project.reviews.get(kind="planning")
    state = review_clock(review, today)
    # received Monday 2026-11-16 (not counted); 10 working days: 17-20, 23-27, 30 November
    assert state.due == dt.date(2026, 11, 30) and state.state == "running"
    assert review_clock(review, dt.date(2026, 12, 1)).state == "overdue"
    services.review_decide(actor=users["planning"], review=review, approve=True)
    review.refresh_from_db()
    assert review_clock(review, dt.date(2026, 12, 1)).state == "stopped"


# -- refusals ----------------------------------------------------------------------------------------------------
def test_who_may_take_each_step(designed, register, users):
    with pytest.raises(ActionRefused):
        register(actor=users["mobile"])  # an operator registers no construction project
    with pytest.raises(ActionRefused):  # another developer's project
        register(actor=users["schools"], developer=users["owner"].organization)
    project = designed()
    with pytest.raises(ActionRefused):
        services.project_submit(actor=users["schools"], project=project)
    with pytest.raises(ActionRefused):
        services.project_design(actor=users["planning"], project=project, facilities={"power_kw": "60"})
    project = services.project_submit(actor=users["owner"], project=project)
    planning, construction = project.reviews.get(kind="planning"), project.reviews.get(kind="construction")
    with pytest.raises(ActionRefused):  # the construction department decides its own review only
        services.review_decide(actor=users["construction"], review=planning, approve=True)
    with pytest.raises(ActionRefused):  # another department
        services.review_decide(actor=users["police"], review=construction, approve=True)
    with pytest.raises(ActionRefused):  # a process decides nothing: a person reviews
        services.review_decide(actor=SYSTEM, review=construction, approve=True)
    with pytest.raises(ActionUnavailable):  # not in construction yet
        services.project_request_acceptance(actor=users["owner"], project=project, built=BUILT_AS_RESERVED)
    project = _approve_both(project, users)
    project = services.project_start(actor=users["owner"], project=project)
    project = services.project_request_acceptance(actor=users["owner"], project=project, built=BUILT_AS_RESERVED)
    with pytest.raises(ActionRefused):  # completion acceptance is the construction department's
        services.project_accept(actor=users["planning"], project=project)
    with pytest.raises(ActionRefused):
        services.project_accept(actor=users["owner"], project=project)
    with pytest.raises(TypeError):
        services.project_accept(actor=None, project=project)
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTANCE


# -- bad input ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "values"), [
    ("size", {"size": "-5"}),
    ("size", {"size": "abc"}),
    ("kind", {"kind": "castle"}),
    ("name", {"name": "  "}),
    ("location", {"lon": "east"}),
    ("operator", {"operator": "jx-nrp"}),
    ("planning_department", {"planning_department": "jx-tower"}),
])
def test_bad_registration_names_the_field_and_writes_nothing(register, org, field, values):
    before = (ConstructionProject.objects.count(), AuditEvent.objects.count())
    for key in ("operator", "planning_department"):
        if key in values:
            values[key] = org(values[key])
    with pytest.raises(ValidationError) as exc:
        register(**values)
    assert field in exc.value.message_dict
    assert (ConstructionProject.objects.count(), AuditEvent.objects.count()) == before


def test_a_design_below_the_guideline_cannot_be_submitted(register, users):
    project = register()
    project = services.project_design(actor=users["owner"], project=project, sites=reserved_sites(5),
                                      facilities={"machine_room_m2": "10", "power_kw": "40", "duct_holes": 4,
                                                  "roof_m2": "100"})
    with pytest.raises(ValidationError) as exc:
        services.project_submit(actor=users["owner"], project=project)
    assert set(exc.value.message_dict) == {"power_kw"}  # 40 kW reserved, 50 required
    project.refresh_from_db()
    assert project.state == ProjectState.REGISTERED and not DesignReview.objects.filter(project=project).exists()
    with pytest.raises(ValidationError) as exc:
        services.project_design(actor=users["owner"], project=project, facilities={"duct_holes": "2.5"})
    assert "duct_holes" in exc.value.message_dict


def test_acceptance_refused_while_less_was_built_than_reserved_then_rectified(designed, users):
    project = _approve_both(services.project_submit(actor=users["owner"], project=designed()), users)
    project = services.project_start(actor=users["owner"], project=project)
    project = services.project_request_acceptance(actor=users["owner"], project=project,
                                                  built={**BUILT_AS_RESERVED, "sites": 3})
    with pytest.raises(ValidationError) as exc:
        services.project_accept(actor=users["construction"], project=project)
    assert set(exc.value.message_dict) == {"sites"}
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTANCE
    assert not project.site_reservations.filter(planned_site__isnull=False).exists()
    project = services.project_rectify(actor=users["construction"], project=project, findings="2号、3号站址未建")
    assert project.state == ProjectState.BUILDING
    assert accepted_share(Region.objects.get(adcode="330400"), dt.date.today()) == Decimal("0")


@pytest.mark.clause("zj", "2", level="partial")
def test_supervision_reads_the_indicator_from_the_projects(designed, users, today):
    from rollout5g.policy.indicators import observe
    from rollout5g.policy.models import Indicator

    indicator = Indicator.objects.get(source="construction.accepted_share")
    province = Region.objects.get(adcode="330000")
    assert observe(indicator, province, today) is None  # no project reached acceptance: nothing observed
    project = _approve_both(services.project_submit(actor=users["owner"], project=designed()), users)
    project = services.project_start(actor=users["owner"], project=project)
    services.project_request_acceptance(actor=users["owner"], project=project, built=BUILT_AS_RESERVED)
    second = _approve_both(services.project_submit(actor=users["owner"], project=designed()), users)
    second = services.project_start(actor=users["owner"], project=second)
    services.project_request_acceptance(actor=users["owner"], project=second, built=BUILT_AS_RESERVED)
    services.project_accept(actor=users["construction"], project=second)
    observed = observe(indicator, province, today)
    assert observed.value == Decimal("0.5") and observed.source == "computed: construction.accepted_share"
    assert indicator.targets.get().is_met_by(observed.value) is False


def test_a_new_design_replaces_the_reserved_sites_with_audit_rows(designed, users):
    project = designed()
    old = list(project.site_reservations.values_list("pk", flat=True))
    project = services.project_design(actor=users["owner"], project=project, sites=reserved_sites(6))
    assert project.reserved_sites == 6 and project.site_reservations.count() == 6
    deleted = AuditEvent.objects.filter(object_type="construction.reservedsite", action="delete",
                                        object_id__in=[str(pk) for pk in old])
    assert deleted.count() == len(old) == 5
