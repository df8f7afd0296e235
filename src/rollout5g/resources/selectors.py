"""Read-side queries of the open list (used by the pages, the API and the site recommendation)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from django.db.models import Count, F, Q, QuerySet

from rollout5g.core.geo import haversine_m

from .choices import Availability
from .models import ListRelease, PublicResource, ReleaseEntry

_M_PER_DEG_LAT = 110_574.0


def open_candidates(*, region=None, polygon_wgs84=None, kinds=None) -> QuerySet[PublicResource]:
    """Listed resources a new site can go on: open ones, or smart poles with capacity left (whatever their
    availability says, unless unavailable).

    region: a Region or adcode (county); polygon_wgs84: a GeoJSON geometry dict or shapely geometry in WGS-84;
    kinds: iterable of ResourceKind values. The polygon test runs in Python over the bounding-box hits.
    """
    qs = (
        PublicResource.objects.filter(withdrawn=False)
        .annotate(_hosted=Count("hosted_operators"))
        .filter(
            Q(availability=Availability.OPEN, smart_pole=False)
            | (Q(smart_pole=True) & ~Q(availability=Availability.UNAVAILABLE) & Q(smart_pole_capacity__gt=F("_hosted")))
        )
    )
    if region is not None:
        qs = qs.filter(region_id=getattr(region, "pk", region))
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if polygon_wgs84 is not None:
        geom = polygon_wgs84 if isinstance(polygon_wgs84, shapely.Geometry) else shapely.geometry.shape(polygon_wgs84)
        minx, miny, maxx, maxy = geom.bounds
        boxed = list(qs.filter(lon__gte=minx, lon__lte=maxx, lat__gte=miny, lat__lte=maxy).values_list("pk", "lon", "lat"))
        if not boxed:
            return qs.none()
        arr = np.asarray([(lon, lat) for _, lon, lat in boxed])
        inside = shapely.contains_xy(geom, arr[:, 0], arr[:, 1])
        qs = qs.filter(pk__in=[pk for (pk, _, _), ok in zip(boxed, inside, strict=True) if ok])
    return qs


def resources_near(lon: float, lat: float, radius_m: float, *, queryset=None) -> list[tuple[PublicResource, float]]:
    """Listed resources within ``radius_m`` [m] of (lon, lat) (WGS-84), nearest first, as (resource, distance_m)."""
    if radius_m <= 0:
        raise ValueError(f"radius_m must be > 0, got {radius_m}")
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
    qs = queryset if queryset is not None else PublicResource.objects.filter(withdrawn=False)
    rows = list(qs.filter(lon__gte=lon - dlon, lon__lte=lon + dlon, lat__gte=lat - dlat, lat__lte=lat + dlat))
    if not rows:
        return []
    d = haversine_m(lon, lat, np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
    out = [(r, float(x)) for r, x in zip(rows, d, strict=True) if x <= radius_m]
    out.sort(key=lambda pair: (pair[1], pair[0].code))
    return out


def latest_release(user=None, *, region=None) -> ListRelease | None:
    """The newest published release (what the public page shows); with ``region`` (a city, Region or adcode), that
    city's newest."""
    releases = ListRelease.objects.filter(published_at__isnull=False)
    if region is not None:
        releases = releases.filter(region_id=getattr(region, "pk", region))
    return releases.order_by("-number").first()


def previous_release(release: ListRelease) -> ListRelease | None:
    """The published release of the same city before ``release`` (the base of its diff; a draft's base is its
    city's latest)."""
    return (ListRelease.objects.filter(published_at__isnull=False, number__lt=release.number,
                                       region_id=release.region_id)
            .order_by("-number").first())


def release_cities():
    """The cities that published a release of their open list, by adcode (the public page's choice of city)."""
    from rollout5g.regions.models import Region

    codes = ListRelease.objects.filter(published_at__isnull=False, region__isnull=False).values("region_id")
    return list(Region.objects.filter(pk__in=codes).only("adcode", "name").order_by("adcode"))


#: Snapshot keys compared by the diff (everything a reader of the list cares about; not bookkeeping).
DIFF_FIELDS = ("name", "kind", "owner", "owner_name", "region", "lon", "lat", "address", "height_m", "load_kg",
               "power_kw_available", "cabinet_space_m2", "conditions", "availability", "availability_reason",
               "smart_pole", "smart_pole_capacity", "hosted_operators")


def diff_snapshots(old: dict[str, dict], new: dict[str, dict]) -> dict:
    """Diff two releases given as {code: snapshot}: added and withdrawn codes, and changed codes with the fields
    that changed (sorted). Pure function; the release diff and the tests use it."""
    added = sorted(set(new) - set(old))
    withdrawn = sorted(set(old) - set(new))
    changed = {}
    for code in sorted(set(old) & set(new)):
        fields = [f for f in DIFF_FIELDS if old[code].get(f) != new[code].get(f)]
        if fields:
            changed[code] = fields
    return {"added": added, "changed": changed, "withdrawn": withdrawn}


def release_snapshots(release: ListRelease | None) -> dict[str, dict]:
    if release is None:
        return {}
    return dict(ReleaseEntry.objects.filter(release=release).values_list("code", "snapshot"))


def release_diff(release: ListRelease) -> dict:
    """Diff of ``release`` against the previous published release (every entry is 'added' in the first)."""
    base = previous_release(release) if release.is_published else latest_release(region=release.region_id)
    return {"base": base, **diff_snapshots(release_snapshots(base), release_snapshots(release))}


#: The query parameters :func:`filter_entries` reads, the free text last.
ENTRY_FILTERS = ("region", "kind", "owner", "availability", "smart_pole", "q")


def filter_entries(queryset, params):
    """Filter release entries by their published values (county, kind, owner, availability, text)."""
    if params.get("region"):
        queryset = queryset.filter(snapshot__region=params["region"])
    if params.get("kind"):
        queryset = queryset.filter(snapshot__kind=params["kind"])
    if params.get("owner"):
        queryset = queryset.filter(snapshot__owner=params["owner"])
    if params.get("availability"):
        queryset = queryset.filter(snapshot__availability=params["availability"])
    if params.get("smart_pole") == "1":
        queryset = queryset.filter(snapshot__smart_pole=True)
    if params.get("q"):
        queryset = queryset.filter(Q(code__icontains=params["q"]) | Q(snapshot__name__icontains=params["q"])
                                   | Q(snapshot__address__icontains=params["q"]))
    return queryset


def request_blocker(resource: PublicResource, organization) -> str:
    """Why a new site request of ``organization`` for ``resource`` would be refused now ("" if it would not): the
    page offers the request link only when the request can succeed (the same rules as ``site_request_create``)."""
    from django.utils.translation import gettext as _

    from .choices import RequestStatus

    if organization is None:
        return _("a site request is made by a user of an operator or the tower company")
    if resource.withdrawn:
        return _("withdrawn from the list")
    if resource.availability == Availability.UNAVAILABLE:
        return _("%(code)s is not available: %(reason)s") % {"code": resource.code,
                                                               "reason": resource.availability_reason}
    active = (RequestStatus.SUBMITTED, RequestStatus.CONDITIONS_PROPOSED, RequestStatus.ACCEPTED)
    requests = resource.requests.filter(status__in=active)
    if requests.filter(requester=organization).exists():
        return _("%(requester)s already has a request for %(code)s") % {
            "requester": organization.short_name or organization.name, "code": resource.code}
    hosted = resource.hosted_operators.all()
    if resource.smart_pole and organization not in hosted and resource.capacity_left == 0:
        return _("smart pole %(code)s already carries %(n)s operators (its capacity)") % {
            "code": resource.code, "n": resource.smart_pole_capacity}
    first_claim = requests.filter(shares_with__isnull=True).exclude(requester=organization).exists()
    if not first_claim and resource.availability != Availability.OPEN and resource.capacity_left == 0:
        return _("%(code)s is %(state)s: %(reason)s") % {"code": resource.code,
                                                          "state": resource.get_availability_display(),
                                                          "reason": resource.availability_reason}
    return ""
