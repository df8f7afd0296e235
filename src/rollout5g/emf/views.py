"""Pages of the public EMF information: the public pages of the sites, the science articles and the measurement
request form (no login), and the ecology department's work pages (prepare and publish pages, record measurements,
answer requests). Views are thin: they call services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import timeline
from rollout5g.audit.services import history_for
from rollout5g.platform.access import can_add
from rollout5g.platform.forms import add_service_errors
from rollout5g.platform.idempotency import FORM_FIELD, new_form_token, single_submit
from rollout5g.platform.pagination import paginate, paginate_lazily
from rollout5g.platform.roles import Role
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import available_actions, roles_for
from rollout5g.regions.boundaries import without_geometry
from rollout5g.sites.models import Site

from . import services
from .choices import DEFAULT_ANSWER_LIMIT_DAYS, OPEN_REQUEST_STATES, PageState, PostState
from .forms import PageForm, PostForm, RequestForm, ResultForm
from .models import MeasurementRequest, MonitoringResult, SciencePost, SitePage
from .selectors import answer_clock, ecology_department


def _form_page(request, form, heading, note=""):
    return render(request, "emf/form.html", {"form": form, "heading": heading, "note": note})


def _refused(request, exc):
    return render(request, "emf/refused.html", {"reason": str(exc)}, status=403)


# -- the department's overview -----------------------------------------------------------------------------------
@signed_in
def index(request):
    pages = SitePage.objects.restrict(request.user).select_related("region", "publisher").defer(*without_geometry("region"))
    page, query = paginate(request, pages)
    requests = MeasurementRequest.objects.restrict(request.user).filter(state__in=OPEN_REQUEST_STATES)
    return render(request, "emf/index.html", {
        "page": page, "query": query,
        "results": MonitoringResult.objects.restrict(request.user).select_related("site", "organization")[:20],
        "open_requests": [(r, answer_clock(r)) for r in requests[:50]],
        "posts": SciencePost.objects.restrict(request.user)[:20],
        "can_prepare": can_add(request.user, SitePage), "can_measure": can_add(request.user, MonitoringResult),
        "can_write": can_add(request.user, SciencePost), "department": ecology_department(),
    })


# -- public pages ------------------------------------------------------------------------------------------------
@public
def public_list(request):
    pages = (SitePage.objects.restrict(request.user).filter(state=PageState.PUBLISHED).select_related("region")
             .defer(*without_geometry("region")))
    county = request.GET.get("county", "")
    if county:
        pages = pages.filter(region_id=county)
    # read only when the list is rendered, not when it is kept ({% datacache %} in the template)
    page, query = paginate_lazily(request, lambda: pages)
    return render(request, "emf/public_list.html", {"page": page, "query": query, "params": request.GET})


@public(record="emf.SitePage", lookup=("code", "code"))
def page_detail(request, code):
    site_page = get_object_or_404(SitePage.objects.restrict(request.user).select_related("region", "publisher"),
                                  code=code)
    results = MonitoringResult.objects.restrict(request.user).filter(site_id=site_page.site_id)
    actions = available_actions(request.user, site_page) if request.user.is_authenticated else {}
    return render(request, "emf/page.html", {
        "site_page": site_page, "estimate": site_page.estimate, "results": results, "actions": actions,
        "history": timeline(history_for(site_page), site_page) if any(actions.values()) else [],
    })


@roles(*roles_for(SitePage, "add"))
@single_submit
def page_new(request):
    form = PageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = Site.objects.restrict(request.user).filter(code=data["site"].strip()).first()
        try:
            if site is None:
                raise ValidationError({"site": [_("no site %(code)s") % {"code": data["site"]}]})
            site_page = services.page_prepare(actor=request.user, site=site, public_name=data["public_name"],
                                              place=data["place"], note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Page %(code)s prepared.") % {"code": site_page.code})
            return redirect("emf:page", code=site_page.code)
    return _form_page(request, form, _("Prepare the public EMF page of a site"))


@signed_in
@single_submit
def page_action(request, code, step):
    if step not in ("publish", "withdraw", "reassess"):
        raise Http404
    site_page = get_object_or_404(SitePage.objects.restrict(request.user), code=code)
    if request.method != "POST":
        return redirect("emf:page", code=code)
    try:
        if step == "publish":
            services.page_publish(actor=request.user, page=site_page)
        elif step == "withdraw":
            services.page_withdraw(actor=request.user, page=site_page, reason=request.POST.get("reason", ""))
        else:
            services.page_reassess(actor=request.user, page=site_page)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("emf:page", code=code)


# -- monitoring results ------------------------------------------------------------------------------------------
@roles(*roles_for(MonitoringResult, "add"))
@single_submit
def result_new(request):
    form = ResultForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("site").strip()
        site = Site.objects.restrict(request.user).filter(code=code).first() if code else None
        try:
            if code and site is None:
                raise ValidationError({"site": [_("no site %(code)s") % {"code": code}]})
            row = services.result_record(actor=request.user, site=site, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Measurement %(code)s recorded.") % {"code": row.code})
            return redirect("emf:index")
    return _form_page(request, form, _("Record a measurement (HJ 1151-2020)"))


# -- science articles --------------------------------------------------------------------------------------------
@public
def post_list(request):
    posts = SciencePost.objects.restrict(request.user)
    if not request.user.is_authenticated:
        posts = posts.filter(state=PostState.PUBLISHED)
    page, query = paginate(request, posts.select_related("organization"))
    return render(request, "emf/posts.html", {"page": page, "query": query,
                                              "can_write": can_add(request.user, SciencePost)})


@public(record="emf.SciencePost", lookup=("code", "code"))
def post_detail(request, code):
    post = get_object_or_404(SciencePost.objects.restrict(request.user).select_related("organization"), code=code)
    return render(request, "emf/post.html", {
        "post": post, "actions": available_actions(request.user, post) if request.user.is_authenticated else {}})


@roles(*roles_for(SciencePost, "add"))
@single_submit
def post_new(request):
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, exc)
        else:
            messages.success(request, _("Article saved as a draft."))
            return redirect("emf:post", code=post.code)
    return _form_page(request, form, _("Write a science article"))


@signed_in
@single_submit
def post_action(request, code, step):
    if step not in ("publish", "withdraw"):
        raise Http404
    post = get_object_or_404(SciencePost.objects.restrict(request.user), code=code)
    if request.method != "POST":
        return redirect("emf:post", code=code)
    try:
        if step == "publish":
            services.post_publish(actor=request.user, post=post)
        else:
            services.post_withdraw(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("emf:post", code=code)


# -- measurement requests ----------------------------------------------------------------------------------------
def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@public
def request_new(request):
    """The public form: no login, no captcha; rate-limited per address and phone; a retried POST of the same form
    (its one-time token) shows the first request instead of creating a second."""
    initial = {"page": request.GET.get("page", "")}
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site_page = None
        if data["page"]:
            site_page = SitePage.objects.restrict(request.user).filter(code=data["page"],
                                                                       state=PageState.PUBLISHED).first()
        try:
            row, _created = services.request_submit(
                name=data["name"], phone=data["phone"], place=data["place"], description=data["description"],
                page=site_page, client=_client(request), token=request.POST.get(FORM_FIELD) or new_form_token())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("emf:request_status", code=row.code, key=row.access_key)
    return render(request, "emf/request_form.html", {"form": form, "token": new_form_token(),
                                                     "department": ecology_department(),
                                                     "limit_days": DEFAULT_ANSWER_LIMIT_DAYS})


@public
def request_status(request, code, key):
    """What the requester reads (the link given after sending): state, due date, answer and measurement — never
    the name, phone or anything another requester wrote."""
    row = MeasurementRequest.objects.select_related("result", "department").filter(code=code, access_key=key).first()
    if row is None:
        raise Http404
    return render(request, "emf/request_status.html", {"row": row, "clock": answer_clock(row)})


@roles(Role.PROGRAM_OFFICE, *roles_for(MeasurementRequest, "answer"))
def request_list(request):
    qs = MeasurementRequest.objects.restrict(request.user).select_related("department", "page")
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    page, query = paginate(request, qs)
    return render(request, "emf/requests.html", {
        "page": page, "query": query, "rows": [(r, answer_clock(r)) for r in page], "params": request.GET})


@signed_in(record="emf.MeasurementRequest", lookup=("code", "code"))
def request_detail(request, code):
    row = get_object_or_404(MeasurementRequest.objects.restrict(request.user).select_related("page", "result"),
                            code=code)
    return render(request, "emf/request.html", {
        "row": row, "clock": answer_clock(row), "actions": available_actions(request.user, row),
        "results": MonitoringResult.objects.restrict(request.user).filter(organization_id=row.department_id)[:50],
        "history": timeline(history_for(row), row)})


@signed_in
@single_submit
def request_action(request, code, step):
    if step not in ("schedule", "answer", "decline"):
        raise Http404
    row = get_object_or_404(MeasurementRequest.objects.restrict(request.user), code=code)
    if request.method != "POST":
        return redirect("emf:request", code=code)
    post = request.POST
    try:
        if step == "schedule":
            services.request_schedule(actor=request.user, request=row, on=post.get("on", ""),
                                      note=post.get("note", ""))
        elif step == "answer":
            result = None
            if post.get("result"):
                result = MonitoringResult.objects.restrict(request.user).filter(pk=post["result"]).first()
                if result is None:
                    raise ValidationError({"result": [_("no such measurement")]})
            services.request_answer(actor=request.user, request=row, answer=post.get("answer", ""), result=result)
        else:
            services.request_decline(actor=request.user, request=row, reason=post.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("emf:request", code=code)
