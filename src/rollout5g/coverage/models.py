"""Coverage runs started from the platform and their stored results.

A :class:`CoverageRun` is one execution of the coverage engine (``rollout5g.core.radio``) over the registry's
radiating cells, run as a background job. Its rasters and summary live on disk under
``settings.DATA_DIR / "coverage" / <run id>`` (the same four files as the ``rollout5g coverage`` command); the
covered share of every district and key area, with the gap polygons of each key area, are rows
(:class:`CoverageAreaResult`) so pages, the indicator and the dashboards query them without opening a raster.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import Role
from rollout5g.platform.access import VIEW, AccessPolicy, RestrictedQuerySet, grant
from rollout5g.platform.models import DomainModel

from .choices import LOCATION_PROBABILITY_CHOICES, LosMode, PathLossModel, ResultKind, RunScope, Verdict

OFFICE_AND_DEPARTMENTS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)


class CoverageRunQuerySet(RestrictedQuerySet):
    """The generic rule plus one: a run the programme office shares (the whole network, no operator filter) is
    also visible to every operator — the city's coverage is what every operator is measured against, while a run
    an operator starts stays its own."""

    def restrict(self, user, action: str = VIEW):
        queryset = super().restrict(user, action)
        if (action == VIEW and user is not None and user.is_authenticated and not user.is_superuser
                and user.role == Role.OPERATOR):
            queryset = (queryset | self.filter(shared=True).region_scoped(user)).distinct()  # shared: in its city
        return queryset


class CoverageRun(DomainModel):
    """One coverage prediction over an area (the whole city, one county or a set of key areas)."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organization"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="coverage_runs")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    scope = models.CharField(_("area"), max_length=12, choices=RunScope.choices, default=RunScope.CITY)
    region = models.ForeignKey("regions.Region", verbose_name=_("county or district"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    key_areas = models.ManyToManyField("sites.KeyArea", verbose_name=_("key areas"), blank=True, related_name="+")
    resolution_m = models.FloatField(_("resolution [m]"), default=20.0)
    model = models.CharField(_("path-loss model"), max_length=10, choices=PathLossModel.choices,
                             default=PathLossModel.UMA)
    los_mode = models.CharField(_("LOS mode"), max_length=10, choices=LosMode.choices, default=LosMode.WEIGHTED)
    band = models.CharField(_("band"), max_length=8, blank=True, help_text=_("Empty: every band."))
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("only the cells of"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    rsrp_min = models.FloatField(_("RSRP threshold [dBm]"), default=-105.0)
    sinr_min = models.FloatField(_("SINR threshold [dB]"), default=-3.0)
    as_of = models.DateField(_("network as of"))
    location_probability = models.FloatField(
        _("location probability"), default=0.9, choices=LOCATION_PROBABILITY_CHOICES,
        help_text=_("A pixel counts as covered when it meets the thresholds at this share of locations (log-normal "
                    "shadow fading, TR 38.901 Table 7.4.1-1)."))
    shared = models.BooleanField(_("shared with every operator"), default=False)
    job = models.ForeignKey("jobs.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    # Filled in by the job when the outputs are complete.
    succeeded_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cell_count = models.PositiveIntegerField(_("cells"), null=True, blank=True)
    pixel_count = models.PositiveBigIntegerField(_("pixels"), null=True, blank=True)
    covered_share = models.FloatField(_("covered share"), null=True, blank=True)
    seconds = models.FloatField(_("compute seconds"), null=True, blank=True)
    backend = models.CharField(_("backend"), max_length=10, blank=True)
    overlay = models.JSONField(_("map overlay bounds"), null=True, blank=True)

    objects = CoverageRunQuerySet.as_manager()
    access_policy = AccessPolicy(
        owner_path="organization",
        grants={"view": grant(Role.OPERATOR), "add": grant(Role.OPERATOR)},
        all_rows={"view": OFFICE_AND_DEPARTMENTS, "add": grant(Role.PROGRAM_OFFICE)},
        region_path="region",
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("coverage run")
        verbose_name_plural = _("coverage runs")

    def __str__(self):
        return self.title or f"#{self.pk}"

    @property
    def output_dir(self) -> Path:
        return Path(settings.DATA_DIR) / "coverage" / str(self.pk)

    @property
    def succeeded(self) -> bool:
        return self.succeeded_at is not None

    @property
    def covered_percent(self) -> float | None:
        return None if self.covered_share is None else 100.0 * self.covered_share

    @property
    def location_percent(self) -> int:
        return int(round(100 * self.location_probability))

    @property
    def margin_db(self) -> float:
        """Shadow-fading margin [dB] of the run's location probability (σ of its model, TR 38.901)."""
        from rollout5g.core.radio.link import RadioParams

        return RadioParams(model=self.model, los_mode=self.los_mode,
                           location_probability=self.location_probability).margin_db


class CoverageAreaResultQuerySet(RestrictedQuerySet):
    """Results are seen exactly by those who see their run."""

    def restrict(self, user, action: str = VIEW):
        return self.filter(run__in=CoverageRun.objects.restrict(user, action).values("pk"))


class CoverageAreaResult(DomainModel):
    """Covered share of one district or key area in one run, against the key area's target and due year.

    ``gaps`` is a GeoJSON MultiPolygon (WGS-84) of the uncovered parts of a key area: uncovered pixels
    polygonised, merged, simplified and clipped to the area, with specks under ``MIN_GAP_M2`` dropped
    (see ``coverage.gaps``)."""

    run = models.ForeignKey(CoverageRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=10, choices=ResultKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("district"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    key_area = models.ForeignKey("sites.KeyArea", verbose_name=_("key area"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="coverage_results")
    name = models.CharField(_("name"), max_length=150)
    pixels = models.PositiveBigIntegerField(_("pixels"))
    covered_pixels = models.PositiveBigIntegerField(_("covered pixels"))
    covered_share = models.FloatField(_("covered share"))
    target_share = models.FloatField(_("target share"), null=True, blank=True)
    due_year = models.PositiveSmallIntegerField(_("due year"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, default=Verdict.NO_TARGET)
    gaps = models.JSONField(_("gap polygons (WGS-84 GeoJSON)"), null=True, blank=True)
    gap_count = models.PositiveIntegerField(_("gap polygons"), default=0)
    gap_area_m2 = models.FloatField(_("gap area [m²]"), default=0.0)
    dropped_gap_m2 = models.FloatField(_("gap specks dropped [m²]"), default=0.0)

    objects = CoverageAreaResultQuerySet.as_manager()
    access_policy = AccessPolicy(region_path="run__region")  # documentation only: restrict() follows the run

    class Meta:
        ordering = ["run", "kind", "name"]
        verbose_name = _("coverage area result")
        verbose_name_plural = _("coverage area results")
        constraints = [
            models.CheckConstraint(condition=Q(covered_pixels__lte=models.F("pixels")), name="covered_le_pixels"),
        ]

    def __str__(self):
        return f"{self.name}: {self.covered_share:.3f}"

    @property
    def covered_percent(self) -> float:
        return 100.0 * self.covered_share

    @property
    def gap_area_ha(self) -> float:
        return self.gap_area_m2 / 10_000.0

    @property
    def target_percent(self) -> float | None:
        return None if self.target_share is None else 100.0 * self.target_share

    @property
    def met(self) -> bool | None:
        return None if self.target_share is None else self.covered_share >= self.target_share
