"""API tokens for machines (the provincial approval platform, an operator's planning tool, a dashboard).

A token belongs to one user and acts with exactly that user's rights; its scope is ``read`` (GET and HEAD only) or
``write``. It is shown once, when created: the database keeps only its SHA-256 hash (a token is 240 random bits,
so a plain hash is enough — no salt or slow hash is needed against guessing) and its first characters, to tell
tokens apart. Creation and revocation are audited; the time of last use is kept (updated at most once a minute).

Modelled on NetBox's ``users.models.Token`` (hashed key, write-enabled flag, expiry, last use).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event

from .choices import TokenScope
from .models import ApiToken

TOKEN_PREFIX = "r5g_"
#: Scopes: which HTTP methods a token may use.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
MAX_EXPIRY_DAYS = 3650


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _snapshot(token: ApiToken) -> dict:
    return {"user": token.user.get_username(), "name": token.name, "scope": token.scope, "prefix": token.prefix,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at}


def token_create(*, actor, user, name: str, scope: str = TokenScope.READ,
                 expires_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the stored token and the secret, which is never shown again.

    ``actor`` is the user themself (the account page), or None for the ``rollout5g token create`` command run by
    the server's administrator; no one else may create tokens for a user."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("a user creates tokens for themself only")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "required: say what the token is for (e.g. 省审批平台对接)"})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"{scope!r}; valid: {', '.join(TokenScope.values)}"})
    if expires_days is not None and not 1 <= int(expires_days) <= MAX_EXPIRY_DAYS:
        raise ValidationError({"expires": f"{expires_days}: between 1 and {MAX_EXPIRY_DAYS} days, or none"})
    if not user.is_active:
        raise ValidationError({"user": f"{user.get_username()} is not active"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken(user=user, name=name[:100], scope=scope, prefix=raw[: len(TOKEN_PREFIX) + 6],
                         key_hash=hash_token(raw), created_at=now,
                         expires_at=now + dt.timedelta(days=int(expires_days)) if expires_days else None)
        token.full_clean()
        token.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=token, after=_snapshot(token),
                     note="API token created", system_label="cli")
    return token, raw


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token now (its owner, or a superuser / the administrator's command with ``actor=None``)."""
    if actor is not None and actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied("only the token's owner or an administrator revokes it")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        before = _snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=actor, action=AuditAction.TRANSITION, obj=token, before=before, after=_snapshot(token),
                     note="API token revoked", system_label="cli")
    return token


# --------------------------------------------------------------------------------------------- authentication
@dataclass(frozen=True)
class TokenCheck:
    """The outcome of presenting a bearer token: the token, or the reason it was refused."""

    token: ApiToken | None
    error: str = ""


def check_token(raw: str, *, now: dt.datetime | None = None) -> TokenCheck:
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX):
        return TokenCheck(None, "invalid token")
    token = ApiToken.objects.select_related("user", "user__organization").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return TokenCheck(None, "invalid token")
    now = now or timezone.now()
    if token.revoked_at is not None:
        return TokenCheck(None, "token revoked")
    if token.expires_at is not None and token.expires_at <= now:
        return TokenCheck(None, "token expired")
    if not token.user.is_active:
        return TokenCheck(None, "user inactive")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return TokenCheck(token)


def allows_method(token: ApiToken, method: str) -> bool:
    return token.scope == TokenScope.WRITE or method.upper() in SAFE_METHODS
