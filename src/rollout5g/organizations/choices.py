from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("People's government")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    PARTY_DEPARTMENT = "party_department", _("Party department")
    COORDINATION_BODY = "coordination_body", _("Leading group / coordination body")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone administration")
    OPERATOR = "operator", _("Telecom operator")
    TOWER_COMPANY = "tower_company", _("Tower company")
    BROADCASTER = "broadcaster", _("Broadcaster / cable network")
    UTILITY = "utility", _("Utility")
    STATE_OWNED_ENTERPRISE = "state_owned_enterprise", _("State-owned enterprise")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTE = "institute", _("Research institute")
    UNIVERSITY = "university", _("University")
    ASSOCIATION = "association", _("Association / alliance")
