"""Notifications: recipients, de-duplication by key, email after commit, read state, privacy."""

import pytest
from django.core import mail

from rollout5g.notifications.models import Notification
from rollout5g.notifications.services import mark_read, notify, unread_count

pytestmark = pytest.mark.django_db


def test_notify_organization_users_once_per_key(users, django_capture_on_commit_callbacks):
    users["mobile"].email = "mobile@example.org"
    users["mobile"].save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(subject="Clock due in 2 working days", body="APP-1", url="/approvals/1/", level="warning",
                      key="test:APP-1:warn", organizations=[users["mobile"].organization])
    assert [n.recipient.username for n in sent] == ["mobile"]
    assert len(mail.outbox) == 1 and "Clock due" in mail.outbox[0].subject and "/approvals/1/" in mail.outbox[0].body
    assert notify(subject="again", key="test:APP-1:warn", organizations=[users["mobile"].organization]) == []
    assert Notification.objects.get(pk=sent[0].pk).emailed


def test_notify_filters_by_role_and_named_users(users):
    sent = notify(subject="x", users=[users["office"]], organizations=[users["owner"].organization],
                  roles=["operator"])
    assert [n.recipient.username for n in sent] == ["office"]  # the owner's org has no operator users


def test_unread_count_and_mark_read(users, client_for):
    already = unread_count(users["telecom"])  # the demo's own reminders and warnings
    notify(subject="first", users=[users["telecom"]])
    notify(subject="second", users=[users["telecom"]])
    assert unread_count(users["telecom"]) == already + 2
    c = client_for("telecom")
    page = c.get("/notifications/?unread=1").content.decode()
    assert "first" in page and "second" in page
    assert c.post("/notifications/read/").status_code == 302
    assert unread_count(users["telecom"]) == 0
    assert mark_read(users["telecom"]) == 0


def test_a_user_sees_only_their_own_notifications(users, client_for):
    notify(subject="for telecom only", users=[users["telecom"]])
    assert "for telecom only" not in client_for("mobile").get("/notifications/").content.decode()
    assert all(n["subject"] != "for telecom only" for n in client_for("mobile").get("/api/notifications/").json())
    assert any(n["subject"] == "for telecom only" for n in client_for("telecom").get("/api/notifications/").json())
