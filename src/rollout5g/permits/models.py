"""The one-stop approval service (5G基站建设"一件事"): rules as data, composite applications, items reviewed in
parallel by the departments, the one-time notice, the joint survey, clocks and the bundled certificate."""

from dataclasses import replace

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.workflow import Action

from .choices import (
    REVIEW_STATES,
    ApplicationState,
    Decision,
    DeficiencyTarget,
    ItemState,
    PauseKind,
    SurveyState,
)

# Who takes each step of the approval flow, on which rows, from which state to which (platform.workflow). The
# applicant's steps are its operator users' (path "applicant"); a department's are those of the reviewers of a
# department with an item in the application (path "items__department"); the programme office's one-stop window
# takes its steps on every application.
OFFICE = PROGRAM_OFFICE_ONLY
APPLICANT = grant(Role.OPERATOR)
DEPARTMENT = grant(Role.DEPARTMENT)
AS = ApplicationState
AFTER_DRAFT = tuple(s for s in AS.values if s != AS.DRAFT)
APPLICATION_ACTIONS = {
    "edit": Action(_("edit the form"), roles=APPLICANT, path="applicant", source=(AS.DRAFT, AS.NOTICE_ISSUED)),
    "add_site": Action(_("add a site"), roles=APPLICANT, path="applicant", source=(AS.DRAFT,)),
    "remove_site": Action(_("remove a site"), roles=APPLICANT, path="applicant", source=(AS.DRAFT,)),
    "upload": Action(_("upload materials"), roles=APPLICANT, path="applicant", source=(AS.DRAFT, AS.NOTICE_ISSUED)),
    "submit": Action(_("submit"), roles=APPLICANT, path="applicant", source=(AS.DRAFT,), target=AS.RECEIVED,
                     condition=Q(sites__isnull=False), doc=_("add at least one site before submitting")),
    "flag": Action(_("flag a deficiency"), roles=DEPARTMENT, all_rows=OFFICE, path="items__department",
                   source=(AS.RECEIVED,)),
    "notice": Action(_("issue the one-time notice"), all_rows=OFFICE, source=(AS.RECEIVED,),
                     target=AS.NOTICE_ISSUED, condition=Q(notice_issued_on__isnull=True),
                     doc=_("the one-time notice was already issued and a second one is not allowed: accept the "
                           "application or refuse it")),
    "resubmit": Action(_("resubmit"), roles=APPLICANT, path="applicant", source=(AS.NOTICE_ISSUED,),
                       target=AS.RECEIVED),
    "accept": Action(_("accept"), all_rows=OFFICE, source=(AS.RECEIVED,), target=AS.UNDER_REVIEW),
    "refuse": Action(_("refuse"), all_rows=OFFICE, source=(AS.RECEIVED,), target=AS.NOT_ACCEPTED, system=False),
    "schedule_survey": Action(_("schedule the joint survey"), all_rows=OFFICE, source=(AS.UNDER_REVIEW,),
                              target=AS.SURVEY_SCHEDULED,
                              condition=Q(survey__isnull=True) & Q(items__item_type__joint_survey=True),
                              doc=_("an application has one joint survey, and only when an item's rules ask for "
                                    "one")),
    "complete_survey": Action(_("complete the joint survey"), roles=DEPARTMENT, all_rows=OFFICE,
                              path="items__department", source=(AS.SURVEY_SCHEDULED,), target=AS.UNDER_REVIEW,
                              condition=Q(survey__state=SurveyState.SIGNED),
                              doc=_("every department signs the survey record first")),
    "comment": Action(_("comment"), roles=grant(Role.OPERATOR, Role.DEPARTMENT), all_rows=OFFICE,
                      path=("applicant", "items__department"), source=AFTER_DRAFT, system=False),
    "pause": Action(_("pause the whole application's clock"), all_rows=OFFICE, source=REVIEW_STATES),
    "extend": Action(_("extend a clock"), all_rows=OFFICE, source=REVIEW_STATES, system=False),
    "conclude": Action(_("issue the bundled decision"), roles=DEPARTMENT, all_rows=OFFICE, path="items__department",
                       source=REVIEW_STATES, target=AS.DECIDED,
                       condition=~Q(items__state__in=[ItemState.WAITING, ItemState.IN_REVIEW]),
                       doc=_("every item is decided first")),
}
#: An item that needs the joint survey is decided only after every department has signed the survey record.
SURVEY_DONE_OR_NOT_NEEDED = Q(item_type__joint_survey=False) | Q(application__survey__state=SurveyState.SIGNED)
ITEM_ACTIONS = {
    "start_review": Action(_("start the review"), all_rows=OFFICE, source=(ItemState.WAITING,),
                           target=ItemState.IN_REVIEW),
    "decide": Action(_("decide"), roles=DEPARTMENT, all_rows=OFFICE, path="department",
                     source=(ItemState.IN_REVIEW,),
                     condition=Q(application__state__in=REVIEW_STATES) & SURVEY_DONE_OR_NOT_NEEDED, system=False,
                     doc=_("this item is decided after the joint survey: every department signs the survey record "
                           "first")),
    "comment": Action(_("comment on the item"), roles=DEPARTMENT, all_rows=OFFICE, path="department",
                      system=False),
    "pause": Action(_("pause the item's clock"), roles=DEPARTMENT, all_rows=OFFICE, path="department",
                    source=(ItemState.IN_REVIEW,), condition=Q(application__state__in=REVIEW_STATES),
                    doc=_("the application is under review")),
}
SURVEY_ACTIONS = {
    "consult": Action(_("record the community consultation"), all_rows=OFFICE, source=(SurveyState.SCHEDULED,)),
    "hold": Action(_("write the survey record"), all_rows=OFFICE, source=(SurveyState.SCHEDULED,),
                   target=SurveyState.HELD,
                   condition=Q(consultation_required=False) | Q(consulted_on__isnull=False),
                   doc=_("the rules require the community to be consulted before the survey: record the "
                         "consultation first")),
    "sign": Action(_("sign the survey record"), roles=DEPARTMENT, path="application__items__department",
                   source=(SurveyState.HELD,), system=False),
    "complete": Action(_("close the survey record"), roles=DEPARTMENT, all_rows=OFFICE,
                       path="application__items__department", source=(SurveyState.HELD,), target=SurveyState.SIGNED),
}
PAUSE_ACTIONS = {
    "resume": Action(_("resume the clock"), roles=DEPARTMENT, all_rows=OFFICE, path="item__department",
                     condition=Q(end__isnull=True), doc=_("that pause has ended")),
}
CERTIFICATE_ACTIONS = {
    "revoke": Action(_("revoke the certificate"), all_rows=OFFICE, condition=Q(revoked_on__isnull=True),
                     system=False, doc=_("the certificate was already revoked")),
}

OFFICE_ALL = {a: PROGRAM_OFFICE_ONLY for a in ("view", "add", "change", "delete")}
RULES_POLICY = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")})
# An application is its applicant's and, once submitted, every department that has an item in it.
APPLICATION_POLICY = AccessPolicy(
    owner_path=("application__applicant", "application__items__department"),
    grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT)},
    all_rows=OFFICE_ALL,
)


class RuleSet(DomainModel):
    """The loaded approval rules of one city: the acceptance window and the whole application's limits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)
    source = models.TextField(_("source"), blank=True)
    acceptance_limit_days = models.PositiveSmallIntegerField(_("completeness-check window [working days]"), default=5)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit [working days]"), default=20)
    promised_limit_days = models.PositiveSmallIntegerField(_("promised limit [working days]"), default=10)
    loaded_from = models.CharField(_("loaded from"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    access_policy = RULES_POLICY

    class Meta:
        verbose_name = _("approval rule set")
        verbose_name_plural = _("approval rule sets")

    def __str__(self):
        return f"{self.name} {self.version}".strip()


class ItemType(DomainModel):
    """A sub-approval (事项) one department grants: its limits, materials and whether the joint survey and the
    community consultation apply."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="item_types")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    department = models.ForeignKey("organizations.Organization", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="approval_item_types")
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit [working days]"))
    promised_limit_days = models.PositiveSmallIntegerField(_("promised limit [working days]"))
    joint_survey = models.BooleanField(_("joint survey applies"), default=False)
    community_consultation = models.BooleanField(_("community consultation applies"), default=False)
    materials = models.JSONField(_("materials required"), default=list, help_text=_("list of {code, name}"))
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    access_policy = RULES_POLICY

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["ruleset", "code"], name="unique_item_type_code")]
        verbose_name = _("approval item type")
        verbose_name_plural = _("approval item types")

    def __str__(self):
        return self.name


class ItemRule(DomainModel):
    """When a site needs an item: every ``when`` condition holds and not every ``unless`` condition holds.
    Conditions map a situation flag or ``site_type`` to a value or a list of accepted values."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("code"), max_length=60)
    item_type = models.ForeignKey(ItemType, verbose_name=_("item"), on_delete=models.CASCADE, related_name="rules")
    description = models.CharField(_("description"), max_length=300, blank=True)
    when = models.JSONField(_("conditions"), default=dict)
    unless = models.JSONField(_("exemptions"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    access_policy = RULES_POLICY

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["ruleset", "code"], name="unique_item_rule_code")]
        verbose_name = _("approval item rule")
        verbose_name_plural = _("approval item rules")

    def __str__(self):
        return self.code


class Application(DomainModel):
    """A composite application (一件事): one form and one set of materials for one site or a batch of sites."""

    code = models.CharField(_("application code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    project_code = models.CharField(_("project code (项目代码)"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    applicant = models.ForeignKey("organizations.Organization", verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="approval_applications")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="applications")
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    acceptance_limit_days = models.PositiveSmallIntegerField(_("completeness-check window [working days]"),
                                                             default=5)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit [working days]"), default=20)
    promised_limit_days = models.PositiveSmallIntegerField(_("promised limit [working days]"), default=10)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    notice_issued_on = models.DateField(_("one-time notice issued on"), null=True, blank=True)
    resubmitted_on = models.DateField(_("resubmitted on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("accepted by lapse of the check window"), default=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_summary = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    access_policy = AccessPolicy(
        owner_path=("applicant", "items__department"),
        grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT), "add": grant(Role.OPERATOR),
                "change": grant(Role.OPERATOR)},
        all_rows=OFFICE_ALL,
        actions=APPLICATION_ACTIONS,
        region_path="sites__site__region",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("approval application")
        verbose_name_plural = _("approval applications")

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATES

        return self.state in OPEN_STATES


class ApplicationSite(DomainModel):
    """A site of the application with the situation that drives the rules and the antennas planned on it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sites")
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="approval_entries")
    new_structure = models.BooleanField(_("a new tower or pole is built"), default=False)
    on_existing_building = models.BooleanField(_("on an existing building"), default=False)
    in_road = models.BooleanField(_("inside a road"), default=False)
    new_power_connection = models.BooleanField(_("needs a new power connection"), default=False)
    transmitting = models.BooleanField(_("transmits radio signals"), default=True)
    band = models.CharField(_("planned band"), max_length=4, default="n78")
    antenna_height_m = models.FloatField(_("planned antenna height [m]"), default=30.0)
    azimuths = models.CharField(_("planned azimuths [°]"), max_length=60, default="0,120,240")
    total_power_w = models.FloatField(_("planned total power per sector [W]"), default=200.0)
    order = models.PositiveSmallIntegerField(default=0)

    access_policy = replace(APPLICATION_POLICY, region_path="site__region")

    class Meta:
        ordering = ["application", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "site"], name="unique_application_site")]
        verbose_name = _("site of an application")
        verbose_name_plural = _("sites of applications")

    def __str__(self):
        return f"{self.application.code} / {self.site.code}"

    def situation(self) -> dict:
        from .choices import SITUATION_FLAGS

        return {"site_type": self.site.site_type, **{k: getattr(self, k) for k in SITUATION_FLAGS}}


class Material(DomainModel):
    """One document of the application's single set of materials, kept in the database with its hash."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    code = models.SlugField(_("material code"), max_length=60)
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size [bytes]"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    access_policy = replace(APPLICATION_POLICY, region_path="application__sites__site__region")

    class Meta:
        ordering = ["code", "-uploaded_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.file_name  # what a person uploaded (the material's code is not a word of theirs)


class ApprovalItem(DomainModel):
    """One sub-approval of one site, decided by one department with its reasons; limits copied from the rules
    at submission so that a later rule change does not move a running clock."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    app_site = models.ForeignKey(ApplicationSite, verbose_name=_("site"), on_delete=models.CASCADE,
                                 related_name="items")
    item_type = models.ForeignKey(ItemType, verbose_name=_("item"), on_delete=models.PROTECT, related_name="items")
    department = models.ForeignKey("organizations.Organization", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="approval_items")
    rule_codes = models.JSONField(_("rules that require it"), default=list)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit [working days]"))
    promised_limit_days = models.PositiveSmallIntegerField(_("promised limit [working days]"))
    state = models.CharField(_("state"), max_length=12, choices=ItemState.choices, default=ItemState.WAITING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reasons = models.TextField(_("reasons"), blank=True)
    permit_number = models.CharField(_("permit number"), max_length=40, blank=True)

    access_policy = AccessPolicy(
        owner_path=("department", "application__applicant"),
        grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT), "change": grant(Role.DEPARTMENT)},
        all_rows=OFFICE_ALL,
        actions=ITEM_ACTIONS,
        region_path="app_site__site__region",
    )

    class Meta:
        ordering = ["application", "app_site__order", "item_type__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["app_site", "item_type"], name="unique_item_per_site")]
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")

    def __str__(self):
        return f"{self.application.code} / {self.app_site.site.code} / {self.item_type.name}"


class Deficiency(DomainModel):
    """A reviewer's flag on the exact field or document that is missing or wrong; all open flags of every
    department go out together in the one-time notice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="deficiencies")
    department = models.ForeignKey("organizations.Organization", verbose_name=_("raised by department"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("target"), max_length=10, choices=DeficiencyTarget.choices)
    ref = models.CharField(_("field or material code"), max_length=60)
    app_site = models.ForeignKey(ApplicationSite, verbose_name=_("site"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("what is missing or wrong"), max_length=500)
    raised_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    automatic = models.BooleanField(_("found by the completeness check"), default=False)
    in_notice = models.BooleanField(_("in the one-time notice"), default=False)
    resolved = models.BooleanField(_("resolved"), default=False)

    access_policy = replace(APPLICATION_POLICY, region_path="application__sites__site__region")

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("deficiency")
        verbose_name_plural = _("deficiencies")

    def __str__(self):
        return self.message  # names the field or material in words (its target and ref are codes)


class Comment(DomainModel):
    """A reviewer's comment on an item or on the application; the applicant sees all of them, not only the last."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(ApprovalItem, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    access_policy = replace(APPLICATION_POLICY, region_path="application__sites__site__region")

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return f"{self.application.code}: {self.text[:40]}"



class ClockPause(DomainModel):
    """A period that does not count (survey, testing, expert review, waiting for the applicant); for one item or,
    with no item, for the whole application and every item."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    item = models.ForeignKey(ApprovalItem, null=True, blank=True, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to (inclusive)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    access_policy = replace(APPLICATION_POLICY, actions=PAUSE_ACTIONS,
                            region_path="application__sites__site__region")

    class Meta:
        ordering = ["application", "start", "pk"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self):
        return f"{self.application.code} {self.get_kind_display()} {self.start}–{self.end or '…'}"



class ClockExtension(DomainModel):
    """A recorded extension of an item's clock or the application's, with its reason and approver."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="extensions")
    item = models.ForeignKey(ApprovalItem, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.CharField(_("reason"), max_length=300)
    approved_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    approved_on = models.DateField(_("approved on"))

    access_policy = replace(APPLICATION_POLICY, region_path="application__sites__site__region")

    class Meta:
        ordering = ["application", "approved_on", "pk"]
        verbose_name = _("clock extension")
        verbose_name_plural = _("clock extensions")

    def __str__(self):
        return f"{self.application.code} +{self.days}"



class JointSurvey(DomainModel):
    """The one joint site survey (一次性踏勘) for every department, with the community consulted beforehand
    where the rules say so, and one record signed by every department."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="survey")
    scheduled_on = models.DateField(_("survey date"))
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    consultation_required = models.BooleanField(_("community consultation required"), default=False)
    consulted_on = models.DateField(_("community consulted on"), null=True, blank=True)
    consultation_notes = models.TextField(_("consultation outcome"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    record = models.TextField(_("survey record"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED)

    access_policy = replace(APPLICATION_POLICY, actions=SURVEY_ACTIONS,
                            region_path="application__sites__site__region")

    class Meta:
        verbose_name = _("joint survey")
        verbose_name_plural = _("joint surveys")

    def __str__(self):
        return f"{self.application.code} {gettext('joint survey')} {self.scheduled_on}"



class SurveySignature(DomainModel):
    """One department's signature on the joint survey record, with its opinion."""

    survey = models.ForeignKey(JointSurvey, on_delete=models.CASCADE, related_name="signatures")
    department = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    signed_on = models.DateField(_("signed on"))
    opinion = models.TextField(_("opinion"), blank=True)

    access_policy = AccessPolicy(
        owner_path=("survey__application__applicant", "survey__application__items__department"),
        grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT)}, all_rows=OFFICE_ALL,
        region_path="survey__application__sites__site__region",
    )

    class Meta:
        ordering = ["survey", "signed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "department"], name="unique_survey_signature")]
        verbose_name = _("survey signature")
        verbose_name_plural = _("survey signatures")

    def __str__(self):
        return f"{self.survey.application.code} / {self.department}"



class Certificate(DomainModel):
    """The one bundled certificate of an approved application (PDF kept as issued), verifiable by the public at
    ``/approvals/verify/<token>/``, and revocable."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason of revocation"), max_length=300, blank=True)

    access_policy = AccessPolicy(
        owner_path=("application__applicant", "application__items__department"),
        grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT)}, all_rows=OFFICE_ALL,
        actions=CERTIFICATE_ACTIONS,
        region_path="application__sites__site__region",
    )

    class Meta:
        verbose_name = _("approval certificate")
        verbose_name_plural = _("approval certificates")

    def __str__(self):
        return self.number
