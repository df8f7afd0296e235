from django.db import models
from django.utils.translation import gettext_lazy as _


class Colour(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    GREY = "grey", _("Grey")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ActionState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


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
