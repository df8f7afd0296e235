from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rollout5g.core import cascade as engine


class CityTaskState(models.TextChoices):
    """The steps of a city's sub-task (the states of :mod:`rollout5g.core.cascade`)."""

    ASSIGNED = engine.ASSIGNED, pgettext_lazy("city task", "Assigned")
    ACCEPTED = engine.ACCEPTED, pgettext_lazy("city task", "Accepted")
    REPORTED = engine.REPORTED, pgettext_lazy("city task", "Reported")
    CLOSED = engine.CLOSED, pgettext_lazy("city task", "Closed")

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.ASSIGNED: "grey", cls.ACCEPTED: "amber", cls.REPORTED: "blue", cls.CLOSED: "green"}.get(value, "grey")


#: The rules of the roll-up (core.cascade.RULES), as a person reads them.
RULE_LABELS = {
    "not-carried-down": _("Not carried down to the cities yet"),
    "all-closed": _("Every city's sub-task is closed"),
    "cities-overdue": _("Cities past their deadline without a report"),
    "all-reported": _("Every city has reported: awaiting the provincial review"),
    "under-way": _("Under way in the cities"),
    "awaiting-acceptance": _("Assigned: no city has accepted yet"),
}
