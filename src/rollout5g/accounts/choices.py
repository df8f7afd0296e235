"""Choices of the accounts app. The roles themselves are the access policy's vocabulary and live in
:mod:`rollout5g.platform.roles`; they are re-exported here for the apps that import them with the other choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role  # noqa: F401


class TokenScope(models.TextChoices):
    """What an API token may do: read (GET and HEAD only) or read and write."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
