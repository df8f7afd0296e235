import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rollout5g.audit.services import history_for
from rollout5g.organizations.models import Organization
from rollout5g.platform.forms import error_text
from rollout5g.platform.home import home_adcode
from rollout5g.platform.pagination import paginate
from rollout5g.platform.routes import public, roles, signed_in
from rollout5g.platform.workflow import available_actions, roles_for
from rollout5g.regions.services import home_districts, home_region

from . import services
from .choices import Band, SiteState, SiteType
from .filters import FilterError, filter_cells, filter_sites_full
from .models import Cell, ImportBatch, KeyArea, PlannedSite, Site
from .selectors import emf_for_site, on_air_base_stations_by_region

#: The roles that take some step of a site's lifecycle: the one transition route serves every step.
SITE_STEP_ROLES = sorted({r for name in Site.access_policy.actions for r in roles_for(Site, name)})


def _site_steps(user, site) -> list[tuple[str, str]]:
    """(target state, step label) of each lifecycle step ``user`` may take on ``site`` now."""
    declared = Site.access_policy.actions
    return [(declared[name].target, str(declared[name].label))
            for name, ok in available_actions(user, site).items() if ok]


def _filter_context(request):
    return {
        "params": request.GET,
        "regions": home_districts(),
        "operators": Organization.objects.filter(kind__in=["operator", "tower_company"], region_id=home_adcode()),
        "bands": Band.choices,
        "states": SiteState.choices,
        "site_types": SiteType.choices,
    }


@signed_in
def site_list(request):
    queryset = Site.objects.restrict(request.user).select_related("region", "owner")
    try:
        queryset = filter_sites_full(queryset, request.GET)
    except FilterError as exc:
        messages.error(request, str(exc))
        queryset = queryset.none()
    queryset = queryset.annotate(cell_count=Count("cells", distinct=True)).order_by("code")
    page, query = paginate(request, queryset)
    return render(request, "sites/site_list.html", {"page": page, "query": query, **_filter_context(request)})


@signed_in
def cell_list(request):
    queryset = Cell.objects.restrict(request.user).select_related("site", "operator", "site__region")
    try:
        queryset = filter_cells(queryset, request.GET)
    except FilterError as exc:
        messages.error(request, str(exc))
        queryset = queryset.none()
    page, query = paginate(request, queryset.order_by("cell_id"))
    return render(request, "sites/cell_list.html", {"page": page, "query": query, **_filter_context(request)})


@signed_in(record="sites.Site", lookup=("code", "code"))
def site_detail(request, code):
    site = get_object_or_404(
        Site.objects.restrict(request.user).select_related("region", "owner", "plan_entry", "import_batch")
        .prefetch_related("operators"),
        code=code,
    )
    cells = Cell.objects.restrict(request.user).filter(site=site).select_related("operator")
    history = list(history_for(site))
    if site.import_batch_id:
        history = list(history_for(site.import_batch)) + history
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "cells": cells,
            "history": history,
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


@signed_in
def plan_list(request):
    queryset = PlannedSite.objects.restrict(request.user).select_related("region", "organization", "key_area")
    region, year = request.GET.get("region", ""), request.GET.get("year", "")
    if region:
        queryset = queryset.filter(region_id=region)
    if year.isdigit():
        queryset = queryset.filter(planned_year=int(year))
    if request.GET.get("published") in ("0", "1"):
        queryset = queryset.filter(published=request.GET["published"] == "1")
    summary = (
        queryset.order_by().values("region__name", "planned_year").annotate(n=Count("id"))
        .order_by("region__name", "planned_year")
    )
    years = sorted({row["planned_year"] for row in summary})
    table: dict[str, dict[int, int]] = {}
    for row in summary:
        table.setdefault(row["region__name"], {})[row["planned_year"]] = row["n"]
    page, query = paginate(request, queryset)
    return render(request, "sites/plan_list.html", {
        "page": page, "query": query, "years": years,
        "summary": [(name, [counts.get(y, 0) for y in years]) for name, counts in table.items()],
        **_filter_context(request),
    })


@public
def key_area_list(request):
    areas = KeyArea.objects.restrict(request.user).select_related("region")
    category = request.GET.get("category", "")
    if category:
        areas = areas.filter(category=category)
    return render(request, "sites/key_area_list.html", {"areas": areas, "params": request.GET})


@signed_in
def registry_overview(request):
    """Counts by county for the registry (base stations on air today, sites by state)."""
    city = home_region()
    sites = Site.objects.restrict(request.user)
    by_state = dict(sites.order_by().values_list("state").annotate(n=Count("id")))
    return render(request, "sites/overview.html", {
        "on_air_by_county": on_air_base_stations_by_region(as_of=dt.date.today(), parent=city)
        if request.user.is_program_office or request.user.role == "department" else None,
        "by_state": [(s, label, by_state.get(s, 0), SiteState.colour(s)) for s, label in SiteState.choices],
        "batches": ImportBatch.objects.restrict(request.user)[:10],
        "counties": {r.adcode: r.name for r in city.children.all()},
        "cell_count": Cell.objects.restrict(request.user).count(),
    })
