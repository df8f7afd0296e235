"""Sites, cells, the special plan and key areas. Coordinates are stored in WGS-84; the CRS they came in is kept."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import Role
from rollout5g.platform.access import (
    ACTIONS,
    AccessPolicy,
    grant,
)
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY
from rollout5g.platform.workflow import Action

from .choices import Band, KeyAreaCategory, PowerSupply, SiteState, SiteType, Technology

OFFICE_AND_DEPARTMENTS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)
OPERATORS = grant(Role.OPERATOR)


class ImportBatch(DomainModel):
    """One import of sites and cells (an engineering-parameter file or a generated scenario). The import is one
    audited state change; every row it created points at it."""

    source = models.CharField(_("source"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    coordinate_system = models.CharField(_("coordinate system"), max_length=20, default="wgs84")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("for organization"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    sites_created = models.PositiveIntegerField(default=0)
    sites_updated = models.PositiveIntegerField(default=0)
    cells_created = models.PositiveIntegerField(default=0)
    cells_updated = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)

    #: An import is added by an operator or the tower company for its own organization (the tower company for the
    #: operators it hosts, row by row), or by the programme office for anyone.
    access_policy = AccessPolicy(owner_path="organization", grants={"view": OPERATORS, "add": OPERATORS},
                                 all_rows={"view": OFFICE_AND_DEPARTMENTS, "add": PROGRAM_OFFICE_ONLY},
                                 region_path="organization__region")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"#{self.pk} {self.source} {self.file_name}".strip()


class KeyArea(DomainModel):
    """A key area of the coverage goals (重点区域): city core, 高铁新城, 南湖景区, a hospital …, with its target."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=KeyAreaCategory.choices)
    area_type = models.CharField(_("area type (policy wording)"), max_length=60, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="key_areas")
    geometry = models.JSONField(_("boundary (WGS-84 GeoJSON)"))
    coverage_rsrp_min_dbm = models.FloatField(_("RSRP threshold [dBm]"), default=-105.0)
    coverage_share_target = models.FloatField(_("covered share target"), default=0.95)
    due_year = models.PositiveSmallIntegerField(_("due year"), null=True, blank=True)
    approximate = models.BooleanField(_("approximate boundary"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")},
                                 region_path="region")

    class Meta:
        ordering = ["region", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="unique_key_area_name")]
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")

    def __str__(self):
        return self.name


class PlannedSite(DomainModel):
    """An entry of the site special plan (站址专项规划): a location reserved for a site by district and year.
    Unpublished entries are visible only to the planning organization and the programme office."""

    code = models.CharField(_("plan code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="planned_sites")
    planned_year = models.PositiveSmallIntegerField(_("planned year"))
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices)
    place = models.CharField(_("place"), max_length=100, blank=True)
    key_area = models.ForeignKey(KeyArea, verbose_name=_("key area"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="planned_sites")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("planned by"),
                                     on_delete=models.PROTECT, related_name="planned_sites")
    published = models.BooleanField(_("published"), default=False)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(published=True),
        grants={a: grant(Role.OPERATOR) for a in ACTIONS},
        all_rows={"view": OFFICE_AND_DEPARTMENTS, **{a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")}},
        actions={
            # the special plan is published by the programme office (an entry is public once published)
            "publish": Action(_("Publish"), all_rows=PROGRAM_OFFICE_ONLY, field="published", source=(False,),
                              target=True),
            "unpublish": Action(_("Withdraw from publication"), all_rows=PROGRAM_OFFICE_ONLY, field="published",
                                source=(True,), target=False),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["planned_year", "code"]
        verbose_name = _("planned site")
        verbose_name_plural = _("planned sites")

    def __str__(self):
        return self.code


#: Every state but the final one: a site may be retired from any of them (a plan abandoned, a site demolished).
_LIVE = tuple(s for s in SiteState.values if s != SiteState.RETIRED)


class Site(DomainModel):
    """A site (站址): a location with a structure carrying antennas of one or more operators."""

    code = models.CharField(_("site code"), max_length=60, unique=True)
    name = models.CharField(_("site name"), max_length=150)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    source_crs = models.CharField(_("source coordinate system"), max_length=20, default="wgs84")
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="sites")
    address = models.CharField(_("address"), max_length=300, blank=True)
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices)
    height_m = models.FloatField(_("structure height [m]"), null=True, blank=True)
    owner = models.ForeignKey("organizations.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="owned_sites")
    operators = models.ManyToManyField("organizations.Organization", verbose_name=_("operators sharing it"),
                                       blank=True, related_name="shared_sites")
    power_supply = models.CharField(_("power supply"), max_length=10, choices=PowerSupply.choices,
                                    default=PowerSupply.UNKNOWN)
    state = models.CharField(_("state"), max_length=12, choices=SiteState.choices, default=SiteState.PLANNED)
    state_since = models.DateField(_("in this state since"), null=True, blank=True)
    on_air_date = models.DateField(_("on air since"), null=True, blank=True)
    retired_date = models.DateField(_("retired on"), null=True, blank=True)
    plan_entry = models.ForeignKey(PlannedSite, verbose_name=_("special-plan entry"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="sites")
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="sites")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    #: The lifecycle, declared once: each step moves to one state (``site_transition(to_state=...)`` finds the step
    #: by its target). The owner and the operators sharing the site take its steps; the programme office any site's.
    #: Processes take them too: the approvals flow applies, approves and withdraws; cases retire relocated sites.
    access_policy = AccessPolicy(
        owner_path=("owner", "operators"),
        grants={a: OPERATORS for a in ACTIONS},
        all_rows={"view": OFFICE_AND_DEPARTMENTS, **{a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")}},
        actions={
            "apply": Action(_("Apply for approval"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                            source=(SiteState.PLANNED,), target=SiteState.APPLIED),
            "withdraw": Action(_("Back to planned"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                               source=(SiteState.APPLIED,), target=SiteState.PLANNED),
            # an operator does not approve its own site: the approval decision (a process) or the office does
            "approve": Action(_("Mark approved"), all_rows=PROGRAM_OFFICE_ONLY, source=(SiteState.APPLIED,),
                              target=SiteState.APPROVED),
            "build": Action(_("Start building"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                            source=(SiteState.APPROVED,), target=SiteState.BUILDING),
            "on_air": Action(_("Put on air"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                             source=(SiteState.BUILDING, SiteState.RELOCATING), target=SiteState.ON_AIR),
            "relocate": Action(_("Start relocating"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                               source=(SiteState.ON_AIR,), target=SiteState.RELOCATING),
            "retire": Action(_("Retire"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY, source=_LIVE,
                             target=SiteState.RETIRED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lon", "lat"]), models.Index(fields=["state", "region"])]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return f"{self.code} {self.name}"


class Cell(DomainModel):
    """A cell (小区): one sector carrier of one operator on a site, with its engineering parameters."""

    cell_id = models.CharField(_("cell id"), max_length=80, unique=True)
    name = models.CharField(_("cell name"), max_length=150, blank=True)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="cells")
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("operator"), on_delete=models.PROTECT,
                                 related_name="cells")
    technology = models.CharField(_("technology"), max_length=4, choices=Technology.choices, default=Technology.NR)
    band = models.CharField(_("band"), max_length=4, choices=Band.choices)
    freq_mhz = models.FloatField(_("centre frequency [MHz]"))
    bandwidth_mhz = models.FloatField(_("bandwidth [MHz]"))
    azimuth_deg = models.FloatField(_("azimuth [°]"))
    mechanical_tilt_deg = models.FloatField(_("mechanical tilt [°]"), default=0)
    electrical_tilt_deg = models.FloatField(_("electrical tilt [°]"), default=0)
    height_m = models.FloatField(_("antenna height [m]"))
    gain_dbi = models.FloatField(_("antenna gain [dBi]"), default=17)
    hpbw_h_deg = models.FloatField(_("horizontal beamwidth [°]"), default=65)
    hpbw_v_deg = models.FloatField(_("vertical beamwidth [°]"), default=10)
    total_power_w = models.FloatField(_("total transmit power [W]"), null=True, blank=True)
    rs_power_dbm = models.FloatField(_("SSB / reference-signal power per RE [dBm]"))
    pci = models.PositiveSmallIntegerField(_("PCI"), null=True, blank=True)
    on_air_date = models.DateField(_("on air since"), null=True, blank=True)
    shared_operators = models.ManyToManyField("organizations.Organization", blank=True, related_name="shared_cells",
                                              verbose_name=_("also serves"))

    access_policy = AccessPolicy(
        owner_path=("operator", "shared_operators"),
        grants={a: OPERATORS for a in ACTIONS},
        all_rows={"view": OFFICE_AND_DEPARTMENTS, **{a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")}},
        region_path="site__region",
    )

    class Meta:
        ordering = ["site", "cell_id"]
        indexes = [models.Index(fields=["operator", "band"])]
        verbose_name = _("cell")
        verbose_name_plural = _("cells")

    def __str__(self):
        return self.cell_id

    @property
    def tilt_deg(self) -> float:
        return self.mechanical_tilt_deg + self.electrical_tilt_deg
