"""Roles of rollout5g users (DESIGN.md §1): the vocabulary every access policy and declared action is written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_OFFICE = "program_office", _("Program office")
    DEPARTMENT = "department", _("Reviewing department")
    OPERATOR = "operator", _("Operator / tower company")
    RESOURCE_OWNER = "resource_owner", _("Resource owner")
    ENTERPRISE = "enterprise", _("Enterprise")


#: The ``grants``/``all_rows`` value of an action only the programme office takes.
PROGRAM_OFFICE_ONLY = frozenset({Role.PROGRAM_OFFICE})
