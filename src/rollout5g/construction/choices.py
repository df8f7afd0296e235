"""Kinds, states and the default construction guideline of the 5G supporting facilities of construction projects.

The seeds (Zhejiang tasks 2, 4, 5; Jiaxing 二(一)2) say *which* facilities a new project reserves — sites, machine
room, power, ducts, roof space — and that they are planned, designed, built and accepted with the main works; they
give no quantity. Every figure of :data:`DEFAULT_GUIDELINE` is therefore the programme office's own configurable
default (loaded into :class:`~rollout5g.construction.models.FacilityGuideline` rows, which the office edits), never
a figure of a document.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectKind(models.TextChoices):
    HOUSING = "housing", _("Housing")
    PUBLIC_BUILDING = "public_building", _("Public building")
    MUNICIPAL_ROAD = "municipal_road", _("Municipal road")
    TRANSPORT_HUB = "transport_hub", _("Transport hub")
    RENEWAL_AREA = "renewal_area", _("Old-district renewal")


#: Kinds measured by their length (km); the others by their gross floor area (m²).
LENGTH_KINDS = frozenset({ProjectKind.MUNICIPAL_ROAD})


class ProjectState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("construction state", "Registered")
    IN_REVIEW = "in_review", pgettext_lazy("construction state", "In design review")
    RETURNED = "returned", pgettext_lazy("construction state", "Returned for revision")
    DESIGN_APPROVED = "design_approved", pgettext_lazy("construction state", "Design approved")
    BUILDING = "building", pgettext_lazy("construction state", "Under construction")
    ACCEPTANCE = "acceptance", pgettext_lazy("construction state", "Completion acceptance")
    ACCEPTED = "accepted", pgettext_lazy("construction state", "Accepted")


class ReviewKind(models.TextChoices):
    PLANNING = "planning", _("Planning department")
    CONSTRUCTION = "construction", _("Construction department")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("review decision", "Pending")
    APPROVED = "approved", pgettext_lazy("review decision", "Approved")
    RETURNED = "returned", pgettext_lazy("review decision", "Returned")


#: The five facilities a project reserves, in the order the pages show them: field suffix -> label.
FACILITIES = (
    ("sites", _("Base-station sites")),
    ("machine_room_m2", _("Machine room [m²]")),
    ("power_kw", _("Power [kW]")),
    ("duct_holes", _("Duct holes")),
    ("roof_m2", _("Roof space [m²]")),
)

#: Programme-office defaults (no seed sets a figure): kind -> (size per site, minimum sites, machine room m² per
#: project, power kW per site, duct holes per project, roof m² per site). Size per site is m² of gross floor area,
#: or km of length for a road.
DEFAULT_GUIDELINE = {
    ProjectKind.HOUSING: (Decimal("20000"), 1, Decimal("10"), Decimal("10"), 4, Decimal("20")),
    ProjectKind.PUBLIC_BUILDING: (Decimal("15000"), 1, Decimal("10"), Decimal("10"), 4, Decimal("20")),
    ProjectKind.MUNICIPAL_ROAD: (Decimal("0.5"), 1, Decimal("0"), Decimal("5"), 2, Decimal("0")),
    ProjectKind.TRANSPORT_HUB: (Decimal("10000"), 2, Decimal("20"), Decimal("15"), 6, Decimal("30")),
    ProjectKind.RENEWAL_AREA: (Decimal("30000"), 1, Decimal("10"), Decimal("10"), 4, Decimal("20")),
}
#: Working days each department has for its design review (programme-office default; copied into each review).
DEFAULT_REVIEW_LIMIT_DAYS = 10
DEFAULT_REVIEW_WARN_DAYS = 2
