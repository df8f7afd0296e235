"""States and kinds of the interference complaints (Zhejiang task 32: 加强5G频谱资源保护，加大干扰协调、查处力度).

No seed sets a figure: the investigation limit below is the programme office's own default (copied into each
complaint, so a later change does not move a running clock).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintState(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("state", "Reported")
    MONITORING = "monitoring", pgettext_lazy("state", "Monitoring")
    SOURCE_FOUND = "source_found", pgettext_lazy("state", "Source identified")
    COORDINATING = "coordinating", pgettext_lazy("state", "Coordination or enforcement")
    RESOLVED = "resolved", pgettext_lazy("state", "Resolved")
    CLOSED = "closed", pgettext_lazy("state", "Closed")


class SourceKind(models.TextChoices):
    ILLEGAL_REPEATER = "illegal_repeater", _("Illegal repeater")
    JAMMER = "jammer", _("Signal jammer")
    OTHER_SYSTEM = "other_system", _("Another radio system")
    INTERMODULATION = "intermodulation", _("Intermodulation or spurious emission")
    OWN_NETWORK = "own_network", _("The operator's own network")
    UNKNOWN = "unknown", _("Not identified")


class Measure(models.TextChoices):
    COORDINATION = "coordination", _("Coordination")
    ENFORCEMENT = "enforcement", _("Enforcement")


#: States whose clock runs.
OPEN_STATES = (ComplaintState.REPORTED, ComplaintState.MONITORING, ComplaintState.SOURCE_FOUND,
               ComplaintState.COORDINATING)
#: The organization kind of the reporting operators.
OPERATOR_KIND = "operator"
#: The organization kind of the unit hosting radio management.
DEPARTMENT_KIND = "government_department"
#: The words the policy documents use for the spectrum task: the radio management unit leads the task naming them.
SPECTRUM_TERMS = ("频谱", "无线电")

#: Working days radio management has to resolve a complaint (programme-office default; no seed sets one).
DEFAULT_LIMIT_DAYS = 20
DEFAULT_WARN_DAYS = 3
