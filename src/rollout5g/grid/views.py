"""Pages of the power-supply assurance: outage notices (list, notify, one notice with its acknowledgements),
statistics per month and county, transfer-supply prices and reference prices, special checks with their findings,
and the public summary (figures only). Views are thin: they call services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate, paginate_lazily
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import allowed, available_actions, roles_for
from rollout5g.sites.models import Site

from . import services
from .choices import UTILITY_KIND, OutageKind, OutageState
from .forms import CheckForm, OutageForm, PriceForm, ReferenceForm
from .models import Finding, OutageAck, OutageNotice, ReferencePrice, SpecialCheck, TransferSupplyPrice
from .selectors import checking_departments, outage_statistics, rectify_clock, summary_figures, totals


def _form_page(request, form, heading, note=""):
    return render(request, "grid/form.html", {"form": form, "heading": heading, "note": note})


def _refused(request, exc):
    return render(request, "grid/refused.html", {"reason": str(exc)}, status=403)


# -- outages -----------------------------------------------------------------------------------------------------
def _notices(request):
    return OutageNotice.objects.restrict(request.user).select_related("utility")


@signed_in
def index(request):
    qs = _notices(request).annotate(n_sites=Count("sites", distinct=True)).order_by("-starts_at", "-code")
    params = request.GET
    if params.get("kind") in OutageKind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("state") in OutageState.values:
        qs = qs.filter(state=params["state"])
    def data():
        return {"pending_mine": OutageAck.objects.restrict(request.user).filter(
            organization_id=request.user.organization_id, state="pending").count()}

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    page, query = paginate_lazily(request, lambda: qs)
    return render(request, "grid/index.html", {
        "page": page, "query": query, "params": params, "kinds": OutageKind.choices, "states": OutageState.choices,
        "can_notify": _is_utility(request.user), "data": SimpleLazyObject(data),
    })


def _is_utility(user) -> bool:
    org = getattr(user, "organization", None)
    return org is not None and org.kind == UTILITY_KIND and can_add(user, OutageNotice)


@roles(*roles_for(OutageNotice, "add"))
@single_submit
def outage_new(request):
    if not _is_utility(request.user):
        return _form_page(request, None, _("Notify an outage"), _("Only the power company notifies outages."))
    form = OutageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.outage_notify(actor=request.user, kind=data["kind"], sites=data["sites"],
                                            starts_at=data["starts_at"], expected_end=data["expected_end"],
                                            area=data["area"], reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Outage %(code)s notified.") % {"code": notice.code})
            return redirect("grid:outage", code=notice.code)
    return _form_page(request, form, _("Notify an outage"))


@signed_in(record="grid.OutageNotice", lookup=("code", "code"))
def outage_detail(request, code):
    notice = get_object_or_404(_notices(request), code=code)
    acks = []
    for ack in notice.acks.select_related("organization", "acknowledged_by"):
        ack.notice = notice
        acks.append({"ack": ack, "can_ack": allowed(request.user, "acknowledge", ack)})
    return render(request, "grid/outage.html", {
        "notice": notice, "acks": acks, "actions": available_actions(request.user, notice),
        "sites": notice.sites.select_related("region", "owner").order_by("code"), "history": timeline(history_for(notice), notice),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })


@signed_in
@single_submit
def outage_action(request, code, step):
    if step not in ("restore", "cancel", "acknowledge"):
        raise Http404
    notice = get_object_or_404(_notices(request), code=code)
    if request.method != "POST":
        return redirect("grid:outage", code=code)
    post = request.POST
    try:
        if step == "restore":
            services.outage_restore(actor=request.user, notice=notice, actual_end=post.get("actual_end") or None,
                                    note=post.get("note", ""))
        elif step == "cancel":
            services.outage_cancel(actor=request.user, notice=notice, reason=post.get("reason", ""))
        else:
            ack = notice.acks.filter(pk=post.get("ack") or 0).first()
            if ack is None:
                raise ValidationError({"ack": [_("no such acknowledgement of this notice")]})
            services.outage_acknowledge(actor=request.user, ack=ack, note=post.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("grid:outage", code=code)


@signed_in
def statistics(request):
    notices = _notices(request)
    year = request.GET.get("year", "")
    if year.isdigit():
        notices = notices.filter(starts_at__year=int(year))
    months = outage_statistics(notices, by="month")
    return render(request, "grid/statistics.html", {
        "months": months, "total": totals(months), "counties": outage_statistics(notices, by="county"),
        "year": year})


# -- prices ------------------------------------------------------------------------------------------------------
@signed_in
def prices(request):
    qs = TransferSupplyPrice.objects.restrict(request.user).select_related("site", "payer")
    if request.GET.get("marked_up"):
        qs = qs.filter(markup__gt=0)
    page, query = paginate(request, qs)
    return render(request, "grid/prices.html", {
        "page": page, "query": query, "references": ReferencePrice.objects.restrict(request.user),
        "can_record": can_add(request.user, TransferSupplyPrice),
        "can_reference": can_add(request.user, ReferencePrice), "params": request.GET,
    })


@roles(*roles_for(TransferSupplyPrice, "add"))
@single_submit
def price_new(request):
    form = PriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = Site.objects.restrict(request.user).filter(code=data["site"].strip()).first()
        try:
            if site is None:
                raise ValidationError({"site": [_("no site %(code)s of yours") % {"code": data["site"]}]})
            row = services.price_record(actor=request.user, site=site, supplier=data["supplier"],
                                        price_per_kwh=data["price_per_kwh"], observed_on=data["observed_on"],
                                        note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Price %(code)s recorded.") % {"code": row.code})
            return redirect("grid:prices")
    return _form_page(request, form, _("Record a transfer-supply price"))


@roles(*roles_for(ReferencePrice, "add"))
@single_submit
def reference_new(request):
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_price_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("grid:prices")
    return _form_page(request, form, _("Enter a provincial reference price"))


# -- special checks ----------------------------------------------------------------------------------------------
def _checks(request):
    return SpecialCheck.objects.restrict(request.user).select_related("department", "region")


@signed_in
def checks(request):
    qs = _checks(request).annotate(n_findings=Count("findings", distinct=True)).order_by("-started_on", "-code")
    page, query = paginate(request, qs)
    return render(request, "grid/checks.html", {
        "page": page, "query": query, "departments": checking_departments(),
        "can_start": can_add(request.user, SpecialCheck)
        and checking_departments().filter(pk=request.user.organization_id).exists(),
    })


@roles(*roles_for(SpecialCheck, "add"))
@single_submit
def check_new(request):
    form = CheckForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.check_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Special check %(code)s started.") % {"code": check.code})
            return redirect("grid:check", code=check.code)
    note = _("Checks are run by: %(units)s.") % {"units": "、".join(str(d) for d in checking_departments())}
    return _form_page(request, form, _("Start a special check of transfer-supply prices"), note)


@signed_in(record="grid.SpecialCheck", lookup=("code", "code"))
def check_detail(request, code):
    check = get_object_or_404(_checks(request), code=code)
    today = dt.date.today()
    actions = available_actions(request.user, check)
    findings = []
    for f in check.findings.select_related("price__site", "price__payer"):
        if not Finding.objects.restrict(request.user).filter(pk=f.pk).exists():
            continue
        findings.append({"finding": f, "clock": rectify_clock(f, today),
                         "actions": available_actions(request.user, f)})
    found = check.findings.values_list("price_id", flat=True)
    candidates = (services.in_scope(check).filter(markup__gt=0).exclude(pk__in=found)
                  .select_related("site", "payer")[:100]) if actions.get("record_finding") else []
    return render(request, "grid/check.html", {
        "check": check, "findings": findings, "candidates": candidates, "actions": actions,
        "history": timeline(history_for(check), check)})


@signed_in
@single_submit
def check_action(request, code, step):
    if step not in ("finding", "close", "report", "verify", "reopen"):
        raise Http404
    check = get_object_or_404(_checks(request), code=code)
    if request.method != "POST":
        return redirect("grid:check", code=code)
    post = request.POST
    try:
        if step == "finding":
            price = TransferSupplyPrice.objects.filter(pk=post.get("price") or 0).first()
            services.finding_record(actor=request.user, check=check, price=price, order=post.get("order", ""))
        elif step == "close":
            services.check_close(actor=request.user, check=check, summary=post.get("summary", ""))
        else:
            finding = check.findings.filter(pk=post.get("finding") or 0).first()
            if finding is None:
                raise ValidationError({"finding": [_("no such finding of this check")]})
            if step == "report":
                services.finding_report(actor=request.user, finding=finding,
                                        rectified_price=post.get("rectified_price", ""), note=post.get("note", ""))
            elif step == "verify":
                services.finding_verify(actor=request.user, finding=finding, note=post.get("note", ""))
            else:
                services.finding_reopen(actor=request.user, finding=finding, order=post.get("order", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("grid:check", code=code)


# -- public summary ----------------------------------------------------------------------------------------------
@public
def summary(request):
    return render(request, "grid/summary.html", summary_figures())
