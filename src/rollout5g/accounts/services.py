"""Accounts: creating users, changing a password, and the second factor (TOTP, RFC 6238)."""

from __future__ import annotations

import time

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event, snapshot

from .choices import Role
from .models import TOTPDevice, User

#: Accepted clock drift of an authenticator app: one 30-second step either side.
TOTP_DRIFT_STEPS = 1
TOTP_ISSUER = "rollout5g"


def user_create(*, actor, username: str, password: str, role: str = "", organization=None, display_name: str = "",
                is_superuser: bool = False, validate: bool = True) -> User:
    """Create a user. The password must pass the validators of ``AUTH_PASSWORD_VALIDATORS`` (length 10+, not a
    common or all-numeric password, not like the user name) unless ``validate=False`` (the demo loader, which
    chooses its own shared password)."""
    if role and role not in Role.values:
        raise ValueError(f"unknown role {role!r}; valid: {', '.join(Role.values)}")
    if role and organization is None:
        raise ValueError(f"a user with role {role!r} must belong to an organization")
    with transaction.atomic():
        user = User(username=username, role=role, organization=organization, display_name=display_name,
                    is_superuser=is_superuser, is_staff=is_superuser)
        if validate:
            validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=user, after=snapshot(user, exclude=("password",)))
    return user


def ensure_user(*, actor, username: str, password: str, **fields) -> tuple[User, bool]:
    """Create the user unless it exists (used by the demo; an existing user is left as it is)."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    return user_create(actor=actor, username=username, password=password, validate=False, **fields), True


def password_change(*, actor, user: User, password: str) -> User:
    """Set a new password after checking it against the validators (raises ``ValidationError``)."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor=actor, action=AuditAction.UPDATE, obj=user, note="password changed")
    return user


# ------------------------------------------------------------------------------------------ second factor


def totp_required(user) -> bool:
    """Whether the settings oblige this user to use an authenticator app (``ROLLOUT5G_TOTP_REQUIRED_ROLES``: role
    values, and ``admin`` for superusers)."""
    required = set(getattr(settings, "ROLLOUT5G_TOTP_REQUIRED_ROLES", ()) or ())
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.is_superuser and "admin" in required) or (bool(user.role) and user.role in required)


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def totp_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI the QR code carries (Key Uri Format of Google Authenticator, read by every app)."""
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=TOTP_ISSUER)


def totp_begin(*, user: User) -> TOTPDevice:
    """A new secret for the user to scan; replaces an unconfirmed one, never a confirmed one."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed:
            raise ValueError("an authenticator app is already set up; turn it off first")
        if device is None:
            device = TOTPDevice(user=user)
        device.secret = pyotp.random_base32(32)
        device.last_step = 0
        device.save()
    return device


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (RFC 6238 T) within the accepted drift whose code is ``code``, or None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    step = int(now // totp.interval)
    for candidate in range(step - TOTP_DRIFT_STEPS, step + TOTP_DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def _accept(device: TOTPDevice, code: str) -> bool:
    step = _matching_step(device.secret, code)
    if step is None or step <= device.last_step:
        return False  # wrong, or already used (replay)
    device.last_step = step
    return True


def totp_confirm(*, user: User, code: str) -> bool:
    """Confirm the unconfirmed device with a first code from the app; True when it is now in use."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if device is None or not _accept(device, code):
            return False
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at", "last_step"])
        record_event(actor=user, action=AuditAction.UPDATE, obj=user, note="authenticator app set up")
    return True


def totp_verify(*, user: User, code: str) -> bool:
    """Check a login code against the user's confirmed device (each code once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None or not _accept(device, code):
            return False
        device.save(update_fields=["last_step"])
    return True


def totp_disable(*, actor, user: User) -> None:
    """Remove the user's authenticator (the user with a valid code, or an administrator)."""
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=user, note="authenticator app removed")
