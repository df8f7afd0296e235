from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import AccessPolicy, RestrictedManager

from .choices import RegionLevel


class Region(models.Model):
    """An administrative unit identified by its 6-digit adcode (GB/T 2260).

    ``geometry`` is the canonical WGS-84 boundary as GeoJSON; ``source_crs`` says what the source file used
    (the shipped boundaries are GCJ-02 and are converted on load). ``display_geometry`` is a simplified copy for
    maps (about 50 m tolerance), so pages never ship the full-resolution boundary.
    """

    adcode = models.CharField(_("adcode"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geometry = models.JSONField(_("boundary (WGS-84 GeoJSON)"))
    display_geometry = models.JSONField(_("simplified boundary (WGS-84 GeoJSON)"))
    source_crs = models.CharField(_("source coordinate system"), max_length=20)
    source = models.CharField(_("source"), max_length=200)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    centroid_lon = models.FloatField()
    centroid_lat = models.FloatField()
    area_km2 = models.FloatField(_("area [km²]"))

    objects = RestrictedManager()
    # Boundaries are public information.
    access_policy = AccessPolicy(public=models.Q())

    class Meta:
        ordering = ["adcode"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)
