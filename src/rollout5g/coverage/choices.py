from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunScope(models.TextChoices):
    CITY = "city", _("Whole city (every district and key area)")
    REGION = "region", _("One county or district")
    KEY_AREAS = "key_areas", _("Selected key areas")


class PathLossModel(models.TextChoices):
    UMA = "uma", _("3GPP UMa (urban macro)")
    UMI = "umi", _("3GPP UMi street canyon (urban micro)")
    RMA = "rma", _("3GPP RMa (rural macro)")
    COST231 = "cost231", _("COST-231 Hata")


class LosMode(models.TextChoices):
    WEIGHTED = "weighted", _("LOS-probability weighted power")
    LOS = "los", _("Line of sight")
    NLOS = "nlos", _("Non line of sight")


class ResultKind(models.TextChoices):
    CITY = "city", pgettext_lazy("coverage scope", "City")
    DISTRICT = "district", pgettext_lazy("coverage scope", "District")
    KEY_AREA = "key_area", pgettext_lazy("coverage scope", "Key area")


class Verdict(models.TextChoices):
    MET = "met", pgettext_lazy("verdict", "Met")
    NOT_MET = "not_met", pgettext_lazy("verdict", "Not met")
    DUE_LATER = "due_later", pgettext_lazy("verdict", "Not met, due later")
    NO_TARGET = "no_target", pgettext_lazy("verdict", "No target")


class OverlayLayer(models.TextChoices):
    RSRP = "rsrp", _("RSRP")
    SINR = "sinr", _("SINR")
    COVERED = "covered", _("Covered or not")


#: Location probabilities a run may ask for: 50 % is the median prediction (no margin).
LOCATION_PROBABILITY_CHOICES = [(0.5, _("50 % (median, no margin)")), (0.9, _("90 %")), (0.95, _("95 %"))]
