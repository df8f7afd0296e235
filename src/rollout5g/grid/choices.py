"""Kinds and states of the power-supply assurance workflows (Jiaxing 三(二)-3 and 三(四), Zhejiang 10).

No seed sets a figure: the rectification limit below is the programme office's own default (copied into each
finding, so a later change does not move a running clock); the provincial reference prices are data
(:class:`~rollout5g.grid.models.ReferencePrice`), never constants.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutageKind(models.TextChoices):
    PLANNED = "planned", _("Planned outage")
    UNPLANNED = "unplanned", _("Unplanned outage")


class OutageState(models.TextChoices):
    NOTIFIED = "notified", pgettext_lazy("state", "Notified")
    RESTORED = "restored", pgettext_lazy("state", "Power restored")
    CANCELLED = "cancelled", pgettext_lazy("state", "Cancelled")


class AckState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("state", "Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("state", "Acknowledged")


class CheckState(models.TextChoices):
    OPEN = "open", pgettext_lazy("state", "Under way")
    CLOSED = "closed", pgettext_lazy("state", "Closed")


class FindingState(models.TextChoices):
    ORDERED = "ordered", pgettext_lazy("state", "Rectification ordered")
    RECTIFIED = "rectified", pgettext_lazy("state", "Rectification reported")
    VERIFIED = "verified", pgettext_lazy("state", "Rectification verified")


#: Organization kinds notified of an outage at their sites (the operators and the tower company).
NOTIFIED_KINDS = ("operator", "tower_company")
#: The organization kind of the power company.
UTILITY_KIND = "utility"
#: The organization kind of a checking department.
DEPARTMENT_KIND = "government_department"
#: The word the policy documents use for transfer supply: the checking departments are the government departments
#: among the units of the home documents' tasks that name it.
TRANSFER_SUPPLY_TERM = "转供电"

#: Working days a transfer-supply unit has to rectify a mark-up (programme-office default; no seed sets one).
DEFAULT_RECTIFY_LIMIT_DAYS = 15
DEFAULT_RECTIFY_WARN_DAYS = 3
