"""Kinds, levels and states of the security of critical 5G facilities (Zhejiang task 31: 构建5G关键设施安全保障体系，
开展数据安全风险动态评估评测，对敏感事件进行智能化识别、实时预警、动态研判和应急处置).

No seed sets a figure: the response limits per severity and the re-assessment intervals per criticality below are
the programme office's own defaults (copied into each event / facility, so a later change does not move a running
clock). The event severities follow the four grades of the national cybersecurity incident plan
(国家网络安全事件应急预案: 特别重大、重大、较大、一般).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FacilityKind(models.TextChoices):
    SITE = "site", _("Base-station site")
    CORE_ROOM = "core_room", _("Core network room")
    TRANSMISSION_NODE = "transmission_node", _("Transmission node")


class Criticality(models.TextChoices):
    LEVEL_1 = "1", _("Level 1 (highest)")
    LEVEL_2 = "2", _("Level 2")
    LEVEL_3 = "3", _("Level 3")


class FacilityState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("state", "In service")
    RETIRED = "retired", pgettext_lazy("state", "Retired")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class Severity(models.TextChoices):
    PARTICULARLY_SERIOUS = "particularly_serious", _("Particularly serious (I)")
    SERIOUS = "serious", _("Serious (II)")
    RELATIVELY_SERIOUS = "relatively_serious", _("Relatively serious (III)")
    GENERAL = "general", _("General (IV)")


class EventCategory(models.TextChoices):
    DATA_LEAK = "data_leak", _("Data leak or theft")
    INTRUSION = "intrusion", _("Intrusion or unauthorised access")
    DENIAL_OF_SERVICE = "denial_of_service", _("Denial of service")
    MALWARE = "malware", _("Malicious code")
    FAKE_STATION = "fake_station", _("Fake base station or rogue terminal")
    PHYSICAL = "physical", _("Physical damage or sabotage")
    OTHER = "other", _("Other")


class EventSource(models.TextChoices):
    MONITORING = "monitoring", _("Security monitoring")
    REPORT = "report", _("Report or complaint")
    NOTICE = "notice", _("Notice from a higher authority")


class EventState(models.TextChoices):
    DETECTED = "detected", pgettext_lazy("state", "Detected")
    WARNED = "warned", pgettext_lazy("state", "Warned")
    ANALYSED = "analysed", pgettext_lazy("state", "Analysed")
    RESPONDED = "responded", pgettext_lazy("state", "Responded")
    CLOSED = "closed", pgettext_lazy("state", "Closed")


#: States whose response clock runs.
OPEN_EVENT_STATES = (EventState.DETECTED, EventState.WARNED, EventState.ANALYSED)
#: Organization kinds that operate critical facilities.
OPERATOR_KINDS = ("operator", "tower_company")
#: The words of the home documents' task on the security of critical 5G facilities (task 31 in the demo's).
SECURITY_TERMS = ("关键设施", "数据安全")
#: How the supporting units of that task are told apart, by their name: the police, the communications administration.
POLICE_TERM = "公安"
COMMS_TERM = "通信管理"

#: Working days to respond to an event, from its detection (not counted), by severity (programme-office defaults).
RESPONSE_DAYS = {
    Severity.PARTICULARLY_SERIOUS: 1,
    Severity.SERIOUS: 2,
    Severity.RELATIVELY_SERIOUS: 3,
    Severity.GENERAL: 5,
}
#: Months between two assessments, by criticality (programme-office defaults); the first is due within FIRST_MONTHS.
REASSESS_MONTHS = {Criticality.LEVEL_1: 6, Criticality.LEVEL_2: 12, Criticality.LEVEL_3: 24}
FIRST_MONTHS = 3
#: Working days before a re-assessment is due when the operator is warned.
ASSESSMENT_WARN_DAYS = 10
