"""Pages of the open list. The public page and published releases need no login; everything else reads through
``restrict()`` and writes through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollout5g.accounts.choices import Role
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import CHANGE, can, can_add
from rollout5g.platform.idempotency import single_submit
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import authorize, authorize_create, available_actions, roles_for
from rollout5g.policy.cache import memoize
from rollout5g.regions.services import home_districts

from . import downloads, services
from .choices import Availability, ComplaintStatus, FeeKind, RequestStatus, ResourceKind
from .forms import CHARGE_ROWS, ComplaintForm, ResourceForm, SiteRequestForm, charges_from_post
from .history import history_lines
from .models import FeeComplaint, ListRelease, PublicResource, ReleaseEntry, SiteRequest
from .selectors import ENTRY_FILTERS, filter_entries, latest_release, release_diff, request_blocker


def _errors(exc, model=None) -> str:
    """A service's refusal as one line, each message under its field's label (never a field code); fields of no
    model (``charges``) and the non-field messages read on their own."""
    from django.core.exceptions import NON_FIELD_ERRORS

    from rollout5g.platform.forms import error_text

    if not (isinstance(exc, ValidationError) and hasattr(exc, "error_dict")):
        return error_text(exc)
    parts = []
    for name, msgs in exc.message_dict.items():
        text = " ".join(msgs)
        label = name
        if model is not None and name != NON_FIELD_ERRORS:
            try:
                label = str(getattr(model._meta.get_field(name), "verbose_name", name))  # not a reverse relation
            except FieldDoesNotExist:
                pass
        if name == NON_FIELD_ERRORS or label == name:
            parts.append(text)
        else:
            parts.append(_("%(field)s: %(message)s") % {"field": label, "message": text})
    return "; ".join(parts)


def _counties():
    return home_districts()


def _is_province() -> bool:
    from rollout5g.platform.home import home_adcode
    from rollout5g.regions.models import Region

    return Region.objects.filter(pk=home_adcode(), level="province").exists()


def _page_city(request):
    """In a province deployment, the city whose open list the page shows (``?city=``, else the reader's own city —
    an office sees its draft there before its first release —, else the first city that published) and the cities
    that published; in a city deployment ``(None, [])``."""
    from .selectors import release_cities

    if not _is_province():
        return None, []
    cities = release_cities()
    asked = request.GET.get("city") or None
    city = services.release_city(request.user, asked)
    if city is None and asked is None and cities:
        city = cities[0]
    return city, cities


def _listed_owners() -> list[Organization]:
    """The organizations that list resources (the owner filter): a join over every resource, so computed once per
    data version."""
    return memoize("resources.owners", None, lambda: list(
        Organization.objects.filter(Exists(PublicResource.objects.filter(owner_id=OuterRef("pk"))))
        .only("code", "name", "short_name").order_by("code")))


def _filter_context(params, release=None):
    owners = _listed_owners()
    regions = _counties()
    if release is not None and release.region_id and _is_province():  # one city's release: its counties
        from rollout5g.regions.boundaries import without_geometry
        from rollout5g.regions.models import Region

        regions = Region.objects.filter(parent_id=release.region_id).defer(*without_geometry("")).order_by("adcode")
    return {
        "params": params, "regions": regions, "kinds": ResourceKind.choices, "owners": owners,
        "availabilities": Availability.choices,
    }


#: Labels of the snapshot keys that are not fields of the resource.
_SNAPSHOT_LABELS = {"owner_name": gettext_lazy("owner"), "region_name": gettext_lazy("county"),
                    "region": gettext_lazy("county")}


def snapshot_label(key: str) -> str:
    """The label of a published value (a key of the release snapshot): the resource field's name."""
    if key in _SNAPSHOT_LABELS:
        return str(_SNAPSHOT_LABELS[key])
    try:
        return str(PublicResource._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _entry_page(request, release, entries):
    """A page of 25 entries of ``release``, each with the labels of its kind and availability. The entries of a
    published release never change, so the number that match the filters is counted once per data version (a
    draft's, or with a free text, each time: the store holds a bounded set of keys)."""
    paginator = Paginator(entries, 25)
    if release is not None and release.is_published and not request.GET.get("q"):
        key = (release.pk, tuple(request.GET.get(name, "") for name in ENTRY_FILTERS))
        paginator.count = memoize("resources.entry_count", key, entries.count)
    page = paginator.get_page(request.GET.get("page"))
    kinds, availabilities = dict(ResourceKind.choices), dict(Availability.choices)
    for entry in page:
        entry.kind_label = kinds.get(entry.snapshot.get("kind"), "")
        entry.availability_label = availabilities.get(entry.snapshot.get("availability"), "")
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _published_release(user, number: int) -> ListRelease:
    return get_object_or_404(ListRelease.objects.restrict(user), number=number)


# ---------------------------------------------------------------------------------------------------- public


@public
def index(request):
    """The public page: map and table of the latest published release, with filters, and the releases. In a
    province deployment, of one city at a time (each city publishes its own list)."""
    city, cities = _page_city(request)
    if city is not None:
        release = latest_release(region=city)
    else:  # a city deployment (or a province one where no city published yet)
        release = latest_release() if not cities else None
    entries = ReleaseEntry.objects.none()
    if release is not None:
        entries = filter_entries(ReleaseEntry.objects.restrict(request.user).filter(release=release), request.GET)
    user = request.user
    releases = drafts = ListRelease.objects.restrict(user).order_by("-number")
    if city is not None:
        releases = releases.filter(region=city)
        drafts = ListRelease.objects.filter(region=services.release_city(user) or city)

    def data():
        page, query = _entry_page(request, release, entries.order_by("code"))
        return {
            "page": page, "query": query,
            # a new batch can be opened only while no draft of the city is waiting (release_create refuses a second)
            "can_prepare": can_add(user, ListRelease) and not drafts.filter(published_at__isnull=True).exists(),
            **_filter_context(request.GET, release),
        }

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "resources/index.html", {
        "release": release, "releases": releases, "city": city, "cities": cities, "data": SimpleLazyObject(data),
        "kind_labels": dict(ResourceKind.choices), "availability_labels": dict(Availability.choices),
        "availability_legend": [(v, label, Availability.colour(v)) for v, label in Availability.choices],
    })


@public
def release_detail(request, number: int):
    """A release with its diff against the previous one. Drafts are visible to the programme office only."""
    release = _published_release(request.user, number)
    diff = release_diff(release) if release.is_published else None
    entries = filter_entries(ReleaseEntry.objects.restrict(request.user).filter(release=release), request.GET)
    page, query = _entry_page(request, release, entries.order_by("code"))
    changed = []
    if diff:
        names = dict(ReleaseEntry.objects.filter(release=release, code__in=list(diff["changed"])[:200])
                     .values_list("code", "snapshot__name"))
        changed = [(code, names.get(code, ""), [snapshot_label(f) for f in fields])
                   for code, fields in list(diff["changed"].items())[:200]]
    withdrawn_names = {}
    if diff and diff["base"] is not None:
        withdrawn_names = dict(ReleaseEntry.objects.filter(release=diff["base"], code__in=diff["withdrawn"][:200])
                               .values_list("code", "snapshot__name"))
    return render(request, "resources/release_detail.html", {
        "release": release, "diff": diff, "changed": changed,
        "added": diff["added"][:200] if diff else [], "withdrawn": [(c, withdrawn_names.get(c, "")) for c in
                                                                    (diff["withdrawn"][:200] if diff else [])],
        "page": page, "query": query, "kind_labels": dict(ResourceKind.choices),
        "availability_labels": dict(Availability.choices),
        "actions": available_actions(request.user, release),
        "draft_count": _draft_count(release) if not release.is_published else None,
        **_filter_context(request.GET, release),
    })


def _draft_count(release: ListRelease) -> int:
    """How many entries publishing the draft would freeze: its city's listed entries."""
    from rollout5g.platform.tenancy import region_descendants

    entries = PublicResource.objects.filter(withdrawn=False)
    if release.region_id:
        entries = entries.filter(region_id__in=region_descendants(release.region_id))
    return entries.count()


@public
def release_download(request, number: int, fmt: str):
    """CSV / XLSX / GeoJSON of a published release (WGS-84, or GCJ-02 with ?crs=gcj02)."""
    release = _published_release(request.user, number)
    if not release.is_published:
        raise Http404("drafts are not downloadable")
    if fmt not in downloads.FORMATS:
        raise Http404(f"unknown format {fmt}")
    try:
        crs = downloads.normalise_crs(request.GET.get("crs"))
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    snapshots = [s for s in filter_entries(ReleaseEntry.objects.filter(release=release), request.GET)
                 .order_by("code").values_list("snapshot", flat=True)]
    body = downloads.WRITERS[fmt](release, snapshots, crs)
    response = HttpResponse(body, content_type=downloads.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = downloads.content_disposition(release, crs, fmt)
    response["X-Coordinate-System"] = crs
    return response


@public
def open_data(request):
    """The open list described for open-data portals (DCAT, data.json field names) at a stable URL."""
    from .opendata import catalog

    response = JsonResponse(catalog(build_absolute_uri=request.build_absolute_uri),
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"  # harvesters of other portals read it from their own pages
    return response


@roles(Role.PROGRAM_OFFICE)
@single_submit
def release_new(request):
    if request.method == "POST":
        try:
            release = services.release_create(
                actor=request.user, title=request.POST.get("title", ""), note=request.POST.get("note", ""),
                notice_start=dt.date.fromisoformat(request.POST.get("notice_start") or ""),
                notice_end=dt.date.fromisoformat(request.POST.get("notice_end") or ""),
                region=request.POST.get("city") or None)
        except (ValueError, ValidationError) as exc:
            messages.error(request, _errors(exc, ListRelease))
        else:
            messages.success(request, _("Draft release created."))
            return redirect("resources:release_detail", number=release.number)
    today = dt.date.today()
    # in a province deployment the province's office chooses the city (a city's office publishes its own)
    cities = []
    if _is_province() and services.release_city(request.user) is None:
        cities = list(home_districts().filter(level="city").only("adcode", "name"))
    return render(request, "resources/release_new.html", {
        "notice_start": today, "notice_end": today + dt.timedelta(days=7), "cities": cities})


@roles(*roles_for(ListRelease, "publish"))
def release_publish(request, number: int):
    release = get_object_or_404(ListRelease.objects.restrict(request.user, CHANGE), number=number)
    if request.method == "POST":
        try:
            services.release_publish(actor=request.user, release=release)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc, ListRelease))
        else:
            messages.success(request, _("Release published."))
    return redirect("resources:release_detail", number=number)


# ---------------------------------------------------------------------------------------------------- resources


@signed_in
def manage(request):
    """The live list: an owner sees its own entries, the office and operators every entry."""
    user = request.user
    queryset = PublicResource.objects.restrict(user).select_related("owner", "region").defer(
        *services.REGION_HEAVY).annotate(
        hosted=Count("hosted_operators"))
    params = request.GET
    if params.get("region"):
        queryset = queryset.filter(region_id=params["region"])
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    if params.get("owner"):
        queryset = queryset.filter(owner__code=params["owner"])
    if params.get("availability"):
        queryset = queryset.filter(availability=params["availability"])
    if params.get("q"):
        queryset = queryset.filter(Q(code__icontains=params["q"]) | Q(name__icontains=params["q"])
                                   | Q(address__icontains=params["q"]))
    if params.get("unconfirmed") == "1":
        cutoff = dt.date.today() - dt.timedelta(days=services.confirm_days())
        queryset = queryset.filter(Q(last_confirmed_on__lt=cutoff) | Q(last_confirmed_on__isnull=True))
    if params.get("withdrawn") != "1":
        queryset = queryset.filter(withdrawn=False)
    page, query = paginate(request, queryset.order_by("code"))
    return render(request, "resources/manage.html", {
        "page": page, "query": query, "can_add": can_add(user, PublicResource), "confirm_days": services.confirm_days(),
        **_filter_context(params),
    })


@signed_in(record="resources.PublicResource", lookup=("code", "code"))
def resource_detail(request, code):
    resource = get_object_or_404(
        PublicResource.objects.restrict(request.user).select_related("owner", "region").defer(*services.REGION_HEAVY)
        .prefetch_related("hosted_operators"), code=code)
    requests = SiteRequest.objects.restrict(request.user).filter(resource=resource).select_related("requester")
    published = (ReleaseEntry.objects.filter(resource=resource, release__published_at__isnull=False)
                 .select_related("release").order_by("-release__number"))
    can_request, blocker = can_add(request.user, SiteRequest), ""
    if can_request:  # offered only when it can succeed; otherwise say why not
        blocker = request_blocker(resource, request.user.organization)
        can_request = not blocker
    return render(request, "resources/resource_detail.html", {
        "resource": resource, "requests": requests, "history": history_lines(resource), "published": published,
        "can_change": can(request.user, CHANGE, resource), "availabilities": Availability.choices,
        "actions": available_actions(request.user, resource),
        "can_request": can_request, "request_blocker": blocker,
        "capacity_left": resource.capacity_left,
    })


def _resource_form_values(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("crs", None)
    data.pop("owner", None)
    return data


@signed_in
@single_submit
def resource_new(request):
    user = request.user
    authorize_create(user, PublicResource)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("owner") if user.is_program_office else user.organization
        if owner is None:
            form.add_error("owner", _("Choose the owner."))
        else:
            values = _resource_form_values(form)
            lon, lat = values.pop("lon"), values.pop("lat")
            name, kind = values.pop("name"), values.pop("kind")
            try:
                resource = services.resource_create(actor=user, owner=owner, name=name, kind=kind, lon=lon, lat=lat,
                                                    crs=form.cleaned_data.get("crs") or "wgs84", **values)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc, PublicResource))
            else:
                messages.success(request, _("Resource added to the open list."))
                return redirect("resources:resource_detail", code=resource.code)
    return render(request, "resources/resource_form.html", {"form": form, "resource": None})


@signed_in
def resource_edit(request, code):
    resource = get_object_or_404(PublicResource.objects.restrict(request.user), code=code)
    authorize(request.user, CHANGE, resource)
    form = ResourceForm(request.POST or None, instance=PublicResource.objects.get(pk=resource.pk))
    if request.method == "POST" and form.is_valid():
        values = _resource_form_values(form)
        try:
            services.resource_update(actor=request.user, resource=resource, **values)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc, PublicResource))
        else:
            messages.success(request, _("Resource updated."))
            return redirect("resources:resource_detail", code=code)
    return render(request, "resources/resource_form.html", {"form": form, "resource": resource})


@signed_in
def resource_action(request, code):
    """Confirm, change availability, or withdraw (POST ``action``)."""
    resource = get_object_or_404(PublicResource.objects.restrict(request.user), code=code)
    if request.method != "POST":
        return redirect("resources:resource_detail", code=code)
    action, user = request.POST.get("action", ""), request.user
    try:
        if action == "confirm":
            services.resource_confirm(actor=user, resource=resource)
            messages.success(request, _("Confirmed as still valid."))
        elif action == "availability":
            services.resource_set_availability(actor=user, resource=resource,
                                               availability=request.POST.get("availability", ""),
                                               reason=request.POST.get("reason", ""))
            messages.success(request, _("Availability changed."))
        elif action == "withdraw":
            services.resource_withdraw(actor=user, resource=resource, reason=request.POST.get("reason", ""))
            messages.success(request, _("Withdrawn from the list."))
        else:
            messages.error(request, _("Unknown action."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc, PublicResource))
    return redirect("resources:resource_detail", code=code)


# ---------------------------------------------------------------------------------------------------- requests


@signed_in
def request_list(request):
    queryset = SiteRequest.objects.restrict(request.user).select_related("requester", "owner", "resource",
                                                                         "planned_site")
    status = request.GET.get("status", "")
    if status:
        queryset = queryset.filter(status=status)
    page, query = paginate(request, queryset)
    return render(request, "resources/request_list.html", {
        "page": page, "query": query, "statuses": RequestStatus.choices, "params": request.GET,
        "can_request": can_add(request.user, SiteRequest), "today": dt.date.today()})


@roles(*roles_for(SiteRequest, "add"))
@single_submit
def request_new(request):
    user = request.user
    authorize_create(user, SiteRequest)
    initial = {"resource": request.GET.get("resource", ""), "band": "n78", "planned_year": dt.date.today().year}
    form = SiteRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resource = None
        if data["resource"]:
            resource = PublicResource.objects.restrict(user).filter(code=data["resource"].strip()).first()
            if resource is None:
                form.add_error("resource", _("No resource with this code."))
        if not form.errors:
            try:
                site_request = services.site_request_create(
                    actor=user, resource=resource, lon=data["lon"], lat=data["lat"], radius_m=data["radius_m"],
                    band=data["band"], purpose=data["purpose"], planned_year=data["planned_year"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc, SiteRequest))
            else:
                messages.success(request, _("Site request submitted."))
                return redirect("resources:request_detail", code=site_request.code)
    return render(request, "resources/request_new.html", {"form": form})


@signed_in(record="resources.SiteRequest", lookup=("code", "code"))
def request_detail(request, code):
    site_request = get_object_or_404(
        SiteRequest.objects.restrict(request.user).select_related("requester", "owner", "resource", "planned_site",
                                                                  "shares_with", "answered_by", "requested_by"),
        code=code)
    return render(request, "resources/request_detail.html", {
        "req": site_request, "clock": services.request_clock(site_request), "history": history_lines(site_request),
        "charges": site_request.charges.all(), "offers": site_request.sharing_offers.select_related("requester"),
        "actions": available_actions(request.user, site_request),
        "fee_kinds": FeeKind.choices, "charge_rows": range(1, CHARGE_ROWS + 1),
        "fee_rule": services.FEE_RULE,
    })


@signed_in
def request_action(request, code):
    """Owner: accept / propose / decline. Requester: agree / withdraw. (POST ``action``)"""
    site_request = get_object_or_404(SiteRequest.objects.restrict(request.user, CHANGE), code=code)
    if request.method != "POST":
        return redirect("resources:request_detail", code=code)
    action, user, post = request.POST.get("action", ""), request.user, request.POST
    try:
        if action == "accept":
            services.site_request_accept(actor=user, request=site_request, conditions=post.get("conditions", ""),
                                         charges=charges_from_post(post))
            messages.success(request, _("Request accepted: the resource is reserved and the planned site created."))
        elif action == "propose":
            services.site_request_propose(actor=user, request=site_request, conditions=post.get("conditions", ""),
                                          charges=charges_from_post(post))
            messages.success(request, _("Conditions sent to the requester."))
        elif action == "decline":
            services.site_request_decline(actor=user, request=site_request, reason=post.get("reason", ""))
            messages.success(request, _("Request declined."))
        elif action == "agree":
            services.site_request_agree(actor=user, request=site_request)
            messages.success(request, _("Conditions agreed: the request is accepted."))
        elif action == "withdraw":
            services.site_request_withdraw(actor=user, request=site_request, reason=post.get("reason", ""))
            messages.success(request, _("Request withdrawn."))
        else:
            messages.error(request, _("Unknown action."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc, SiteRequest))
    return redirect("resources:request_detail", code=code)


# ---------------------------------------------------------------------------------------------------- complaints


@signed_in
def complaint_list(request):
    queryset = FeeComplaint.objects.restrict(request.user).select_related("complainant", "respondent", "request")
    page, query = paginate(request, queryset)
    return render(request, "resources/complaint_list.html", {"page": page, "query": query})


@roles(*roles_for(FeeComplaint, "add"))
@single_submit
def complaint_new(request):
    user = request.user
    authorize_create(user, FeeComplaint)
    form = ComplaintForm(request.POST or None, initial={"request": request.GET.get("request", ""),
                                                        "fee_kind": FeeKind.ENTRY})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site_request = resource = None
        if data["request"]:
            site_request = SiteRequest.objects.restrict(user).filter(code=data["request"].strip()).first()
            if site_request is None:
                form.add_error("request", _("No request of yours with this code."))
        if data["resource"]:
            resource = PublicResource.objects.restrict(user).filter(code=data["resource"].strip()).first()
            if resource is None:
                form.add_error("resource", _("No resource with this code."))
        if not form.errors:
            try:
                complaint = services.fee_complaint_file(actor=user, request=site_request, resource=resource,
                                                        fee_kind=data["fee_kind"], amount_cny=data["amount_cny"],
                                                        description=data["description"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc, FeeComplaint))
            else:
                messages.success(request, _("Complaint filed; the programme office has been notified."))
                return redirect("resources:complaint_detail", code=complaint.code)
    return render(request, "resources/complaint_new.html", {"form": form, "fee_rule": services.FEE_RULE})


@signed_in(record="resources.FeeComplaint", lookup=("code", "code"))
def complaint_detail(request, code):
    complaint = get_object_or_404(
        FeeComplaint.objects.restrict(request.user).select_related("complainant", "respondent", "request", "resource"),
        code=code)
    if request.method == "POST":
        try:
            services.fee_complaint_transition(actor=request.user, complaint=complaint,
                                              to_status=request.POST.get("to_status", ""),
                                              resolution=request.POST.get("resolution", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc, FeeComplaint))
        else:
            messages.success(request, _("Complaint updated."))
        return redirect("resources:complaint_detail", code=code)
    actions = available_actions(request.user, complaint)
    return render(request, "resources/complaint_detail.html", {
        "complaint": complaint, "history": history_lines(complaint), "actions": actions,
        "transitions": [(status, ComplaintStatus(status).label) for status, step in services.COMPLAINT_STEPS.items()
                        if actions[step]],
    })
