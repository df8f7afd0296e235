"""Kinds and states of the three case families. The steps between the states are declared once, on the models
(``access_policy.actions``): who takes each, from which state, to which."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rollout5g.sites.choices import SiteState


class PowerKind(models.TextChoices):
    CONNECTION = "connection", _("Connection (green channel)")
    CONVERSION = "conversion", _("Conversion to direct supply")


class PowerState(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("state", "Applied")
    ACCEPTED = "accepted", pgettext_lazy("state", "Accepted")
    SURVEYED = "surveyed", pgettext_lazy("state", "Surveyed")
    COMPLETED = "completed", pgettext_lazy("state", "Connected / converted")
    REFUSED = "refused", pgettext_lazy("state", "Refused")


class RelocationCause(models.TextChoices):
    DEMOLITION = "demolition", _("Demolition")
    RENOVATION = "renovation", _("Renovation")
    MAJOR_PROJECT = "major_project", _("Major project")


class RelocationState(models.TextChoices):
    NOTIFIED = "notified", pgettext_lazy("state", "Notified")
    AGREED = "agreed", pgettext_lazy("state", "Compensation agreed")
    SECURED = "secured", pgettext_lazy("state", "Replacement secured")
    REMOVED = "removed", pgettext_lazy("state", "Old site removed")
    REBUILT = "rebuilt", pgettext_lazy("state", "Rebuilt")
    CANCELLED = "cancelled", pgettext_lazy("state", "Cancelled")


class IncidentKind(models.TextChoices):
    OBSTRUCTION = "obstruction", _("Obstruction of construction")
    THEFT = "theft", _("Theft")
    VANDALISM = "vandalism", _("Vandalism")
    INTERFERENCE = "interference", _("Radio interference")
    FEES = "fees", _("Entry or coordination fees demanded")


class IncidentState(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("state", "Reported")
    ASSIGNED = "assigned", pgettext_lazy("state", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("state", "In progress")
    RESOLVED = "resolved", pgettext_lazy("state", "Resolved")
    CLOSED = "closed", pgettext_lazy("state", "Closed")


#: Site states that count as "the replacement is secured": approved or further along, not relocating or retired.
SECURED_SITE_STATES = (SiteState.APPROVED, SiteState.BUILDING, SiteState.ON_AIR)

#: States in which a case's clock runs (the others have stopped it).
OPEN_STATES = {
    "power": {PowerState.APPLIED, PowerState.ACCEPTED, PowerState.SURVEYED},
    "relocation": {RelocationState.NOTIFIED, RelocationState.AGREED, RelocationState.SECURED,
                   RelocationState.REMOVED},
    "incident": {IncidentState.REPORTED, IncidentState.ASSIGNED, IncidentState.IN_PROGRESS},
}

#: The default routing and limits, loaded into ClockRule rows (which a city edits) by ``ensure_rules``.
#: key -> (organization code that handles it or "" for the case's own operator, limit [working day], warn days, note)
DEFAULT_RULES = {
    "power.connection": ("jx-power", 10, 2,
                         "Green channel: the power company's promised time for a base-station connection"),
    "power.conversion": ("jx-power", 30, 5, "Transfer supply to direct supply, one household one meter"),
    "relocation.replacement": ("", 30, 5, "From the notice to a replacement site secured (approved)"),
    "relocation.rebuild": ("", 60, 10, "From the removal of the old site to the replacement on air"),
    "incident.obstruction": ("jx-police", 3, 1, "Obstruction of construction: police"),
    "incident.theft": ("jx-police", 5, 1, "Theft of equipment: police"),
    "incident.vandalism": ("jx-law-enforcement", 5, 1, "Vandalism of poles and street facilities: urban management"),
    "incident.interference": ("jx-dei", 10, 2, "Radio interference: radio management (hosted by 市经信局)"),
    "incident.fees": ("jx-amr", 10, 2, "Entry or coordination fees: market regulation"),
}
