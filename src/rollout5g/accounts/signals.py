"""Sign-in events into the audit history: every login, failed login, lockout and logout.

Connected in :meth:`rollout5g.accounts.apps.AccountsConfig.ready`. django-axes' own receivers run first (its app
comes first in ``INSTALLED_APPS``), so a failure that axes turned into a lockout is recorded once, as the lockout.
The password is never recorded; the user name tried is (truncated), with the client's address.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event

_USER_TYPE = "accounts.user"


def client_address(request) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "") or ""


def _note(request, extra: str = "") -> str:
    address = client_address(request)
    parts = [f"address {address}" if address else "", extra]
    return "; ".join(p for p in parts if p)


def _record_user(user, action, request, extra=""):
    with transaction.atomic():
        record_event(actor=user, action=action, obj=user, note=_note(request, extra))


def _record_name(username: str, action, request, extra=""):
    """An event about a user name that may not exist: the account when it does, else the name as typed."""
    username = (username or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    with transaction.atomic():
        if user is not None:
            record_event(actor=None, action=action, obj=user, note=_note(request, extra),
                         system_label="anonymous")
        else:
            record_event(actor=None, action=action, object_type=_USER_TYPE, object_id="-",
                         object_repr=username or "-", note=_note(request, extra or "unknown user name"),
                         system_label="anonymous")


def on_logged_in(sender, request, user, **kwargs):
    _record_user(user, AuditAction.LOGIN, request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        _record_user(user, AuditAction.LOGOUT, request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # recorded as the lockout (on_locked_out)
    _record_name(credentials.get("username", ""), AuditAction.LOGIN_FAILED, request,
                 credentials.get("reason", ""))


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    _record_name(username or "", AuditAction.LOCKOUT, request, "too many failed logins")


def connect():
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="rollout5g.accounts.audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="rollout5g.accounts.audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="rollout5g.accounts.audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="rollout5g.accounts.audit_lockout")
