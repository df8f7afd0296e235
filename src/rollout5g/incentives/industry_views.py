"""Pages of the industry workflows: the listing pipeline, first-of-kind applications, the talent catalogue and
support, events, the application cases and their public gallery, the alliances. Thin: reads go through
``restrict()``, writes call :mod:`rollout5g.incentives.industry_services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors, error_text
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.roles import Role
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import available_actions, declared, roles_for

from . import industry_services as services
from .choices import (
    ActivityKind,
    Board,
    CaseState,
    EventKind,
    EventState,
    FirstKind,
    FirstState,
    Level,
    ListingStage,
    MemberRole,
    PilotField,
    Shortage,
    SupportKind,
    TalentField,
    TalentLevel,
)
from .industry_forms import CaseForm, EventForm, FirstForm, ListingForm, TalentEntryForm, TalentSupportForm
from .industry_models import (
    Alliance,
    ApplicationCase,
    FirstEvidence,
    FirstOfKind,
    IndustryEvent,
    ListingCompany,
    ListingStageChange,
    TalentEntry,
    TalentSupport,
)
from .selectors import labelled_history, listing_counts, support_totals


def _done(request, model, step):
    messages.success(request, _("Done: %(action)s.") % {"action": declared(model, step).label})


def _form_page(request, form, heading, status=200):
    return render(request, "incentives/industry/form.html", {"form": form, "heading": heading}, status=status)


def _refused(request, exc):
    return render(request, "incentives/industry/refused.html", {"reason": error_text(exc)}, status=403)


def _run_step(request, model, step, call, back):
    """Take a step from a page's form: the service's refusal is a 403 page, bad input a message on the page."""
    if request.method != "POST":
        return back
    try:
        call()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        _done(request, model, step)
    return back


# -- 凤凰行动 -------------------------------------------------------------------------------------------------------
def _listings(request):
    return ListingCompany.objects.restrict(request.user).select_related("enterprise", "regulator")


@signed_in
def listing_list(request):
    qs = _listings(request)
    stage = request.GET.get("stage", "")
    if stage in ListingStage.values:
        qs = qs.filter(stage=stage)
    page, query = paginate(request, qs)
    changes = ListingStageChange.objects.restrict(request.user)
    return render(request, "incentives/industry/listing_list.html", {
        "page": page, "query": query, "params": request.GET, "stages": ListingStage.choices,
        "counts": listing_counts(changes), "stage_labels": ListingStage.labels,
        "can_add": can_add(request.user, ListingCompany),
    })


@roles(*roles_for(ListingCompany, "add"))
@single_submit
def listing_new(request):
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.listing_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("%(enterprise)s is in the listing pipeline.") % {
                "enterprise": company.enterprise})
            return redirect("incentives:listing", code=company.code)
    return _form_page(request, form, _("Add an enterprise to the listing pipeline"))


@signed_in(record="incentives.ListingCompany", lookup=("code", "code"))
def listing_detail(request, code):
    company = get_object_or_404(_listings(request), code=code)
    return render(request, "incentives/industry/listing_detail.html", {
        "c": company, "changes": company.changes.all(), "history": labelled_history(company),
        "actions": available_actions(request.user, company), "boards": Board.choices,
        "steps": [(name, declared(ListingCompany, name).label) for name in services.LISTING_STEPS],
        "today": timezone.localdate().isoformat(),
    })


@signed_in
@single_submit
def listing_step(request, code, step):
    if step not in services.LISTING_STEPS:
        raise Http404
    company = get_object_or_404(_listings(request), code=code)
    p = request.POST
    return _run_step(request, ListingCompany, step, lambda: services.listing_step(
        actor=request.user, company=company, step=step, on=p.get("on") or None, note=p.get("note", ""),
        board=p.get("board", ""), stock_code=p.get("stock_code", "")), redirect("incentives:listing", code=code))


# -- 首台套 / 首批次 / 首版次 ----------------------------------------------------------------------------------------
def _firsts(request):
    return FirstOfKind.objects.restrict(request.user).select_related("enterprise", "reviewer")


@public
def first_list(request):
    """Recognised products are public (认定名单); applicants and reviewers see their own applications too."""
    qs = _firsts(request)
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    if kind in FirstKind.values:
        qs = qs.filter(kind=kind)
    if state in FirstState.values:
        qs = qs.filter(state=state)
    page, query = paginate(request, qs)
    return render(request, "incentives/industry/first_list.html", {
        "page": page, "query": query, "params": request.GET, "kinds": FirstKind.choices, "states": FirstState.choices,
        "can_apply": can_add(request.user, FirstOfKind) and not request.user.is_superuser,
    })


@roles(*roles_for(FirstOfKind, "add"))
@single_submit
def first_new(request):
    form = FirstForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.first_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Draft %(number)s created: upload the evidence, then submit.") % {
                "number": application.number})
            return redirect("incentives:first", number=application.number)
    return _form_page(request, form, _("Apply for a first-of-kind recognition"))


def _party(request, application) -> bool:
    """The applicant, the reviewing department and the programme office see the evidence and the review."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.PROGRAM_OFFICE:
        return True
    return user.organization_id in (application.enterprise_id, application.reviewer_id)


@public(record="incentives.FirstOfKind", lookup=("number", "number"))
def first_detail(request, number):
    application = get_object_or_404(_firsts(request), number=number)
    party = _party(request, application)
    return render(request, "incentives/industry/first_detail.html", {
        "a": application, "party": party, "actions": available_actions(request.user, application),
        "history": labelled_history(application) if party else [], "levels": Level.choices, "kinds": FirstKind.choices,
        "recognitions": application.recognitions.all(), "claims": application.applications.all() if party else [],
        "evidence": FirstEvidence.objects.restrict(request.user).filter(application=application),
    })


@signed_in
def first_evidence_download(request, pk):
    """A document of an application: only whom the evidence's policy admits (applicant, reviewer, office)."""
    evidence = get_object_or_404(FirstEvidence.objects.restrict(request.user), pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


FIRST_STEPS = ("edit", "evidence", "submit", "return", "recognise", "reject")


@signed_in
@single_submit
def first_step(request, number, step):
    if step not in FIRST_STEPS:
        raise Http404
    a = get_object_or_404(_firsts(request), number=number)
    p, u = request.POST, request.user
    calls = {
        "edit": lambda: services.first_edit(actor=u, application=a, product=p.get("product", ""),
                                            description=p.get("description", ""),
                                            model_version=p.get("model_version", ""), kind=p.get("kind") or None),
        "evidence": lambda: services.first_evidence(actor=u, application=a, upload=request.FILES.get("evidence")),
        "submit": lambda: services.first_submit(actor=u, application=a),
        "return": lambda: services.first_return(actor=u, application=a, note=p.get("note", "")),
        "recognise": lambda: services.first_recognise(actor=u, application=a, level=p.get("level", ""),
                                                      document=p.get("document", ""), on=p.get("on") or None),
        "reject": lambda: services.first_reject(actor=u, application=a, note=p.get("note", "")),
    }
    return _run_step(request, FirstOfKind, step, calls[step], redirect("incentives:first", number=number))


# -- talent --------------------------------------------------------------------------------------------------------
@public
def talent_catalogue(request):
    qs = TalentEntry.objects.restrict(request.user).select_related("publisher")
    params = request.GET
    if params.get("year", "").isdigit():
        qs = qs.filter(year=int(params["year"]))
    if params.get("field") in TalentField.values:
        qs = qs.filter(field=params["field"])
    if params.get("shortage") in Shortage.values:
        qs = qs.filter(shortage=params["shortage"])
    if not params.get("retired"):
        qs = qs.filter(state="published")
    page, query = paginate(request, qs)
    return render(request, "incentives/industry/talent_catalogue.html", {
        "page": page, "query": query, "params": params, "fields": TalentField.choices,
        "shortages": Shortage.choices, "levels": TalentLevel.choices,
        "can_add": can_add(request.user, TalentEntry) and request.user.role in roles_for(TalentEntry, "add"),
        "retirable": {e.pk for e in TalentEntry.objects.restrict(request.user, "retire")}
        if request.user.is_authenticated else set(),
    })


@roles(*roles_for(TalentEntry, "add"))
@single_submit
def talent_entry_new(request):
    form = TalentEntryForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.talent_entry_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:talent")
    return _form_page(request, form, _("Add a catalogue entry"))


@signed_in
@single_submit
def talent_entry_retire(request, pk):
    entry = get_object_or_404(TalentEntry.objects.restrict(request.user), pk=pk)
    return _run_step(request, TalentEntry, "retire", lambda: services.talent_entry_retire(
        actor=request.user, entry=entry, note=request.POST.get("note", "")), redirect("incentives:talent"))


def _supports(request):
    return TalentSupport.objects.restrict(request.user).select_related("enterprise", "granted_by", "entry")


@signed_in
def talent_support_list(request):
    qs = _supports(request)
    kind = request.GET.get("kind", "")
    if kind in SupportKind.values:
        qs = qs.filter(kind=kind)
    totals = support_totals(qs)
    page, query = paginate(request, qs)
    return render(request, "incentives/industry/talent_support.html", {
        "page": page, "query": query, "params": request.GET, "kinds": SupportKind.choices, "totals": totals,
        "can_grant": can_add(request.user, TalentSupport),
    })


@roles(*roles_for(TalentSupport, "add"))
@single_submit
def talent_support_new(request):
    entries = TalentEntry.objects.filter(state="published").order_by("-year", "title")
    form = TalentSupportForm(request.POST or None, entries=entries)
    if request.method == "POST" and form.is_valid():
        try:
            support = services.talent_support_grant(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Support %(number)s granted.") % {"number": support.number})
            return redirect("incentives:talent_support_detail", number=support.number)
    return _form_page(request, form, _("Grant talent support"))


@signed_in(record="incentives.TalentSupport", lookup=("number", "number"))
def talent_support_detail(request, number):
    support = get_object_or_404(_supports(request), number=number)
    return render(request, "incentives/industry/talent_support_detail.html", {
        "s": support, "actions": available_actions(request.user, support), "history": labelled_history(support)})


@signed_in
@single_submit
def talent_support_revoke(request, number):
    support = get_object_or_404(_supports(request), number=number)
    return _run_step(request, TalentSupport, "revoke", lambda: services.talent_support_revoke(
        actor=request.user, support=support, note=request.POST.get("note", "")),
        redirect("incentives:talent_support_detail", number=number))


# -- events --------------------------------------------------------------------------------------------------------
@public
def event_list(request):
    qs = IndustryEvent.objects.restrict(request.user)
    kind = request.GET.get("kind", "")
    if kind in EventKind.values:
        qs = qs.filter(kind=kind)
    page, query = paginate(request, qs)
    return render(request, "incentives/industry/event_list.html", {
        "page": page, "query": query, "params": request.GET, "kinds": EventKind.choices,
        "can_add": request.user.is_authenticated and request.user.role in roles_for(IndustryEvent, "add"),
    })


@roles(*roles_for(IndustryEvent, "add"))
@single_submit
def event_new(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:event", code=event.code)
    return _form_page(request, form, _("Record an event"))


@public(record="incentives.IndustryEvent", lookup=("code", "code"))
def event_detail(request, code):
    event = get_object_or_404(IndustryEvent.objects.restrict(request.user), code=code)
    return render(request, "incentives/industry/event_detail.html", {
        "e": event, "actions": available_actions(request.user, event), "states": EventState})


@roles(*roles_for(IndustryEvent, "held"))
@single_submit
def event_step(request, code, step):
    if step not in ("held", "cancel"):
        raise Http404
    event = get_object_or_404(IndustryEvent.objects.restrict(request.user), code=code)
    p = request.POST
    call = (lambda: services.event_held(actor=request.user, event=event, participants=p.get("participants"),
                                        outcome=p.get("outcome", ""))) if step == "held" else (
        lambda: services.event_cancel(actor=request.user, event=event, note=p.get("note", "")))
    return _run_step(request, IndustryEvent, step, call, redirect("incentives:event", code=code))


# -- application cases and the public gallery ----------------------------------------------------------------------
@public
def gallery(request):
    """The public gallery: published application cases only, whoever asks."""
    qs = ApplicationCase.objects.filter(state=CaseState.PUBLISHED).select_related("enterprise")
    field = request.GET.get("field", "")
    if field in PilotField.values:
        qs = qs.filter(field=field)
    page, query = paginate(request, qs.order_by("-published_on", "-number"))
    return render(request, "incentives/industry/gallery.html", {
        "page": page, "query": query, "params": request.GET, "fields": PilotField.choices})


@signed_in
def case_list(request):
    qs = ApplicationCase.objects.restrict(request.user).select_related("enterprise")
    if not (request.user.role == Role.PROGRAM_OFFICE or request.user.is_superuser):
        qs = qs.filter(enterprise=request.user.organization_id)  # the office reviews every case
    state = request.GET.get("state", "")
    if state in CaseState.values:
        qs = qs.filter(state=state)
    page, query = paginate(request, qs)
    return render(request, "incentives/industry/case_list.html", {
        "page": page, "query": query, "params": request.GET, "states": CaseState.choices,
        "can_add": request.user.role in roles_for(ApplicationCase, "add"),
    })


@roles(*roles_for(ApplicationCase, "add"))
@single_submit
def case_new(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_submit_new(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Case %(number)s submitted.") % {"number": case.number})
            return redirect("incentives:case", number=case.number)
    return _form_page(request, form, _("Submit an application case"))


@public(record="incentives.ApplicationCase", lookup=("number", "number"))
def case_detail(request, number):
    case = get_object_or_404(ApplicationCase.objects.restrict(request.user).select_related("enterprise"),
                             number=number)
    insider = request.user.is_authenticated and (
        request.user.is_superuser or request.user.role == Role.PROGRAM_OFFICE
        or request.user.organization_id == case.enterprise_id)
    return render(request, "incentives/industry/case_detail.html", {
        "c": case, "actions": available_actions(request.user, case), "insider": insider,
        "history": labelled_history(case) if insider else []})


@signed_in
@single_submit
def case_step(request, number, step):
    if step not in ("edit", "submit", "return", "publish", "unpublish"):
        raise Http404
    case = get_object_or_404(ApplicationCase.objects.restrict(request.user), number=number)
    p, u = request.POST, request.user
    if step == "edit":
        def call():
            services.case_edit(actor=u, case=case, title=p.get("title", ""), summary=p.get("summary", ""),
                               results=p.get("results", ""))
    else:
        def call():
            services.case_step(actor=u, case=case, step=step, note=p.get("note", ""))
    return _run_step(request, ApplicationCase, step, call, redirect("incentives:case", number=number))


# -- alliances -----------------------------------------------------------------------------------------------------
@public
def alliance_list(request):
    alliances = Alliance.objects.restrict(request.user).select_related("secretariat")
    return render(request, "incentives/industry/alliance_list.html", {"alliances": [
        {"a": a, "members": a.memberships.filter(left_on__isnull=True).count(), "activities": a.activities.count()}
        for a in alliances]})


@public(record="incentives.Alliance", lookup=("code", "code"))
def alliance_detail(request, code):
    alliance = get_object_or_404(Alliance.objects.restrict(request.user).select_related("secretariat"), code=code)
    actions = available_actions(request.user, alliance)
    members = alliance.memberships.select_related("organization")
    candidates = []
    if actions.get("admit"):
        present = members.filter(left_on__isnull=True).values_list("organization_id", flat=True)
        candidates = (Organization.objects.filter(is_active=True).exclude(pk__in=present)
                      .exclude(kind__in=("government", "government_department", "party_department",
                                         "coordination_body")).order_by("name"))
    return render(request, "incentives/industry/alliance_detail.html", {
        "a": alliance, "members": members, "activities": alliance.activities.prefetch_related("participants"),
        "actions": actions, "candidates": candidates, "roles": MemberRole.choices,
        "activity_kinds": ActivityKind.choices, "today": timezone.localdate().isoformat(),
        "present": members.filter(left_on__isnull=True),
    })


@signed_in
@single_submit
def alliance_step(request, code, step):
    if step not in ("admit", "remove", "activity"):
        raise Http404
    alliance = get_object_or_404(Alliance.objects.restrict(request.user), code=code)
    p, u = request.POST, request.user

    def call():
        if step == "admit":
            organization = Organization.objects.filter(pk=p.get("organization") or None).first()
            services.alliance_admit(actor=u, alliance=alliance, organization=organization or p.get("organization"),
                                    joined_on=p.get("joined_on") or None, role=p.get("role", MemberRole.MEMBER))
        elif step == "remove":
            member = alliance.memberships.filter(pk=p.get("member") or None).first()
            if member is None:
                raise ValidationError({"member": [_("not a present member of this alliance")]})
            services.alliance_remove(actor=u, alliance=alliance, member=member, left_on=p.get("left_on") or None)
        else:
            services.alliance_activity(actor=u, alliance=alliance, kind=p.get("kind", ""), title=p.get("title", ""),
                                       held_on=p.get("held_on") or None, summary=p.get("summary", ""),
                                       participants=p.getlist("participants"))
    return _run_step(request, Alliance, step, call, redirect("incentives:alliance", code=code))

