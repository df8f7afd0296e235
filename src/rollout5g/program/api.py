"""JSON API of this capability, mounted at /api/supervision. Login required (session); the programme office sees
every task, a unit the tasks that name it."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent

from . import services
from .models import ProgressReport
from .selectors import regional_evaluation, task_status, task_statuses
from .views import visible_tasks

router = Router(tags=["Supervision"], auth=session_or_token)


class TaskStatusOut(Schema):
    id: int
    document: str
    number: str
    title: str
    status: str
    deadline: dt.date | None
    colour: str
    rule: str
    explanation: str


def _status_out(row) -> dict:
    return {"id": row.task.pk, "document": row.task.document.key, "number": row.task.number,
            "title": row.task.title, "status": row.task.status, "deadline": row.facts.deadline,
            "colour": row.verdict.colour, "rule": row.verdict.rule, "explanation": row.verdict.message}


@router.get("/tasks", response=list[TaskStatusOut], summary="Supervised tasks with their colour and the rule that fired")
def list_tasks(request, colour: str = ""):
    rows = task_statuses(visible_tasks(request.user))
    return [_status_out(r) for r in rows if not colour or r.verdict.colour == colour]


@router.get("/tasks/{task_id}", response=TaskStatusOut)
def get_task(request, task_id: int):
    task = get_object_or_404(visible_tasks(request.user), pk=task_id)
    return _status_out(task_status(task))


class ReportIn(Schema):
    period: str  # YYYY-MM
    text: str
    figures: dict[str, str] = {}
    organization: str = ""  # organization code; the office reports on behalf of a unit


class ReportOut(Schema):
    id: int
    task: int
    organization: str
    period: dt.date
    text: str
    figures: dict


@router.post("/tasks/{task_id}/reports", response={201: ReportOut})
@idempotent
def submit_report(request, task_id: int, payload: ReportIn):
    from rollout5g.organizations.models import Organization

    task = get_object_or_404(visible_tasks(request.user), pk=task_id)
    organization = request.user.organization
    if payload.organization:
        organization = get_object_or_404(Organization, code=payload.organization)
    try:
        period = dt.date.fromisoformat(payload.period + "-01")
        report = services.report_submit(actor=request.user, task=task, organization=organization, period=period,
                                        text=payload.text, figures=payload.figures)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(400, f"period: {exc}") from exc
    except ValidationError as exc:
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    return 201, {"id": report.pk, "task": task.pk, "organization": organization.code, "period": report.period,
                 "text": report.text, "figures": report.figures}


@router.get("/tasks/{task_id}/reports", response=list[ReportOut])
def list_reports(request, task_id: int):
    task = get_object_or_404(visible_tasks(request.user), pk=task_id)
    return [{"id": r.pk, "task": task.pk, "organization": r.organization.code, "period": r.period, "text": r.text,
             "figures": r.figures}
            for r in ProgressReport.objects.restrict(request.user).filter(task=task).select_related("organization")]


class EvaluationIndicatorOut(Schema):
    code: str
    name: str
    weight: float
    direction: str


class EvaluationRegionOut(Schema):
    adcode: str
    name: str
    score: float
    rank: int
    tier: str
    topsis: float | None


class EvaluationOut(Schema):
    as_of: str
    indicators: list[EvaluationIndicatorOut]
    spearman: float | None
    regions: list[EvaluationRegionOut]
    missing: Any


@router.get("/evaluation", response=EvaluationOut,
            summary="Composite scores, tiers and ranks of a city's counties (level=county) or of the province's cities "
                    "(level=city) with the TOPSIS check")
def evaluation(request, level: str = "county"):
    from .choices import EvaluationLevel
    from .selectors import evaluation_scope

    if level not in EvaluationLevel.values:
        raise HttpError(404, "unknown level: use county or city")
    parent = evaluation_scope(request.user, level)
    if parent is None:
        raise HttpError(403, "the evaluation of the cities is the province's")
    result = regional_evaluation(level=level, parent=parent)
    return {
        "as_of": result.as_of.isoformat(),
        "indicators": [{"code": i.code, "name": i.name, "weight": float(i.weight), "direction": i.direction}
                       for i in result.indicators],
        "spearman": result.check.spearman,
        "regions": [{"adcode": r["adcode"], "name": r["name"], "score": r["score"], "rank": r["rank"],
                     "tier": r["tier"], "topsis": r["topsis"]} for r in result.rows()],
        "missing": result.missing,
    }
