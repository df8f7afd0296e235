"""Pages of the 5G facilities of construction projects: the list, a project (facilities required / reserved /
built, the two design reviews with their clocks, the steps the user may take, the history), registration, the
design's facilities, the ledger per county (page, Excel, CSV) and the guideline. Views are thin: they call
services."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.core import csvsafe
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate_lazily
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.tenancy import scope_district_regions
from rollout5g.platform.workflow import allowed, available_actions, roles_for
from rollout5g.sites.exports import write_xlsx

from . import services
from .choices import FACILITIES, ProjectKind, ProjectState
from .forms import DesignForm, ProjectForm
from .models import ConstructionProject, DesignReview, FacilityGuideline
from .selectors import ledger, ledger_total, review_clock


def _projects(request):
    # a county's boundaries (two GeoJSON documents) are never shown here: not loaded with every project
    return (ConstructionProject.objects.restrict(request.user).select_related("region", "developer")
            .defer("region__geometry", "region__display_geometry"))


@signed_in
def index(request):
    qs = _projects(request)
    params = request.GET
    if params.get("state") in ProjectState.values:
        qs = qs.filter(state=params["state"])
    if params.get("kind") in ProjectKind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("county"):
        qs = qs.filter(region_id=params["county"])
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    def data():
        by_state = dict(_projects(request).order_by().values_list("state").annotate(n=Count("id")))
        return {"counts": [(value, label, by_state.get(value, 0)) for value, label in ProjectState.choices]}

    # read only when the list is rendered, not when it is kept ({% datacache %} in the template)
    page, query = paginate_lazily(request, lambda: qs)
    return render(request, "construction/index.html", {
        "page": page, "query": query, "params": params, "counties": scope_district_regions(request.user),
        "states": ProjectState.choices, "kinds": ProjectKind.choices, "data": SimpleLazyObject(data),
        "can_register": can_add(request.user, ConstructionProject),
    })


def _facility_rows(project):
    required, reserved, built = (project.facilities(s) for s in ("required", "reserved", "built"))
    return [{"name": name, "label": label, "required": required[name], "reserved": reserved[name],
             "built": built[name], "short": reserved[name] < required[name],
             "built_short": project.state in (ProjectState.ACCEPTANCE, ProjectState.ACCEPTED)
             and built[name] < reserved[name]} for name, label in FACILITIES]


@signed_in(record="construction.ConstructionProject", lookup=("code", "code"))
def detail(request, code):
    project = get_object_or_404(_projects(request).select_related(
        "planning_department", "construction_department", "operator"), code=code)
    today = dt.date.today()
    reviews = []
    for review in project.reviews.select_related("department", "decided_by").order_by("-round", "kind"):
        reviews.append({"review": review, "clock": review_clock(review, today),
                        "can_decide": review.is_open and allowed(request.user, "approve", review)})
    return render(request, "construction/detail.html", {
        "project": project, "facilities": _facility_rows(project), "reviews": reviews, "today": today,
        "actions": available_actions(request.user, project),
        "sites": project.site_reservations.select_related("planned_site"), "history": timeline(history_for(project), project),
    })


@roles(*roles_for(ConstructionProject, "add"))
@single_submit
def project_new(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_register(
                actor=request.user, name=data["name"], kind=data["kind"], region=data["region"], size=data["size"],
                lon=data["lon"], lat=data["lat"], address=data["address"],
                planning_department=data["planning_department"],
                construction_department=data["construction_department"], operator=data["operator"],
                developer=data.get("developer"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Project %(code)s registered.") % {"code": project.code})
            return redirect("construction:detail", code=project.code)
    return render(request, "construction/form.html", {"form": form, "heading": _("Register a construction project")})


@roles(*roles_for(ConstructionProject, "design"))
@single_submit
def design(request, code):
    project = get_object_or_404(_projects(request), code=code)
    initial = {name: value for name, value in project.facilities("reserved").items() if name != "sites"}
    initial["sites"] = "\n".join(f"{s.name}, {s.lon:.6f}, {s.lat:.6f}" for s in project.site_reservations.all())
    form = DesignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_design(actor=request.user, project=project, note=data["note"], sites=data["sites"],
                                    facilities={k: data[k] for k in ("machine_room_m2", "power_kw", "duct_holes",
                                                                     "roof_m2")})
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return render(request, "construction/refused.html", {"reason": str(exc)}, status=403)
        else:
            messages.success(request, _("Saved."))
            return redirect("construction:detail", code=project.code)
    return render(request, "construction/form.html", {
        "form": form, "project": project,
        "heading": _("5G facilities reserved by the design of %(code)s") % {"code": project.code}})


def _built(post) -> dict:
    return {name: post.get(f"built_{name}", "") for name, _label in FACILITIES}


STEPS = {
    "submit": lambda user, p, post: services.project_submit(actor=user, project=p, note=post.get("note", "")),
    "start": lambda user, p, post: services.project_start(actor=user, project=p, note=post.get("note", "")),
    "request_acceptance": lambda user, p, post: services.project_request_acceptance(
        actor=user, project=p, built=_built(post), note=post.get("note", "")),
    "accept": lambda user, p, post: services.project_accept(actor=user, project=p, note=post.get("note", "")),
    "rectify": lambda user, p, post: services.project_rectify(actor=user, project=p,
                                                              findings=post.get("findings", "")),
}


def _review_step(user, project, post, approve: bool):
    review = DesignReview.objects.filter(project=project, pk=post.get("review") or 0).first()
    if review is None:
        raise ValidationError({"review": [_("no such review of this project")]})
    return services.review_decide(actor=user, review=review, approve=approve, findings=post.get("findings", ""))


@signed_in
@single_submit
def action(request, code, step):
    if step not in (*STEPS, "approve", "return"):
        raise Http404
    project = get_object_or_404(_projects(request), code=code)
    if request.method != "POST":
        return redirect("construction:detail", code=code)
    try:
        if step in ("approve", "return"):
            _review_step(request.user, project, request.POST, step == "approve")
        else:
            STEPS[step](request.user, project, request.POST)
    except ValidationError as exc:  # bad input, a shortfall, or a step not open now
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return render(request, "construction/refused.html", {"reason": str(exc)}, status=403)
    else:
        messages.success(request, _("Saved."))
    return redirect("construction:detail", code=code)


def _ledger_headers():
    return [_("County"), _("Projects"), _("In design review"), _("Design approved / building"),
            _("5G facilities accepted"), _("Accepted share of projects at acceptance"), _("Sites required"),
            _("Sites reserved"), _("Planned sites in the registry"), _("Machine rooms reserved [m²]"),
            _("Power reserved [kW]")]


def _ledger_rows(rows):
    for r in rows:
        yield [r.region.name, r.projects, r.in_review, r.building, r.accepted, r.accepted_share, r.required_sites,
               r.reserved_sites, r.planned_sites, r.machine_room_m2, r.power_kw]


@signed_in
def ledger_page(request):
    rows = ledger(ConstructionProject.objects.restrict(request.user), scope_district_regions(request.user))
    fmt = request.GET.get("format", "")
    stamp = dt.date.today().isoformat()
    if fmt == "xlsx":
        data = write_xlsx([(_("Ledger"), [_ledger_headers(), *_ledger_rows(rows)])])
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="construction-5g-ledger-{stamp}.xlsx"'
        return response
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel reads the Chinese headers as UTF-8
        writer = csvsafe.writer(buffer)  # no cell a spreadsheet would run as a formula
        writer.writerow(_ledger_headers())
        writer.writerows([["" if v is None else v for v in row] for row in _ledger_rows(rows)])
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="construction-5g-ledger-{stamp}.csv"'
        return response
    return render(request, "construction/ledger.html", {"rows": rows, "total": ledger_total(rows)})


@public
def guidelines(request):
    return render(request, "construction/guidelines.html", {"rows": FacilityGuideline.objects.restrict(request.user)})
