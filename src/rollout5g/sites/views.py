import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import describe_events
from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.formats import crs_label
from rollout5g.platform.forms import error_text
from rollout5g.platform.pagination import DEFAULT_PER_PAGE
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.tenancy import scope_district_regions, scope_root
from rollout5g.platform.workflow import available_actions, roles_for
from rollout5g.policy.cache import memoize
from rollout5g.regions.boundaries import without_geometry
from rollout5g.regions.downloads import DownloadError, polygon_download
from rollout5g.regions.models import Region

from . import services
from .choices import Band, SiteState, SiteType
from .filters import FilterError, filter_cells, filter_sites_full
from .models import Cell, ImportBatch, KeyArea, PlannedSite, Site
from .selectors import emf_for_site, on_air_base_stations_by_region

#: The roles that take some step of a site's lifecycle: the one transition route serves every step.
SITE_STEP_ROLES = sorted({r for name in Site.access_policy.actions for r in roles_for(Site, name)})


def batch_label(batch: ImportBatch) -> str:
    """An import as a person names it: its file, or the generated scenario (never the internal source string)."""
    return batch.file_name or _("generated scenario")


def _site_history(site) -> list[dict]:
    events = list(history_for(site).select_related("actor"))
    if site.import_batch_id:
        events = list(history_for(site.import_batch).select_related("actor")) + events
    rows = describe_events(events)
    for row in rows:
        is_batch = row["event"].object_type == "sites.importbatch" and site.import_batch_id
        row["object"] = batch_label(site.import_batch) if is_batch else row["event"].object_repr
    return rows


def _site_steps(user, site) -> list[tuple[str, str]]:
    """(target state, step label) of each lifecycle step ``user`` may take on ``site`` now."""
    declared = Site.access_policy.actions
    return [(declared[name].target, str(declared[name].label))
            for name, ok in available_actions(user, site).items() if ok]


def _filter_context(request):
    return {
        "params": request.GET,
        "regions": scope_district_regions(request.user),
        "operators": Organization.objects.filter(kind__in=["operator", "tower_company"], region_id=scope_root(request.user)),
        "bands": Band.choices,
        "states": SiteState.choices,
        "site_types": SiteType.choices,
    }


def _scope(user) -> tuple:
    """What ``restrict(user)`` depends on: counts cached under this key are the same for every user who has it."""
    return (user.role, user.organization_id, user.is_superuser)


def _counted_page(request, queryset, namespace: str):
    """The requested page of ``queryset`` and the query string without ``page``. The rows are counted by their
    keys only (restrict() may add a DISTINCT over every column), and the unfiltered list once per data version."""
    paginator = Paginator(queryset, DEFAULT_PER_PAGE)

    def count() -> int:
        return queryset.order_by().values("pk").count()

    filtered = any(value for key, value in request.GET.items() if key != "page")
    paginator.count = count() if filtered else memoize(namespace, _scope(request.user), count)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@signed_in
def site_list(request):
    queryset = Site.objects.restrict(request.user).select_related("region", "owner")
    try:
        queryset = filter_sites_full(queryset, request.GET)
    except FilterError as exc:
        messages.error(request, str(exc))
        queryset = queryset.none()
    # the page is counted without the cell counts (a grouped join over every site cost 0.2-0.3 CPU-s a page);
    # the cells are counted for the rows shown only
    page, query = _counted_page(request, queryset.defer(*without_geometry("region")).order_by("code"), "sites.list")
    shown = [site.pk for site in page]
    cells = dict(Cell.objects.filter(site_id__in=shown).order_by().values_list("site_id").annotate(n=Count("id")))
    # labels looked up once per page (get_FOO_display() hashes every lazy label of the choices on each call)
    states, site_types = dict(SiteState.choices), dict(SiteType.choices)
    for site in page:
        site.cell_count = cells.get(site.pk, 0)
        site.state_label, site.site_type_label = states.get(site.state, site.state), site_types.get(site.site_type, "")
    return render(request, "sites/site_list.html", {"page": page, "query": query, **_filter_context(request)})


@signed_in
def cell_list(request):
    queryset = (Cell.objects.restrict(request.user).select_related("site", "operator", "site__region")
                .defer(*without_geometry("site__region")))
    try:
        queryset = filter_cells(queryset, request.GET)
    except FilterError as exc:
        messages.error(request, str(exc))
        queryset = queryset.none()
    page, query = _counted_page(request, queryset.order_by("cell_id"), "sites.cells")
    return render(request, "sites/cell_list.html", {"page": page, "query": query, **_filter_context(request)})


@signed_in(record="sites.Site", lookup=("code", "code"))
def site_detail(request, code):
    site = get_object_or_404(
        Site.objects.restrict(request.user).select_related("region", "owner", "plan_entry", "import_batch")
        .defer(*without_geometry("region")).prefetch_related("operators"),
        code=code,
    )
    cells = Cell.objects.restrict(request.user).filter(site=site).select_related("operator")
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "cells": cells,
            "history": _site_history(site),
            "batch_label": batch_label(site.import_batch) if site.import_batch_id else "",
            "source_crs": crs_label(site.source_crs),
            "emf": emf_for_site(site, cells),
            "steps": _site_steps(request.user, site),
            "today": dt.date.today(),
        },
    )


@roles(*SITE_STEP_ROLES)
def site_transition(request, code):
    site = get_object_or_404(Site.objects.restrict(request.user), code=code)
    if request.method != "POST":
        return redirect("sites:detail", code=code)
    try:
        on = dt.date.fromisoformat(request.POST.get("on") or dt.date.today().isoformat())
        services.site_transition(actor=request.user, site=site, to_state=request.POST.get("to_state", ""), on=on,
                                 note=request.POST.get("note", ""))
    except ValueError:
        messages.error(request, _("Give the date as YYYY-MM-DD."))
    except ValidationError as exc:  # an unknown state, or a step not open in the site's present state
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("State changed."))
    return redirect("sites:detail", code=code)


def _plan_summary(user, queryset, *, filtered: bool) -> tuple[list[int], list[tuple[str, list[int]]]]:
    """The special plan's entries by county and year (the years, and each county's counts by year): a grouped count
    over every entry the filters keep; the unfiltered one once per data version for each scope of access."""
    def compute():
        summary = (
            queryset.order_by().values("region__name", "planned_year").annotate(n=Count("id"))
            .order_by("region__name", "planned_year")
        )
        table: dict[str, dict[int, int]] = {}
        for row in summary:
            table.setdefault(row["region__name"], {})[row["planned_year"]] = row["n"]
        years = sorted({y for counts in table.values() for y in counts})
        return years, [(name, [counts.get(y, 0) for y in years]) for name, counts in table.items()]

    return compute() if filtered else memoize("sites.plan_summary", _scope(user), compute)


@signed_in
def plan_list(request):
    queryset = (PlannedSite.objects.restrict(request.user).select_related("region", "organization")
                .only("code", "place", "planned_year", "site_type", "published", "region__name",
                      "organization__name", "organization__short_name"))
    region, year = request.GET.get("region", ""), request.GET.get("year", "")
    published = request.GET.get("published", "")
    if region:
        queryset = queryset.filter(region_id=region)
    if year.isdigit():
        queryset = queryset.filter(planned_year=int(year))
    if published in ("0", "1"):
        queryset = queryset.filter(published=published == "1")
    filtered = bool(region or year.isdigit() or published in ("0", "1"))

    def data():
        years, summary = _plan_summary(request.user, queryset, filtered=filtered)
        page, query = _counted_page(request, queryset, "sites.plan")
        site_types = dict(SiteType.choices)
        for entry in page:
            entry.site_type_label = site_types.get(entry.site_type, "")
        return {"page": page, "query": query, "years": years, "summary": summary}

    # read only when the page's part is rendered, not when it is kept ({% datacache %} in the template)
    return render(request, "sites/plan_list.html", {"data": SimpleLazyObject(data), **_filter_context(request)})


@public
def key_area_download(request):
    """``/sites/key-areas/download/?category=&format=geojson|shp&crs=wgs84|gcj02``: the key areas as a file."""
    areas = KeyArea.objects.restrict(request.user).select_related("region").defer(*without_geometry("region"))
    category = request.GET.get("category", "")
    if category:
        areas = areas.filter(category=category)
    features = [{"type": "Feature", "geometry": a.geometry,
                 "properties": {"name": a.name, "category": a.get_category_display(), "area_type": a.area_type,
                                "county": a.region.name if a.region else "",
                                "target_share": a.coverage_share_target, "rsrp_min_dbm": a.coverage_rsrp_min_dbm,
                                "due_year": a.due_year, "approximate": "是" if a.approximate else "否"}}
                for a in areas.order_by("region_id", "name")]
    try:
        return polygon_download(features, stem="key-areas", fmt=request.GET.get("format", "geojson"),
                                crs=request.GET.get("crs", "wgs84"))
    except DownloadError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


@public
def key_area_list(request):
    areas = KeyArea.objects.restrict(request.user).select_related("region").defer("geometry", *without_geometry("region"))
    category = request.GET.get("category", "")
    if category:
        areas = areas.filter(category=category)
    return render(request, "sites/key_area_list.html", {"areas": areas, "params": request.GET})


def _overview_counts(user, today: dt.date) -> dict:
    """The overview's counts for ``user``: sites by state and the cells they may see, and for the office and the
    departments the base stations on air today per county (grouped counts over every row: 30-60 ms on the demo
    data). Computed once per data version for each scope of access (role and organization)."""
    def compute():
        sites = Site.objects.restrict(user).order_by()
        counts = {
            # restrict() may join the operators (one row per operator of a site): count each site once
            "by_state": dict(sites.values_list("state").annotate(n=Count("id", distinct=True))),
            "cells": Cell.objects.restrict(user).order_by().values("pk").count(),
            "on_air": None,
        }
        if user.is_program_office or user.role == "department":
            city = Region.objects.defer(*without_geometry("")).get(pk=scope_root(user))
            counts["on_air"] = on_air_base_stations_by_region(as_of=today, parent=city)
        return counts

    return memoize("sites.overview", (*_scope(user), today), compute)


@signed_in
def registry_overview(request):
    """Counts by county for the registry (base stations on air today, sites by state)."""
    counts = _overview_counts(request.user, dt.date.today())
    on_air = None
    if counts["on_air"] is not None:
        counties = dict(scope_district_regions(request.user).values_list("adcode", "name"))
        on_air = [(counties.get(code, code), n) for code, n in counts["on_air"].items()]
    return render(request, "sites/overview.html", {
        "on_air_by_county": on_air,
        "by_state": [(s, label, counts["by_state"].get(s, 0), SiteState.colour(s)) for s, label in SiteState.choices],
        "batches": ImportBatch.objects.restrict(request.user).only(
            "created_at", "file_name", "sites_created", "cells_created")[:10],
        "cell_count": counts["cells"],
    })
