"""The audit history: every write recorded in its transaction, append-only, tamper-evident."""

import pytest
from django.db import connection, transaction

from rollout5g.audit.models import AuditEvent
from rollout5g.audit.services import record_event, verify_chain
from rollout5g.organizations import services as org_services
from rollout5g.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_chain_of_loaded_data_verifies():
    result = verify_chain()
    assert result.ok, result.reason
    assert result.events_checked == AuditEvent.objects.count() > 100


def test_service_write_records_actor_before_and_after(users):
    office = users["office"]
    org = Organization.objects.get(code="jx-mobile")
    contact = org_services.contact_create(actor=office, organization=org, name="张工", phone="0573-1234567")
    org_services.contact_update(actor=office, contact=contact, phone="0573-7654321")
    events = list(AuditEvent.objects.filter(object_type="organizations.contactperson", object_id=str(contact.pk)))
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].actor == office and events[0].after["name"] == "张工"
    assert events[1].before == {"phone": "0573-1234567"} and events[1].after == {"phone": "0573-7654321"}
    assert verify_chain().ok


def test_failed_write_leaves_no_audit_row(users):
    org = Organization.objects.get(code="jx-mobile")
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any validation error
        org_services.contact_create(actor=users["office"], organization=org, name="", email="not-an-email")
    assert AuditEvent.objects.count() == before


def test_editing_a_row_in_the_database_is_detected_and_named():
    target = AuditEvent.objects.order_by("seq")[10]
    # tamper the way someone with database access would: bypass the model
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["tampered", target.seq])
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == target.seq
    assert "altered" in result.reason


def test_deleting_a_row_is_detected():
    target = AuditEvent.objects.order_by("seq")[5]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == target.seq and "missing" in result.reason


def test_deleting_the_last_rows_is_detected():
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == last.seq


def test_events_are_append_only_through_the_orm():
    event = AuditEvent.objects.first()
    event.note = "edited"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_rolled_back_transaction_rolls_back_its_event():
    before = AuditEvent.objects.count()
    org = Organization.objects.get(code="jx-mobile")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            record_event(actor=None, action="update", obj=org, after={"x": 1})
            raise RuntimeError("boom")
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok
