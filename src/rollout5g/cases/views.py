"""Pages of the cases: the index with counts and the three lists, a list, a detail (with timeline and the forms of
the transitions the user may make) and an opening form per family. Views are thin: they call services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.audit.presentation import describe_events
from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors, error_text
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import signed_in
from rollout5g.platform.tenancy import scope_district_regions, scope_root

from . import actions, services
from .choices import IncidentKind, IncidentState, PowerKind, PowerState, RelocationCause, RelocationState
from .forms import DemolishedForm, IncidentReportForm, PowerApplyForm, RelocationOpenForm
from .models import ClockRule, IncidentCase, PowerCase, RelocationCase
from .selectors import overdue_count, rebuild_list, supply_by_county, with_clocks, working_calendar

#: The boundaries of a case's county (two GeoJSON documents) are never shown on these pages: not loaded.
REGION_GEOMETRY = ("site__region__geometry", "site__region__display_geometry")
FAMILY_META = {
    "power": {"model": PowerCase, "states": PowerState, "kinds": PowerKind.choices, "kind_field": "kind",
              "related": ("site", "site__region", "applicant", "handler")},
    "relocation": {"model": RelocationCase, "states": RelocationState, "kinds": RelocationCause.choices,
                   "kind_field": "cause", "related": ("site", "site__region", "operator", "replacement_site")},
    "incident": {"model": IncidentCase, "states": IncidentState, "kinds": IncidentKind.choices, "kind_field": "kind",
                 "related": ("site", "site__region", "region", "reporter", "department"), "region": "region"},
}
TITLES = {"power": gettext_lazy("Power cases"), "relocation": gettext_lazy("Relocation cases"),
          "incident": gettext_lazy("Incidents")}


def _with_related(meta, queryset):
    """The cases with the rows their pages name, without the regions' boundaries (megabytes, never shown)."""
    regions = [r for r in meta["related"] if r == "region" or r.endswith("__region")]
    return queryset.select_related(*meta["related"]).defer(
        *[f"{r}__{g}" for r in regions for g in ("geometry", "display_geometry")])


def _filtered(request, family):
    meta = FAMILY_META[family]
    region = meta.get("region", "site__region")
    qs = _with_related(meta, meta["model"].objects.restrict(request.user))
    params = request.GET
    if params.get("state") in meta["states"].values:
        qs = qs.filter(state=params["state"])
    if params.get("kind") in dict(meta["kinds"]):
        qs = qs.filter(**{meta["kind_field"]: params["kind"]})
    if params.get("county"):  # a county, or a city (the province's filter): the cases in it and its counties
        qs = qs.filter(Q(**{f"{region}_id": params["county"]}) | Q(**{f"{region}__parent_id": params["county"]}))
    if params.get("open") == "1":
        from .choices import OPEN_STATES

        qs = qs.filter(state__in=OPEN_STATES[family])
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(number__icontains=q) | Q(site__code__icontains=q))
    return qs


def _clock_filter(rows, request):
    wanted = request.GET.get("clock", "")
    return [r for r in rows if r[1].state == wanted] if wanted else rows


def _counts(request, family):
    meta = FAMILY_META[family]
    by_state = dict(meta["model"].objects.restrict(request.user).order_by().values_list("state")
                    .annotate(n=Count("id")))
    return [(value, label, by_state.get(value, 0)) for value, label in meta["states"].choices]


def _filter_context(request, family=None):
    return {
        "params": request.GET,
        "counties": scope_district_regions(request.user),
        "family": family,
        "states": FAMILY_META[family]["states"].choices if family else [],
        "kinds": FAMILY_META[family]["kinds"] if family else [],
    }


@signed_in
def index(request):
    today = dt.date.today()
    return render(request, "cases/index.html", {
        # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
        "sections": SimpleLazyObject(lambda: _sections(request, today)), "today": today, **_filter_context(request),
        "can_report": can_add(request.user, IncidentCase),
        "can_apply": can_add(request.user, PowerCase),
        "can_relocate": can_add(request.user, RelocationCase),
    })


def _sections(request, today) -> list[dict]:
    calendar = working_calendar()  # read once for the three families
    sections = []
    for family in ("power", "relocation", "incident"):
        cases = _filtered(request, family)
        if request.GET.get("clock"):  # a filter by the clock's state: the clocks of the first 200 decide
            rows = _clock_filter(with_clocks(cases[:200], today, calendar), request)
            overdue = sum(1 for r in rows if r[1].state == "overdue")
        else:  # the 15 newest shown (one more tells there are more); overdue counted over the open cases
            rows = with_clocks(cases[:16], today, calendar)
            overdue = (overdue_count(cases, family, today, calendar) if len(rows) > 15
                       else sum(1 for r in rows if r[1].state == "overdue"))  # the rows are all the cases
        sections.append({"family": family, "title": TITLES[family], "rows": rows[:15], "more": len(rows) > 15,
                         "counts": _counts(request, family), "overdue": overdue})
    return sections


@signed_in
def case_list(request, family):
    if family not in FAMILY_META:
        raise Http404
    rows = _clock_filter(with_clocks(_filtered(request, family)), request)
    page, query = paginate(request, rows)
    context = {"page": page, "query": query, "title": TITLES[family], **_filter_context(request, family)}
    if family == "power":
        context["supply"] = supply_by_county(scope_root(request.user))
    if family == "relocation":
        context["rebuild"] = rebuild_list(RelocationCase.objects.restrict(request.user).defer(*REGION_GEOMETRY))
    return render(request, "cases/case_list.html", context)


@signed_in
def case_detail(request, family, number):
    if family not in FAMILY_META:
        raise Http404
    meta = FAMILY_META[family]
    case = get_object_or_404(_with_related(meta, meta["model"].objects.restrict(request.user)), number=number)
    [(_case, clock)] = with_clocks([case])
    offered = [
        {"action": a, "fields": [(f, actions.FIELD_LABELS[f], f in a.form.required) for f in a.form.fields]}
        for a in actions.available(request.user, case)
    ]
    return render(request, "cases/case_detail.html", {
        "case": case, "clock": clock, "family": family, "offered": offered, "history": describe_events(list(history_for(case).select_related("actor"))),
        "today": dt.date.today(), "title": TITLES[family],
        "departments": Organization.objects.filter(kind="government_department", region_id=scope_root(request.user))
        if family == "incident" else [],
    })


def _labelled_errors(exc: ValidationError, model) -> str:
    """A refusal as one line naming each field by its label (the case's field), never by its code."""
    if not hasattr(exc, "error_dict"):
        return error_text(exc)
    parts = []
    for field, msgs in exc.message_dict.items():
        text = " ".join(msgs)
        if field == NON_FIELD_ERRORS:
            parts.append(text)
            continue
        try:
            label = capfirst(str(model._meta.get_field(field).verbose_name))
        except FieldDoesNotExist:
            label = field
        parts.append(_("%(field)s: %(message)s") % {"field": label, "message": text})
    return "; ".join(parts)


@signed_in
def case_action(request, family, number, action):
    if family not in FAMILY_META:
        raise Http404
    case = get_object_or_404(FAMILY_META[family]["model"].objects.restrict(request.user), number=number)
    if request.method != "POST":
        return redirect("cases:detail", family=family, number=number)
    try:
        actions.perform(request.user, case, action, request.POST)
    except ValidationError as exc:  # bad input (CaseError) or a step not open now (ActionUnavailable)
        messages.error(request, _labelled_errors(exc, type(case)))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return render(request, "cases/refused.html", {"reason": str(exc)}, status=403)
    else:
        messages.success(request, _("Saved."))
    return redirect("cases:detail", family=family, number=number)


def _open_page(request, form_class, template, run):
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = run(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:detail", family=case.family, number=case.number)
    return render(request, "cases/case_form.html", {"form": form, "heading": template})


@signed_in
@single_submit
def power_new(request):
    def run(data):
        return services.power_apply(actor=request.user, site=data["site"], kind=data["kind"],
                                    capacity_kw=data["capacity_kw"], meter_number=data["meter_number"],
                                    note=data["note"])

    return _open_page(request, PowerApplyForm, _("Apply to the power company"), run)


@signed_in
@single_submit
def relocation_new(request):
    def run(data):
        return services.relocation_open(actor=request.user, site=data["site"], cause=data["cause"],
                                        project=data["project"], demanding_party=data["demanding_party"],
                                        notice_date=data["notice_date"], demolition_date=data["demolition_date"],
                                        note=data["note"])

    return _open_page(request, RelocationOpenForm, _("Record a relocation demand"), run)


@signed_in
@single_submit
def demolished_new(request):
    def run(data):
        return services.relocation_record_demolished(actor=request.user, site=data["site"], cause=data["cause"],
                                                     demanding_party=data["demanding_party"],
                                                     demolished_on=data["demolished_on"],
                                                     rebuild_due=data["rebuild_due"], note=data["note"])

    return _open_page(request, DemolishedForm, _("Record a site demolished earlier"), run)


@signed_in
@single_submit
def incident_new(request):
    def run(data):
        return services.incident_report(actor=request.user, kind=data["kind"], site=data["site"],
                                        location=data["location"], region=data["region"],
                                        occurred_on=data["occurred_on"],
                                        fee_amount=data["fee_amount"] or None, description=data["description"])

    return _open_page(request, IncidentReportForm, _("Report an incident"), run)


@signed_in
def rules(request):
    rows = list(ClockRule.objects.restrict(request.user).select_related("organization"))
    for rule in rows:
        rule.label = rule_label(rule.key)
    return render(request, "cases/rules.html", {"rules": rows})


#: The clocks of a relocation that are not a cause (``relocation.<what>``).
RELOCATION_CLOCKS = {"replacement": gettext_lazy("securing the replacement site"),
                     "rebuild": gettext_lazy("rebuilding a site demolished earlier")}


def rule_label(key: str) -> str:
    """A routing rule's key (``incident.theft``, ``power.conversion``, ``relocation.rebuild``) as a person reads it:
    the family's title and the kind's label."""
    family, _sep, kind = key.partition(".")
    choices = {"power": dict(PowerKind.choices), "incident": dict(IncidentKind.choices),
               "relocation": {**dict(RelocationCause.choices), **RELOCATION_CLOCKS}}.get(family, {})
    if family not in TITLES or kind not in choices:
        return key
    return _("%(family)s: %(kind)s") % {"family": TITLES[family], "kind": choices[kind]}
