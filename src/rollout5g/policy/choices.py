from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("level", "Province")
    CITY = "city", pgettext_lazy("level", "City")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORTING = "supporting", _("Supporting unit")
    RESPONSIBLE = "responsible", _("Responsible unit")


class TaskStatus(models.TextChoices):
    """The supervision flow of a task (refined by the programme-supervision capability)."""

    ASSIGNED = "assigned", pgettext_lazy("state", "Assigned")
    ACCEPTED = "accepted", pgettext_lazy("state", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("state", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted for review")
    CLOSED = "closed", pgettext_lazy("state", "Closed")

    @classmethod
    def colour(cls, value: str) -> str:
        return {"assigned": "grey", "accepted": "blue", "in_progress": "teal", "submitted": "orange",
                "closed": "green"}.get(value, "grey")


class Comparator(models.TextChoices):
    GT = "gt", ">"
    GE = "ge", "≥"
    EQ = "eq", "="
    LE = "le", "≤"
    LT = "lt", "<"


class TargetOrigin(models.TextChoices):
    """Who set a target: the policy document (its words hold the number), or the programme office of this
    platform (a placeholder the document does not give, to be confirmed or replaced by the office)."""

    DOCUMENT = "document", _("Policy document")
    OFFICE = "office", _("Set by this platform")


class IndicatorMeasure(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative")
    INCREMENTAL = "incremental", _("Incremental")
    SHARE = "share", _("Share")
    COUNT = "count", _("Count")


class IncentiveKind(models.TextChoices):
    FORMULA = "formula", _("Formula")
    FIXED_AWARD = "fixed_award", _("Fixed award")


class ValueSource(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform")
    ENTERED = "entered", _("Entered with a source")
