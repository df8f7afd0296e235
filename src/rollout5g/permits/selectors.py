"""Reading the approval service: statutory clocks, queues, the public status, the timeline and the supervision
summary. Clocks are counted in working days with the database calendar (``working_calendar()``)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import Role
from rollout5g.audit.models import AuditEvent
from rollout5g.core.workdays import Clock, ClockStatus, Extension, Pause
from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, declare
from rollout5g.workcalendar.services import working_calendar

from .choices import REVIEW_STATES, ApplicationState, ItemState
from .models import Application, ApprovalItem, ClockExtension, ClockPause


@dataclass(frozen=True)
class ClockView:
    """One clock for display: which limit, its length, the status on ``today`` and whether it is stopped
    (the item or application was decided: the clock shows the decision day against the due date)."""

    label: str
    limit_days: int
    extension_days: int
    status: ClockStatus
    stopped_on: dt.date | None = None

    @property
    def late(self) -> bool:
        if self.stopped_on is not None:
            return self.stopped_on > self.status.due.date
        return self.status.state == "overdue"

    @property
    def state(self) -> str:
        if self.stopped_on is not None:
            return "late" if self.late else "in_time"
        return self.status.state


def _pauses(rows) -> tuple[Pause, ...]:
    return tuple(Pause(p.start, p.end, f"{p.kind}: {p.reason}") for p in rows)


def _extensions(rows) -> tuple[Extension, ...]:
    return tuple(Extension(e.days, e.reason, str(e.approved_by or ""), e.approved_on) for e in rows)


class ClockInputs:
    """What the clocks of many applications and items need, read once for a page: the working calendar and the
    pauses and extensions of the applications (two queries, however many clocks the page shows, and only when a
    clock is computed: the clocks shown are kept per data version, :func:`application_clocks`)."""

    def __init__(self, applications=(), *, calendar=None):
        self._ids = {getattr(a, "pk", a) for a in applications}
        self._calendar = calendar
        self._read = False
        self._version = None
        self._pauses: dict[int, list[ClockPause]] = defaultdict(list)
        self._extensions: dict[int, list[ClockExtension]] = defaultdict(list)

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = working_calendar()
        return self._calendar

    @property
    def version(self):
        """The data version the page's clocks are kept under (:mod:`rollout5g.policy.cache`), read once."""
        if self._version is None:
            from rollout5g.policy.cache import data_version

            self._version = data_version()
        return self._version

    def _read_rows(self) -> None:
        if self._read:
            return
        self._read = True
        if self._ids:
            for pause in ClockPause.objects.filter(application_id__in=self._ids):
                self._pauses[pause.application_id].append(pause)
            for extension in ClockExtension.objects.filter(application_id__in=self._ids).select_related(
                    "approved_by"):
                self._extensions[extension.application_id].append(extension)

    def pauses(self, application_id: int, item_id: int | None = None) -> list[ClockPause]:
        """The application-wide pauses, and the item's own when ``item_id`` is given."""
        self._read_rows()
        return [p for p in self._pauses[application_id] if p.item_id is None or (item_id and p.item_id == item_id)]

    def extensions(self, application_id: int, item_id: int | None = None) -> list[ClockExtension]:
        """The application-wide extensions (``item_id`` None) or the item's."""
        self._read_rows()
        return [e for e in self._extensions[application_id] if e.item_id == item_id]


def acceptance_clock(application: Application, *, warn_days: int = 1) -> Clock | None:
    """The completeness-check window: from the day received (or resubmitted), not counting that day."""
    start = application.resubmitted_on or application.received_on
    if start is None:
        return None
    return Clock(received_on=start, limit_days=application.acceptance_limit_days, warn_days=warn_days)


def acceptance_due(application: Application, calendar=None):
    """Due date (DueDate, maybe provisional) of the completeness check, or None before submission."""
    clock = acceptance_clock(application)
    return clock.due(calendar or working_calendar()) if clock else None


def _review_start(application: Application) -> dt.date | None:
    return application.accepted_on


def application_clock(application: Application, *, promised: bool = False, warn_days: int = 2,
                      inputs: ClockInputs | None = None) -> Clock | None:
    """The whole application's review clock (legal or promised limit), with the application-wide pauses and
    extensions; None before acceptance. ``inputs``: the pauses and extensions read once for a page."""
    start = _review_start(application)
    if start is None:
        return None
    if inputs is not None:
        pauses, extensions = inputs.pauses(application.pk), inputs.extensions(application.pk)
    else:
        pauses = ClockPause.objects.filter(application=application, item__isnull=True)
        extensions = ClockExtension.objects.filter(application=application, item__isnull=True)
    limit = application.promised_limit_days if promised else application.legal_limit_days
    return Clock(received_on=start, limit_days=limit, pauses=_pauses(pauses), extensions=_extensions(extensions),
                 warn_days=warn_days)


def item_clock(item: ApprovalItem, *, promised: bool = False, warn_days: int = 2,
               inputs: ClockInputs | None = None) -> Clock | None:
    """An item's clock: the application's acceptance day, the item's limit, the application-wide pauses and the
    item's own, the item's extensions. ``inputs``: the pauses and extensions read once for a page."""
    start = _review_start(item.application)
    if start is None:
        return None
    if inputs is not None:
        pauses = inputs.pauses(item.application_id, item.pk)
        extensions = inputs.extensions(item.application_id, item.pk)
    else:
        pauses = ClockPause.objects.filter(Q(item__isnull=True) | Q(item=item), application_id=item.application_id)
        extensions = ClockExtension.objects.filter(item=item)
    limit = item.promised_limit_days if promised else item.legal_limit_days
    return Clock(received_on=start, limit_days=limit, pauses=_pauses(pauses), extensions=_extensions(extensions),
                 warn_days=warn_days)


def _item_offices(item) -> list:
    """The programme offices told of an overdue item: those of its application's regions (its city's, the
    province's), never another city's."""
    from .services.common import _offices

    return list(_offices(item.application))


def _declare_item_clock(which: str) -> ClockSpec:
    """The legal or promised review clock of every item in review: a warning to the reviewing department when it
    is due soon, an escalation to the department and the programme office once overdue (once per due date)."""
    promised = which == "promised"
    return declare(ClockSpec(
        f"permits.item.{which}",
        rows=lambda: (ApprovalItem.objects.filter(state=ItemState.IN_REVIEW, application__state__in=REVIEW_STATES)
                      .select_related("application", "item_type", "department", "app_site__site")),
        clock=lambda item: item_clock(item, promised=promised),
        calendar=working_calendar,
        is_open=lambda item: item.state == ItemState.IN_REVIEW,
        warn=Reminder(_("Due %(due)s (%(which)s limit): %(what)s"),
                      to=lambda item: Recipients(organizations=[item.department], roles=[Role.DEPARTMENT])),
        overdue=Reminder(_("Overdue since %(due)s (%(which)s limit): %(what)s"),
                         to=lambda item: Recipients(organizations=[item.department, *_item_offices(item)],
                                                    roles=[Role.DEPARTMENT, Role.PROGRAM_OFFICE])),
        params=lambda item, state: {
            "which": _("promised") if promised else _("legal"),
            "what": f"{item.application.code} {item.app_site.site.code} {item.item_type.name}"},
        url=lambda item: reverse("permits:detail", args=[item.application.code]),
        key=lambda item, level, state: (f"permits:{'due' if level == 'due_soon' else 'overdue'}:{item.pk}:{which}:"
                                        f"{state.due.isoformat()}"),
    ))


#: The review clocks of the items, declared once (checked by the platform's clock check, rollout5g.notifications).
ITEM_CLOCKS = {which: _declare_item_clock(which) for which in ("promised", "legal")}


def _view(label, clock: Clock | None, today: dt.date, stopped_on=None, calendar=None) -> ClockView | None:
    if clock is None:
        return None
    calendar = calendar or working_calendar()
    return ClockView(label, clock.limit_days, clock.total_days - clock.limit_days,
                     clock.status(calendar, min(today, stopped_on) if stopped_on else today), stopped_on)


def application_clocks(application: Application, today: dt.date | None = None,
                       inputs: ClockInputs | None = None) -> list[ClockView]:
    """The clocks shown for an application: acceptance window, then legal and promised review limits.
    ``inputs``: read once for a page that shows many (:class:`ClockInputs`), and then the clocks are kept per data
    version and day for all the server's processes (:mod:`rollout5g.policy.cache`); without, this reads its own."""
    today = today or dt.date.today()
    if inputs is None:
        return _application_clocks(application, today, ClockInputs([application]))
    from rollout5g.policy.cache import memoize

    return memoize("permits.application_clocks", (application.pk, today),
                   lambda: _application_clocks(application, today, inputs), version=inputs.version)


def _application_clocks(application: Application, today: dt.date, inputs: ClockInputs) -> list[ClockView]:
    out = []
    if application.received_on and application.state != ApplicationState.DRAFT:
        stop = application.notice_issued_on if application.state == ApplicationState.NOTICE_ISSUED else None
        if application.accepted_on or application.state == ApplicationState.NOT_ACCEPTED:
            stop = application.accepted_on or application.decided_on or today
            if application.deemed_accepted:
                stop = None
        view = _view("acceptance", acceptance_clock(application), today, stop, inputs.calendar)
        if view and not application.deemed_accepted:
            out.append(view)
    stop = application.decided_on
    for label, promised in (("legal", False), ("promised", True)):
        view = _view(label, application_clock(application, promised=promised, inputs=inputs), today, stop,
                     inputs.calendar)
        if view:
            out.append(view)
    return out


def item_clocks(item: ApprovalItem, today: dt.date | None = None, inputs: ClockInputs | None = None) -> list[ClockView]:
    """The legal and promised clocks of an item (``inputs`` as for :func:`application_clocks`)."""
    today = today or dt.date.today()
    if inputs is None:
        return _item_clocks(item, today, ClockInputs([item.application_id]))
    from rollout5g.policy.cache import memoize

    return memoize("permits.item_clocks", (item.pk, today), lambda: _item_clocks(item, today, inputs),
                   version=inputs.version)


def _item_clocks(item: ApprovalItem, today: dt.date, inputs: ClockInputs) -> list[ClockView]:
    out = []
    for label, promised in (("legal", False), ("promised", True)):
        view = _view(label, item_clock(item, promised=promised, inputs=inputs), today, item.decided_on,
                     inputs.calendar)
        if view:
            out.append(view)
    return out


def department_queue(user, *, include_decided: bool = False):
    """Items the user's department reviews (restricted: a department sees only its own items)."""
    qs = ApprovalItem.objects.restrict(user).select_related("application", "app_site__site", "item_type",
                                                            "department")
    if user.role == "department" and not user.is_superuser:
        qs = qs.filter(department_id=user.organization_id)
    if not include_decided:
        qs = qs.filter(state=ItemState.IN_REVIEW)
    return qs.order_by("application__accepted_on", "application__code", "pk")


def public_status(code: str) -> dict | None:
    """What the public may read about an application: its state and stage dates, no applicant, sites or comments."""
    app = Application.objects.filter(code=code.strip().upper()).exclude(state=ApplicationState.DRAFT).first()
    if app is None:
        return None
    items = app.items.all()
    return {
        "code": app.code, "state": app.state, "state_label": app.get_state_display(),
        "received_on": app.received_on, "accepted_on": app.accepted_on, "decided_on": app.decided_on,
        "decision": app.decision, "items_total": items.count(),
        "items_decided": items.filter(state__in=[ItemState.APPROVED, ItemState.REJECTED]).count(),
    }


def timeline(application: Application):
    """Every audit event of the application and of its parts (sites, materials, items, flags, survey, pauses,
    extensions, certificate), oldest first."""
    parts = [("permits.application", [application.pk])]
    for model, ids in (
        ("permits.applicationsite", application.sites.values_list("pk", flat=True)),
        ("permits.material", application.materials.values_list("pk", flat=True)),
        ("permits.approvalitem", application.items.values_list("pk", flat=True)),
        ("permits.deficiency", application.deficiencies.values_list("pk", flat=True)),
        ("permits.clockpause", application.pauses.values_list("pk", flat=True)),
        ("permits.clockextension", application.extensions.values_list("pk", flat=True)),
        ("permits.comment", application.comments.values_list("pk", flat=True)),
    ):
        parts.append((model, list(ids)))
    survey = getattr(application, "survey", None) if hasattr(application, "survey") else None
    if survey is not None:
        parts.append(("permits.jointsurvey", [survey.pk]))
        parts.append(("permits.surveysignature", list(survey.signatures.values_list("pk", flat=True))))
    if hasattr(application, "certificate"):
        parts.append(("permits.certificate", [application.certificate.pk]))
    condition = Q(pk__in=[])
    for model, ids in parts:
        if ids:
            condition |= Q(object_type=model, object_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(condition).order_by("seq")


def approval_summary(*, region=None, today: dt.date | None = None) -> dict:
    """For the supervision dashboard: applications in progress, those past their legal limit (acceptance window or
    review clock), those decided, and the median working days from receipt to decision of the decided ones.

    ``region``: a Region (a county or the city); applications count when one of their sites lies in it. Computed
    once per data version and day for all the server's processes (:mod:`rollout5g.policy.cache`): it reads every
    application's clock."""
    from rollout5g.policy.cache import memoize

    today = today or dt.date.today()
    return memoize("permits.approval_summary", (getattr(region, "pk", None), today),
                   lambda: _approval_summary(region, today))


def _approval_summary(region, today: dt.date) -> dict:
    qs = Application.objects.exclude(state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
    if region is not None:
        codes = [region.pk, *region.children.values_list("pk", flat=True)]
        qs = qs.filter(sites__site__region_id__in=codes).distinct()
    apps = list(qs)
    inputs = ClockInputs(apps)
    calendar = inputs.calendar
    in_progress = late = decided = 0
    durations = []
    for app in apps:
        if app.state == ApplicationState.DECIDED:
            decided += 1
            if app.received_on and app.decided_on:
                durations.append(calendar.working_days_between(app.received_on, app.decided_on).days)
            clock = application_clock(app, inputs=inputs)
            if clock and app.decided_on and app.decided_on > clock.due(calendar, as_of=app.decided_on).date:
                late += 1
            continue
        if app.state == ApplicationState.NOT_ACCEPTED:
            continue
        in_progress += 1
        if app.state in REVIEW_STATES:
            clock = application_clock(app, inputs=inputs)
            if clock and clock.status(calendar, today).state == "overdue":
                late += 1
        elif app.state == ApplicationState.RECEIVED:
            clock = acceptance_clock(app)
            if clock and today > clock.due(calendar).date:
                late += 1
    return {"in_progress": in_progress, "late": late, "decided": decided,
            "median_working_days": float(statistics.median(durations)) if durations else None}
