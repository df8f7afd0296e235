import datetime as dt

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public

from .choices import TaskStatus, UnitRole
from .filters import FilterError, filter_tasks
from .indicators import target_rows
from .models import Indicator, PolicyDocument, PolicyTask, TaskUnit


def _tasks_with_units(queryset):
    return queryset.select_related("document", "section").prefetch_related(
        Prefetch("units", queryset=TaskUnit.objects.select_related("organization", "group"))
    )


@public
def document_list(request):
    documents = (
        PolicyDocument.objects.restrict(request.user)
        .select_related("region", "issuer")
        .annotate(task_count=Count("tasks", distinct=True), indicator_count=Count("indicators", distinct=True))
        .order_by("level", "key")
    )
    return render(request, "policy/document_list.html", {"documents": documents})


@public
def document_detail(request, key):
    document = get_object_or_404(PolicyDocument.objects.restrict(request.user), key=key)
    tasks = _tasks_with_units(PolicyTask.objects.restrict(request.user).filter(document=document))
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
    page, query = paginate(request, _tasks_with_units(queryset))
    units = Organization.objects.restrict(request.user).filter(task_units__isnull=False).distinct().order_by("code")
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
            "targets": task.targets.select_related("indicator", "region"),
            "history": history_for(task) if request.user.is_authenticated and request.user.is_program_office else None,
            "today": dt.date.today(),
        },
    )


@public
def indicator_detail(request, key):
    indicator = get_object_or_404(Indicator.objects.restrict(request.user), key=key)
    rows = target_rows(indicator, dt.date.today())
    return render(request, "policy/indicator_detail.html", {"indicator": indicator, "rows": rows})
