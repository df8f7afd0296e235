"""Kinds and states of the three case families, and the transitions each state allows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PowerKind(models.TextChoices):
    CONNECTION = "connection", _("Connection (green channel)")
    CONVERSION = "conversion", _("Conversion to direct supply")


class PowerState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    SURVEYED = "surveyed", _("Surveyed")
    COMPLETED = "completed", _("Connected / converted")
    REFUSED = "refused", _("Refused")


POWER_TRANSITIONS = {
    PowerState.APPLIED: {PowerState.ACCEPTED, PowerState.REFUSED},
    PowerState.ACCEPTED: {PowerState.SURVEYED, PowerState.REFUSED},
    PowerState.SURVEYED: {PowerState.COMPLETED, PowerState.REFUSED},
    PowerState.COMPLETED: set(),
    PowerState.REFUSED: set(),
}


class RelocationCause(models.TextChoices):
    DEMOLITION = "demolition", _("Demolition")
    RENOVATION = "renovation", _("Renovation")
    MAJOR_PROJECT = "major_project", _("Major project")


class RelocationState(models.TextChoices):
    NOTIFIED = "notified", _("Notified")
    AGREED = "agreed", _("Compensation agreed")
    SECURED = "secured", _("Replacement secured")
    REMOVED = "removed", _("Old site removed")
    REBUILT = "rebuilt", _("Rebuilt")
    CANCELLED = "cancelled", _("Cancelled")


RELOCATION_TRANSITIONS = {
    RelocationState.NOTIFIED: {RelocationState.AGREED, RelocationState.SECURED, RelocationState.CANCELLED},
    RelocationState.AGREED: {RelocationState.SECURED, RelocationState.CANCELLED},
    RelocationState.SECURED: {RelocationState.REMOVED, RelocationState.CANCELLED},
    RelocationState.REMOVED: {RelocationState.REBUILT},
    RelocationState.REBUILT: set(),
    RelocationState.CANCELLED: set(),
}


class IncidentKind(models.TextChoices):
    OBSTRUCTION = "obstruction", _("Obstruction of construction")
    THEFT = "theft", _("Theft")
    VANDALISM = "vandalism", _("Vandalism")
    INTERFERENCE = "interference", _("Radio interference")
    FEES = "fees", _("Entry or coordination fees demanded")


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


INCIDENT_TRANSITIONS = {
    IncidentState.REPORTED: {IncidentState.ASSIGNED, IncidentState.CLOSED},
    IncidentState.ASSIGNED: {IncidentState.IN_PROGRESS, IncidentState.RESOLVED, IncidentState.CLOSED},
    IncidentState.IN_PROGRESS: {IncidentState.RESOLVED, IncidentState.CLOSED},
    IncidentState.RESOLVED: {IncidentState.CLOSED},
    IncidentState.CLOSED: set(),
}

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
