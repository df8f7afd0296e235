"""Reads of the public EMF information: who the ecology department is (from the organizations and policy data,
never a code) and the answer clock of the public measurement requests."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, clock_state, declare
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.platform.roles import Role
from rollout5g.policy.models import PolicyDocument, PolicyTask
from rollout5g.regions.services import home_document_regions
from rollout5g.workcalendar.services import working_calendar

from .choices import DEPARTMENT_KIND, ECOLOGY_TERM, OPEN_REQUEST_STATES, RADIATION_TERM
from .models import MeasurementRequest


def _home_documents():
    keys = home_document_keys()
    if keys:
        return PolicyDocument.objects.filter(key__in=keys)
    return PolicyDocument.objects.filter(region_id__in=home_document_regions())


def ecology_departments():
    """The home region's departments for base-station radiation: the government departments among the units of
    the home documents' tasks that name radiation (辐射) whose name holds the ecology term (生态环境); when none
    does, every such unit of those tasks; when the documents name none, the home region's government departments
    whose name holds the ecology term."""
    local = Organization.objects.filter(kind=DEPARTMENT_KIND, region_id=home_adcode(), is_active=True)
    tasks = PolicyTask.objects.filter(document__in=_home_documents(), text__contains=RADIATION_TERM)
    named = local.filter(task_units__task__in=tasks).distinct()
    for qs in (named.filter(name__contains=ECOLOGY_TERM), local.filter(name__contains=ECOLOGY_TERM), named):
        if qs.exists():
            return qs.order_by("code")
    return local.none()


def ecology_department() -> Organization | None:
    """The department a public measurement request is routed to (the first of :func:`ecology_departments`)."""
    return ecology_departments().first()


def is_ecology(organization) -> bool:
    return organization is not None and ecology_departments().filter(pk=organization.pk).exists()


# -- the answer clock --------------------------------------------------------------------------------------------
def _office_users():
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


ANSWER_CLOCK = declare(ClockSpec(
    "emf.request.answer",
    rows=lambda: MeasurementRequest.objects.filter(state__in=OPEN_REQUEST_STATES).select_related("department"),
    clock=lambda request: request.clock(),
    calendar=working_calendar,
    is_open=lambda request: request.is_open,
    warn=Reminder(_("Measurement request %(code)s: answer due %(due)s%(provisional)s, %(days_left)s working day(s) "
                    "left"), to=lambda r: Recipients(organizations=[r.department])),
    overdue=Reminder(_("Measurement request %(code)s: answer overdue since %(due)s%(provisional)s"),
                     to=lambda r: Recipients(organizations=[r.department], users=_office_users())),
    params=lambda request, state: {"code": request.code},
    url=lambda request: reverse("emf:request", kwargs={"code": request.code}),
))


def answer_clock(request: MeasurementRequest, today: dt.date | None = None):
    return clock_state(ANSWER_CLOCK, request, today)
