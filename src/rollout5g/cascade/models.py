"""A provincial task carried down to the cities: one sub-task per city, with its own units, deadline and target, and
the reports the city files on it. The provincial task itself (its text, lead and supporting units, deadline) is the
policy data's :class:`rollout5g.policy.models.PolicyTask`; its status rolls up from these rows
(:mod:`rollout5g.core.cascade`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.workflow import Action

from .choices import CityTaskState

#: Units that work on a city's sub-task: its departments and the operators' and the tower company's branches.
CITY_UNITS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR)
#: The provincial units of the task (its lead and supporting units) reach their cities' sub-tasks through the task.
PROVINCIAL_PATH = "task__units__organization"
ASSIGNED, ACCEPTED, REPORTED, CLOSED = (CityTaskState.ASSIGNED, CityTaskState.ACCEPTED, CityTaskState.REPORTED,
                                       CityTaskState.CLOSED)


class CityTask(DomainModel):
    """One city's part of a provincial task (市级子任务): the city's lead unit (the counterpart of the provincial lead
    unit, from the organizations data) and supporting units, a deadline and target of its own, and where it stands.

    A city's own policy tasks (Jiaxing's implementing opinions) stay its own tasks and may be linked here as the
    tasks that implement this one (``local_tasks``).
    """

    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("provincial task"), on_delete=models.PROTECT,
                             related_name="city_tasks")
    region = models.ForeignKey("regions.Region", verbose_name=pgettext_lazy("region", "city"),
                               on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("lead unit"),
                                     on_delete=models.PROTECT, related_name="city_tasks")
    supporting = models.ManyToManyField("organizations.Organization", verbose_name=_("supporting units"),
                                        blank=True, related_name="supported_city_tasks")
    deadline = models.DateField(_("deadline"))
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_text = models.CharField(_("target"), max_length=300, blank=True)
    note = models.TextField(_("assignment note"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=CityTaskState.choices, default=ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("last reported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    local_tasks = models.ManyToManyField("policy.PolicyTask", verbose_name=_("the city's own tasks implementing it"),
                                         blank=True, related_name="implements")

    access_policy = AccessPolicy(
        owner_path=("organization", "supporting", PROVINCIAL_PATH),
        region_path="region",
        # a provincial lead department assigns too (services.may_assign: a lead unit of the task)
        grants={"view": CITY_UNITS, "add": grant(Role.DEPARTMENT)},
        # The programme office sees every city's sub-task in its region (the province's office: every city).
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        actions={
            # the city's lead unit, or the city's programme office, signs for it
            "accept": Action(pgettext_lazy("city task", "accept"), roles=CITY_UNITS, all_rows=PROGRAM_OFFICE_ONLY,
                             path="organization", source=(ASSIGNED,), target=ACCEPTED),
            # the lead or a supporting unit reports progress (again after a return)
            "report": Action(_("report"), roles=CITY_UNITS, all_rows=PROGRAM_OFFICE_ONLY,
                             path=("organization", "supporting"), source=(ACCEPTED, REPORTED), target=REPORTED),
            # the provincial units close or return a reported sub-task (a city's own office may not: the service
            # asks for a provincial unit, see services.close_city_task)
            "close": Action(pgettext_lazy("city task", "close"), roles=grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT),
                            all_rows=PROGRAM_OFFICE_ONLY, path=PROVINCIAL_PATH, source=(REPORTED,), target=CLOSED),
            "return": Action(pgettext_lazy("city task", "return"), roles=grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT),
                             all_rows=PROGRAM_OFFICE_ONLY, path=PROVINCIAL_PATH, source=(REPORTED,),
                             target=ACCEPTED),
            "link": Action(_("link a local task"), roles=CITY_UNITS, all_rows=PROGRAM_OFFICE_ONLY,
                           path="organization"),
        },
    )

    class Meta:
        ordering = ["task", "region"]
        verbose_name = _("city sub-task")
        verbose_name_plural = _("city sub-tasks")
        constraints = [models.UniqueConstraint(fields=["task", "region"], name="one_city_task_per_city")]

    def __str__(self):
        return f"{self.task.number} {self.region.name}"

    @property
    def state_colour(self) -> str:
        return CityTaskState.colour(self.state)


class CityTaskReport(DomainModel):
    """A city's report on its sub-task: what was done and, where the task has a target, the figure reached."""

    city_task = models.ForeignKey(CityTask, verbose_name=_("city sub-task"), on_delete=models.CASCADE,
                                  related_name="reports")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("unit"), on_delete=models.PROTECT,
                                     related_name="+")
    text = models.TextField(_("progress"))
    value = models.DecimalField(_("figure reached"), max_digits=20, decimal_places=4, null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    access_policy = AccessPolicy(
        owner_path=("city_task__organization", "city_task__supporting", f"city_task__{PROVINCIAL_PATH}"),
        region_path="city_task__region",
        grants={"view": CITY_UNITS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
    )

    class Meta:
        ordering = ["city_task", "-created_at"]
        verbose_name = _("city sub-task report")
        verbose_name_plural = _("city sub-task reports")

    def __str__(self):
        return f"{self.city_task} {self.created_at:%Y-%m-%d}"
