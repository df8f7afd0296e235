"""Audit events carry the region of their object (issue 15, item 1; docs/tenancy.md): a city's programme office reads
its city's events and the deployment-wide ones, the province's reads all; the region of new events is hashed (scheme
3), the events written before keep their scheme-2 hash and verify after the backfill gives them their region."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from rollout5g.accounts.choices import Role
from rollout5g.audit.models import AuditChainHead, AuditEvent
from rollout5g.audit.services import record_event, verify_chain
from rollout5g.regions.models import Region
from tests.factories import OrganizationFactory, SiteFactory, organization

pytestmark = pytest.mark.django_db

PROVINCE, HUZHOU, NANHU, WUXING = "330000", "330500", "330402", "330502"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_event_carries_the_region_of_its_object(users):
    site = SiteFactory(region=Region.objects.get(pk=NANHU))
    event = record_event(actor=users["office"], action="update", obj=site, before={"a": 1}, after={"a": 2})
    assert event.region_id == NANHU and event.hash_scheme == 3
    by_reference = record_event(actor=users["office"], action="update", object_type="sites.site",
                                object_id=str(site.pk), object_repr=site.code)
    assert by_reference.region_id == NANHU
    # a record bound to no place, or an object that is not a model: the whole deployment
    assert record_event(actor=None, action="update", object_type="test.thing", object_id="1").region_id is None
    assert record_event(actor=None, action="update", obj=users["office"]).region_id is None
    assert verify_chain(checkpoints=False).ok


def test_the_region_of_a_new_event_is_hashed(users):
    site = SiteFactory(region=Region.objects.get(pk=NANHU))
    event = record_event(actor=users["office"], action="update", obj=site, before={"a": 1}, after={"a": 2})
    assert json.loads(event.canonical_payload())["region_id"] == NANHU
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET region_id = %s WHERE seq = %s", [WUXING, event.seq])
    result = verify_chain(checkpoints=False)
    assert not result.ok and result.first_broken_seq == event.seq and "altered" in result.reason


def _as_written_before_regions(event: AuditEvent) -> None:
    """Turn the last event into one written before migration 0004: scheme 2, no region, its hash without it."""
    event.hash_scheme, event.region_id = 2, None
    event.hash = event.compute_hash()
    AuditEvent.objects.filter(pk=event.pk).update(hash_scheme=2, region_id=None, hash=event.hash)
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)


def test_the_backfill_gives_old_events_their_region_and_the_chain_still_verifies(users):
    site = SiteFactory(region=Region.objects.get(pk=NANHU))
    event = record_event(actor=users["office"], action="update", obj=site, before={"a": 1}, after={"a": 2})
    _as_written_before_regions(event)
    assert verify_chain(checkpoints=False).ok
    migration = importlib.import_module("rollout5g.audit.migrations.0004_auditevent_region_auditevent_audit_event_region_seq")
    migration.backfill(apps, None)
    event.refresh_from_db()
    assert event.region_id == NANHU and event.hash_scheme == 2
    assert verify_chain(checkpoints=False).ok  # scheme 2 does not hash the region: no stored hash changed
    # the next event links to it and hashes its own region
    assert record_event(actor=None, action="update", obj=site).hash_scheme == 3
    assert verify_chain(checkpoints=False).ok


# --- a province with two cities, over HTTP -----------------------------------------------------------------------


@pytest.fixture
def province(settings, users, make_user):
    settings.ROLLOUT5G_HOME = {"region": PROVINCE}
    hz_dei = OrganizationFactory(code="hz-dei", name="湖州市经济和信息化局", short_name="湖州市经信局",
                                 kind="government_department", region_id=HUZHOU)
    return {"office": users["office"],  # Jiaxing's programme office
            "hz-office": make_user("hz-office", Role.PROGRAM_OFFICE, hz_dei),
            "zj-office": make_user("zj-office", Role.PROGRAM_OFFICE, organization("zj-dei"))}


@pytest.fixture
def events(users):
    jx_site = SiteFactory(region=Region.objects.get(pk=NANHU))
    hz_site = SiteFactory(region=Region.objects.get(pk=WUXING), lon=120.09, lat=30.87)
    office = users["office"]
    return {
        "jiaxing": record_event(actor=office, action="update", obj=jx_site, object_repr="JX-AUDIT-ROW"),
        "huzhou": record_event(actor=office, action="update", obj=hz_site, object_repr="HZ-AUDIT-ROW"),
        "deployment": record_event(actor=None, action="update", object_type="test.thing", object_id="7",
                                   object_repr="ALL-AUDIT-ROW"),
    }


@pytest.mark.parametrize("username, sees", [
    ("office", {"jiaxing", "deployment"}),
    ("hz-office", {"huzhou", "deployment"}),
    ("zj-office", {"jiaxing", "huzhou", "deployment"}),
])
def test_a_citys_office_reads_its_citys_events_and_the_deployments(province, events, username, sees):
    client = _client(province[username])
    page = client.get("/audit/").content.decode()
    listed = client.get("/api/v1/audit/events?limit=1000").json()["items"]
    seqs = {row["seq"] for row in listed}
    for name, event in events.items():
        assert (event.object_repr in page) is (name in sees), (username, name)
        assert (event.seq in seqs) is (name in sees), (username, name)
    for name in set(events) - sees:  # nor by naming the object
        event = events[name]
        response = client.get(f"/api/v1/audit/events?object_type={event.object_type}&object_id={event.object_id}")
        assert response.json()["items"] == [], (username, name)


def test_a_single_city_deployment_reads_every_event_as_before(users, events):
    client = _client(users["office"])
    seqs = {row["seq"] for row in client.get("/api/v1/audit/events?limit=1000").json()["items"]}
    assert {e.seq for e in events.values()} <= seqs


def test_the_audit_page_reads_a_bounded_number_of_rows(users, django_assert_max_num_queries):
    """The page of 50 events resolves actors, related names and labels in a few queries, whatever the events."""
    client = _client(users["office"])
    client.get("/audit/")  # warm the per-process caches (navigation, region tree)
    with django_assert_max_num_queries(12):
        response = client.get("/audit/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 50
