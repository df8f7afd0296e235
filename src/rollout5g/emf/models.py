"""Public EMF information (电磁辐射信息公开; Jiaxing 三(四): 加强对通信基站辐射的科普宣传).

- :class:`SitePage`: the public page of one site (no login): the plain-language assessment against the GB 8702-2014
  public limits, computed from the site's cells when the page is prepared and kept with the page (the public sees
  figures, never the cells' parameters); published and withdrawn by the ecology department or the programme office.
- :class:`MonitoringResult`: a measurement of the ecology department (HJ 1151-2020): point, date, value, instrument;
  shown on the site's public page once that page is published.
- :class:`SciencePost`: science material the ecology department publishes (public list and detail, plain text).
- :class:`MeasurementRequest`: a request for a measurement from the public (no login), routed to the ecology
  department with a working-day answer clock, answered with a result or declined with the reason. The requester's
  name and phone are never shown publicly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .assessment import SiteEstimate
from .choices import OPEN_REQUEST_STATES, PageState, PostState, RequestState, Unit

DEPARTMENTS = grant(Role.DEPARTMENT)
OFFICE_AND_DEPARTMENTS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)


class SitePage(DomainModel):
    """The public EMF page of a site, prepared by the ecology department (or the programme office)."""

    code = models.CharField(_("page number"), max_length=30, unique=True)
    site = models.OneToOneField("sites.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                                related_name="emf_page")
    publisher = models.ForeignKey("organizations.Organization", verbose_name=_("published by"),
                                  on_delete=models.PROTECT, related_name="+")
    public_name = models.CharField(_("name shown to the public"), max_length=150)
    place = models.CharField(_("place shown to the public"), max_length=200,
                             help_text=_("A street or neighbourhood; no exact coordinates are shown"))
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=PageState.choices, default=PageState.DRAFT)
    assessment = models.JSONField(_("assessment"), default=dict, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    note = models.TextField(_("note to the public"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("publisher", "site__owner", "site__operators"),
        public=models.Q(state=PageState.PUBLISHED),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR), "add": DEPARTMENTS},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        actions={
            "publish": Action(_("Publish"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY, path="publisher",
                              source=(PageState.DRAFT, PageState.WITHDRAWN), target=PageState.PUBLISHED),
            "withdraw": Action(_("Withdraw"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY, path="publisher",
                               source=(PageState.PUBLISHED,), target=PageState.WITHDRAWN),
            "reassess": Action(_("Assess again from the cells"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY,
                               path="publisher"),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["region", "public_name"]
        verbose_name = _("public EMF page")
        verbose_name_plural = _("public EMF pages")

    def __str__(self):
        return self.public_name

    @property
    def estimate(self) -> SiteEstimate | None:
        return SiteEstimate.from_dict(self.assessment)


class MonitoringResult(DomainModel):
    """A broadband measurement by the ecology department after HJ 1151-2020 (《5G移动通信基站电磁辐射环境监测方法》)."""

    code = models.CharField(_("report number"), max_length=30, unique=True)
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="emf_results")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("measured by"),
                                     on_delete=models.PROTECT, related_name="+")
    point = models.CharField(_("measuring point"), max_length=200)
    height_m = models.FloatField(_("height above ground [m]"), default=1.7)
    measured_on = models.DateField(_("measured on"))
    value = models.FloatField(_("value measured"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    limit = models.FloatField(_("limit in that unit"))
    share = models.FloatField(_("share of the limit"))
    instrument = models.CharField(_("instrument (model and serial number)"), max_length=150)
    method = models.CharField(_("method"), max_length=60, default="HJ 1151-2020")
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("organization", "site__owner", "site__operators"),
        public=models.Q(site__emf_page__state=PageState.PUBLISHED),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR), "add": DEPARTMENTS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        region_path="region",
    )

    class Meta:
        ordering = ["-measured_on", "-code"]
        verbose_name = _("monitoring result")
        verbose_name_plural = _("monitoring results")

    def __str__(self):
        return self.code

    @property
    def percent(self) -> float:
        return self.share * 100.0


class SciencePost(DomainModel):
    """Science material on base-station radiation published by the ecology department (plain text)."""

    code = models.CharField(_("article number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("published by"),
                                     on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=PostState.choices, default=PostState.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(state=PostState.PUBLISHED),
        grants={"view": DEPARTMENTS, "add": DEPARTMENTS, "change": DEPARTMENTS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "publish": Action(_("Publish"), roles=DEPARTMENTS, source=(PostState.DRAFT, PostState.WITHDRAWN),
                              target=PostState.PUBLISHED),
            "withdraw": Action(_("Withdraw"), roles=DEPARTMENTS, source=(PostState.PUBLISHED,),
                               target=PostState.WITHDRAWN),
        },
        region_path="organization__region",
    )

    class Meta:
        ordering = ["-published_on", "-code"]
        verbose_name = _("science article")
        verbose_name_plural = _("science articles")

    def __str__(self):
        return self.title


class MeasurementRequest(DomainModel):
    """A request from the public for a measurement, answered by the ecology department within a working-day clock."""

    code = models.CharField(_("request number"), max_length=30, unique=True)
    access_key = models.CharField(_("access key"), max_length=40, unique=True)
    submit_token = models.CharField(_("form token"), max_length=200, unique=True)
    client_hash = models.CharField(_("address fingerprint"), max_length=64, db_index=True)
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("contact phone"), max_length=30)
    place = models.CharField(_("place to measure"), max_length=200)
    page = models.ForeignKey(SitePage, verbose_name=_("site concerned"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="requests")
    description = models.TextField(_("what worries you"), blank=True)
    department = models.ForeignKey("organizations.Organization", verbose_name=_("routed to"),
                                   on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices,
                             default=RequestState.RECEIVED)
    received_on = models.DateField(_("received on"))
    limit_days = models.PositiveSmallIntegerField(_("answer within [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"))
    scheduled_on = models.DateField(_("measurement planned on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    result = models.ForeignKey(MonitoringResult, verbose_name=_("measurement"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="requests")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="department", grants={"view": DEPARTMENTS}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "schedule": Action(_("Plan the measurement"), roles=DEPARTMENTS, source=(RequestState.RECEIVED,),
                               target=RequestState.SCHEDULED, system=False),
            "answer": Action(_("Answer with the result"), roles=DEPARTMENTS, source=OPEN_REQUEST_STATES,
                             target=RequestState.ANSWERED, system=False),
            "decline": Action(_("Decline with the reason"), roles=DEPARTMENTS, source=OPEN_REQUEST_STATES,
                              target=RequestState.DECLINED, system=False),
        },
        region_path="page__region",
    )

    class Meta:
        ordering = ["-received_on", "-code"]
        verbose_name = _("measurement request")
        verbose_name_plural = _("measurement requests")

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    def clock(self) -> Clock:
        return Clock(received_on=self.received_on, limit_days=self.limit_days, warn_days=self.warn_days)
