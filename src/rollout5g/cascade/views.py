"""Pages of the provincial tasks carried down to the cities: the overview (every provincial task with its roll-up
from the cities), one provincial task with its cities (and the assignment form for its lead units), and one city's
sub-task with its steps. For the programme offices, departments and operators: what each sees is what
``restrict()`` gives its organization (a city's units their city's sub-tasks, the province's office every city's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.platform.forms import error_text
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.routes import roles
from rollout5g.platform.workflow import available_actions
from rollout5g.policy.models import PolicyTask

from . import services
from .models import CITY_UNITS, CityTask
from .selectors import city_overview, lead_names, provincial_tasks, rollups, visible_city_tasks

STEPS = ("accept", "report", "close", "return", "link")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The services' field names as the forms label them (an error names the field a person sees).
FIELDS = {"cities": gettext_lazy("Cities"), "deadline": gettext_lazy("Deadline"),
          "target_value": gettext_lazy("Target value"), "target_text": gettext_lazy("Target"),
          "note": gettext_lazy("Note"), "text": gettext_lazy("Progress"), "value": gettext_lazy("Figure reached"),
          "local_task": gettext_lazy("The city's own task")}


def _today():
    return timezone.localdate()


@roles(*CITY_UNITS)
def index(request):
    def data():
        tasks = list(provincial_tasks(with_text=False))
        rolled = rollups(request.user, tasks, _today())
        rows = [{"task": t, "leads": lead_names(t), **rolled[t.pk]} for t in tasks]
        mine = [c for c in visible_city_tasks(request.user).order_by("deadline", "task__sort_order")
                if request.user.organization_id in (c.organization_id,)]
        return {"rows": rows, "carried": sum(1 for r in rows if r["cities"]), "mine": mine}

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "cascade/index.html", {"data": SimpleLazyObject(data)})


#: How a city's first report compares with its deadline.
TIMING = {"on_time": ("green", gettext_lazy("Reported on time")),
          "late": ("amber", gettext_lazy("Reported late")),
          "overdue": ("red", gettext_lazy("Overdue, no report")),
          "open": ("grey", gettext_lazy("Not due yet"))}


@roles(*CITY_UNITS)
def cities(request):
    """The cities side by side: figures computed from each city's live data and each carried-down task's step, as a
    page or as an Excel ledger (台账) by city (``?format=xlsx``)."""
    overview = city_overview(request.user, _today())
    for row in overview["rows"]:
        for step in row["steps"]:
            step["colour"], step["timing_label"] = TIMING.get(step["timing"], ("grey", ""))
    if request.GET.get("format") == "xlsx":
        from .ledger import overview_workbook

        response = HttpResponse(overview_workbook(overview), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="cities-{overview["as_of"]:%Y%m%d}.xlsx"'
        return response
    return render(request, "cascade/cities.html", {"o": overview})


def _task(pk) -> PolicyTask:
    return get_object_or_404(provincial_tasks(), pk=pk)


@roles(*CITY_UNITS)
def task_detail(request, pk):
    task = _task(pk)
    rolled = rollups(request.user, [task], _today())[task.pk]
    may_assign = services.may_assign(request.user, task)
    assigned = set(CityTask.objects.filter(task=task).values_list("region_id", flat=True)) if may_assign else set()
    return render(request, "cascade/task.html", {
        "task": task, "leads": lead_names(task), "r": rolled, "may_assign": may_assign,
        "open_cities": [c for c in services.cities_of(task) if c.pk not in assigned] if may_assign else [],
        "errors": [], "post": {},
    })


@roles(*CITY_UNITS)
@single_submit
def task_assign(request, pk):
    task = _task(pk)
    if request.method != "POST":
        return redirect("cascade:task", pk=pk)
    post = request.POST
    try:
        created = services.assign_task(actor=request.user, task=task, cities=post.getlist("cities"),
                                       deadline=post.get("deadline"), target_value=post.get("target_value"),
                                       target_text=post.get("target_text", ""), note=post.get("note", ""))
    except PermissionDenied as exc:
        return render(request, "cascade/refused.html", {"reason": error_text(exc)}, status=403)
    except ValidationError as exc:
        rolled = rollups(request.user, [task], _today())[task.pk]
        assigned = set(CityTask.objects.filter(task=task).values_list("region_id", flat=True))
        return render(request, "cascade/task.html", {
            "task": task, "leads": lead_names(task), "r": rolled, "may_assign": True,
            "errors": [error_text(exc, FIELDS)], "post": post,
            "open_cities": [c for c in services.cities_of(task) if c.pk not in assigned],
        }, status=400)
    messages.success(request, _("Task %(number)s carried down to %(count)d cities.")
                     % {"number": task.number, "count": len(created)})
    return redirect("cascade:task", pk=pk)


@roles(*CITY_UNITS, record="cascade.CityTask", lookup=("pk", "pk"))
def city_task_detail(request, pk):
    city_task = get_object_or_404(visible_city_tasks(request.user), pk=pk)
    actions = available_actions(request.user, city_task)
    provincial = services.is_provincial(request.user)
    actions["close"] = actions["close"] and provincial
    actions["return"] = actions["return"] and provincial
    local_choices = []
    if actions["link"]:
        linked = set(city_task.local_tasks.values_list("pk", flat=True))
        local_choices = [t for t in PolicyTask.objects.filter(document__region_id=city_task.region_id)
                         .select_related("document").order_by("document__key", "sort_order") if t.pk not in linked]
    return render(request, "cascade/city_task.html", {
        "c": city_task, "actions": actions, "supporting": city_task.supporting.all(),
        "reports": city_task.reports.select_related("organization", "submitted_by"),
        "local_tasks": city_task.local_tasks.select_related("document"), "local_choices": local_choices,
        "history": timeline(history_for(city_task), city_task),
    })


@roles(*CITY_UNITS)
@single_submit
def city_task_action(request, pk, step):
    if step not in STEPS:
        raise Http404
    city_task = get_object_or_404(visible_city_tasks(request.user), pk=pk)
    if request.method != "POST":
        return redirect("cascade:city_task", pk=pk)
    post = request.POST
    try:
        if step == "accept":
            services.accept_city_task(actor=request.user, city_task=city_task, note=post.get("note", ""))
        elif step == "report":
            services.report_city_task(actor=request.user, city_task=city_task, text=post.get("text", ""),
                                      value=post.get("value"))
        elif step == "close":
            services.close_city_task(actor=request.user, city_task=city_task, note=post.get("note", ""))
        elif step == "return":
            services.return_city_task(actor=request.user, city_task=city_task, note=post.get("note", ""))
        else:
            local = PolicyTask.objects.filter(pk=post.get("local_task") or 0).select_related("document").first()
            if local is None:
                raise ValidationError({"local_task": [_("Choose one of the city's tasks.")]})
            services.link_local_task(actor=request.user, city_task=city_task, local_task=local)
    except PermissionDenied as exc:
        return render(request, "cascade/refused.html", {"reason": error_text(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, error_text(exc, FIELDS))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": CityTask.access_policy.actions[step].label})
    return redirect("cascade:city_task", pk=pk)
