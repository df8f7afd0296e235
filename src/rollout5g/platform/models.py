"""The base of every domain model: what each of them repeated by hand.

- ``objects = RestrictedManager()``: every list, detail and API endpoint reads through ``restrict(user, action)``;
- ``access_policy``: who may view, add, change, delete, and the declared workflow actions
  (:mod:`rollout5g.platform.workflow`); ``None`` means superusers only (fails closed);
- ``created_at`` / ``updated_at``: when the row was made and last written;
- :class:`Decided` for rows a person decides (an approval item, a review, a payment): who and when.

A model states only what is its own::

    class PowerCase(DomainModel):
        access_policy = AccessPolicy(owner_path=("applicant", "handler"), actions={...})
        ...
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import AccessPolicy, RestrictedManager


class DomainModel(models.Model):
    """Restricted manager, access policy, created/updated timestamps."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    objects = RestrictedManager()
    access_policy: ClassVar[AccessPolicy | None] = None

    class Meta:
        abstract = True


class Decided(models.Model):
    """Who decided the row and when (set by the service that takes the deciding action)."""

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True
