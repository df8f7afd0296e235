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
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rollout5g.accounts.choices import Role
from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.routes import roles, signed_in
from rollout5g.platform.workflow import allowed, available_actions, roles_for
from rollout5g.policy.cache import memoize
from rollout5g.policy.choices import TaskStatus
from rollout5g.policy.models import Indicator, PolicyTask
from rollout5g.regions.models import Region

from . import services
from .charts import SCORE_PALETTE, bar_chart_svg, legend_svg, score_classes
from .choices import Colour, EvaluationLevel
from .ledger import export_ledger, import_ledger
from .models import (
    EvaluationIndicator,
    EvaluationPublication,
    EvaluationResult,
    Extension,
    FollowUpAction,
    Meeting,
    Milestone,
    ProgressReport,
    Snapshot,
    StatusRule,
)
from .presentation import explanation_template, rule_sentence
from .selectors import (
    COLOUR_ORDER,
    approvals_panel,
    colour_counts,
    evaluation_scope,
    home_targets,
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


def colour_rows(counts: dict) -> list[tuple[str, str, int]]:
    """(colour, its label, number of tasks) in the order red, amber, grey, green."""
    return [(colour, Colour(colour).label, n) for colour, n in counts.items()]


def dashboard_context(user, today: dt.date) -> dict:
    rows = task_statuses(visible_tasks(user), today=today)
    red = sorted([r for r in rows if r.verdict.colour == "red"], key=lambda r: (r.task.document.key, r.task.sort_order))
    targets = home_targets(today)
    try:
        parent = evaluation_scope(user, "county")
        if parent is None:
            raise LookupError(parent)
        evaluation = regional_evaluation(today, parent=parent)
        scores = evaluation.rows()
    except (LookupError, ValueError):
        evaluation, scores = None, []
    # colour classes over the scores present (all seven counties may share one tier; the map still separates them)
    classes, legend = score_classes([s["score"] for s in scores])
    scores = [{**s, "colour": SCORE_PALETTE[c], "colour_class": c} for s, c in zip(scores, classes, strict=True)]
    counts = colour_counts(rows)
    colours = colour_rows(counts)
    return {
        "today": today, "rows": rows, "counts": counts, "colour_rows": colours, "red": red, "targets": targets,
        "scores": scores, "score_legend": legend, "evaluation": evaluation, "approvals": approvals_panel(today),
        "key_areas": key_area_panel(),
        "colour_chart": bar_chart_svg([(label, n) for _, label, n in colours], digits=0, width=300,
                                      fills=[COLOUR_FILLS[c] for c, _, _ in colours]),
        "score_chart": bar_chart_svg([(s["name"], s["score"]) for s in scores], unit=_("points"), reference=100,
                                     fills=[s["colour"] for s in scores]),
        "score_chart_legend": legend_svg([(item["colour"], _("%(low)s–%(high)s points") % {
            "low": f"{item['low']:.1f}", "high": f"{item['high']:.1f}"}) for item in legend]),
        "target_chart": bar_chart_svg([(t["indicator"].name, 100 * t["share"]) for t in targets if t["share"]],
                                      unit="%", reference=100),
        "target_chart_legend": legend_svg([
            ("met", _("target reached")),
            ("near", _("%(low)s–%(high)s of target") % {"low": "80%", "high": "100%"}),
            ("behind", _("below %(share)s of target") % {"share": "80%"})]),
    }


#: Bar fills of the task colours (the traffic-light colour, a pattern for print).
COLOUR_FILLS = {"red": "behind", "amber": "near", "grey": "#b0bec5", "green": "met"}


@signed_in
def index(request):
    def data():
        context = dashboard_context(request.user, dt.date.today())
        context["scores_json"] = {s["adcode"]: {"score": round(s["score"], 1), "tier": s["tier"], "rank": s["rank"],
                                                "colour": s["colour"]} for s in context["scores"]}
        return context

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "program/dashboard.html", {"data": SimpleLazyObject(data)})


@signed_in
def task_board(request):
    rows = task_statuses(visible_tasks(request.user))
    counts = colour_counts(rows)
    colour = request.GET.get("colour", "")
    if colour:
        rows = [r for r in rows if r.verdict.colour == colour]
    rows.sort(key=lambda r: (COLOUR_ORDER[r.verdict.colour], r.task.document.key, r.task.sort_order))
    return render(request, "program/task_board.html", {"rows": rows, "colour": colour, "counts": counts,
                                                        "colour_rows": colour_rows(counts)})


@signed_in
def task_detail(request, pk):
    task = get_object_or_404(visible_tasks(request.user), pk=pk)
    status = task_status(task)
    user = request.user
    leads = services.may_lead(user, task)
    milestones = list(Milestone.objects.restrict(user).filter(task=task).select_related("organization"))
    for m in milestones:  # a page offers only the steps that can succeed
        m.can_complete = m.done_on is None and (leads or allowed(user, "complete", m))
    extensions = list(Extension.objects.restrict(user).filter(task=task).select_related("organization", "decided_by"))
    for e in extensions:  # approve and reject are offered only where the declared step can be taken now
        e.actions = available_actions(user, e, ("approve", "reject"))
        e.can_decide = any(e.actions.values())
    reports = list(ProgressReport.objects.restrict(user).filter(task=task).select_related("organization",
                                                                                          "submitted_by"))
    names = dict(Indicator.objects.filter(key__in={k for r in reports for k in r.figures}).values_list("key", "name"))
    for r in reports:
        r.figure_rows = [(names.get(k, k), v) for k, v in r.figures.items()]
    return render(request, "program/task_detail.html", {
        "task": task, "status": status,
        "milestones": milestones,
        "reports": reports,
        "extensions": extensions,
        "approved_extensions": task.extensions.filter(state="approved").count(),
        "actions": FollowUpAction.objects.restrict(user).filter(task=task).select_related("organization"),
        "history": timeline(task),
        "transitions": [(t, TaskStatus(t).label) for t in services.allowed_transitions(user, task)],
        "may_report": services.may_report(user, task),
        "report_units": Organization.objects.filter(pk__in=services.task_unit_ids(task)) if services.is_office(user)
        else None,
        "indicators": [t.indicator for t in task.targets.select_related("indicator")],
        "this_month": dt.date.today().strftime("%Y-%m"),
        "is_office": services.is_office(user),
    })


def timeline(task) -> list[dict]:
    """The task's audit events as sentences: who (by name) moved it from which state to which, completed which
    milestone, reported for which month; other changes as their fields' labels with the values as labels
    (audit.presentation)."""
    from rollout5g.audit.presentation import describe_events

    out = []
    for row in describe_events(list(history_for(task).select_related("actor"))):
        e = row["event"]
        before, after = e.before or {}, e.after or {}
        values = {"actor": row["actor"]}
        if "status" in after and "status" in before:
            text = _("%(actor)s changed the status from %(old)s to %(new)s") % {
                **values, "old": _status_label(before["status"]), "new": _status_label(after["status"])}
        elif "milestone_done" in after:
            text = _("%(actor)s completed the milestone “%(title)s” on %(date)s") % {
                **values, "title": after["milestone_done"], "date": _long_date_text(after.get("done_on"))}
        elif "report" in after:
            text = _("%(actor)s filed the progress report of %(unit)s for %(month)s") % {
                **values, "unit": after.get("unit", ""), "month": _month_text(after["report"])}
        elif row["created"]:
            text = _("%(actor)s created the task") % values
        else:
            changes = "；".join(f"{c['label']}：{c['before']} → {c['after']}" for c in row["changes"]) or "—"
            text = _("%(actor)s changed: %(fields)s") % {**values, "fields": changes}
        out.append({"event": e, "text": text, "note": e.note})
    return out


def _status_label(value) -> str:
    return TaskStatus(value).label if value in TaskStatus.values else str(value)


def _long_date_text(value) -> str:
    from rollout5g.platform.formats import long_date

    try:
        return long_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "—")


def _month_text(value) -> str:
    """"2026-12" as the reader writes a month (2026年12月)."""
    from django.utils.formats import date_format

    try:
        return date_format(dt.date.fromisoformat(f"{value}-01"), "YEAR_MONTH_FORMAT")
    except (TypeError, ValueError):
        return str(value)


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


def published_results(user, level: str = "city") -> list[EvaluationResult]:
    """The latest published result of each region of ``level`` the user may read (a city's office: its own city)."""
    latest = EvaluationPublication.objects.filter(level=level).order_by("-published_at", "-pk").first()
    if latest is None:
        return []
    return list(EvaluationResult.objects.restrict(user).filter(publication=latest)
                .select_related("publication").defer("region__geometry", "region__display_geometry")
                .select_related("region").order_by("rank", "region_id"))


@signed_in
def evaluation(request):
    level = request.GET.get("level", "county")
    if level not in EvaluationLevel.values:
        raise Http404
    parent = evaluation_scope(request.user, level)
    if parent is None:
        raise PermissionDenied
    weights = {}
    published = list(EvaluationIndicator.objects.filter(level=level).select_related("indicator")
                     .order_by("sort_order"))
    for ind in published:
        raw = request.GET.get(f"w_{ind.code}")
        if raw not in (None, ""):
            try:
                weights[ind.code] = float(raw.strip().rstrip("%")) / (100 if raw.strip().endswith("%") else 1)
            except ValueError:
                messages.error(request, _("%(indicator)s: “%(value)s” is not a number.") % {
                    "indicator": ind.indicator.name, "value": raw})
    if weights and abs(sum(weights.values()) - 1) > 1e-9:
        messages.error(request, _("What-if weights must sum to 1; showing the published weights."))
        weights = {}
    try:
        result = regional_evaluation(weights=weights or None, level=level, parent=parent)
    except LookupError:
        messages.error(request, _("No region here has a published target for every evaluation indicator."))
        result = None
    except ValueError as exc:
        messages.error(request, str(exc))
        result = None
    sensitivity, rows, columns, entropy = [], [], [], []
    if result is not None:
        # people read the policy indicator's name (in the document's language) and values in its unit
        label = {}
        for i in result.indicators:
            label[i.code] = label[i.name] = i.indicator.name
        columns = [{"code": i.code, "name": i.indicator.name, "weight": i.weight,
                    "what_if": weights.get(i.code)} for i in result.indicators]
        for row in result.rows():
            for cell, ind in zip(row["cells"], result.indicators, strict=True):
                cell["actual_text"] = ind.indicator.format_value(cell["actual"])
                cell["target_text"] = ind.indicator.format_value(cell["target"])
            prefix = f"{row['name']}："
            row["missing"] = sum(1 for m in result.missing if m.startswith(prefix))
            row["no_data"] = row["missing"] == len(result.indicators)
            rows.append(row)
        for srow in result.sensitivity.rows:
            sensitivity.append({"indicator": label.get(srow.indicator, srow.indicator), "delta": srow.delta,
                                "changed": srow.changed, "max_shift": srow.max_shift,
                                "ranks": [int(r) for r in srow.rank], "changes": [int(c) for c in srow.rank_change]})
        entropy = [(label[i.code], float(w)) for i, w in zip(result.indicators, result.check.entropy.weights,
                                                               strict=True)]
    city_scope = evaluation_scope(request.user, "city")
    mine = published_results(request.user, "city")
    return render(request, "program/evaluation.html", {
        "result": result, "rows": rows, "sensitivity": sensitivity, "weights": weights, "columns": columns,
        "entropy": entropy, "level": level, "levels": EvaluationLevel.choices,
        "may_see_cities": city_scope is not None and (EvaluationIndicator.objects.filter(level="city").exists()),
        "may_publish": level == "city" and city_scope is not None and services.is_office(request.user),
        "published": mine if level == "county" or city_scope is None else [],
        "last_publication": EvaluationPublication.objects.filter(level="city").order_by("-published_at").first()
        if city_scope is not None else None})


@roles(Role.PROGRAM_OFFICE)
@require_POST
@single_submit
def evaluation_publish(request):
    """The province's office publishes today's city evaluation to the cities (audited)."""
    try:
        services.evaluation_publish(actor=request.user, as_of=dt.date.today(), level="city",
                                    note=request.POST.get("note", ""))
        messages.success(request, _("The evaluation of the cities is published to the cities."))
    except (PermissionDenied, ValidationError, LookupError, ValueError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect(f"{reverse('program:evaluation')}?level=city")


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
    if diff:
        diff = _readable_diff(diff)
    return render(request, "program/snapshots.html", {"snapshots": items, "diff": diff, "old": old, "new": new})


def _readable_diff(diff: dict) -> dict:
    """Labels instead of codes in a snapshot comparison: states, colours, indicator and region names, values in
    the indicator's unit."""
    def state(value):
        return TaskStatus(value).label if value in TaskStatus.values else value

    def colour(value):
        return Colour(value).label if value in Colour.values else value

    tasks = [{**t, "status_label": state(t.get("status")), "before_status_label": state(t.get("before_status")),
              "colour_label": colour(t.get("colour")), "before_colour_label": colour(t.get("before_colour"))}
             for t in diff["tasks"]]
    keys = {i["indicator"] for i in diff["indicators"]}
    indicators = {i.key: i for i in Indicator.objects.filter(key__in=keys)}
    regions = dict(Region.objects.filter(pk__in={i["region"] for i in diff["indicators"]})
                   .values_list("adcode", "name"))
    rows = []
    for item in diff["indicators"]:
        ind = indicators.get(item["indicator"])
        fmt = ind.format_value if ind else (lambda v: "—" if v is None else str(v))
        rows.append({**item, "indicator": ind.name if ind else item["indicator"],
                     "region": regions.get(item["region"], item["region"]), "before": fmt(item["before"]),
                     "after": fmt(item["after"]), "delta": fmt(item["delta"]) if item["delta"] is not None else ""})
    return {**diff, "tasks": tasks, "indicators": rows}


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


def briefing_bytes(user, today: dt.date, *, base_url: str | None = None) -> bytes:
    """The briefing as PDF bytes (WeasyPrint; charts are inline SVG, tables of fixed layout)."""
    from weasyprint import HTML

    html = render_to_string("program/briefing.html", dashboard_context(user, today))
    return HTML(string=html, base_url=base_url).write_pdf()


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
    today = dt.date.today()
    # the same briefing for every office user: made once per data version, day and language (policy.cache)
    pdf = memoize("program.briefing_pdf", (today, get_language()),
                  lambda: briefing_bytes(request.user, today, base_url=request.build_absolute_uri("/")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{dt.date.today():%Y%m%d}.pdf"'
    return response


@signed_in
def rules(request):
    rows = list(StatusRule.objects.restrict(request.user))
    for r in rows:  # what each rule checks and what it says, with its parameters and facts named, not coded
        r.sentence = rule_sentence(r.kind, r.params)
        r.explanation_template = explanation_template(r.explanation)
    return render(request, "program/rules.html", {"rules": rows})


# -- the province's views of its cities ---------------------------------------------------------------------------
def _province_context(request) -> dict:
    from . import province

    today = dt.date.today()
    overview = province.province_overview(request.user, today)
    layer = province.colour_of(overview, request.GET.get("colour", "score"))
    return {"o": overview, "layer": layer, "choices": province.map_choices(overview),
            "cities_json": province.cities_json(layer), "today": today}


@roles(Role.PROGRAM_OFFICE, Role.DEPARTMENT)
def province_view(request):
    """The province's cities side by side: indicators from each city's live data and the province's total, the
    special plan and the open list against their deadlines, the evaluation score, a map coloured by any of them. A
    city's units see their own city only."""
    context = _province_context(request)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        from .ledger import province_workbook

        response = HttpResponse(province_workbook(context["o"]),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="province-{context["today"]:%Y%m%d}.xlsx"'
        return response
    if fmt == "pdf":
        from weasyprint import HTML

        from rollout5g.platform.fonts import MissingFontError, require_cjk_font

        try:
            require_cjk_font()  # never a briefing of empty boxes: refuse, naming the package to install
        except MissingFontError as exc:
            messages.error(request, str(exc))
            return redirect("program:province")
        html = render_to_string("program/province_briefing.html", context)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="province-briefing-{context["today"]:%Y%m%d}.pdf"'
        return response
    return render(request, "program/province.html", context)
