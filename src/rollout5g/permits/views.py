"""Pages of the one-stop approval service. Thin: they read through ``restrict()`` and call the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rollout5g.accounts.choices import Role
from rollout5g.audit.presentation import describe_events
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import allowed, available_actions, declared, roles_for
from rollout5g.sites.choices import BAND_RANGES_MHZ, SiteState, SiteType
from rollout5g.sites.models import Site

from . import selectors, services
from .certificates import certificate_for
from .choices import (
    SITUATION_FLAGS,
    ApplicationState,
    DeficiencyTarget,
    ItemState,
    PauseKind,
)
from .exports import application_export
from .labels import flaggable_fields, ref_label
from .models import Application, ApprovalItem, Certificate, ClockPause, ItemRule, ItemType, RuleSet


def _errors(exc) -> str:
    from rollout5g.platform.forms import error_text

    return error_text(exc)


def _date(value, default=None) -> dt.date:
    if not value:
        return default or dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


def _application(request, code) -> Application:
    return get_object_or_404(Application.objects.restrict(request.user).select_related("applicant", "ruleset"),
                             code=code)


@public
def index(request):
    """The applicant's dashboard, the department's queue or the office's overview, by role. The navigation's
    "approvals" entry: a visitor who is not signed in gets the public status lookup (which links the rules and the
    certificate check), not the login."""
    user = request.user
    if not user.is_authenticated:
        return status_lookup(request)
    apps = Application.objects.restrict(user).select_related("applicant").distinct()
    state = request.GET.get("state", "")
    if state in ApplicationState.values:
        apps = apps.filter(state=state)
    reviewer = user.role == Role.DEPARTMENT or user.is_program_office

    def data():
        page, _query = paginate(request, apps.order_by("-created_at"))
        queue_items = list(selectors.department_queue(user)[:200]) if reviewer else []
        # the calendar, pauses and extensions of every clock on the page, read once
        inputs = selectors.ClockInputs([*page.object_list, *{i.application_id for i in queue_items}])
        today = dt.date.today()
        return {
            "page": page, "rows": [(app, selectors.application_clocks(app, today, inputs)) for app in page.object_list],
            "queue": [(item, selectors.item_clocks(item, today, inputs)) for item in queue_items] if reviewer else None,
            "summary": selectors.approval_summary() if user.is_program_office else None,
        }

    params = request.GET.copy()
    params.pop("page", None)
    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "permits/index.html", {
        "data": SimpleLazyObject(data), "query": params.urlencode(), "states": ApplicationState.choices,
        "state": state, "can_apply": user.role == Role.OPERATOR or user.is_superuser,
    })


@roles(*roles_for(Application, "add"))
@single_submit
def create(request):
    if request.method == "POST":
        try:
            app = services.application_create(
                actor=request.user, title=request.POST.get("title", ""),
                project_code=request.POST.get("project_code", ""), description=request.POST.get("description", ""),
                contact_name=request.POST.get("contact_name", ""), contact_phone=request.POST.get("contact_phone", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Draft created: add the sites and the materials, then submit."))
            return redirect("permits:detail", code=app.code)
    return render(request, "permits/create.html", {"post": request.POST})


def _with_labels(deficiencies, required) -> list:
    """The flags, each with ``ref_label``: the flagged field's label or the material's name, not its code."""
    names = {r["code"]: r["name"] for r in required}
    rows = list(deficiencies)
    for d in rows:
        d.ref_label = ref_label(d.target, d.ref, names)
    return rows


@signed_in(record="permits.Application", lookup=("code", "code"))
def detail(request, code):
    app = _application(request, code)
    user = request.user
    items = list(ApprovalItem.objects.restrict(user).filter(application=app).select_related(
        "item_type", "department", "app_site__site", "decided_by"))
    for item in items:
        item.application = app  # the clocks read it: not one query per item
    inputs = selectors.ClockInputs([app])
    today = dt.date.today()
    is_applicant = user.organization_id == app.applicant_id
    is_reviewer = user.is_program_office or (user.role == Role.DEPARTMENT and any(
        i.department_id == user.organization_id for i in items))
    entries = list(app.sites.select_related("site", "site__region", "site__plan_entry"))
    review = None
    if is_reviewer and request.GET.get("review") != "0" and app.state != ApplicationState.DRAFT:
        from .review import site_review

        review = [site_review(e, user) for e in entries]
    survey = getattr(app, "survey", None) if hasattr(app, "survey") else None
    certificate = app.certificate if hasattr(app, "certificate") else None
    # what this user may do now (platform.workflow): the page offers only steps that can succeed
    actions = available_actions(user, app)
    survey_actions = available_actions(user, survey) if survey else {}
    mine = [i for i in items if i.department_id == user.organization_id]
    decidable = [i for i in mine if allowed(user, "decide", i)]
    # an item of the user's department in review that waits for the joint survey: say why it cannot be decided yet
    waiting = [i for i in mine if i.state == ItemState.IN_REVIEW and i not in decidable]
    pauses = list(app.pauses.select_related("item__item_type"))
    required = services.required_materials(app)
    return render(request, "permits/detail.html", {
        "app": app, "entries": entries, "items": [(i, selectors.item_clocks(i, today, inputs)) for i in items],
        "clocks": selectors.application_clocks(app, today, inputs),
        "acceptance_due": selectors.acceptance_due(app, inputs.calendar),
        "materials": app.materials.defer("content"), "required": required,  # the files are downloaded, not shown
        "deficiencies": _with_labels(app.deficiencies.select_related("department", "app_site__site"), required),
        "problems": services.completeness_problems(app) if app.state in ("draft", "received", "notice_issued")
        else [],
        "comments": app.comments.select_related("author", "organization", "item__item_type"),
        "pauses": pauses, "resumable": {p.pk for p in pauses if allowed(user, "resume", p)},
        "pausable_items": [i for i in items if allowed(user, "pause", i)],
        "actions": actions, "survey_actions": survey_actions,
        "signed_by_me": bool(survey) and survey.signatures.filter(department_id=user.organization_id).exists(),
        "hold_doc": declared(survey, "hold").doc if survey else "",
        "decide_doc": declared(ApprovalItem, "decide").doc, "waiting_items": waiting,
        "extensions": app.extensions.select_related(
            "approved_by", "item__item_type"),
        "survey": survey, "signatures": survey.signatures.select_related("department") if survey else [],
        "certificate": certificate, "timeline": describe_events(list(selectors.timeline(app).select_related("actor"))),
        "review": review,
        "is_applicant": is_applicant, "is_reviewer": is_reviewer, "is_office": user.is_program_office,
        "my_items": decidable,
        "flags": SITUATION_FLAGS, "site_types": SiteType.choices, "bands": list(BAND_RANGES_MHZ),
        "fields": flaggable_fields(), "targets": DeficiencyTarget.choices, "pause_kinds": PauseKind.choices,
        "planned_sites": Site.objects.restrict(user).filter(state=SiteState.PLANNED).filter(
            owner_id=app.applicant_id).order_by("code")[:200] if is_applicant and app.state == "draft" else [],
        "today": today,
    })


def _post_action(request, code, action):
    """Run one service for a POST on the application page; show its error or success message."""
    app = _application(request, code)
    if request.method != "POST":
        return redirect("permits:detail", code=code)
    try:
        message = action(app, request.POST, request.user)
    except (ValidationError, PermissionDenied, ValueError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, message)
    return redirect("permits:detail", code=code)


def _add_site(app, post, user):
    situation = {k: post.get(k) == "on" for k in SITUATION_FLAGS}
    situation.update({k: post.get(k) or None for k in ("band", "antenna_height_m", "azimuths", "total_power_w")})
    situation = {k: v for k, v in situation.items() if v is not None}
    if post.get("site_code"):
        site = Site.objects.restrict(user).filter(code=post["site_code"]).first()
        if site is None:
            raise ValidationError(_("No site %(code)s that you may see.") % {"code": post["site_code"]})
        services.application_add_site(actor=user, application=app, site=site, **situation)
    else:
        new = {k: post.get(k, "") for k in ("name", "lon", "lat", "site_type", "address")}
        if post.get("height_m"):
            new["height_m"] = float(post["height_m"])
        services.application_add_site(actor=user, application=app, new_site=new, **situation)
    return _("Site added.")


def _remove_site(app, post, user):
    entry = get_object_or_404(app.sites, pk=post.get("entry"))
    services.application_remove_site(actor=user, entry=entry)
    return _("Site removed.")


def _update(app, post, user):
    services.application_update(actor=user, application=app, **{k: post.get(k, "") for k in services.EDITABLE
                                                                 if k in post})
    return _("Form saved.")


def _submit(app, post, user):
    services.application_submit(actor=user, application=app)
    return _("Submitted: the completeness check has started.")


def _flag(app, post, user):
    entry = app.sites.filter(pk=post.get("entry")).first() if post.get("entry") else None
    target, ref = post.get("target", ""), post.get("ref", "")
    if post.get("flag_ref"):  # the page's one list: "field:<code>" or "material:<code>"
        target, _sep, ref = post["flag_ref"].partition(":")
    services.deficiency_flag(actor=user, application=app, target=target, ref=ref, message=post.get("message", ""),
                             app_site=entry)
    return _("Flag recorded; it goes out in the one-time notice.")


def _notice(app, post, user):
    flags = services.notice_issue(actor=user, application=app)
    return _("One-time notice issued with %(n)d item(s).") % {"n": len(flags)}


def _resubmit(app, post, user):
    services.application_resubmit(actor=user, application=app)
    return _("Resubmitted.")


def _accept(app, post, user):
    services.application_accept(actor=user, application=app)
    return _("Accepted: every department reviews its items now.")


def _refuse(app, post, user):
    services.application_refuse(actor=user, application=app, reason=post.get("reason", ""))
    return _("Not accepted.")


def _survey(app, post, user):
    services.survey_schedule(actor=user, application=app, on=_date(post.get("on")),
                             meeting_point=post.get("meeting_point", ""))
    return _("Joint survey scheduled.")


def _consult(app, post, user):
    services.survey_consultation(actor=user, application=app, consulted_on=_date(post.get("on")),
                                 notes=post.get("notes", ""))
    return _("Community consultation recorded.")


def _hold(app, post, user):
    services.survey_hold(actor=user, application=app, held_on=_date(post.get("on")), record=post.get("record", ""))
    return _("Survey record written; the departments sign it now.")


def _sign(app, post, user):
    services.survey_sign(actor=user, application=app, opinion=post.get("opinion", ""))
    return _("Survey record signed.")


def _decide(app, post, user):
    item = get_object_or_404(ApprovalItem.objects.restrict(user, "change"), pk=post.get("item"), application=app)
    services.item_decide(actor=user, item=item, approve=post.get("decision") == "approve",
                         reasons=post.get("reasons", ""))
    return _("Decision recorded.")


def _comment(app, post, user):
    item = ApprovalItem.objects.restrict(user).filter(pk=post.get("item"), application=app).first() \
        if post.get("item") else None
    services.comment_add(actor=user, application=app, text=post.get("text", ""), item=item)
    return _("Comment added.")


def _pause(app, post, user):
    item = ApprovalItem.objects.restrict(user).filter(pk=post.get("item"), application=app).first() \
        if post.get("item") else None
    services.pause_start(actor=user, application=app, kind=post.get("kind", ""), start=_date(post.get("on")),
                         reason=post.get("reason", ""), item=item)
    return _("Clock paused.")


def _resume(app, post, user):
    pause = get_object_or_404(ClockPause, pk=post.get("pause"), application=app)
    services.pause_end(actor=user, pause=pause, end=_date(post.get("on")))
    return _("Clock resumed.")


def _extend(app, post, user):
    item = app.items.filter(pk=post.get("item")).first() if post.get("item") else None
    try:
        days = int(post.get("days", ""))
    except ValueError:
        raise ValidationError(_("Give a whole number of working days.")) from None
    services.extension_grant(actor=user, application=app, days=days, reason=post.get("reason", ""), item=item)
    return _("Extension recorded.")


def _revoke(app, post, user):
    if not hasattr(app, "certificate"):
        raise ValidationError(_("This application has no certificate."))
    services.certificate_revoke(actor=user, certificate=app.certificate, reason=post.get("reason", ""))
    return _("Certificate revoked.")


ACTIONS = {
    "add-site": _add_site, "remove-site": _remove_site, "update": _update, "submit": _submit, "flag": _flag,
    "notice": _notice, "resubmit": _resubmit, "accept": _accept, "refuse": _refuse, "survey": _survey,
    "consult": _consult, "hold": _hold, "sign": _sign, "decide": _decide, "comment": _comment, "pause": _pause,
    "resume": _resume, "extend": _extend, "revoke": _revoke,
}


@signed_in
@require_POST
def action(request, code, name):
    if name not in ACTIONS:
        raise Http404(name)
    return _post_action(request, code, ACTIONS[name])


@roles(*roles_for(Application, "upload"))
@require_POST
def upload(request, code):
    app = _application(request, code)
    files = request.FILES.getlist("file")
    codes = request.POST.getlist("code")
    try:
        if not files:
            raise ValidationError(_("Choose a file."))
        for i, f in enumerate(files):
            material_code = codes[i] if i < len(codes) else codes[-1]
            services.material_upload(actor=request.user, application=app, code=material_code, file_name=f.name,
                                     content=f.read())
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Material uploaded."))
    return redirect("permits:detail", code=code)


@signed_in
def material_download(request, code, pk):
    app = _application(request, code)
    mat = get_object_or_404(app.materials, pk=pk)
    response = HttpResponse(bytes(mat.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{mat.file_name}"'
    return response


@signed_in
def certificate_pdf(request, code):
    app = _application(request, code)
    cert = get_object_or_404(Certificate, application=app)
    response = HttpResponse(bytes(cert.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@signed_in
def export(request, code):
    app = _application(request, code)
    response = JsonResponse(application_export(app), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{app.code}.json"'
    return response


@public
def verify(request, token):
    """Public: is this certificate genuine, what does it permit, is it revoked."""
    cert = Certificate.objects.select_related("application__applicant").filter(token=token).first()
    items = cert.application.items.select_related("item_type", "department", "app_site__site") if cert else []
    return render(request, "permits/verify.html", {"cert": cert, "items": items}, status=200 if cert else 404)


@public
def verify_form(request):
    """Public: verify a certificate by its number and verification code (printed on the PDF) without the QR code.
    A wrong pair gets one answer, "no such certificate", whichever part is wrong."""
    number, code = request.GET.get("number", "").strip(), request.GET.get("code", "").strip()
    asked = bool(number or code)
    cert = certificate_for(number, code) if asked else None
    items = cert.application.items.select_related("item_type", "department", "app_site__site") if cert else []
    return render(request, "permits/verify.html", {
        "cert": cert, "items": items, "form": True, "asked": asked, "number": number[:40],
    }, status=404 if asked and cert is None else 200)


@public
def status_lookup(request):
    """Public: the status of an application by its code (no login, status only)."""
    code = request.GET.get("code", "").strip()
    status = selectors.public_status(code) if code else None
    return render(request, "permits/status.html", {"code": code, "status": status},
                  status=404 if code and status is None else 200)


@public
def rules(request):
    """The approval rules in force (public: they are the published service guide)."""
    ruleset = RuleSet.objects.order_by("-updated_at").first()
    return render(request, "permits/rules.html", {
        "ruleset": ruleset,
        "types": ItemType.objects.filter(ruleset=ruleset, active=True).select_related("department") if ruleset else [],
        "rules": [_with_conditions(r) for r in ItemRule.objects.filter(ruleset=ruleset).select_related("item_type")]
        if ruleset else [],
    })


def _condition(key: str, value) -> str:
    """One condition of an item rule as a person reads it: the situation's label and its value's."""
    if key == "site_type":
        labels = dict(SiteType.choices)
        values = value if isinstance(value, list) else [value]
        return _("site type: %(types)s") % {"types": "、".join(str(labels.get(v, v)) for v in values)}
    label = SITUATION_FLAGS.get(key, key)
    if isinstance(value, bool):
        return str(label) if value else _("not: %(situation)s") % {"situation": label}
    return f"{label}: {value}"


def _with_conditions(rule: ItemRule) -> ItemRule:
    rule.conditions = [_condition(k, v) for k, v in (rule.when or {}).items()]
    unless = [_condition(k, v) for k, v in (rule.unless or {}).items()]
    if unless:
        rule.conditions.append(_("unless %(conditions)s") % {"conditions": _("; ").join(unless)})
    return rule
