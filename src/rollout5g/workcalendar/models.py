"""The holiday arrangement of each year, as data (the State Council notice, or the chinese-calendar package)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """One year's confirmed arrangement: the days off and the weekend days worked in exchange (调休上班).

    A year missing here is judged by weekday alone, and every deadline that falls in it is provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays = models.JSONField(_("days off"), default=list, help_text=_("ISO dates"))
    adjusted_workdays = models.JSONField(_("adjusted working days"), default=list, help_text=_("ISO dates"))
    names = models.JSONField(_("holiday names"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return f"{self.year} ({self.source})"
