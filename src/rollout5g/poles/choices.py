"""Kinds and states of the smart-pole programme (多杆合一、智慧杆塔; Jiaxing 二(一)4-2, Zhejiang tasks 5, 8, 9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsolidationState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("state", "Planned")
    DONE = "done", pgettext_lazy("state", "Consolidated")
    CANCELLED = "cancelled", pgettext_lazy("state", "Cancelled")


class PoleKind(models.TextChoices):
    """Kinds of the poles merged (the pole kinds of the open list, Zhejiang task 8, and any other)."""

    STREET_LIGHT_POLE = "street_light_pole", _("Street-light pole")
    TRAFFIC_SIGNAL_POLE = "traffic_signal_pole", _("Traffic-signal pole")
    SURVEILLANCE_POLE = "surveillance_pole", _("Video-surveillance pole")
    POWER_POLE = "power_pole", _("Power pole")
    TELECOM_POLE = "telecom_pole", _("Telecom pole")
    SIGN_POLE = "sign_pole", _("Road-sign pole")
    OTHER = "other", _("Other pole")


class DocumentKind(models.TextChoices):
    DESIGN_GUIDE = "design_guide", _("Design guide")
    LOCAL_STANDARD = "local_standard", _("Local standard")
    TECHNICAL_SPEC = "technical_spec", _("Technical specification")
    NOTICE = "notice", _("Policy notice")


class CommunityState(models.TextChoices):
    PLANNING = "planning", pgettext_lazy("state", "Planning")
    BUILDING = "building", pgettext_lazy("state", "Building")
    COMPLETED = "completed", pgettext_lazy("state", "Completed")


#: Tags of the policy tasks a standard document may fulfil (the smart-pole and standards tasks of the documents).
STANDARD_TASK_TAGS = ("smart-pole", "standards")
