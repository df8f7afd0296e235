from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Colour(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    GREY = "grey", _("Grey")


class RuleKind(models.TextChoices):
    """The kinds of colour rule the status engine knows (rollout5g.core.status_rules.KINDS)."""

    STATUS_IN = "status_in", _("Task status")
    NOT_STARTED = "not_started", _("Not started")
    OVERDUE = "overdue", _("Deadline passed")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone late")
    INDICATOR_BEHIND = "indicator_behind", _("Indicator behind the time-prorated target")
    DEADLINE_NEAR = "deadline_near", _("Deadline near")
    REPORT_MISSING = "report_missing", _("Progress report missing")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("state", "Requested")
    APPROVED = "approved", pgettext_lazy("state", "Approved")
    REJECTED = "rejected", pgettext_lazy("state", "Rejected")


class ActionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("state", "Open")
    DONE = "done", pgettext_lazy("state", "Done")


class EvaluationLevel(models.TextChoices):
    """The level of regions an evaluation ranks: the county-level regions of a city, or the cities of a province."""

    COUNTY = "county", pgettext_lazy("evaluation level", "Counties")
    CITY = "city", pgettext_lazy("evaluation level", "Cities")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


#: The supervision flow of a task: from -> {to: who may move it}. "lead" = a user of a lead (or, where the document
#: names none, a responsible) unit; "office" = the programme office.
TASK_FLOW = {
    "assigned": {"accepted": "lead"},
    "accepted": {"in_progress": "lead"},
    "in_progress": {"submitted": "lead"},
    "submitted": {"closed": "office", "in_progress": "office"},
    "closed": {"in_progress": "office"},
}
