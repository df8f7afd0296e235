"""The synthetic demo: facilities of the demo operators with current, overdue and missing assessments, events in
every state of their handling (one past its response limit), all marked synthetic, loaded once."""

import pytest

from rollout5g.accounts.models import User
from rollout5g.safeguard.choices import EventState
from rollout5g.safeguard.demo import load_demo
from rollout5g.safeguard.models import CriticalFacility, SecurityAssessment, SecurityEvent
from rollout5g.safeguard.selectors import overview

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_state_and_loads_once(users, sites):
    # the reference data has on-air sites of mobile and telecom only (the fixture's): unicom's site facility is skipped
    User.objects.filter(username__in=("cac", "ca")).delete()  # the demo creates the security units' accounts
    assert load_demo(password="demo-password-1") == [
        "facility security: 4 critical facilities, 5 security events (synthetic)"]
    assert User.objects.get(username="cac").organization.code == "zj-cac"
    facilities, events = CriticalFacility.objects.all(), SecurityEvent.objects.all()
    assert all(f.is_synthetic for f in facilities) and all(e.is_synthetic for e in events)
    assert all(a.is_synthetic for a in SecurityAssessment.objects.all())
    assert set(events.values_list("state", flat=True)) == set(EventState.values)
    o = overview(User.objects.get(username="office"))
    assert o.facilities == 4 and len(o.overdue_events) == 1  # the serious intrusion warned twelve days ago
    # the core room's assessment is past its six months, the telecom site was never assessed
    assert len(o.without_assessment) == 2
    assert load_demo() == ["facility security: already loaded"]
    assert CriticalFacility.objects.count() == 4
