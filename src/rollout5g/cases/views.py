"""Pages of the cases: the index with counts and the three lists, a list, a detail (with timeline and the forms of
the transitions the user may make) and an opening form per family. Views are thin: they call services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors, error_text
from rollout5g.platform.home import home_adcode
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import signed_in
from rollout5g.regions.services import home_districts

from . import actions, services
from .choices import IncidentKind, IncidentState, PowerKind, PowerState, RelocationCause, RelocationState
from .forms import DemolishedForm, IncidentReportForm, PowerApplyForm, RelocationOpenForm
from .models import ClockRule, IncidentCase, PowerCase, RelocationCase
from .selectors import rebuild_list, supply_by_county, with_clocks

FAMILY_META = {
    "power": {"model": PowerCase, "states": PowerState, "kinds": PowerKind.choices, "kind_field": "kind",
              "related": ("site", "site__region", "applicant", "handler")},
    "relocation": {"model": RelocationCase, "states": RelocationState, "kinds": RelocationCause.choices,
                   "kind_field": "cause", "related": ("site", "site__region", "operator", "replacement_site")},
    "incident": {"model": IncidentCase, "states": IncidentState, "kinds": IncidentKind.choices, "kind_field": "kind",
                 "related": ("site", "site__region", "reporter", "department")},
}
TITLES = {"power": gettext_lazy("Power cases"), "relocation": gettext_lazy("Relocation cases"),
          "incident": gettext_lazy("Incidents")}


def _filtered(request, family):
    meta = FAMILY_META[family]
    qs = meta["model"].objects.restrict(request.user).select_related(*meta["related"])
    params = request.GET
    if params.get("state") in meta["states"].values:
        qs = qs.filter(state=params["state"])
    if params.get("kind") in dict(meta["kinds"]):
        qs = qs.filter(**{meta["kind_field"]: params["kind"]})
    if params.get("county"):
        qs = qs.filter(site__region_id=params["county"])
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
        "counties": home_districts(),
        "family": family,
        "states": FAMILY_META[family]["states"].choices if family else [],
        "kinds": FAMILY_META[family]["kinds"] if family else [],
    }


@signed_in
def index(request):
    today = dt.date.today()
    sections = []
    for family in ("power", "relocation", "incident"):
        rows = _clock_filter(with_clocks(_filtered(request, family)[:200], today), request)
        sections.append({"family": family, "title": TITLES[family], "rows": rows[:15], "more": len(rows) > 15,
                         "counts": _counts(request, family),
                         "overdue": sum(1 for r in rows if r[1].state == "overdue")})
    return render(request, "cases/index.html", {
        "sections": sections, "today": today, **_filter_context(request),
        "can_report": can_add(request.user, IncidentCase),
        "can_apply": can_add(request.user, PowerCase),
        "can_relocate": can_add(request.user, RelocationCase),
    })


@signed_in
def case_list(request, family):
    if family not in FAMILY_META:
        raise Http404
    rows = _clock_filter(with_clocks(_filtered(request, family)), request)
    page, query = paginate(request, rows)
    context = {"page": page, "query": query, "title": TITLES[family], **_filter_context(request, family)}
    if family == "power":
        context["supply"] = supply_by_county()
    if family == "relocation":
        context["rebuild"] = rebuild_list(RelocationCase.objects.restrict(request.user))
    return render(request, "cases/case_list.html", context)


@signed_in
def case_detail(request, family, number):
    if family not in FAMILY_META:
        raise Http404
    meta = FAMILY_META[family]
    case = get_object_or_404(meta["model"].objects.restrict(request.user).select_related(*meta["related"]),
                             number=number)
    [(_case, clock)] = with_clocks([case])
    offered = [
        {"action": a, "fields": [(f, actions.FIELD_LABELS[f], f in a.form.required) for f in a.form.fields]}
        for a in actions.available(request.user, case)
    ]
    return render(request, "cases/case_detail.html", {
        "case": case, "clock": clock, "family": family, "offered": offered, "history": history_for(case),
        "today": dt.date.today(), "title": TITLES[family],
        "departments": Organization.objects.filter(kind="government_department", region_id=home_adcode())
        if family == "incident" else [],
    })


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
        messages.error(request, error_text(exc))
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
                                        location=data["location"], occurred_on=data["occurred_on"],
                                        fee_amount=data["fee_amount"] or None, description=data["description"])

    return _open_page(request, IncidentReportForm, _("Report an incident"), run)


@signed_in
def rules(request):
    return render(request, "cases/rules.html",
                  {"rules": ClockRule.objects.restrict(request.user).select_related("organization")})
