import datetime as dt
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.routes import PUBLIC_API

from .filters import FilterError, filter_tasks
from .indicators import target_rows
from .models import IncentiveClause, Indicator, PolicyDocument, PolicyTask
from .selectors import task_record, tasks_queryset

router = Router(tags=["policy"])


class DocumentOut(Schema):
    key: str
    title: str
    short_title: str
    doc_number: str
    issued_on: dt.date | None
    implements: str
    level: str
    region: str
    period_start: int | None
    period_end: int | None

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class TaskFilters(Schema):
    document: str = ""
    unit: str = ""
    role: str = ""
    status: str = ""
    deadline_before: str = ""
    deadline_after: str = ""
    has_deadline: str = ""
    overdue: str = ""
    tag: str = ""
    q: str = ""


class TargetOut(Schema):
    indicator: str
    indicator_name: str
    comparator: str
    value: Any
    year: int | None
    region: str
    set_by: str


class DocumentRef(Schema):
    id: str
    title: str


class TaskOut(Schema):
    id: int
    document: DocumentRef
    number: str
    section: str | None
    title: str
    text: str
    lead_units: list[str]
    supporting_units: list[str]
    responsible_units: list[str]
    open_ended: list[str]
    deadline: dt.date | None
    status: str
    targets: list[TargetOut]
    tags: list[str]


class IndicatorTargetOut(Schema):
    region: str
    year: int
    comparator: str
    value: Decimal
    due: dt.date | None
    text: str
    set_by: str
    actual: Decimal | None
    actual_as_of: dt.date
    actual_source: str
    met: bool | None


class IndicatorOut(Schema):
    key: str
    document: str
    name: str
    name_en: str
    unit: str
    measure: str
    source: str
    area_type: str
    clause: str
    targets: list[IndicatorTargetOut]


class IncentiveOut(Schema):
    key: str
    document: str
    name: str
    clause: str
    text: str
    kind: str
    terms: list[dict]
    amount: Decimal | None
    eligibility: dict
    exclusive_group: str
    exclusive_policy: str
    cap: Decimal | None
    rounding: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@router.get("/documents", response=list[DocumentOut], summary="Policy documents (public)", openapi_extra=PUBLIC_API)
def list_documents(request):
    return PolicyDocument.objects.restrict(request.user).order_by("level", "key")


@router.get("/documents/{key}", response=DocumentOut, openapi_extra=PUBLIC_API)
def get_document(request, key: str):
    return get_object_or_404(PolicyDocument.objects.restrict(request.user), key=key)


@router.get("/tasks", response=list[TaskOut], summary="Policy tasks with units, deadlines and targets (public)", openapi_extra=PUBLIC_API)
@paginate
def list_tasks(request, filters: Query[TaskFilters]):
    try:
        qs = filter_tasks(PolicyTask.objects.restrict(request.user), filters.dict())
    except FilterError as exc:
        raise HttpError(422, str(exc)) from exc
    return [dict(task_record(t), id=t.pk) for t in tasks_queryset(qs)]


@router.get("/tasks/{task_id}", response=TaskOut, openapi_extra=PUBLIC_API)
def get_task(request, task_id: int):
    task = get_object_or_404(tasks_queryset(PolicyTask.objects.restrict(request.user)), pk=task_id)
    return dict(task_record(task), id=task.pk)


def _indicator_out(indicator: Indicator) -> dict:
    rows = target_rows(indicator, dt.date.today())
    return {
        "key": indicator.key, "document": indicator.document.key, "name": indicator.name,
        "name_en": indicator.name_en, "unit": indicator.unit, "measure": indicator.measure,
        "source": indicator.source, "area_type": indicator.area_type, "clause": indicator.clause,
        "targets": [
            {"region": r["target"].region_id, "year": r["target"].year, "comparator": r["target"].comparator,
             "value": r["target"].value, "due": r["target"].due, "text": r["target"].text,
             "set_by": r["target"].origin, "actual": r["actual"],
             "actual_as_of": r["as_of"], "actual_source": r["source"], "met": r["met"]}
            for r in rows
        ],
    }


@router.get("/indicators", response=list[IndicatorOut], summary="Indicators with targets and actual values", openapi_extra=PUBLIC_API)
def list_indicators(request, document: str = ""):
    qs = Indicator.objects.restrict(request.user).select_related("document")
    if document:
        qs = qs.filter(document__key=document)
    return [_indicator_out(i) for i in qs]


@router.get("/indicators/{key}", response=IndicatorOut, openapi_extra=PUBLIC_API)
def get_indicator(request, key: str):
    return _indicator_out(get_object_or_404(Indicator.objects.restrict(request.user).select_related("document"), key=key))


@router.get("/incentives", response=list[IncentiveOut], summary="Incentive clauses as data (public)", openapi_extra=PUBLIC_API)
def list_incentives(request):
    return [
        dict({f: getattr(c, f) for f in IncentiveOut.model_fields if f != "document"}, document=c.document.key)
        for c in IncentiveClause.objects.restrict(request.user).select_related("document")
    ]
