import datetime as dt

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from rollout5g.audit.presentation import describe_events
from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.pagination import paginate_lazily
from rollout5g.platform.routes import public

from .choices import TaskStatus, UnitRole
from .filters import FilterError, filter_tasks
from .indicators import REGION_GEOMETRY, target_rows
from .models import Indicator, PolicyDocument, PolicyTask, TaskUnit


def _tasks_with_units(queryset):
    return queryset.select_related("document", "section").prefetch_related(
        Prefetch("units", queryset=TaskUnit.objects.select_related("organization", "group"))
    )


#: The columns a task row of a list shows: a list builds no text, tags or timestamps it does not show, and its
#: units' names come as plain values (building ~400 unit, organization and group rows was most of the page's time).
_ROW_FIELDS = ("document", "number", "title", "deadline", "status", "sort_order", "document__key",
               "document__title", "document__short_title")


def _task_rows(queryset):
    return queryset.select_related("document").only(*_ROW_FIELDS)


def _with_unit_names(tasks) -> list:
    """The tasks with ``unit_names`` (all units), ``lead_units`` (lead and responsible) and ``supporting_units``,
    each a list of (name, open ended) in the document's order: one query for the whole list."""
    tasks = list(tasks)
    by_pk = {t.pk: t for t in tasks}
    for t in tasks:
        t.unit_names, t.lead_units, t.supporting_units = [], [], []
    rows = (TaskUnit.objects.filter(task__in=list(by_pk)).order_by("task", "role", "sort_order")
            .values_list("task_id", "role", "open_ended", "organization__name", "group__term"))
    for task_id, role, open_ended, organization, group in rows:
        task, unit = by_pk[task_id], (organization or group, open_ended)
        task.unit_names.append(unit)
        (task.supporting_units if role == UnitRole.SUPPORTING else task.lead_units).append(unit)
    return tasks


@public
def document_list(request):
    documents = (
        PolicyDocument.objects.restrict(request.user)
        .select_related("region", "issuer")
        .defer(*(f"region__{f}" for f in REGION_GEOMETRY))
        .annotate(task_count=Count("tasks", distinct=True), indicator_count=Count("indicators", distinct=True))
        .order_by("level", "key")
    )
    return render(request, "policy/document_list.html", {"documents": documents})


@public
def document_detail(request, key):
    document = get_object_or_404(PolicyDocument.objects.restrict(request.user).select_related("region")
                                 .defer(*(f"region__{f}" for f in REGION_GEOMETRY)), key=key)
    tasks = _with_unit_names(_task_rows(PolicyTask.objects.restrict(request.user).filter(document=document)))
    return render(
        request,
        "policy/document_detail.html",
        {
            "document": document,
            "sections": document.sections.all(),
            "tasks": tasks,
            "indicators": Indicator.objects.restrict(request.user).filter(document=document).prefetch_related("targets"),
            "incentives": document.incentives.all(),
        },
    )


@public
def task_list(request):
    queryset = PolicyTask.objects.restrict(request.user)
    try:
        queryset = filter_tasks(queryset, request.GET)
    except FilterError as exc:
        messages.error(request, str(exc))
        queryset = queryset.none()
    page, query = paginate_lazily(request, lambda: _task_rows(queryset), shown=_with_unit_names)
    units = (Organization.objects.restrict(request.user).filter(task_units__isnull=False).distinct().order_by("code")
             .values("code", "name"))
    return render(
        request,
        "policy/task_list.html",
        {
            "page": page,
            "query": query,
            "documents": PolicyDocument.objects.restrict(request.user),
            "units": units,
            "statuses": TaskStatus.choices,
            "roles": UnitRole.choices,
            "params": request.GET,
            "today": dt.date.today(),
        },
    )


@public(record="policy.PolicyTask", lookup=("pk", "pk"))
def task_detail(request, pk):
    task = get_object_or_404(_tasks_with_units(PolicyTask.objects.restrict(request.user)), pk=pk)
    return render(
        request,
        "policy/task_detail.html",
        {
            "task": task,
            "lead": task.units_by_role(UnitRole.LEAD),
            "supporting": task.units_by_role(UnitRole.SUPPORTING),
            "responsible": task.units_by_role(UnitRole.RESPONSIBLE),
            "targets": task.targets.select_related("indicator", "region").defer(
                *(f"region__{f}" for f in REGION_GEOMETRY)),
            "history": describe_events(list(history_for(task)))
            if request.user.is_authenticated and request.user.is_program_office else None,
            "today": dt.date.today(),
        },
    )


@public
def indicator_detail(request, key):
    indicator = get_object_or_404(Indicator.objects.restrict(request.user), key=key)
    rows = target_rows(indicator, dt.date.today())
    return render(request, "policy/indicator_detail.html", {"indicator": indicator, "rows": rows})
