from django.db import models
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("region level", "Province")
    CITY = "city", pgettext_lazy("region level", "City")
    COUNTY = "county", pgettext_lazy("region level", "County-level unit")
