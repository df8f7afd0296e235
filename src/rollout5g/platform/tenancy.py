"""Tenancy: access follows the region tree (DESIGN.md §3, docs/tenancy.md).

A deployment serves a province with its cities, or a single city (its home region, :mod:`rollout5g.platform.home`).
A user's *region scope* is the region of their organization and every region below it: a city's units see their
city, the province's units see every city. :func:`region_scope` gives the adcodes, or ``None`` when no region
filter applies at all — a superuser or a process, an organization without a region (it is treated as the home
region), or a scope that covers the home region (in a single-city deployment the city's own units see everything,
as before tenancy). :class:`~rollout5g.platform.access.RestrictedQuerySet` applies the scope to the ``all_rows``
grants through each model's ``AccessPolicy.region_path``.

An organization's *family* is the organization and the organizations below it (an operator's provincial company and
its city branches): owner grants reach the rows of the whole family.

The platform does not import the apps above it: the region tree and the organization tree are read through the app
registry. The region tree (one province, 11 cities, 90 counties) is read once per process and dropped when a region
is saved or deleted; a user's organization data is read once per user object (one request).
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from .home import home_adcode

_children: dict[str, tuple[str, ...]] | None = None
_ATTR = "_tenancy_cache"


def clear_region_cache(**kwargs) -> None:
    """Forget the region tree (a region was saved or deleted; the next scope reads the tree again)."""
    global _children
    _children = None


post_save.connect(clear_region_cache, sender="regions.Region", dispatch_uid="tenancy-region-saved")
post_delete.connect(clear_region_cache, sender="regions.Region", dispatch_uid="tenancy-region-deleted")


def _tree(reload: bool = False) -> dict[str, tuple[str, ...]]:
    global _children
    if _children is None or reload:
        children: dict[str, list[str]] = {}
        for adcode, parent in apps.get_model("regions", "Region").objects.values_list("adcode", "parent_id"):
            children.setdefault(adcode, [])
            if parent:
                children.setdefault(parent, []).append(adcode)
        tree = {code: tuple(sorted(below)) for code, below in children.items()}
        if not tree:
            return tree  # boundaries not loaded yet: do not remember an empty tree
        _children = tree
    return _children


def region_descendants(adcode: str) -> frozenset[str]:
    """``adcode`` and the adcodes of every region below it (read from the cached region tree)."""
    tree = _tree()
    if adcode not in tree:
        tree = _tree(reload=True)  # a region loaded after the tree was read
    out, frontier = {adcode}, [adcode]
    while frontier:
        frontier = [child for code in frontier for child in tree.get(code, ()) if child not in out]
        out.update(frontier)
    return frozenset(out)


def _organization_data(user) -> tuple[str | None, tuple[int, ...]]:
    """(region adcode of the user's organization, ids of the organization and those below it), cached on ``user``."""
    org_id = getattr(user, "organization_id", None)
    cached = getattr(user, _ATTR, None)
    if cached is not None and cached[0] == org_id:
        return cached[1], cached[2]
    if not org_id:
        data = (None, ())
    else:
        organization = apps.get_model("organizations", "Organization")
        # one query for the organization's region and its children (a leaf organization: the only one)
        region, family = None, [org_id]
        for pk, region_id in organization.objects.filter(Q(pk=org_id) | Q(parent_id=org_id)).values_list(
                "pk", "region_id"):
            if pk == org_id:
                region = region_id
            else:
                family.append(pk)
        frontier = family[1:]
        while frontier:
            frontier = [pk for pk in organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
                        if pk not in family]
            family.extend(frontier)
        data = (region, tuple(family))
    try:
        setattr(user, _ATTR, (org_id, *data))
    except AttributeError:  # an object that takes no attributes: read again next time
        pass
    return data


def _unbounded(user) -> bool:
    return bool(getattr(user, "is_system", False) or getattr(user, "is_superuser", False))


def region_scope(user) -> frozenset[str] | None:
    """Adcodes of the regions ``user`` may see all rows of (their organization's region and those below it), or
    ``None`` for no region filter: a superuser, a process, an organization without a region, or a scope that covers
    the deployment's home region."""
    if user is None or _unbounded(user):
        return None
    region, _family = _organization_data(user)
    if not region:
        return None
    scope = region_descendants(region)
    return None if home_adcode() in scope else scope


def organization_family(user) -> tuple[int, ...]:
    """Ids of the user's organization and every organization below it (its city branches); empty without one."""
    if user is None:
        return ()
    return _organization_data(user)[1]


def in_region_scope(user, region) -> bool:
    """True if ``user`` may act on records of ``region`` (a Region, an adcode, or None for the whole deployment)."""
    scope = region_scope(user)
    if scope is None:
        return True
    code = getattr(region, "pk", region)
    return code is not None and code in scope


def require_region(user, region) -> None:
    """Raise PermissionDenied unless ``region`` lies in ``user``'s region scope — for a service that creates a
    place-bound record (a site, an application, a case) on a region the actor names."""
    if not in_region_scope(user, region):
        raise PermissionDenied(_("You may not create records for %(region)s: it lies outside your region.")
                               % {"region": region})


def scope_root(user) -> str:
    """Adcode of the region a user's pages are about: the home region when the user's scope covers it (the
    province's units in a province deployment, every unit of a single city, superusers, processes), else the region
    of the user's organization (a city's units in a province deployment: their city)."""
    scope = region_scope(user)
    if scope is None:
        return home_adcode()
    region, _family = _organization_data(user)
    return region


def scope_districts(user) -> tuple[str, ...]:
    """Adcodes of the regions one level below :func:`scope_root` (a city's counties, the province's cities), or the
    root itself when it has none (a county's units): what filters and forms offer where they list "districts"."""
    root = scope_root(user)
    tree = _tree()
    if root not in tree:
        tree = _tree(reload=True)
    return tree.get(root) or (root,)


def scope_district_regions(user):
    """:func:`scope_districts` as a ``Region`` queryset by adcode, boundaries deferred (lists, filters and forms
    show the names; a caller that draws a boundary reads it when it asks for it)."""
    region = apps.get_model("regions", "Region")
    return (region.objects.filter(adcode__in=scope_districts(user)).defer("geometry", "display_geometry")
            .order_by("adcode"))


def place_region(actor, *, site=None, region=None) -> str | None:
    """Adcode of the region of a new record that may name a site (an incident, an interference complaint, a
    measurement): the site's region when there is a site, else the region named (a Region or an adcode; the service
    checks it lies in the actor's scope, ``workflow.authorize_create(region=...)``), else the actor's
    :func:`scope_root` (their city, or the home region)."""
    if site is not None and getattr(site, "region_id", None):
        return site.region_id
    code = getattr(region, "pk", region) or None
    if code is None:
        return scope_root(actor) if actor is not None else home_adcode()
    if not isinstance(region, apps.get_model("regions", "Region")) and not apps.get_model(
            "regions", "Region").objects.filter(pk=code).exists():
        raise ValidationError({"region": _("%(value)s is not a region") % {"value": code}})
    return code


def scope_regions(user):
    """The regions a user may file a record in when it names no site: :func:`scope_root` and the regions one level
    below it (a city and its counties), as a ``Region`` queryset by adcode, boundaries deferred."""
    region = apps.get_model("regions", "Region")
    codes = {scope_root(user), *scope_districts(user)}
    return region.objects.filter(adcode__in=codes).defer("geometry", "display_geometry").order_by("adcode")
