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

from .choices import OrganizationKind

ALL_ROLES = grant(*Role)


class Organization(DomainModel):
    """A unit that owns tasks, sites, resources or applications (嘉兴市经济和信息化局, 中国铁塔嘉兴市分公司, …).

    ``short_name`` is the name the policy documents use (市经信局); ``aliases`` are other spellings seen in
    documents, used when a document's unit names are resolved.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("full name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Names of public bodies and companies are public; only the office maintains them.
    access_policy = AccessPolicy(
        public=models.Q(),
        all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY},
        region_path="region",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.short_name or self.name


class OrganizationGroup(DomainModel):
    """A collective term of a policy document (各县（市、区）政府, 各通信运营商, 市级各有关部门（单位）).

    ``expand`` groups stand for their members wherever the term appears; the others are kept as one named unit
    (the document does not list who is in them).
    """

    term = models.CharField(_("term"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT)
    expand = models.BooleanField(_("expands to its members"), default=True)
    members = models.ManyToManyField(Organization, verbose_name=_("members"), blank=True, related_name="groups")
    description = models.TextField(_("description"), blank=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change", "delete")},
                                 region_path="region")

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["term", "region"], name="unique_group_term_region")]
        verbose_name = _("organization group")
        verbose_name_plural = _("organization groups")

    def __str__(self):
        return self.term


class ContactPerson(DomainModel):
    """A named contact of an organization for a programme matter (personal data: private to the organization
    and the programme office)."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    responsibility = models.CharField(_("responsible for"), max_length=200, blank=True)

    access_policy = AccessPolicy(
        owner_path="organization",
        grants={a: ALL_ROLES for a in ACTIONS},
        all_rows={a: PROGRAM_OFFICE_ONLY for a in ACTIONS},
        region_path="organization__region",
    )

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self):
        return f"{self.name} ({self.organization})"
