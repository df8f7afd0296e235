"""Business actions on organizations and their contacts. Views, API and CLI call these."""

from __future__ import annotations

from django.db import transaction

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.platform.access import CHANGE, DELETE
from rollout5g.platform.workflow import authorize, authorize_create

from .models import ContactPerson, Organization

CONTACT_FIELDS = ("name", "title", "phone", "email", "responsibility")


def contact_create(*, actor, organization: Organization, name: str, title: str = "", phone: str = "",
                   email: str = "", responsibility: str = "") -> ContactPerson:
    """Add a contact to ``organization``. Only the organization's own users and the programme office may."""
    authorize_create(actor, ContactPerson, owner=organization)
    with transaction.atomic():
        contact = ContactPerson(organization=organization, name=name, title=title, phone=phone, email=email,
                                responsibility=responsibility)
        contact.full_clean()
        contact.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=contact, after=snapshot(contact))
    return contact


def contact_update(*, actor, contact: ContactPerson, **fields) -> ContactPerson:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; valid: {', '.join(CONTACT_FIELDS)}")
    authorize(actor, CHANGE, contact)
    with transaction.atomic():
        before = snapshot(contact)
        for key, value in fields.items():
            setattr(contact, key, value)
        contact.full_clean()
        contact.save()
        record_changes(actor=actor, obj=contact, before=before)
    return contact


def contact_delete(*, actor, contact: ContactPerson) -> None:
    authorize(actor, DELETE, contact)
    with transaction.atomic():
        record_event(actor=actor, action=AuditAction.DELETE, obj=contact, before=snapshot(contact))
        contact.delete()
