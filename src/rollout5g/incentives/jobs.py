"""The clock of an incentive claim's public notice (公示), declared once and checked by the platform's one clock check
(``rollout5g.notifications.jobs``): the notice ends on its last working day (``notice_end``, counted in working days
by ``services.notice_start``); after it the reviewing units are reminded, once, that the claim awaits their decision
(approve, or reject on an objection)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.clocks import AgreedDate, ClockSpec, Recipients, Reminder, declare
from rollout5g.workcalendar.services import working_calendar

from .choices import ApplicationState
from .models import Application

NOTICE_CLOCK = declare(ClockSpec(
    "incentives.notice",
    rows=lambda: Application.objects.filter(state=ApplicationState.IN_NOTICE, notice_end__isnull=False)
    .prefetch_related("reviewers"),
    clock=lambda application: AgreedDate(application.notice_end) if application.notice_end else None,
    calendar=working_calendar,
    is_open=lambda application: application.state == ApplicationState.IN_NOTICE,
    overdue=Reminder(_("The public notice of %(number)s ended on %(due)s: approve the claim or reject it on an "
                       "objection"), level="info",
                     to=lambda application: Recipients(organizations=list(application.reviewers.all()))),
    params=lambda application, state: {"number": application.number},
    url=lambda application: reverse("incentives:application_detail", args=[application.number]),
))
