"""Notifications in the app and by email (Django's email backend; ``ROLLOUT5G_EMAIL_BACKEND`` selects it).

Every capability calls :func:`notify` for its reminders, warnings and escalations: to named users, to every active
user of some organizations (optionally only some roles), or both.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from rollout5g.accounts.models import User

from .models import Notification


def recipients_of(*, users: Iterable = (), organizations: Iterable = (), roles: Iterable | None = None) -> list:
    """Distinct active users: those named, plus the users of the organizations (limited to ``roles`` if given)."""
    found = {u.pk: u for u in users if u is not None and u.is_active}
    org_ids = [o.pk if hasattr(o, "pk") else o for o in organizations if o is not None]
    if org_ids:
        qs = User.objects.filter(is_active=True, organization_id__in=org_ids)
        if roles is not None:
            qs = qs.filter(role__in=list(roles))
        found.update({u.pk: u for u in qs})
    return list(found.values())


def notify(*, subject: str, body: str = "", url: str = "", level: str = Notification.Level.INFO, key: str = "",
           users: Iterable = (), organizations: Iterable = (), roles: Iterable | None = None,
           email: bool = True) -> list[Notification]:
    """Send one message to every recipient; with a ``key``, a recipient who already has it is skipped.

    Returns the notifications created. Emails go out after the transaction commits, so a rolled-back action
    sends nothing.
    """
    created = []
    for user in recipients_of(users=users, organizations=organizations, roles=roles):
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        created.append(Notification.objects.create(recipient=user, subject=subject[:300], body=body, url=url,
                                                   level=level, key=key[:200]))
    if email:
        to_mail = [n for n in created if n.recipient.email]
        if to_mail:
            transaction.on_commit(lambda: _send_emails(to_mail))
    return created


def _send_emails(notes: list[Notification]) -> None:
    base = getattr(settings, "ROLLOUT5G_BASE_URL", "")
    for note in notes:
        link = f"\n\n{base}{note.url}" if note.url else ""
        send_mail(f"[rollout5g] {note.subject}", f"{note.body}{link}", None, [note.recipient.email],
                  fail_silently=True)
        Notification.objects.filter(pk=note.pk).update(emailed=True)


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None); returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
