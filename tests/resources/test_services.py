"""Services of the open list: resources, releases (immutability, diff), requests, fees, complaints, reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rollout5g.accounts.choices import Role
from rollout5g.audit.services import history_for
from rollout5g.notifications.models import Notification
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import ActionUnavailable
from rollout5g.resources import services
from rollout5g.resources.choices import Availability, FeeKind, RequestStatus, ResourceKind
from rollout5g.resources.models import ListRelease, PublicResource, ReleaseEntry, SiteRequest
from rollout5g.resources.reminders import remind_unconfirmed
from rollout5g.resources.selectors import diff_snapshots, open_candidates, release_diff, resources_near

pytestmark = pytest.mark.django_db

# a point in the city core of 南湖区 (WGS-84)
LON, LAT = 120.7530, 30.7590


def _resource(users, username="owner", **kw):
    owner = users[username].organization
    fields = {"name": "测试路灯杆", "kind": ResourceKind.STREET_LIGHT_POLE, "lon": LON, "lat": LAT, "height_m": 11.0}
    fields.update(kw)
    return services.resource_create(actor=users[username], owner=owner, **fields)


def test_owner_adds_its_own_entry_with_code_county_and_audit(users):
    r = _resource(users)
    assert r.code.startswith("JX-OL-") and r.region_id == "330402"
    assert r.owner.code == "jx-jiacheng-group" and r.last_confirmed_on == dt.date.today()
    assert [e.action for e in history_for(r)] == ["create"]


def test_gcj02_input_is_stored_in_wgs84(users):
    from rollout5g.core.geo import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(LON, LAT)
    r = _resource(users, lon=float(glon), lat=float(glat), crs="gcj02")
    assert abs(r.lon - LON) < 1e-7 and abs(r.lat - LAT) < 1e-7


def test_owner_cannot_add_or_change_for_another_owner(users):
    with pytest.raises(PermissionDenied):
        services.resource_create(actor=users["owner"], owner=users["schools"].organization, name="x",
                                 kind=ResourceKind.SCHOOL, lon=LON, lat=LAT)
    theirs = _resource(users, "schools", kind=ResourceKind.SCHOOL, name="实验小学")
    with pytest.raises(PermissionDenied):
        services.resource_update(actor=users["owner"], resource=theirs, name="改名")
    with pytest.raises(PermissionDenied):
        services.resource_create(actor=users["mobile"], owner=users["mobile"].organization, name="x",
                                 kind=ResourceKind.SCHOOL, lon=LON, lat=LAT)


def test_bad_attributes_are_refused_by_field(users):
    with pytest.raises(ValidationError) as exc:
        _resource(users, kind=ResourceKind.SCHOOL, smart_pole=True, smart_pole_capacity=3)
    assert "smart_pole" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _resource(users, smart_pole=True, smart_pole_capacity=0)
    assert "smart_pole_capacity" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _resource(users, height_m=-3)
    assert "height_m" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _resource(users, lon=10.0, lat=10.0)
    assert "lon" in exc.value.message_dict
    assert not PublicResource.objects.filter(name="测试路灯杆").exists()


def test_availability_change_needs_a_reason_and_confirm_sets_the_date(users):
    r = _resource(users)
    with pytest.raises(ValidationError) as exc:
        services.resource_set_availability(actor=users["owner"], resource=r, availability="unavailable", reason=" ")
    assert "availability_reason" in exc.value.message_dict
    services.resource_set_availability(actor=users["owner"], resource=r, availability="unavailable", reason="道路改造")
    r.refresh_from_db()
    assert r.availability == "unavailable" and r.availability_reason == "道路改造"
    services.resource_confirm(actor=users["owner"], resource=r, on=dt.date(2030, 1, 2))
    r.refresh_from_db()
    assert r.last_confirmed_on == dt.date(2030, 1, 2)


# ---------------------------------------------------------------------------------------------------- releases


def test_diff_of_two_snapshots_by_hand():
    old = {"A": {"name": "a", "height_m": 10}, "B": {"name": "b"}, "C": {"name": "c", "availability": "open"}}
    new = {"A": {"name": "a", "height_m": 12}, "C": {"name": "c2", "availability": "reserved"}, "D": {"name": "d"}}
    assert diff_snapshots(old, new) == {"added": ["D"], "changed": {"A": ["height_m"], "C": ["name", "availability"]},
                                        "withdrawn": ["B"]}


def test_demo_has_two_published_batches_with_a_visible_diff():
    first, second = ListRelease.objects.get(number=1), ListRelease.objects.get(number=2)
    assert first.is_published and second.is_published
    assert first.entry_count >= 2000 and first.added_count == first.entry_count
    assert (second.added_count, second.changed_count, second.withdrawn_count) == (320, 90, 40)
    assert second.entry_count == first.entry_count + 320 - 40
    diff = release_diff(second)
    assert diff["base"] == first and len(diff["added"]) == 320 and len(diff["withdrawn"]) == 40
    assert all(PublicResource.objects.get(code=c).withdrawn for c in diff["withdrawn"])
    assert PublicResource.objects.filter(is_synthetic=True).values("region").distinct().count() == 7


@pytest.mark.clause("zj", "7", level="built")
def test_publishing_freezes_entries_and_a_published_release_is_immutable(users):
    office = users["office"]
    r = _resource(users, name="新路灯杆")
    draft = services.release_create(actor=office, notice_start=dt.date(2030, 1, 1), notice_end=dt.date(2030, 1, 10))
    assert draft.number == 3 and not ReleaseEntry.objects.filter(release=draft).exists()
    with pytest.raises(ValidationError):  # one draft at a time
        services.release_create(actor=office, notice_start=dt.date(2030, 1, 1), notice_end=dt.date(2030, 1, 10))
    with pytest.raises(PermissionDenied):
        services.release_publish(actor=users["owner"], release=draft)
    services.release_update(actor=office, release=draft, title="第三批")
    published = services.release_publish(actor=office, release=draft)
    assert published.added_count == 1 and published.changed_count >= 1  # the new entry; demo requests changed some
    frozen = ReleaseEntry.objects.get(release=published, code=r.code)
    assert frozen.snapshot["name"] == "新路灯杆" and frozen.snapshot["owner"] == "jx-jiacheng-group"
    services.resource_update(actor=users["owner"], resource=r, name="改名后")
    frozen.refresh_from_db()
    assert frozen.snapshot["name"] == "新路灯杆"  # the live change does not reach the published release
    with pytest.raises(services.ReleaseImmutable):
        services.release_update(actor=office, release=published, title="changed")
    with pytest.raises(ActionUnavailable):  # published once
        services.release_publish(actor=office, release=published)
    assert ListRelease.objects.get(pk=published.pk).title == "第三批"
    # the next batch shows the rename as a change of "name"
    nxt = services.release_publish(actor=office, release=services.release_create(
        actor=office, notice_start=dt.date(2030, 2, 1), notice_end=dt.date(2030, 2, 5)))
    assert release_diff(nxt)["changed"][r.code] == ["name"]


def test_notice_period_must_not_end_before_it_starts(users):
    with pytest.raises(ValidationError) as exc:
        services.release_create(actor=users["office"], notice_start=dt.date(2030, 1, 10),
                                notice_end=dt.date(2030, 1, 1))
    assert "notice_end" in exc.value.message_dict


# ---------------------------------------------------------------------------------------------------- requests


def test_answer_deadline_counts_chinese_working_days(users):
    # received Tue 2025-09-30; 1-8 Oct are the National Day holidays, Sat 11 Oct is an adjusted working day:
    # counted days are 9, 10, 11, 13, 14 October -> due 2025-10-14
    r = _resource(users)
    req = services.site_request_create(actor=users["mobile"], resource=r, on=dt.date(2025, 9, 30), planned_year=2026)
    assert req.answer_limit_days == 5 and req.due_on == dt.date(2025, 10, 14) and not req.due_provisional
    clock = services.request_clock(req, today=dt.date(2025, 10, 13))
    assert (clock.state, clock.days_left, clock.elapsed) == ("due_soon", 1, 4)
    assert services.request_clock(req, today=dt.date(2025, 10, 15)).state == "overdue"


@pytest.mark.clause("jx", "二(一)3", level="built")
def test_request_accept_reserves_the_resource_and_creates_the_planned_site(users):
    r = _resource(users)
    req = services.site_request_create(actor=users["mobile"], resource=r, planned_year=2026, purpose="补盲")
    assert req.requester.code == "jx-mobile" and req.owner.code == "jx-jiacheng-group" and req.status == "submitted"
    assert Notification.objects.filter(recipient=users["owner"], key=f"resources.request:{req.code}").exists()
    with pytest.raises(PermissionDenied):  # only the owner answers
        services.site_request_accept(actor=users["schools"], request=req)
    with pytest.raises(PermissionDenied):
        services.site_request_accept(actor=users["mobile"], request=req)
    services.site_request_accept(actor=users["owner"], request=req, conditions="电费按实结算",
                                 charges=[{"kind": "power", "amount_cny": "", "basis": "按表计量"}])
    req.refresh_from_db()
    r.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and req.answered_by == users["owner"]
    plan = req.planned_site
    assert plan is not None and plan.organization.code == "jx-mobile" and plan.planned_year == 2026
    assert (plan.lon, plan.lat, plan.region_id, plan.site_type) == (r.lon, r.lat, "330402", "street_pole")
    assert r.availability == Availability.RESERVED and req.code in r.availability_reason
    assert list(r.hosted_operators.values_list("code", flat=True)) == ["jx-mobile"]
    assert [c.kind for c in req.charges.all()] == ["power"]
    assert [e.action for e in history_for(req)] == ["create", "transition"]
    with pytest.raises(ValidationError):  # answered once
        services.site_request_decline(actor=users["owner"], request=req, reason="late")


def test_decline_needs_a_reason(users):
    req = services.site_request_create(actor=users["tower"], resource=_resource(users))
    with pytest.raises(ValidationError) as exc:
        services.site_request_decline(actor=users["owner"], request=req, reason="  ")
    assert "decline_reason" in exc.value.message_dict
    services.site_request_decline(actor=users["owner"], request=req, reason="杆体将迁移")
    req.refresh_from_db()
    assert req.status == "declined" and req.decline_reason == "杆体将迁移" and req.planned_site is None


@pytest.mark.parametrize("kind", [FeeKind.ENTRY, FeeKind.COORDINATION, FeeKind.SHARING, FeeKind.RENT, FeeKind.OTHER])
@pytest.mark.clause("jx", "二(一)3", level="built")
@pytest.mark.clause("jx", "三(四)", level="partial")
def test_a_fee_other_than_power_is_refused_with_the_rule(users, kind):
    r = _resource(users)
    req = services.site_request_create(actor=users["mobile"], resource=r)
    for answer, language in ((services.site_request_accept, "en"), (services.site_request_propose, "zh-hans")):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            answer(actor=users["owner"], request=req, conditions="c", charges=[{"kind": kind, "amount_cny": "5000"}])
        message = " ".join(exc.value.message_dict["charges"])
        with translation.override(language):
            fee = str(FeeKind(kind).label)
        assert f"Charge 1: {fee} may not be charged" in message or language != "en"
        assert fee in message and "charges" not in message  # the fee is named, in the reader's language
        if language == "en":
            assert "free of charge" in message and "actual power cost" in message
    req.refresh_from_db()
    r.refresh_from_db()
    assert req.status == "submitted" and not req.charges.exists() and r.availability == "open"


def test_conditions_then_agreement_or_withdrawal(users):
    req = services.site_request_create(actor=users["unicom"], resource=_resource(users))
    services.site_request_propose(actor=users["owner"], request=req, conditions="夜间施工")
    with pytest.raises(PermissionDenied):
        services.site_request_agree(actor=users["mobile"], request=req)
    services.site_request_agree(actor=users["unicom"], request=req)
    req.refresh_from_db()
    assert req.status == "accepted" and req.planned_site.organization.code == "jx-unicom"
    other = services.site_request_create(actor=users["unicom"], resource=_resource(users, name="另一杆"))
    services.site_request_withdraw(actor=users["unicom"], request=other, reason="选址调整")
    assert SiteRequest.objects.get(pk=other.pk).status == "withdrawn"


@pytest.mark.clause("zj", "8", level="partial")
@pytest.mark.clause("jx", "二(一)4-2", level="partial")
def test_second_operator_on_the_same_smart_pole_gets_a_sharing_offer(users):
    pole = _resource(users, smart_pole=True, smart_pole_capacity=2)
    first = services.site_request_create(actor=users["telecom"], resource=pole)
    offer = services.site_request_create(actor=users["unicom"], resource=pole)
    assert first.shares_with is None and offer.shares_with == first
    with pytest.raises(ValidationError):  # the offer waits for the first request
        services.site_request_accept(actor=users["owner"], request=offer)
    with pytest.raises(ValidationError):  # the same operator twice
        services.site_request_create(actor=users["telecom"], resource=pole)
    services.site_request_accept(actor=users["owner"], request=first)
    first.refresh_from_db()
    offer.refresh_from_db()
    pole.refresh_from_db()
    assert offer.status == "accepted" and offer.planned_site == first.planned_site
    assert first.planned_site.site_type == "smart_pole"
    assert sorted(pole.hosted_operators.values_list("code", flat=True)) == ["jx-telecom", "jx-unicom"]
    assert pole.availability == "occupied" and pole.capacity_left == 0
    with pytest.raises(ValidationError) as exc:  # full
        services.site_request_create(actor=users["mobile"], resource=pole)
    assert "已达容量" in str(exc.value)  # "(capacity reached)"


def test_request_near_a_point_matches_the_nearest_open_resource(users):
    near = _resource(users, lon=LON + 0.001, lat=LAT)  # ~95 m east
    req = services.site_request_create(actor=users["mobile"], lon=LON + 0.0012, lat=LAT, radius_m=60)
    assert req.resource == near and 15 < req.matched_distance_m < 25
    assert resources_near(LON + 0.001, LAT, 5)[0][0] == near
    with pytest.raises(ValidationError) as exc:
        services.site_request_create(actor=users["mobile"], lon=121.5, lat=30.2, radius_m=100)
    assert "radius_m" in exc.value.message_dict


@pytest.mark.clause("zj", "8", level="partial")
def test_open_candidates_exclude_taken_resources_but_keep_smart_poles_with_room(users):
    open_one = _resource(users)
    taken = _resource(users, name="占用")
    services.resource_set_availability(actor=users["owner"], resource=taken, availability="occupied", reason="已建站")
    pole = _resource(users, smart_pole=True, smart_pole_capacity=3)
    services.site_request_accept(actor=users["owner"], request=services.site_request_create(
        actor=users["mobile"], resource=pole))
    ids = set(open_candidates(region="330402").values_list("pk", flat=True))
    assert open_one.pk in ids and taken.pk not in ids and pole.pk in ids
    poly = {"type": "Polygon", "coordinates": [[[LON - 1e-4, LAT - 1e-4], [LON + 1e-4, LAT - 1e-4],
                                                [LON + 1e-4, LAT + 1e-4], [LON - 1e-4, LAT + 1e-4],
                                                [LON - 1e-4, LAT - 1e-4]]]}
    assert {open_one.pk, pole.pk} <= set(open_candidates(polygon_wgs84=poly).values_list("pk", flat=True))
    assert not open_candidates(polygon_wgs84=poly, kinds=["school"]).exists()


# ---------------------------------------------------------------------------------------------------- complaints


def test_fee_complaint_notifies_the_office_and_is_closed_with_a_resolution(users):
    req = services.site_request_create(actor=users["mobile"], resource=_resource(users))
    with pytest.raises(PermissionDenied):
        services.fee_complaint_file(actor=users["owner"], request=req, fee_kind="entry", description="x")
    with pytest.raises(PermissionDenied):  # not telecom's request
        services.fee_complaint_file(actor=users["telecom"], request=req, fee_kind="entry", description="x")
    c = services.fee_complaint_file(actor=users["mobile"], request=req, fee_kind="entry", amount_cny="30000",
                                    description="要求进场费3万元")
    assert c.respondent.code == "jx-jiacheng-group" and c.status == "open"
    assert Notification.objects.filter(recipient=users["office"], key=f"resources.complaint:{c.code}").exists()
    with pytest.raises(PermissionDenied):
        services.fee_complaint_transition(actor=users["mobile"], complaint=c, to_status="upheld", resolution="x")
    with pytest.raises(ValidationError) as exc:
        services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="upheld")
    assert "resolution" in exc.value.message_dict
    services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="upheld",
                                      resolution="责令退还并停止收取")
    c.refresh_from_db()
    assert c.status == "upheld" and c.closed_on == dt.date.today()
    with pytest.raises(ValidationError):
        services.fee_complaint_transition(actor=users["office"], complaint=c, to_status="dismissed", resolution="x")
    assert [e.action for e in history_for(c)] == ["create", "transition"]


# ---------------------------------------------------------------------------------------------------- reminders


def test_unconfirmed_entries_are_reminded_once_per_period(users, settings):
    settings.ROLLOUT5G_OPEN_LIST_CONFIRM_DAYS = 100
    today = dt.date(2031, 6, 1)
    PublicResource.objects.filter(owner__code="jx-education").update(last_confirmed_on=dt.date(2031, 5, 1))
    stale = PublicResource.objects.filter(owner__code="jx-education", withdrawn=False)[:3]
    PublicResource.objects.filter(pk__in=[r.pk for r in stale]).update(last_confirmed_on=dt.date(2031, 1, 1))
    result = remind_unconfirmed(today)
    note = Notification.objects.get(recipient=users["schools"], key__startswith="resources.unconfirmed:")
    assert note.message == "%(n)s open-list entries not confirmed for %(days)s days" and note.level == "warning"
    assert note.params["n"] == 3
    assert Notification.objects.filter(recipient=users["office"], key__startswith="resources.unconfirmed:office").exists()
    assert result["entries"] >= 3
    assert remind_unconfirmed(today)["sent"] == 0  # idempotent within the period
    assert remind_unconfirmed(today + dt.timedelta(days=100))["sent"] > 0  # next period: reminded again


def test_only_operators_request(users):
    with pytest.raises(PermissionDenied):
        services.site_request_create(actor=users["owner"], resource=_resource(users))
    assert Organization.objects.get(code="jx-tower").kind == "tower_company"
    assert users["tower"].role == Role.OPERATOR
