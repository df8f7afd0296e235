"""Pages of the smart-pole programme: the programme page and the public lists of the standards, the retrofit
batches and the future communities; the consolidations (多杆合一) for the people of the programme. Views are thin:
they call services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import available_actions, roles_for
from rollout5g.regions.boundaries import without_geometry
from rollout5g.resources.models import PublicResource

from . import services
from .forms import BatchForm, CommunityForm, ConsolidationForm, StandardForm
from .models import FutureCommunity, PoleConsolidation, RetrofitBatch, StandardDocument
from .selectors import batch_years, community_progress, programme_figures


def _form_page(request, form, heading, note=""):
    return render(request, "poles/form.html", {"form": form, "heading": heading, "note": note})


def _refused(request, exc):
    return render(request, "poles/refused.html", {"reason": str(exc)}, status=403)


def _run(request, form, call, success, target):
    """Call the service with the form's data: a field error on bad input, 403 when refused, else redirect."""
    try:
        row = call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    except PermissionDenied as exc:
        return _refused(request, exc)
    messages.success(request, success)
    return redirect(*target(row))


@public
def index(request):
    def data():
        figures = programme_figures()
        return {
            "figures": figures,  # counts; the lists below have names of their own
            "years": figures["years"],
            "standards": StandardDocument.objects.restrict(request.user).select_related("task__document")[:10],
            "communities": FutureCommunity.objects.restrict(request.user).select_related("region")
            .defer(*without_geometry("region"))[:20],
        }

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "poles/index.html", {
        "data": SimpleLazyObject(data), "can_consolidate": can_add(request.user, PoleConsolidation),
    })


# -- standards ---------------------------------------------------------------------------------------------------
@public
def standards(request):
    rows = StandardDocument.objects.restrict(request.user).select_related("task__document")
    page, query = paginate(request, rows)
    return render(request, "poles/standards.html", {"page": page, "query": query,
                                                    "can_add": can_add(request.user, StandardDocument)})


@roles(*roles_for(StandardDocument, "add"))
@single_submit
def standard_new(request):
    form = StandardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _run(request, form, lambda d: services.standard_create(actor=request.user, **d),
                        _("Saved."), lambda row: ("poles:standards",))
        if response is not None:
            return response
    return _form_page(request, form, _("Enter a design guide or standard"))


# -- retrofit batches --------------------------------------------------------------------------------------------
@public
def batches(request):
    rows = RetrofitBatch.objects.restrict(request.user).select_related("organization", "region")
    page, query = paginate(request, rows)
    return render(request, "poles/batches.html", {"page": page, "query": query, "years": batch_years(rows),
                                                  "can_add": can_add(request.user, RetrofitBatch)})


@roles(*roles_for(RetrofitBatch, "add"))
@single_submit
def batch_new(request):
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _run(request, form, lambda d: services.batch_create(actor=request.user, **d),
                        _("Saved."), lambda row: ("poles:batch", row.code))
        if response is not None:
            return response
    return _form_page(request, form, _("Set a retrofit batch"))


@public(record="poles.RetrofitBatch", lookup=("code", "code"))
def batch_detail(request, code):
    batch = get_object_or_404(RetrofitBatch.objects.restrict(request.user).select_related("organization"), code=code)
    actions = available_actions(request.user, batch) if request.user.is_authenticated else {}
    consolidations = PoleConsolidation.objects.restrict(request.user).filter(batch=batch) \
        if request.user.is_authenticated else PoleConsolidation.objects.none()
    return render(request, "poles/batch.html", {
        "batch": batch, "actions": actions, "consolidations": consolidations,
        "history": timeline(history_for(batch), batch) if any(actions.values()) else []})


@signed_in
@single_submit
def batch_action(request, code):
    batch = get_object_or_404(RetrofitBatch.objects.restrict(request.user), code=code)
    if request.method == "POST":
        try:
            services.batch_report(actor=request.user, batch=batch, done_count=request.POST.get("done_count", ""),
                                  note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("poles:batch", code=code)


# -- consolidations ----------------------------------------------------------------------------------------------
@signed_in
def consolidations(request):
    rows = (PoleConsolidation.objects.restrict(request.user).select_related("region", "organization", "batch")
            .defer(*without_geometry("region")))
    state = request.GET.get("state", "")
    if state:
        rows = rows.filter(state=state)
    page, query = paginate(request, rows)
    return render(request, "poles/consolidations.html", {
        "page": page, "query": query, "can_add": can_add(request.user, PoleConsolidation)})


@roles(*roles_for(PoleConsolidation, "add"))
@single_submit
def consolidation_new(request):
    form = ConsolidationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        def call(data):
            data = dict(data)
            code = data.pop("smart_pole").strip()
            smart_pole = None
            if code:
                smart_pole = PublicResource.objects.restrict(request.user).filter(code=code).first()
                if smart_pole is None:
                    raise ValidationError({"smart_pole": [_("no resource %(code)s on the open list") % {
                        "code": code}]})
            return services.consolidation_create(actor=request.user, smart_pole=smart_pole, **data)

        response = _run(request, form, call, _("Saved."), lambda row: ("poles:consolidation", row.code))
        if response is not None:
            return response
    return _form_page(request, form, _("Plan a pole consolidation"))


@signed_in(record="poles.PoleConsolidation", lookup=("code", "code"))
def consolidation_detail(request, code):
    row = get_object_or_404(PoleConsolidation.objects.restrict(request.user)
                            .select_related("region", "organization", "smart_pole", "batch", "community"), code=code)
    return render(request, "poles/consolidation.html", {
        "row": row, "poles": row.poles.select_related("resource"), "actions": available_actions(request.user, row),
        "history": timeline(history_for(row), row)})


@signed_in
@single_submit
def consolidation_action(request, code, step):
    if step not in ("complete", "cancel"):
        raise Http404
    row = get_object_or_404(PoleConsolidation.objects.restrict(request.user), code=code)
    if request.method == "POST":
        try:
            if step == "complete":
                services.consolidation_complete(actor=request.user, consolidation=row,
                                                on=request.POST.get("on") or None)
            else:
                services.consolidation_cancel(actor=request.user, consolidation=row,
                                              reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("poles:consolidation", code=code)


# -- future communities ------------------------------------------------------------------------------------------
@public
def communities(request):
    rows = (FutureCommunity.objects.restrict(request.user).select_related("region", "organization")
            .defer(*without_geometry("region")))
    page, query = paginate(request, rows)
    return render(request, "poles/communities.html", {
        "page": page, "query": query, "rows": [(c, community_progress(c)) for c in page],
        "can_add": can_add(request.user, FutureCommunity)})


@roles(*roles_for(FutureCommunity, "add"))
@single_submit
def community_new(request):
    form = CommunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _run(request, form, lambda d: services.community_create(actor=request.user, **d),
                        _("Saved."), lambda row: ("poles:community", row.code))
        if response is not None:
            return response
    return _form_page(request, form, _("Add a future community project"))


@public(record="poles.FutureCommunity", lookup=("code", "code"))
def community_detail(request, code):
    community = get_object_or_404(FutureCommunity.objects.restrict(request.user).select_related("region",
                                                                                              "organization"),
                                  code=code)
    actions = available_actions(request.user, community) if request.user.is_authenticated else {}
    return render(request, "poles/community.html", {
        "community": community, "progress": community_progress(community), "actions": actions,
        "history": timeline(history_for(community), community) if any(actions.values()) else []})


@signed_in
@single_submit
def community_action(request, code, step):
    if step not in ("plan", "start", "complete"):
        raise Http404
    community = get_object_or_404(FutureCommunity.objects.restrict(request.user), code=code)
    if request.method == "POST":
        post = request.POST
        try:
            if step == "plan":
                services.community_plan(actor=request.user, community=community,
                                        planned_smart_poles=post.get("planned_smart_poles", ""),
                                        planned_removed_poles=post.get("planned_removed_poles", ""),
                                        plan=post.get("plan", ""))
            else:
                services.community_step(actor=request.user, community=community, step=step)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("poles:community", code=code)
