"""Notifications in the app and by email (Django's email backend; ``ROLLOUT5G_EMAIL_BACKEND`` selects it).

Every capability calls :func:`notify` for its reminders, warnings and escalations: to named users, to every active
user of some organizations (optionally only some roles), or both.

A message is stored as its untranslated key with parameters (:mod:`.messages`) and rendered in the reader's
language wherever it is read: the list, the API, the e-mail (in the site's language: users have no language of
their own).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from rollout5g.accounts.models import User

from .messages import _lazy_id, encode_params, render_message
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


def notify(*, subject: str = "", body: str = "", url: str = "", level: str = Notification.Level.INFO, key: str = "",
           users: Iterable = (), organizations: Iterable = (), roles: Iterable | None = None,
           email: bool = True, message: str = "", params: dict | None = None, body_message: str = "",
           body_params: dict | None = None) -> list[Notification]:
    """Send one message to every recipient; with a ``key``, a recipient who already has it is skipped.

    ``message`` (an untranslated message id, marked with ``gettext_noop``, or a ``gettext_lazy`` string) and ``params`` make the subject, rendered
    in the reader's language; ``body_message``/``body_params`` the same for the text. ``subject``/``body`` are text
    shown as it is (``body``: what a person wrote, e.g. a reason). A message id is stored with its parameters
    (labels as their untranslated ids or choice codes, dates as dates; see :mod:`.messages`).

    Returns the notifications created. Emails go out after the transaction commits, so a rolled-back action
    sends nothing.
    """
    message, body_message = _message_id(message), _message_id(body_message)
    if not (message or subject):
        raise ValueError("notify: a message (or a subject) is required")
    stored = {"subject": subject, "body": body, "message": message, "params": {}, "body_message": body_message,
              "body_params": {}}
    if message:
        stored["params"] = encode_params(params)
    if body_message:
        stored["body_params"] = encode_params(body_params)
    with translation.override(settings.LANGUAGE_CODE):  # the stored text: the site's language, for search and admin
        if message:
            stored["subject"] = render_message(message, stored["params"])
        if body_message:
            stored["body"] = render_message(body_message, stored["body_params"])
    stored["subject"] = stored["subject"][:300]
    created = []
    for user in recipients_of(users=users, organizations=organizations, roles=roles):
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        created.append(Notification.objects.create(recipient=user, url=url, level=level, key=key[:200], **stored))
    if email:
        to_mail = [n for n in created if n.recipient.email]
        if to_mail:
            transaction.on_commit(lambda: _send_emails(to_mail))
    return created


def _message_id(message) -> str:
    """A message id given as text (``gettext_noop``) or as a ``gettext_lazy`` string: its untranslated id."""
    if isinstance(message, Promise):
        marked = _lazy_id(message)
        if marked is None or marked.get("$c"):
            raise ValueError("notify: a message is a gettext_noop or gettext_lazy string (without context)")
        return marked["$t"]
    return message or ""


def _send_emails(notes: list[Notification]) -> None:
    base = getattr(settings, "ROLLOUT5G_BASE_URL", "")
    with translation.override(settings.LANGUAGE_CODE):
        for note in notes:
            link = f"\n\n{base}{note.url}" if note.url else ""
            send_mail(f"[rollout5g] {note.subject_text}", f"{note.body_text}{link}", None, [note.recipient.email],
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
