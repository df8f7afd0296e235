"""Pages of the industry registry and the incentives. Thin: reads go through ``restrict()``, writes call services."""

import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rollout5g.accounts.choices import Role
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import available_actions, declared, roles_for
from rollout5g.policy.cache import data_version, memoize
from rollout5g.policy.indicators import target_rows
from rollout5g.policy.models import IncentiveClause, Indicator

from . import services
from .choices import ApplicationState, CarrierKind, EvidenceKind, PilotCategory, Tier
from .exports import ledger_workbook
from .models import (
    Achievement,
    Application,
    Carrier,
    Evidence,
    IndustryProfile,
    PilotProject,
    PublicNotice,
    YearlyStatistic,
)
from .selectors import SOURCES, labelled_history, ledger_entries_for, ledger_totals
from .trace import trace_lines


def _error_text(exc: ValidationError) -> str:
    from rollout5g.platform.forms import error_text

    return error_text(exc)


@public
def index(request):
    def data():
        today = dt.date.today()
        version = data_version()  # the targets against actual values are computed once per data version
        indicators = []
        for indicator in Indicator.objects.restrict(request.user).filter(source__in=SOURCES).select_related("document"):
            rows = memoize("incentives.index.targets", (indicator.pk, today),
                           lambda indicator=indicator: target_rows(indicator, today, version=version), version=version)
            indicators.extend({"indicator": indicator, **row} for row in rows)
        firms = IndustryProfile.objects.restrict(request.user).aggregate(
            firms=Count("pk"), named_firms=Count("pk", filter=Q(named_in_document=True)))
        pilots = PilotProject.objects.restrict(request.user).aggregate(
            pilots=Count("pk", filter=Q(category=PilotCategory.APPLICATION_PILOT)),
            demos=Count("pk", filter=Q(category=PilotCategory.SMART_MANUFACTURING_DEMO)))
        counts = {**firms, **pilots, "achievements": Achievement.objects.restrict(request.user).count()}
        carriers = dict(Carrier.objects.restrict(request.user).values_list("kind").annotate(n=Count("pk")))
        carrier_counts = [(kind, label, carriers.get(kind, 0)) for kind, label in CarrierKind.choices]
        clauses = IncentiveClause.objects.restrict(request.user).select_related("document")
        return {"indicators": indicators, "counts": counts, "carrier_counts": carrier_counts, "clauses": clauses}

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "incentives/index.html", {"data": SimpleLazyObject(data)})


@public
def firm_list(request):
    qs = IndustryProfile.objects.restrict(request.user).select_related("organization", "region")
    tier = request.GET.get("tier", "")
    if tier:
        qs = qs.filter(tier=tier)
    if request.GET.get("named"):
        qs = qs.filter(named_in_document=True)
    page, query = paginate(request, qs)
    return render(request, "incentives/firm_list.html", {"page": page, "query": query, "tiers": Tier.choices,
                                                         "params": request.GET})


@public
def firm_detail(request, code):
    profile = get_object_or_404(IndustryProfile.objects.restrict(request.user).select_related("organization", "region"),
                                organization__code=code)
    org = profile.organization
    return render(request, "incentives/firm_detail.html", {
        "profile": profile,
        "pilots": PilotProject.objects.restrict(request.user).filter(lead=org),
        "achievements": Achievement.objects.restrict(request.user).filter(enterprise=org),
        "statistics": YearlyStatistic.objects.restrict(request.user).filter(organization=org),
        "carriers": Carrier.objects.restrict(request.user).filter(members=org),
    })


@public
def carrier_list(request):
    qs = Carrier.objects.restrict(request.user).select_related("region", "operator")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page, query = paginate(request, qs)
    return render(request, "incentives/carrier_list.html", {"page": page, "query": query, "kinds": CarrierKind.choices,
                                                            "params": request.GET})


@public
def carrier_detail(request, code):
    carrier = get_object_or_404(Carrier.objects.restrict(request.user).select_related("region", "operator"), code=code)
    return render(request, "incentives/carrier_detail.html", {
        "carrier": carrier, "recognitions": carrier.recognitions.all(), "members": carrier.members.all(),
        "statistics": YearlyStatistic.objects.restrict(request.user).filter(carrier=carrier),
    })


@public
def pilot_list(request):
    qs = PilotProject.objects.restrict(request.user).select_related("lead", "region").prefetch_related("recognitions")
    category = request.GET.get("category", "")
    if category:
        qs = qs.filter(category=category)
    page, query = paginate(request, qs)
    return render(request, "incentives/pilot_list.html", {"page": page, "query": query,
                                                          "categories": PilotCategory.choices, "params": request.GET})


@public
def pilot_detail(request, code):
    pilot = get_object_or_404(PilotProject.objects.restrict(request.user).select_related("lead", "region"), code=code)
    return render(request, "incentives/pilot_detail.html", {"pilot": pilot, "recognitions": pilot.recognitions.all()})


# -- applications ------------------------------------------------------------------------------------------------
@signed_in
def application_list(request):
    qs = Application.objects.restrict(request.user).select_related("enterprise", "clause", "region")
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    page, query = paginate(request, qs)
    return render(request, "incentives/application_list.html", {
        "page": page, "query": query, "states": ApplicationState.choices, "params": request.GET,
        "can_apply": request.user.role == Role.ENTERPRISE,
    })


def _apply_context(request):
    clauses = IncentiveClause.objects.restrict(request.user).order_by("sort_order")
    bases = sorted({t["base"] for c in clauses for t in c.terms})
    declarable = sorted({(k, v) for c in clauses for k, v in c.eligibility.items()
                         if k not in services.PLATFORM_FACTS and isinstance(v, str)})
    return {"clauses": clauses, "bases": bases, "declarable": declarable,
            "pilots": PilotProject.objects.restrict(request.user).filter(lead=request.user.organization),
            "parks": Carrier.objects.restrict(request.user).filter(kind=CarrierKind.PARK,
                                                                   operator=request.user.organization),
            "this_year": dt.date.today().year}


@roles(Role.ENTERPRISE)
@single_submit
def application_new(request):
    context = _apply_context(request)
    if request.method == "POST":
        p = request.POST
        try:
            clause = get_object_or_404(IncentiveClause, pk=p.get("clause"))
            used_bases = {t["base"] for c in services.clause_family(clause) for t in c.terms}
            amounts = {b: p.get(f"amount_{b}", "") for b in used_bases}
            declared = {k: v for k, v in context["declarable"] if p.get(f"declare_{k}") == v and k in clause.eligibility}
            pilot = context["pilots"].filter(pk=p.get("pilot") or None).first()
            park = context["parks"].filter(pk=p.get("park") or None).first()
            app = services.application_create(
                actor=request.user, enterprise=request.user.organization, clause=clause,
                project_title=p.get("project_title", ""),
                project_ref=p.get("project_ref", "") or (f"pilot:{pilot.code}" if pilot else
                                                        f"park:{park.code}" if park else ""),
                year=int(p.get("year") or context["this_year"]), amounts=amounts, declared=declared,
                pilot=pilot, carrier=park)
        except (ValidationError, ValueError) as exc:
            messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
            return render(request, "incentives/application_new.html", {**context, "params": p}, status=400)
        messages.success(request, _("Draft %(number)s created: add the invoices and documents, then submit.")
                         % {"number": app.number})
        return redirect("incentives:application_detail", app.number)
    return render(request, "incentives/application_new.html", {**context, "params": {}})


@signed_in(record="incentives.Application", lookup=("number", "number"))
def application_detail(request, number):
    app = get_object_or_404(Application.objects.restrict(request.user).select_related("enterprise", "clause",
                                                                                      "region", "pilot", "carrier"),
                            number=number)
    return render(request, "incentives/application_detail.html", {
        "app": app, "invoices": app.invoices.all(), "evidence": app.evidence.all(),
        "trace": trace_lines(app.trace), "history": labelled_history(app), "ledger": app.ledger.all(),
        "amount_bases": {t["base"] for c in services.clause_family(app.clause) for t in c.terms},
        "actions": available_actions(request.user, app),
        "evidence_kinds": EvidenceKind.choices, "today": dt.date.today(),
        "duplicates": services.duplicate_findings(app) if app.state in (ApplicationState.DRAFT,
                                                                        ApplicationState.RETURNED) else [],
    })


ACTIONS = {
    "submit": lambda u, a, p, f: services.application_submit(actor=u, application=a),
    "withdraw": lambda u, a, p, f: services.application_withdraw(actor=u, application=a, note=p.get("note", "")),
    "invoice": lambda u, a, p, f: services.invoice_add(
        actor=u, application=a, number=p.get("number", ""), issued_on=p.get("issued_on") or None,
        amount=p.get("amount", ""), seller=p.get("seller", ""), seller_tax_id=p.get("seller_tax_id", "")),
    "evidence": lambda u, a, p, f: services.evidence_add(actor=u, application=a, kind=p.get("kind", "other"),
                                                         upload=f["file"]),
    "review": lambda u, a, p, f: services.application_review(
        actor=u, application=a, eligibility_checked=bool(p.get("eligibility_checked")),
        evidence_checked=bool(p.get("evidence_checked")), note=p.get("note", "")),
    "adjust": lambda u, a, p, f: services.application_adjust(actor=u, application=a, amount=p.get("amount", ""),
                                                             reason=p.get("reason", "")),
    "return": lambda u, a, p, f: services.application_return(actor=u, application=a, note=p.get("note", "")),
    "reject": lambda u, a, p, f: services.application_reject(actor=u, application=a, note=p.get("note", "")),
    "notice": lambda u, a, p, f: services.notice_start(actor=u, application=a),
    "approve": lambda u, a, p, f: services.application_approve(actor=u, application=a),
    "pay": lambda u, a, p, f: services.application_pay(actor=u, application=a, reference=p.get("reference", "")),
    "claw_back": lambda u, a, p, f: services.application_claw_back(actor=u, application=a,
                                                                   amount=p.get("amount", ""),
                                                                   reason=p.get("reason", "")),
}


@signed_in
@require_POST
def application_action(request, number, action):
    app = get_object_or_404(Application.objects.restrict(request.user), number=number)
    if action not in ACTIONS:
        raise Http404(action)
    try:
        ACTIONS[action](request.user, app, request.POST, request.FILES)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except (TypeError, ValueError, KeyError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": declared(Application, action).label})
    return redirect("incentives:application_detail", number)


@signed_in
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.restrict(request.user), pk=pk)
    content_type = mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream"
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                        content_type=content_type)


@roles(*roles_for(PilotProject, "propose"))
@require_POST
def matches_run(request):
    """Propose the awards of the recognised pilots and parks (免申即享): the roles the declaration names."""
    created = services.match_awards(actor=request.user)
    messages.success(request, _("%(n)d new award(s) proposed.") % {"n": len(created)})
    return redirect("incentives:matches")


@signed_in
def matches(request):
    if request.method == "POST":
        return matches_run(request)
    qs = Application.objects.restrict(request.user).filter(track="auto").select_related("enterprise", "clause",
                                                                                       "pilot", "carrier")
    return render(request, "incentives/matches.html", {
        "apps": qs, "can_run": request.user.is_superuser or request.user.role in roles_for(PilotProject, "propose")})


@public
def notices(request):
    today = dt.date.today()
    qs = PublicNotice.objects.restrict(request.user).filter(end__gte=today).select_related("application")
    return render(request, "incentives/notices.html", {"notices": qs, "today": today})


@signed_in
def ledger(request):
    entries = ledger_entries_for(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        entries = entries.filter(year=int(year))
    return render(request, "incentives/ledger.html", {"entries": entries, "totals": ledger_totals(entries),
                                                      "params": request.GET})


@signed_in
def ledger_export(request):
    entries = ledger_entries_for(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        entries = entries.filter(year=int(year))
    data = ledger_workbook(entries)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="incentive-ledger.xlsx"'
    return response
