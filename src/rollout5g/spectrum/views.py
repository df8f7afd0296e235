"""Pages of the interference complaints: the list, report, one complaint with its measurements and steps, and the
statistics per band and month. Views are thin: they call services."""

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
from rollout5g.platform.forms import add_service_errors, error_text
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import roles, signed_in
from rollout5g.platform.workflow import available_actions, roles_for

from . import services
from .choices import ComplaintState, Measure, SourceKind
from .forms import ComplaintForm
from .models import InterferenceComplaint
from .selectors import investigation_clock, statistics

STEPS = ("monitor", "measure", "identify", "coordinate", "resolve", "confirm", "persists", "close")


def _complaints(request):
    return InterferenceComplaint.objects.restrict(request.user).select_related("reporter", "investigator", "site")


@signed_in
def index(request):
    qs = _complaints(request)
    params = request.GET
    if params.get("state") in ComplaintState.values:
        qs = qs.filter(state=params["state"])
    if params.get("band"):
        qs = qs.filter(band=params["band"].strip())
    page, query = paginate(request, qs)
    rows = [{"c": c, "clock": investigation_clock(c)} for c in page]
    return render(request, "spectrum/index.html", {
        "page": page, "rows": rows, "query": query, "params": params, "states": ComplaintState.choices,
        "can_report": can_add(request.user, InterferenceComplaint),
    })


@roles(*roles_for(InterferenceComplaint, "add"))
@single_submit
def complaint_new(request):
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_report(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return render(request, "spectrum/refused.html", {"reason": str(exc)}, status=403)
        else:
            messages.success(request, _("Complaint %(code)s reported.") % {"code": complaint.code})
            return redirect("spectrum:complaint", code=complaint.code)
    return render(request, "spectrum/form.html", {"form": form, "heading": _("Report interference")})


@signed_in(record="spectrum.InterferenceComplaint", lookup=("code", "code"))
def complaint_detail(request, code):
    complaint = get_object_or_404(_complaints(request), code=code)
    return render(request, "spectrum/complaint.html", {
        "c": complaint, "clock": investigation_clock(complaint), "actions": available_actions(request.user, complaint),
        "measurements": complaint.measurements.all(), "history": timeline(history_for(complaint), complaint),
        "sources": SourceKind.choices, "measures": Measure.choices, "today": timezone.localdate().isoformat(),
    })


@signed_in
@single_submit
def complaint_action(request, code, step):
    if step not in STEPS:
        raise Http404
    complaint = get_object_or_404(_complaints(request), code=code)
    if request.method != "POST":
        return redirect("spectrum:complaint", code=code)
    post, actor = request.POST, request.user
    try:
        if step == "monitor":
            services.complaint_monitor(actor=actor, complaint=complaint, note=post.get("note", ""))
        elif step == "measure":
            services.measurement_record(actor=actor, complaint=complaint, measured_on=post.get("measured_on"),
                                        frequency_mhz=post.get("frequency_mhz"), level_dbm=post.get("level_dbm"),
                                        place=post.get("place", ""), note=post.get("note", ""))
        elif step == "identify":
            services.complaint_identify(actor=actor, complaint=complaint, source_kind=post.get("source_kind", ""),
                                        description=post.get("description", ""))
        elif step == "coordinate":
            services.complaint_coordinate(actor=actor, complaint=complaint, measure=post.get("measure", ""),
                                          note=post.get("note", ""))
        elif step == "resolve":
            services.complaint_resolve(actor=actor, complaint=complaint, resolution=post.get("resolution", ""),
                                       resolved_on=post.get("resolved_on") or None)
        elif step == "confirm":
            services.complaint_confirm(actor=actor, complaint=complaint, note=post.get("note", ""))
        elif step == "persists":
            services.complaint_persists(actor=actor, complaint=complaint, note=post.get("note", ""))
        else:
            services.complaint_close(actor=actor, complaint=complaint, note=post.get("note", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied as exc:
        return render(request, "spectrum/refused.html", {"reason": str(exc)}, status=403)
    else:
        messages.success(request, _("Saved."))
    return redirect("spectrum:complaint", code=code)


@signed_in
def statistics_page(request):
    rows = statistics(_complaints(request))
    return render(request, "spectrum/statistics.html", {"rows": rows})
