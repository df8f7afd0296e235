"""Roles of rollout5g users (DESIGN.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_OFFICE = "program_office", _("Program office")
    DEPARTMENT = "department", _("Reviewing department")
    OPERATOR = "operator", _("Operator / tower company")
    RESOURCE_OWNER = "resource_owner", _("Resource owner")
    ENTERPRISE = "enterprise", _("Enterprise")


class TokenScope(models.TextChoices):
    """What an API token may do: read (GET and HEAD only) or read and write."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
