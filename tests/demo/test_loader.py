"""The demo loader (``rollout5g.demo.load_demo``): it loads every capability, loading it again changes nothing, and
every demo login works. The other tests build on the reference data and small worlds instead of the demo;
``tests/test_cli.py`` runs ``rollout5g demo`` itself as a new user does."""

import pytest
from django.apps import apps
from django.test import Client

from rollout5g.demo import load_demo
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

#: A record of each capability that the demo must have (model label -> at least this many rows).
EXPECTED = {
    "regions.Region": 102,
    "policy.PolicyTask": 60,
    "sites.Site": 1000,
    "sites.Cell": 3000,
    "sites.KeyArea": 1,
    "organizations.ContactPerson": 4,
    "resources.PublicResource": 1000,
    "resources.ListRelease": 2,
    "resources.SiteRequest": 1,
    "permits.Application": 1,
    "cases.PowerCase": 1,
    "cases.RelocationCase": 1,
    "cases.IncidentCase": 1,
    "incentives.Application": 1,
    "program.Milestone": 1,
    "coverage.CoverageRun": 3,
}


def _counts():
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


def test_the_demo_has_every_capability(demo_world):
    counts = _counts()
    short = {label: (counts.get(label), least) for label, least in EXPECTED.items() if counts.get(label, 0) < least}
    assert short == {}
    assert any(line.startswith("sites:") for line in demo_world.lines)


def test_loading_the_demo_again_changes_nothing(demo_world):
    before = _counts()
    load_demo(password=DEMO_PASSWORD)
    after = _counts()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}


def test_every_demo_login_works(demo_world):
    assert {u.username for u in demo_world.users} >= {"office", "mobile", "planning", "owner", "enterprise", "admin"}
    for user in demo_world.users:
        client = Client()
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        assert client.get("/notifications/").status_code == 200  # a signed-in page
