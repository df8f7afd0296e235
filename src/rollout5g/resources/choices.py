from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResourceKind(models.TextChoices):
    """Kinds of public facility named by Jiaxing 二(一)3 and Zhejiang task 8 (poles and ducts)."""

    GOV_ROOFTOP = "gov_rooftop", _("Government building rooftop")
    VENUE = "venue", _("Venue")
    PARK = "park", _("Park / green space")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    TRANSPORT_HUB = "transport_hub", _("Transport hub")
    STREET_LIGHT_POLE = "street_light_pole", _("Street-light pole")
    TRAFFIC_SIGNAL_POLE = "traffic_signal_pole", _("Traffic-signal pole")
    SURVEILLANCE_POLE = "surveillance_pole", _("Video-surveillance pole")
    POWER_POLE = "power_pole", _("Power pole")
    TELECOM_POLE = "telecom_pole", _("Telecom pole")
    DUCT = "duct", _("Duct")


#: Kinds that are poles (a smart pole is one of these, converted or built to the smart-pole standard).
POLE_KINDS = frozenset({
    ResourceKind.STREET_LIGHT_POLE, ResourceKind.TRAFFIC_SIGNAL_POLE, ResourceKind.SURVEILLANCE_POLE,
    ResourceKind.POWER_POLE, ResourceKind.TELECOM_POLE,
})


class Availability(models.TextChoices):
    OPEN = "open", pgettext_lazy("availability", "Open")
    RESERVED = "reserved", pgettext_lazy("availability", "Reserved")
    OCCUPIED = "occupied", pgettext_lazy("availability", "Occupied")
    UNAVAILABLE = "unavailable", pgettext_lazy("availability", "Unavailable")

    @classmethod
    def colour(cls, value: str) -> str:
        return {"open": "green", "reserved": "amber", "occupied": "blue", "unavailable": "red"}.get(value, "grey")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("request state", "Submitted")
    CONDITIONS_PROPOSED = "conditions", pgettext_lazy("request state", "Conditions proposed")
    ACCEPTED = "accepted", pgettext_lazy("request state", "Accepted")
    DECLINED = "declined", pgettext_lazy("request state", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("request state", "Withdrawn")


#: Requests still waiting for an answer (the owner's, or the requester's to proposed conditions).
OPEN_REQUEST_STATES = (RequestStatus.SUBMITTED, RequestStatus.CONDITIONS_PROPOSED)


class FeeKind(models.TextChoices):
    """Charges an owner might write into its conditions. Only the actual power cost is lawful (Jiaxing 三(四))."""

    POWER = "power", _("Actual power cost")
    ENTRY = "entry", _("Entry fee (进场费)")
    COORDINATION = "coordination", _("Coordination fee (协调费)")
    SHARING = "sharing", _("Sharing fee (分摊费)")
    RENT = "rent", _("Rent / site fee")
    OTHER = "other", _("Other fee")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state", "Open")
    INVESTIGATING = "investigating", pgettext_lazy("state", "Investigating")
    UPHELD = "upheld", pgettext_lazy("state", "Upheld (fee stopped)")
    DISMISSED = "dismissed", pgettext_lazy("state", "Dismissed")


COMPLAINT_TRANSITIONS = {
    ComplaintStatus.OPEN: {ComplaintStatus.INVESTIGATING, ComplaintStatus.UPHELD, ComplaintStatus.DISMISSED},
    ComplaintStatus.INVESTIGATING: {ComplaintStatus.UPHELD, ComplaintStatus.DISMISSED},
    ComplaintStatus.UPHELD: set(),
    ComplaintStatus.DISMISSED: set(),
}
