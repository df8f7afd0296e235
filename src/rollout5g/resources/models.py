"""The free open list of public facilities for 5G sites (Jiaxing 二(一)3-4, 三(四); Zhejiang tasks 6-9).

Live entries (:class:`PublicResource`) are managed by their owners and the programme office. What the public sees
is only what was published: a numbered release (第N批, :class:`ListRelease`) freezes a JSON snapshot of every
listed entry (:class:`ReleaseEntry`) and never changes afterwards. Operators ask for resources with a
:class:`SiteRequest`; the owner answers within a working-day deadline; fees other than the actual power cost are
refused (:class:`RequestCharge`) and can be reported (:class:`FeeComplaint`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rollout5g.accounts.choices import Role
from rollout5g.platform.access import (
    ACTIONS,
    AccessPolicy,
    grant,
)
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY
from rollout5g.platform.workflow import Action

from .choices import OPEN_REQUEST_STATES, Availability, ComplaintStatus, FeeKind, RequestStatus, ResourceKind

OWNERS = grant(Role.RESOURCE_OWNER)
OPERATORS = grant(Role.OPERATOR)
PROFESSIONALS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR)


class PublicResource(DomainModel):
    """A public facility or pole open for 5G sites (公共资源开放清单的一项). Coordinates are WGS-84."""

    code = models.CharField(_("code"), max_length=30, unique=True, help_text=_("Stable id across releases"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=ResourceKind.choices)
    owner = models.ForeignKey("organizations.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="public_resources")
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="public_resources")
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    height_m = models.FloatField(_("height [m]"), null=True, blank=True)
    load_kg = models.FloatField(_("load capacity [kg]"), null=True, blank=True)
    power_kw_available = models.FloatField(_("power available [kW]"), null=True, blank=True)
    cabinet_space_m2 = models.FloatField(_("cabinet space [m²]"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    availability = models.CharField(_("availability"), max_length=12, choices=Availability.choices,
                                    default=Availability.OPEN)
    availability_reason = models.CharField(_("availability reason"), max_length=300, blank=True)
    smart_pole = models.BooleanField(_("smart pole"), default=False)
    smart_pole_capacity = models.PositiveSmallIntegerField(
        _("smart-pole capacity (operators)"), default=0,
        help_text=_("How many operators' equipment the pole can carry; 0 if not a smart pole"))
    hosted_operators = models.ManyToManyField("organizations.Organization", verbose_name=_("hosted operators"),
                                              blank=True, related_name="hosted_on_resources")
    withdrawn = models.BooleanField(_("withdrawn from the list"), default=False)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    last_confirmed_on = models.DateField(_("last confirmed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    access_policy = AccessPolicy(
        owner_path="owner",
        grants={a: OWNERS for a in ACTIONS},
        all_rows={"view": PROFESSIONALS, **{a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")}},
        actions={
            # off the list for good: the next release shows it withdrawn, its code is never reused
            "withdraw": Action(_("withdraw"), roles=OWNERS, all_rows=PROGRAM_OFFICE_ONLY, field="withdrawn",
                               source=(False,), target=True),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lon", "lat"]), models.Index(fields=["availability", "kind"])]
        verbose_name = _("public resource")
        verbose_name_plural = _("public resources")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def capacity_left(self) -> int:
        """Operators a smart pole can still take [operators]; 0 for anything else."""
        if not self.smart_pole:
            return 0
        return max(0, self.smart_pole_capacity - self.hosted_operators.count())


class ListRelease(DomainModel):
    """A numbered batch of the open list (第N批) with its notice period. Immutable once published."""

    #: The deployment-wide sequence that addresses a release (its pages, downloads and API); a city counts its own
    #: batches in ``batch`` (第N批).
    number = models.PositiveIntegerField(_("batch number"), unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=pgettext_lazy("region", "city"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("The city whose open list the release publishes."))
    batch = models.PositiveIntegerField(_("batch of the city"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    notice_start = models.DateField(_("notice period from"))
    notice_end = models.DateField(_("notice period to"))
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    withdrawn_count = models.PositiveIntegerField(_("withdrawn"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    access_policy = AccessPolicy(
        public=models.Q(published_at__isnull=False),
        all_rows={a: PROGRAM_OFFICE_ONLY for a in ACTIONS},
        actions={
            "publish": Action(_("publish"), all_rows=PROGRAM_OFFICE_ONLY, condition=Q(published_at__isnull=True),
                              doc=_("a release is published once; open the next batch instead")),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["region", "batch"], name="unique_release_batch_per_city")]
        verbose_name = _("list release")
        verbose_name_plural = _("list releases")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"第{self.batch or self.number}批"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ReleaseEntry(DomainModel):
    """One resource as it was published in one release: the stable code and a frozen JSON snapshot."""

    release = models.ForeignKey(ListRelease, verbose_name=_("release"), on_delete=models.CASCADE,
                                related_name="entries")
    resource = models.ForeignKey(PublicResource, verbose_name=_("resource"), null=True, on_delete=models.SET_NULL,
                                 related_name="release_entries")
    code = models.CharField(_("code"), max_length=30)
    snapshot = models.JSONField(_("published values"))

    access_policy = AccessPolicy(public=models.Q(release__published_at__isnull=False),
                                 all_rows={a: PROGRAM_OFFICE_ONLY for a in ACTIONS},
                                 region_path="resource__region")

    class Meta:
        ordering = ["release", "code"]
        constraints = [models.UniqueConstraint(fields=["release", "code"], name="unique_release_entry_code")]
        verbose_name = _("release entry")
        verbose_name_plural = _("release entries")

    def __str__(self):
        return f"{self.release} {self.code}"


class SiteRequest(DomainModel):
    """An operator's or the tower company's request for a resource (or any resource near a point)."""

    code = models.CharField(_("request code"), max_length=30, unique=True)
    requester = models.ForeignKey("organizations.Organization", verbose_name=_("requester"),
                                  on_delete=models.PROTECT, related_name="site_requests")
    requested_by = models.ForeignKey("accounts.User", verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    resource = models.ForeignKey(PublicResource, verbose_name=_("resource"), on_delete=models.PROTECT,
                                 related_name="requests")
    owner = models.ForeignKey("organizations.Organization", verbose_name=_("resource owner"),
                              on_delete=models.PROTECT, related_name="received_site_requests")
    near_lon = models.FloatField(_("asked near longitude (WGS-84)"), null=True, blank=True)
    near_lat = models.FloatField(_("asked near latitude (WGS-84)"), null=True, blank=True)
    radius_m = models.FloatField(_("search radius [m]"), null=True, blank=True)
    matched_distance_m = models.FloatField(_("distance of the matched resource [m]"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=4, default="n78")
    purpose = models.TextField(_("purpose"), blank=True)
    planned_year = models.PositiveSmallIntegerField(_("planned year"))
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED)
    received_on = models.DateField(_("received on"))
    answer_limit_days = models.PositiveSmallIntegerField(_("answer within [working days]"))
    due_on = models.DateField(_("answer due on"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    conditions = models.TextField(_("owner's conditions"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey("accounts.User", verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    shares_with = models.ForeignKey("self", verbose_name=_("sharing offer with"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="sharing_offers")
    planned_site = models.ForeignKey("sites.PlannedSite", verbose_name=_("planned site"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="open_list_requests")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    access_policy = AccessPolicy(
        owner_path=("requester", "owner"),
        grants={"view": grant(Role.OPERATOR, Role.RESOURCE_OWNER), "change": grant(Role.OPERATOR, Role.RESOURCE_OWNER),
                "add": OPERATORS},
        # the programme office sees and answers every request but makes none: requests are an operator's
        all_rows={a: PROGRAM_OFFICE_ONLY for a in ("view", "change", "delete")},
        actions={
            # the resource's owner answers (the programme office may answer for it)
            "accept": Action(_("accept"), roles=OWNERS, all_rows=PROGRAM_OFFICE_ONLY, field="status", path="owner",
                             source=(RequestStatus.SUBMITTED,), target=RequestStatus.ACCEPTED,
                             condition=Q(shares_with__isnull=True) | ~Q(shares_with__status__in=OPEN_REQUEST_STATES),
                             doc=_("a sharing offer is accepted with the request it shares, once that one is "
                                   "accepted")),
            "propose": Action(_("propose conditions"), roles=OWNERS, all_rows=PROGRAM_OFFICE_ONLY, field="status", path="owner",
                              source=OPEN_REQUEST_STATES, target=RequestStatus.CONDITIONS_PROPOSED),
            "decline": Action(_("decline"), roles=OWNERS, all_rows=PROGRAM_OFFICE_ONLY, field="status", path="owner",
                              source=OPEN_REQUEST_STATES, target=RequestStatus.DECLINED),
            # the requesting operator answers the owner's conditions, or gives up its request
            "agree": Action(_("agree to the conditions"), roles=OPERATORS, field="status", path="requester",
                            source=(RequestStatus.CONDITIONS_PROPOSED,), target=RequestStatus.ACCEPTED),
            "withdraw": Action(_("withdraw"), roles=OPERATORS, field="status", path="requester", source=OPEN_REQUEST_STATES,
                               target=RequestStatus.WITHDRAWN),
            # an entry-fee complaint about a request is the requesting operator's (no process files one)
            "complain": Action(_("complain about a fee"), roles=OPERATORS, path="requester", system=False),
        },
        region_path="resource__region",
    )

    class Meta:
        ordering = ["-received_on", "-code"]
        verbose_name = _("site request")
        verbose_name_plural = _("site requests")

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.SUBMITTED, RequestStatus.CONDITIONS_PROPOSED)

    @property
    def is_sharing_offer(self) -> bool:
        return self.shares_with_id is not None


class RequestCharge(DomainModel):
    """A charge in an owner's conditions. Only the actual power cost may be charged (Jiaxing 三(四))."""

    request = models.ForeignKey(SiteRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="charges")
    kind = models.CharField(_("fee kind"), max_length=20, choices=FeeKind.choices)
    amount_cny = models.DecimalField(_("amount [CNY]"), max_digits=12, decimal_places=2, null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200, blank=True,
                             help_text=_("e.g. metered at the grid tariff"))

    access_policy = AccessPolicy(
        owner_path=("request__requester", "request__owner"),
        grants={"view": grant(Role.OPERATOR, Role.RESOURCE_OWNER)},
        all_rows={a: PROGRAM_OFFICE_ONLY for a in ACTIONS},
        region_path="request__resource__region",
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_cny or ''}".strip()


class FeeComplaint(DomainModel):
    """An operator's report that an owner asked for an entry, coordination or sharing fee: a case for the
    programme office."""

    code = models.CharField(_("complaint code"), max_length=30, unique=True)
    complainant = models.ForeignKey("organizations.Organization", verbose_name=_("complainant"),
                                    on_delete=models.PROTECT, related_name="fee_complaints")
    filed_by = models.ForeignKey("accounts.User", verbose_name=_("filed by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    respondent = models.ForeignKey("organizations.Organization", verbose_name=_("respondent (owner)"),
                                   on_delete=models.PROTECT, related_name="fee_complaints_against")
    request = models.ForeignKey(SiteRequest, verbose_name=_("site request"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="complaints")
    resource = models.ForeignKey(PublicResource, verbose_name=_("resource"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="complaints")
    fee_kind = models.CharField(_("fee kind"), max_length=20, choices=FeeKind.choices)
    amount_cny = models.DecimalField(_("amount asked [CNY]"), max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    description = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=14, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    filed_on = models.DateField(_("filed on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    access_policy = AccessPolicy(
        owner_path=("complainant", "respondent"),
        grants={"view": grant(Role.OPERATOR, Role.RESOURCE_OWNER), "add": OPERATORS},
        # the programme office handles every complaint but files none: a complaint is an operator's
        all_rows={a: PROGRAM_OFFICE_ONLY for a in ("view", "change", "delete")},
        actions={
            "investigate": Action(_("investigate"), all_rows=PROGRAM_OFFICE_ONLY, field="status",
                                  source=(ComplaintStatus.OPEN,), target=ComplaintStatus.INVESTIGATING),
            "uphold": Action(_("uphold"), all_rows=PROGRAM_OFFICE_ONLY, field="status",
                             source=(ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING),
                             target=ComplaintStatus.UPHELD),
            "dismiss": Action(_("dismiss"), all_rows=PROGRAM_OFFICE_ONLY, field="status",
                              source=(ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING),
                              target=ComplaintStatus.DISMISSED),
        },
        region_path="resource__region",
    )

    class Meta:
        ordering = ["-filed_on", "-code"]
        verbose_name = _("fee complaint")
        verbose_name_plural = _("fee complaints")

    def __str__(self):
        return self.code


# The site recommendation's record (a proxy of the job; its declared actions live with the recommendation package).
from .recommend.models import Recommendation  # noqa: E402, F401
