"""The industry workflows of issue 17 item 6, beside the registry and the incentives of this app.

- 凤凰行动 (Zhejiang task 30): :class:`ListingCompany`, a 5G enterprise in the listing pipeline, moved stage by stage
  (培育 → 辅导备案 → 申报 → 受理 → 过会/注册 → 上市, or withdrawn) by the financial regulator office, each move a dated
  :class:`ListingStageChange`.
- 首台套 / 首批次 / 首版次 (Zhejiang task 14): :class:`FirstOfKind`, an enterprise's application for a product, reviewed
  and recognised by the economy and information technology department; a recognition is a registry
  ``Recognition`` and ``Achievement`` and is matched to the incentive clauses like a pilot's (免申即享).
- Talent (Jiaxing 二(四)1, 三(二)): :class:`TalentEntry`, the catalogue of urgently needed 5G talent, and
  :class:`TalentSupport`, support granted to an enterprise or a person.
- Events and cases (Zhejiang task 35): :class:`IndustryEvent` (summits, forums, competitions, exhibitions) and
  :class:`ApplicationCase`, application cases enterprises submit and the programme office publishes in the public
  gallery.
- Alliances (Jiaxing 三(五)): :class:`Alliance` (the 5G industry alliance, the smart-pole industry alliance) with
  :class:`AllianceMember` rows and :class:`AllianceActivity` rows.

Who acts for the government is stored on each row (``regulator``, ``reviewer``, ``granted_by``), chosen from the
policy data by :mod:`rollout5g.incentives.selectors` (never a code).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .choices import (
    ActivityKind,
    AllianceKind,
    Board,
    CaseState,
    EntryState,
    EventKind,
    EventState,
    FirstKind,
    FirstState,
    Level,
    ListingStage,
    MemberRole,
    PilotField,
    Shortage,
    SupportKind,
    SupportState,
    TalentField,
    TalentLevel,
)

DEPARTMENT = grant(Role.DEPARTMENT)
ENTERPRISE = grant(Role.ENTERPRISE)


def money(verbose, **kw):
    return models.DecimalField(verbose, max_digits=16, decimal_places=2, **kw)


# -- 凤凰行动 ------------------------------------------------------------------------------------------------------
L = ListingStage
#: Stages from which the pipeline still moves on (withdrawn and listed are final).
LISTING_OPEN = (L.CULTIVATING, L.TUTORING, L.APPLIED, L.ACCEPTED, L.APPROVED)


def _regulator(label, source, target):
    return Action(label, roles=DEPARTMENT, path="regulator", source=source, target=target, field="stage")


class ListingCompany(DomainModel):
    """A 5G enterprise in the listing pipeline (凤凰行动), followed by the financial regulator office."""

    code = models.CharField(_("number"), max_length=30, unique=True)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="listing_pipeline")
    regulator = models.ForeignKey("organizations.Organization", verbose_name=_("financial regulator office"),
                                  on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=20, choices=ListingStage.choices, default=L.CULTIVATING)
    stage_on = models.DateField(_("stage since"))
    board = models.CharField(_("board"), max_length=20, choices=Board.choices, blank=True)
    stock_code = models.CharField(_("stock code"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("enterprise", "regulator"),
        grants={"view": grant(Role.ENTERPRISE, Role.DEPARTMENT), "add": DEPARTMENT},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "tutoring": _regulator(_("Record the tutoring filing"), (L.CULTIVATING,), L.TUTORING),
            "apply": _regulator(_("Record the listing application"), (L.TUTORING,), L.APPLIED),
            "accept": _regulator(_("Record the acceptance"), (L.APPLIED,), L.ACCEPTED),
            "approve": _regulator(_("Record the approval or registration"), (L.ACCEPTED,), L.APPROVED),
            "list": _regulator(_("Record the listing"), (L.APPROVED,), L.LISTED),
            "withdraw": _regulator(_("Record the withdrawal"), LISTING_OPEN, L.WITHDRAWN),
        },
        region_path="enterprise__region",
    )

    class Meta:
        ordering = ["-stage_on", "code"]
        verbose_name = _("listing pipeline enterprise")
        verbose_name_plural = _("listing pipeline")

    def __str__(self):
        return f"{self.code} {self.enterprise}"


class ListingStageChange(DomainModel):
    """One dated move of a pipeline enterprise (the day of the filing, the acceptance, the listing …)."""

    company = models.ForeignKey(ListingCompany, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                related_name="changes")
    stage = models.CharField(_("stage"), max_length=20, choices=ListingStage.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    access_policy = AccessPolicy(
        owner_path=("company__enterprise", "company__regulator"),
        grants={"view": grant(Role.ENTERPRISE, Role.DEPARTMENT)}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        region_path="company__enterprise__region",
    )

    class Meta:
        ordering = ["company", "on", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.company.code} {self.get_stage_display()} {self.on}"


# -- 首台套 / 首批次 / 首版次 ---------------------------------------------------------------------------------------
F = FirstState
FIRST_EDITABLE = (F.DRAFT, F.RETURNED)


def _applicant(label, **kw):
    return Action(label, roles=ENTERPRISE, path="enterprise", **kw)


def _first_reviewer(label, **kw):
    return Action(label, roles=DEPARTMENT, path="reviewer", **kw)


class FirstOfKind(DomainModel):
    """An application for the recognition of a 5G product as a first set of equipment, a first batch of materials or
    a first version of software (首台套、首批次、首版次), reviewed by the economy and information technology
    department. The recognition becomes a registry ``Recognition`` (``product``) and ``Achievement``."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="first_of_kind")
    reviewer = models.ForeignKey("organizations.Organization", verbose_name=_("reviewing department"),
                                 on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=FirstKind.choices)
    product = models.CharField(_("product"), max_length=200)
    model_version = models.CharField(_("model or version"), max_length=100, blank=True)
    description = models.TextField(_("technical description"))
    state = models.CharField(_("state"), max_length=20, choices=FirstState.choices, default=F.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    document = models.CharField(_("recognising document"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("enterprise", "reviewer"),
        # recognised products are published with their recognition (认定名单)
        public=Q(state=F.RECOGNISED),
        grants={"view": grant(Role.ENTERPRISE, Role.DEPARTMENT), "add": ENTERPRISE},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "edit": _applicant(_("Edit the application"), source=FIRST_EDITABLE),
            "evidence": _applicant(_("Upload the evidence"), source=FIRST_EDITABLE),
            "submit": _applicant(_("Submit"), source=FIRST_EDITABLE, target=F.SUBMITTED,
                                 condition=Q(evidence__isnull=False), doc=_("upload the evidence first")),
            "return": _first_reviewer(_("Return"), source=(F.SUBMITTED,), target=F.RETURNED),
            "recognise": _first_reviewer(_("Recognise"), source=(F.SUBMITTED,), target=F.RECOGNISED),
            "reject": _first_reviewer(_("Reject"), source=(F.SUBMITTED,), target=F.REJECTED),
            # the award its recognition earns, proposed without an application (免申即享), as for pilots and parks
            "propose": Action(_("Propose the award"), all_rows=PROGRAM_OFFICE_ONLY, source=(F.RECOGNISED,)),
        },
        region_path="enterprise__region",
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("first-of-kind application")
        verbose_name_plural = _("first-of-kind applications")

    def __str__(self):
        return f"{self.number} {self.product}"


class FirstEvidence(DomainModel):
    """A document behind a first-of-kind application (test report, user's certificate, software copyright), served
    only to the applicant, the reviewing department and the programme office."""

    application = models.ForeignKey(FirstOfKind, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="evidence")
    file = models.FileField(_("file"), upload_to="incentives/first/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size [bytes]"), default=0)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    access_policy = AccessPolicy(
        owner_path=("application__enterprise", "application__reviewer"),
        grants={"view": grant(Role.ENTERPRISE, Role.DEPARTMENT)}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        region_path="application__enterprise__region",
    )

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


# -- talent --------------------------------------------------------------------------------------------------------
class TalentEntry(DomainModel):
    """One entry of the catalogue of urgently needed talent (急需紧缺人才引进目录), published by the talent office."""

    year = models.PositiveSmallIntegerField(_("catalogue year"))
    field = models.CharField(_("field"), max_length=20, choices=TalentField.choices)
    title = models.CharField(_("position or specialty"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=TalentLevel.choices)
    shortage = models.CharField(_("shortage"), max_length=20, choices=Shortage.choices)
    requirements = models.TextField(_("requirements"), blank=True)
    publisher = models.ForeignKey("organizations.Organization", verbose_name=_("published by"),
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=EntryState.choices, default=EntryState.PUBLISHED)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="publisher", public=Q(), grants={"add": DEPARTMENT},
        all_rows={"add": PROGRAM_OFFICE_ONLY},
        actions={"retire": Action(_("Retire the entry"), roles=DEPARTMENT, all_rows=PROGRAM_OFFICE_ONLY,
                                  path="publisher", source=(EntryState.PUBLISHED,), target=EntryState.RETIRED)},
    )

    class Meta:
        ordering = ["-year", "field", "title"]
        constraints = [models.UniqueConstraint(fields=["year", "field", "title"], name="unique_talent_entry")]
        verbose_name = _("talent catalogue entry")
        verbose_name_plural = _("talent catalogue")

    def __str__(self):
        return f"{self.year} {self.title}"


class TalentSupport(DomainModel):
    """Support granted to an enterprise or a person (科研经费、住房保障、子女教育、医疗保障, introduction award) [CNY]."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="talent_support")
    person = models.CharField(_("person"), max_length=100, blank=True)
    entry = models.ForeignKey(TalentEntry, verbose_name=_("catalogue entry"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="support")
    amount = money(_("amount [CNY]"))
    granted_on = models.DateField(_("granted on"))
    granted_by = models.ForeignKey("organizations.Organization", verbose_name=_("granted by"),
                                   on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=SupportState.choices, default=SupportState.GRANTED)
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    # a person's support is not public: the granting office, the enterprise and the programme office see it
    access_policy = AccessPolicy(
        owner_path=("granted_by", "enterprise"),
        grants={"view": grant(Role.DEPARTMENT, Role.ENTERPRISE), "add": DEPARTMENT},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={"revoke": Action(_("Revoke"), roles=DEPARTMENT, path="granted_by",
                                  source=(SupportState.GRANTED,), target=SupportState.REVOKED)},
                                  region_path="granted_by__region",
    )

    class Meta:
        ordering = ["-granted_on", "-number"]
        constraints = [models.CheckConstraint(condition=Q(enterprise__isnull=False) | ~Q(person=""),
                                              name="talent_support_has_recipient")]
        verbose_name = _("talent support")
        verbose_name_plural = _("talent support")

    def __str__(self):
        return f"{self.number} {self.person or self.enterprise}"


# -- events and application cases ----------------------------------------------------------------------------------
class IndustryEvent(DomainModel):
    """A summit, forum, competition or exhibition held or supported in the province (Zhejiang task 35)."""

    code = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=EventState.choices, default=EventState.SCHEDULED)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        public=Q(), all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY},
        actions={
            "held": Action(_("Record as held"), all_rows=PROGRAM_OFFICE_ONLY, source=(EventState.SCHEDULED,),
                           target=EventState.HELD),
            "cancel": Action(_("Cancel the event"), all_rows=PROGRAM_OFFICE_ONLY, source=(EventState.SCHEDULED,),
                             target=EventState.CANCELLED),
        },
    )

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("industry event")
        verbose_name_plural = _("industry events")

    def __str__(self):
        return self.title


C = CaseState


class ApplicationCase(DomainModel):
    """A 5G application case an enterprise submits to the collection (案例征集); published in the public gallery."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="application_cases")
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=30, choices=PilotField.choices)
    summary = models.TextField(_("summary"))
    results = models.TextField(_("results"), blank=True)
    year = models.PositiveSmallIntegerField(_("collection year"))
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=C.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="enterprise", public=Q(state=C.PUBLISHED),
        grants={"view": ENTERPRISE, "add": ENTERPRISE},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "edit": _applicant(_("Edit the case"), source=(C.DRAFT, C.RETURNED)),
            "submit": _applicant(_("Submit"), source=(C.DRAFT, C.RETURNED), target=C.SUBMITTED),
            "return": Action(_("Return"), all_rows=PROGRAM_OFFICE_ONLY, source=(C.SUBMITTED,), target=C.RETURNED),
            "publish": Action(_("Publish in the gallery"), all_rows=PROGRAM_OFFICE_ONLY,
                              source=(C.SUBMITTED, C.UNPUBLISHED), target=C.PUBLISHED),
            "unpublish": Action(_("Take down"), all_rows=PROGRAM_OFFICE_ONLY, source=(C.PUBLISHED,),
                                target=C.UNPUBLISHED),
        },
        region_path="enterprise__region",
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("application case")
        verbose_name_plural = _("application cases")

    def __str__(self):
        return self.title


# -- alliances -----------------------------------------------------------------------------------------------------
def _alliance_step(label):
    """The programme office, or the alliance's secretariat (an operator, the tower company, a firm)."""
    return Action(label, roles=grant(Role.OPERATOR, Role.ENTERPRISE, Role.DEPARTMENT), all_rows=PROGRAM_OFFICE_ONLY,
                  path="secretariat")


class Alliance(DomainModel):
    """An industry alliance (the 5G industry alliance, the smart-pole industry alliance) as an organization with
    members and activities; public."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AllianceKind.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    secretariat = models.ForeignKey("organizations.Organization", verbose_name=_("secretariat"),
                                    on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("purpose"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        public=Q(), all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY},
        actions={"admit": _alliance_step(_("Admit a member")), "remove": _alliance_step(_("Record a member leaving")),
                 "activity": _alliance_step(_("Record an activity"))},
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("industry alliance")
        verbose_name_plural = _("industry alliances")

    def __str__(self):
        return self.name


class AllianceMember(DomainModel):
    """A member of an alliance, from the day it joined (until it left)."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE,
                                 related_name="memberships")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("member"),
                                     on_delete=models.PROTECT, related_name="alliance_memberships")
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    access_policy = AccessPolicy(public=Q())

    class Meta:
        ordering = ["alliance", "role", "joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["alliance", "organization"], condition=Q(left_on__isnull=True),
                                               name="one_current_membership")]
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")

    def __str__(self):
        return f"{self.alliance} · {self.organization}"


class AllianceActivity(DomainModel):
    """An activity of an alliance (joint research, a standard, matchmaking, a meeting, application promotion)."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE,
                                 related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"), blank=True)
    participants = models.ManyToManyField("organizations.Organization", verbose_name=_("participating members"),
                                          blank=True, related_name="+")

    access_policy = AccessPolicy(public=Q())

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("alliance activity")
        verbose_name_plural = _("alliance activities")

    def __str__(self):
        return self.title
