"""Pages of programme supervision (/supervision/). Supervision records are internal: every page needs a login; the
programme office sees every task, a unit sees the tasks that name it."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rollout5g.accounts.choices import Role
from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.home import home_adcode
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.routes import roles, signed_in
from rollout5g.platform.workflow import allowed, roles_for
from rollout5g.policy.models import Indicator, PolicyTask
from rollout5g.regions.models import Region

from . import services
from .charts import bar_chart_svg
from .ledger import export_ledger, import_ledger
from .models import (
    EvaluationIndicator,
    Extension,
    FollowUpAction,
    Meeting,
    Milestone,
    ProgressReport,
    Snapshot,
    StatusRule,
)
from .selectors import (
    COLOUR_ORDER,
    approvals_panel,
    colour_counts,
    home_documents,
    indicator_regions,
    indicator_series,
    key_area_panel,
    regional_evaluation,
    task_status,
    task_statuses,
)


def visible_tasks(user):
    """Tasks the user supervises: all for the programme office, those naming the user's organization otherwise."""
    qs = PolicyTask.objects.restrict(user)
    if services.is_office(user):
        return qs
    return qs.filter(units__organization=user.organization_id).distinct()


def _parse_date(value, field):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a date (YYYY-MM-DD)"}) from None


def _error_text(exc) -> str:
    from rollout5g.platform.forms import error_text

    return error_text(exc)


def dashboard_context(user, today: dt.date) -> dict:
    rows = task_statuses(visible_tasks(user), today=today)
    red = sorted([r for r in rows if r.verdict.colour == "red"], key=lambda r: (r.task.document.key, r.task.sort_order))
    targets = []
    home = home_adcode()
    for indicator in (Indicator.objects.filter(document__in=home_documents(), targets__region_id=home).distinct()
                      .order_by("document__key", "sort_order")):
        target = indicator.targets.filter(region_id=home).order_by("-year").first()
        if target is None:
            continue
        from rollout5g.policy.indicators import observe

        obs = observe(indicator, target.region, min(today, target.due or dt.date(target.year, 12, 31)))
        targets.append({"indicator": indicator, "target": target, "actual": obs.value if obs else None,
                        "met": target.is_met_by(obs.value) if obs else None,
                        "share": float(obs.value / target.value) if obs and target.value else None})
    try:
        evaluation = regional_evaluation(today)
        scores = evaluation.rows()
    except (LookupError, ValueError):
        evaluation, scores = None, []
    return {
        "today": today, "rows": rows, "counts": colour_counts(rows), "red": red, "targets": targets,
        "scores": scores, "evaluation": evaluation, "approvals": approvals_panel(today),
        "key_areas": key_area_panel(),
        "score_chart": bar_chart_svg([(s["name"], s["score"]) for s in scores], unit=_("points"), reference=100),
        "target_chart": bar_chart_svg([(t["indicator"].name[:14], 100 * t["share"]) for t in targets if t["share"]],
                                      unit="%", reference=100),
    }


@signed_in
def index(request):
    context = dashboard_context(request.user, dt.date.today())
    context["scores_json"] = json.dumps({s["adcode"]: {"score": round(s["score"], 1), "tier": s["tier"],
                                                       "rank": s["rank"]} for s in context["scores"]})
    return render(request, "program/dashboard.html", context)


@signed_in
def task_board(request):
    rows = task_statuses(visible_tasks(request.user))
    counts = colour_counts(rows)
    colour = request.GET.get("colour", "")
    if colour:
        rows = [r for r in rows if r.verdict.colour == colour]
    rows.sort(key=lambda r: (COLOUR_ORDER[r.verdict.colour], r.task.document.key, r.task.sort_order))
    return render(request, "program/task_board.html", {"rows": rows, "colour": colour,
                                                        "counts": counts})


@signed_in
def task_detail(request, pk):
    task = get_object_or_404(visible_tasks(request.user), pk=pk)
    status = task_status(task)
    user = request.user
    leads = services.may_lead(user, task)
    milestones = list(Milestone.objects.restrict(user).filter(task=task).select_related("organization"))
    for m in milestones:  # a page offers only the steps that can succeed
        m.can_complete = m.done_on is None and (leads or allowed(user, "complete", m))
    extensions = list(Extension.objects.restrict(user).filter(task=task).select_related("organization"))
    for e in extensions:
        e.can_decide = allowed(user, "approve", e)
    return render(request, "program/task_detail.html", {
        "task": task, "status": status,
        "milestones": milestones,
        "reports": ProgressReport.objects.restrict(user).filter(task=task).select_related("organization",
                                                                                          "submitted_by"),
        "extensions": extensions,
        "approved_extensions": task.extensions.filter(state="approved").count(),
        "actions": FollowUpAction.objects.restrict(user).filter(task=task).select_related("organization"),
        "history": history_for(task),
        "transitions": services.allowed_transitions(user, task),
        "may_report": services.may_report(user, task),
        "report_units": Organization.objects.filter(pk__in=services.task_unit_ids(task)) if services.is_office(user)
        else None,
        "indicators": [t.indicator for t in task.targets.select_related("indicator")],
        "this_month": dt.date.today().strftime("%Y-%m"),
        "is_office": services.is_office(user),
    })


def _task_for_post(request, pk):
    return get_object_or_404(visible_tasks(request.user), pk=pk)


@signed_in
@require_POST
def task_transition(request, pk):
    task = _task_for_post(request, pk)
    try:
        services.task_transition(actor=request.user, task=task, to_status=request.POST.get("to", ""),
                                 note=request.POST.get("note", ""))
        messages.success(request, _("Task moved."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("program:task", pk=task.pk)


@roles(*roles_for(ProgressReport, "add"))
@require_POST
@single_submit
def task_report(request, pk):
    task = _task_for_post(request, pk)
    try:
        period = _parse_date(request.POST.get("period", "") + "-01", "period")
        organization = request.user.organization
        if services.is_office(request.user) and request.POST.get("organization"):
            organization = get_object_or_404(Organization, pk=request.POST["organization"])
        figures = {k[4:]: v for k, v in request.POST.items() if k.startswith("fig:")}
        services.report_submit(actor=request.user, task=task, organization=organization, period=period,
                               text=request.POST.get("text", ""), figures=figures,
                               attachment=request.FILES.get("attachment"))
        messages.success(request, _("Progress report saved."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("program:task", pk=task.pk)


@roles(*roles_for(Extension, "add"))
@require_POST
def task_extension(request, pk):
    task = _task_for_post(request, pk)
    try:
        services.extension_request(actor=request.user, task=task, reason=request.POST.get("reason", ""),
                                   new_deadline=_parse_date(request.POST.get("new_deadline"), "new_deadline"))
        messages.success(request, _("Extension requested."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("program:task", pk=task.pk)


@roles(*sorted(set(roles_for(Extension, "approve")) | set(roles_for(Extension, "reject"))))
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(Extension.objects.restrict(request.user), pk=pk)
    try:
        services.extension_decide(actor=request.user, extension=extension,
                                  approve=request.POST.get("decision") == "approve", note=request.POST.get("note", ""))
        messages.success(request, _("Extension decided."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("program:task", pk=extension.task_id)


@roles(*roles_for(Milestone, "complete"))
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(Milestone.objects.restrict(request.user), pk=pk)
    try:
        services.milestone_complete(actor=request.user, milestone=milestone, done_on=dt.date.today())
        messages.success(request, _("Milestone completed."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("program:task", pk=milestone.task_id)


@signed_in
def indicators(request):
    return render(request, "program/indicators.html", {
        "indicators": Indicator.objects.restrict(request.user).select_related("document").order_by("document__key",
                                                                                                  "sort_order")})


@signed_in
def indicator_detail(request, key):
    indicator = get_object_or_404(Indicator.objects.restrict(request.user), key=key)
    if request.method == "POST":
        try:
            region = get_object_or_404(Region, pk=request.POST.get("region"))
            services.indicator_value_enter(actor=request.user, indicator=indicator, region=region,
                                           as_of=_parse_date(request.POST.get("as_of"), "as_of"),
                                           value=request.POST.get("value", ""),
                                           source_note=request.POST.get("source_note", ""))
            messages.success(request, _("Value saved."))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        return redirect("program:indicator", key=key)
    regions = indicator_regions(indicator)
    series = [indicator_series(indicator, r) for r in regions]
    return render(request, "program/indicator_detail.html", {
        "indicator": indicator, "series": series, "series_json": json.dumps(series), "regions": regions,
        "values": indicator.values.select_related("region", "entered_by").order_by("-as_of")[:50]})


@signed_in
def evaluation(request):
    weights = {}
    for ind in EvaluationIndicator.objects.all():
        raw = request.GET.get(f"w_{ind.code}")
        if raw not in (None, ""):
            try:
                weights[ind.code] = float(raw)
            except ValueError:
                messages.error(request, f"{ind.code}: {raw!r} is not a number")
    if weights and abs(sum(weights.values()) - 1) > 1e-9:
        messages.error(request, _("What-if weights must sum to 1; showing the published weights."))
        weights = {}
    try:
        result = regional_evaluation(weights=weights or None)
    except (LookupError, ValueError) as exc:
        messages.error(request, str(exc))
        result = None
    sensitivity = []
    if result is not None:
        for row in result.sensitivity.rows:
            sensitivity.append({"indicator": row.indicator, "delta": row.delta, "changed": row.changed,
                                "max_shift": row.max_shift,
                                "ranks": [int(r) for r in row.rank], "changes": [int(c) for c in row.rank_change]})
    return render(request, "program/evaluation.html", {
        "result": result, "rows": result.rows() if result else [], "sensitivity": sensitivity,
        "weights": weights, "indicators": result.indicators if result else [],
        "entropy": [(i.code, float(w)) for i, w in zip(result.indicators, result.check.entropy.weights, strict=True)]
        if result else []})


@roles(Role.PROGRAM_OFFICE)
def snapshots(request):
    items = list(Snapshot.objects.restrict(request.user).order_by("-as_of"))
    diff, old, new = None, None, None
    if request.method == "POST":
        try:
            snap, created = services.snapshot_take(actor=request.user, as_of=dt.date.today())
            messages.success(request, _("Snapshot taken.") if created else _("Today's snapshot already exists."))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("program:snapshots")
    if request.GET.get("a") and request.GET.get("b"):
        old = get_object_or_404(Snapshot.objects.restrict(request.user), pk=request.GET["a"])
        new = get_object_or_404(Snapshot.objects.restrict(request.user), pk=request.GET["b"])
        diff = services.snapshot_diff(old, new)
    elif len(items) >= 2:
        old, new = items[1], items[0]
        diff = services.snapshot_diff(old, new)
    return render(request, "program/snapshots.html", {"snapshots": items, "diff": diff, "old": old, "new": new})


@signed_in
@single_submit
def meetings(request):
    if request.method == "POST":
        try:
            meeting = services.meeting_create(actor=request.user, title=request.POST.get("title", ""),
                                              held_on=_parse_date(request.POST.get("held_on"), "held_on"))
            return redirect("program:meeting", pk=meeting.pk)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
    return render(request, "program/meetings.html", {
        "meetings": Meeting.objects.restrict(request.user).distinct(), "is_office": services.is_office(request.user)})


@signed_in(record="program.Meeting", lookup=("pk", "pk"))
@single_submit
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.restrict(request.user).distinct(), pk=pk)
    if request.method == "POST":
        try:
            if "action" in request.POST:
                action = get_object_or_404(FollowUpAction.objects.restrict(request.user, "change"),
                                           pk=request.POST["action"])
                services.action_complete(actor=request.user, action=action, done_on=dt.date.today(),
                                         note=request.POST.get("note", ""))
            else:
                task = PolicyTask.objects.filter(pk=request.POST.get("task") or 0).first()
                services.action_create(actor=request.user, meeting=meeting, task=task,
                                       decision=request.POST.get("decision", ""),
                                       organization=get_object_or_404(Organization, pk=request.POST.get("organization")),
                                       due=_parse_date(request.POST.get("due"), "due"))
            messages.success(request, _("Saved."))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        return redirect("program:meeting", pk=meeting.pk)
    actions = list(meeting.actions.restrict(request.user).select_related("organization", "task"))
    for action in actions:
        action.can_complete = allowed(request.user, "complete", action)
    return render(request, "program/meeting_detail.html", {
        "meeting": meeting, "agenda": meeting.agenda.restrict(request.user).select_related("task"),
        "actions": actions,
        "is_office": services.is_office(request.user),
        "organizations": Organization.objects.filter(task_units__isnull=False).distinct().order_by("code"),
        "today": dt.date.today()})


@signed_in
def ledger(request):
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the filled ledger workbook."))
        else:
            result = import_ledger(actor=request.user, data=upload.read(), filename=upload.name)
            if result.ok:
                messages.success(request, _("%(n)d progress report(s) imported.") % {"n": result.imported})
    return render(request, "program/ledger.html", {"result": result}, status=400 if result and not result.ok else 200)


@signed_in
def ledger_download(request):
    response = HttpResponse(export_ledger(request.user),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="task-ledger-{dt.date.today():%Y%m%d}.xlsx"'
    return response


@signed_in
def briefing_pdf(request):
    """The leading group's briefing: indicators against targets, county scores, colour counts and the red list."""
    from rollout5g.platform.fonts import MissingFontError, require_cjk_font

    if not services.is_office(request.user):
        raise Http404
    try:
        require_cjk_font()  # never a briefing of empty boxes: refuse, naming the package to install
    except MissingFontError as exc:
        messages.error(request, str(exc))
        return redirect("program:index")
    from weasyprint import HTML

    context = dashboard_context(request.user, dt.date.today())
    html = render_to_string("program/briefing.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{dt.date.today():%Y%m%d}.pdf"'
    return response


@signed_in
def rules(request):
    return render(request, "program/rules.html", {"rules": StatusRule.objects.restrict(request.user)})
