"""Creating accounts (demo users, and users made by an administrator)."""

from __future__ import annotations

from django.db import transaction

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event, snapshot

from .choices import Role
from .models import User


def user_create(*, actor, username: str, password: str, role: str = "", organization=None, display_name: str = "",
                is_superuser: bool = False) -> User:
    if role and role not in Role.values:
        raise ValueError(f"unknown role {role!r}; valid: {', '.join(Role.values)}")
    if role and organization is None:
        raise ValueError(f"a user with role {role!r} must belong to an organization")
    with transaction.atomic():
        user = User(username=username, role=role, organization=organization, display_name=display_name,
                    is_superuser=is_superuser, is_staff=is_superuser)
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
    return user_create(actor=actor, username=username, password=password, **fields), True
