"""Pages of the security of critical facilities: the situation overview (态势), the facility register with its
assessments, and the security events with their steps. Every page is for the parties only (operators, departments,
the programme office; each sees through ``restrict()`` what its organization may) — there is no public page, and a
facility's location is shown on its own page only. Views are thin: they call services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.platform.access import can_add
from rollout5g.platform.clocks import clock_states
from rollout5g.platform.forms import add_service_errors, error_text
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.roles import Role
from rollout5g.platform.routes import roles
from rollout5g.platform.tenancy import scope_district_regions
from rollout5g.platform.workflow import available_actions, roles_for

from . import services
from .choices import Criticality, EventCategory, EventState, FacilityKind, RiskLevel, Severity
from .forms import EventForm, FacilityForm
from .models import CriticalFacility, SecurityEvent
from .selectors import ASSESSMENT_CLOCK, RESPONSE_CLOCK, assessment_clock, overview, response_clock

#: Who may open the security pages at all: the parties (what each then sees is its organization's rows).
PARTIES = (Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR)
FACILITY_STEPS = ("assess", "rate", "retire")
EVENT_STEPS = ("warn", "analyse", "respond", "close")
FINDING_ROWS = 3
RELATED = ("operator", "cyberspace_office", "police", "comms_admin", "region", "site")


def _facilities(request):
    return CriticalFacility.objects.restrict(request.user).select_related(*RELATED)


def _events(request):
    return SecurityEvent.objects.restrict(request.user).select_related("facility", "reported_by")


def _refused(request, exc):
    return render(request, "safeguard/refused.html", {"reason": error_text(exc)}, status=403)


@roles(*PARTIES)
def index(request):
    return render(request, "safeguard/index.html", {"o": overview(request.user)})


@roles(*PARTIES)
def facility_list(request):
    qs = _facilities(request)
    params = request.GET
    if params.get("kind") in FacilityKind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("criticality") in Criticality.values:
        qs = qs.filter(criticality=params["criticality"])
    page, query = paginate(request, qs)
    return render(request, "safeguard/facilities.html", {
        "page": page, "rows": clock_states(ASSESSMENT_CLOCK, page), "query": query, "params": params,
        "kinds": FacilityKind.choices, "levels": Criticality.choices,
        "can_register": can_add(request.user, CriticalFacility),
    })


@roles(*roles_for(CriticalFacility, "add"))
@single_submit
def facility_new(request):
    form = FacilityForm(request.POST or None, regions=scope_district_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Facility %(code)s registered.") % {"code": facility.code})
            return redirect("safeguard:facility", code=facility.code)
    return render(request, "safeguard/form.html", {"form": form, "heading": _("Register a critical facility")})


@roles(*PARTIES, record="safeguard.CriticalFacility", lookup=("code", "code"))
def facility_detail(request, code):
    facility = get_object_or_404(_facilities(request), code=code)
    return render(request, "safeguard/facility.html", {
        "f": facility, "clock": assessment_clock(facility), "actions": available_actions(request.user, facility),
        "assessments": facility.assessments.prefetch_related("findings").select_related("assessor"),
        "events": clock_states(RESPONSE_CLOCK, facility.events.all()), "history": timeline(history_for(facility), facility),
        "levels": Criticality.choices, "risks": RiskLevel.choices, "finding_rows": range(1, FINDING_ROWS + 1),
        "today": timezone.localdate().isoformat(),
        "can_report": facility.state == "active" and can_add(request.user, SecurityEvent),
    })


def _findings(post) -> list[dict]:
    out = []
    for i in range(1, FINDING_ROWS + 1):
        row = {k: post.get(f"{k}_{i}", "").strip() for k in ("severity", "description", "measure")}
        if row["description"] or row["measure"]:
            out.append(row)
    return out


@roles(*PARTIES)
@single_submit
def facility_action(request, code, step):
    if step not in FACILITY_STEPS:
        raise Http404
    facility = get_object_or_404(_facilities(request), code=code)
    if request.method != "POST":
        return redirect("safeguard:facility", code=code)
    post, actor = request.POST, request.user
    try:
        if step == "assess":
            services.assessment_record(actor=actor, facility=facility, assessor_name=post.get("assessor_name", ""),
                                       assessed_on=post.get("assessed_on"), scope=post.get("scope", ""),
                                       next_due=post.get("next_due") or None, findings=_findings(post))
        elif step == "rate":
            services.facility_rate(actor=actor, facility=facility, criticality=post.get("criticality", ""),
                                   note=post.get("note", ""))
        else:
            services.facility_retire(actor=actor, facility=facility, note=post.get("note", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("safeguard:facility", code=code)


@roles(*PARTIES)
def event_list(request):
    qs = _events(request)
    params = request.GET
    if params.get("state") in EventState.values:
        qs = qs.filter(state=params["state"])
    if params.get("severity") in Severity.values:
        qs = qs.filter(severity=params["severity"])
    page, query = paginate(request, qs)
    return render(request, "safeguard/events.html", {
        "page": page, "rows": clock_states(RESPONSE_CLOCK, page), "query": query, "params": params,
        "states": EventState.choices, "severities": Severity.choices,
        "can_report": can_add(request.user, SecurityEvent),
    })


@roles(*roles_for(SecurityEvent, "add"))
@single_submit
def event_new(request):
    facilities = _facilities(request).filter(state="active")
    form = EventForm(request.POST or None, facilities=facilities,
                     initial={"facility": request.GET.get("facility", ""),
                              "detected_on": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            event = services.event_detect(actor=request.user, facility=facilities.get(code=data.pop("facility")),
                                          **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Event %(code)s recorded.") % {"code": event.code})
            return redirect("safeguard:event", code=event.code)
    return render(request, "safeguard/form.html", {"form": form, "heading": _("Record a security event")})


@roles(*PARTIES, record="safeguard.SecurityEvent", lookup=("code", "code"))
def event_detail(request, code):
    event = get_object_or_404(_events(request), code=code)
    return render(request, "safeguard/event.html", {
        "e": event, "clock": response_clock(event), "actions": available_actions(request.user, event),
        "history": timeline(history_for(event), event), "categories": EventCategory.choices, "severities": Severity.choices,
        "today": timezone.localdate().isoformat(),
    })


@roles(*PARTIES)
@single_submit
def event_action(request, code, step):
    if step not in EVENT_STEPS:
        raise Http404
    event = get_object_or_404(_events(request), code=code)
    if request.method != "POST":
        return redirect("safeguard:event", code=code)
    post, actor = request.POST, request.user
    try:
        if step == "warn":
            services.event_warn(actor=actor, event=event, warning=post.get("warning", ""))
        elif step == "analyse":
            services.event_analyse(actor=actor, event=event, analysis=post.get("analysis", ""),
                                   category=post.get("category", ""), severity=post.get("severity", ""))
        elif step == "respond":
            services.event_respond(actor=actor, event=event, response=post.get("response", ""),
                                   responded_on=post.get("responded_on") or None)
        else:
            services.event_close(actor=actor, event=event, conclusion=post.get("conclusion", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("safeguard:event", code=code)
