"""What a recommendation reads: its area (a key area, a county or a polygon), the operators of the home region and
their carrier family, and the recommendations a user may see."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import shapely
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from shapely.geometry import shape

from rollout5g.platform.access import VIEW

from .config import RecommendError

# ------------------------------------------------------------------------------------------------ areas


@dataclass
class Area:
    """The area of a recommendation: ``ref`` is ``"key_area:<id>"``, ``"region:<adcode>"`` or ``"polygon"``."""

    name: str
    ref: str
    geometry: object  # shapely, WGS-84
    key_area: object = None
    region: object = None


def resolve_area(area) -> Area:
    """An :class:`Area` from a KeyArea, a Region, a ``"key_area:ID"`` / ``"region:ADCODE"`` reference, a shapely
    geometry or a GeoJSON geometry dict (WGS-84)."""
    from rollout5g.regions.models import Region
    from rollout5g.sites.models import KeyArea

    if isinstance(area, Area):
        return area
    if isinstance(area, str):
        kind, _sep, key = area.partition(":")
        if kind == "key_area":
            found = KeyArea.objects.filter(pk=key).first() if key.isdigit() else None
            if found is None:
                raise RecommendError(_("Unknown key area %(key)s") % {"key": key})
            area = found
        elif kind == "region":
            found = Region.objects.filter(pk=key).first()
            if found is None:
                raise RecommendError(_("Unknown region %(key)s") % {"key": key})
            area = found
        else:
            raise RecommendError(_("Area reference %(ref)s: expected 'key_area:<id>' or 'region:<adcode>'")
                                 % {"ref": area})
    if isinstance(area, KeyArea):
        return Area(area.name, f"key_area:{area.pk}", _polygon(shape(area.geometry), area.name), key_area=area,
                    region=area.region)
    if isinstance(area, Region):
        return Area(area.name, f"region:{area.pk}", _polygon(shape(area.geometry), area.name), region=area)
    if isinstance(area, dict):
        try:
            geom = shape(area.get("geometry", area))
        except Exception as exc:  # noqa: BLE001 - shapely raises several types for bad GeoJSON
            raise RecommendError(_("The polygon is not a GeoJSON geometry: %(error)s") % {"error": exc}) from None
        return Area("polygon", "polygon", _polygon(geom, "polygon"))
    if isinstance(area, shapely.Geometry):
        return Area("polygon", "polygon", _polygon(area, "polygon"))
    raise RecommendError(_("The area must be a key area, a region or a WGS-84 polygon."))


def _polygon(geom, name):
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise RecommendError(_("%(name)s: the area must be a non-empty polygon, got %(type)s")
                             % {"name": name, "type": geom.geom_type})
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise RecommendError(_("%(name)s: the coordinates are not WGS-84 longitude/latitude") % {"name": name})
    return geom if geom.is_valid else shapely.make_valid(geom)


def find_area(name: str) -> Area:
    """The key area or county-level region called ``name`` (exact name first, then a unique substring); an unknown
    name raises :class:`RecommendError` listing the most similar names."""
    from rollout5g.regions.models import Region
    from rollout5g.sites.models import KeyArea

    name = (name or "").strip()
    if not name:
        raise RecommendError(_("No area name given."))
    key_areas = list(KeyArea.objects.all())
    counties = list(Region.objects.filter(level__in=("county", "city")))
    exact = [a for a in key_areas if a.name == name] + [r for r in counties if r.name == name]
    if not exact:
        exact = [a for a in key_areas if name in a.name] + [r for r in counties if name in r.name]
    if len(exact) == 1:
        return resolve_area(exact[0])
    names = [a.name for a in key_areas] + [r.name for r in counties]
    if len(exact) > 1:
        raise RecommendError(_("The area %(name)s is ambiguous: %(names)s")
                             % {"name": name, "names": ", ".join(sorted({o.name for o in exact})[:10])})
    similar = difflib.get_close_matches(name, names, n=8, cutoff=0.3) or sorted(names)[:8]
    raise RecommendError(_("Unknown area %(name)s (not a key area or county); similar: %(similar)s")
                         % {"name": name, "similar": ", ".join(similar)})


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the form: key areas and the counties of the city."""
    from rollout5g.platform.home import home_adcode
    from rollout5g.regions.models import Region
    from rollout5g.sites.models import KeyArea

    keys = [(f"key_area:{pk}", name) for pk, name in
            KeyArea.objects.order_by("region_id", "category", "name").values_list("pk", "name")]
    # the counties of the home city, and any other county with a key area (names only: never the boundaries)
    with_key_area = Exists(KeyArea.objects.filter(region_id=OuterRef("pk")))
    counties = [(f"region:{adcode}", name) for adcode, name in
                Region.objects.filter(Q(parent_id=home_adcode()) | with_key_area, level="county")
                .order_by("adcode").values_list("adcode", "name")]
    return [("key areas", keys), ("counties", counties)]



# ------------------------------------------------------------------------------------------------ operators


def home_operators():
    """The telecom operators of the home region (organizations of kind ``operator`` in the region or below it)."""
    from rollout5g.organizations.choices import OrganizationKind
    from rollout5g.organizations.models import Organization
    from rollout5g.platform.home import home_adcode
    from rollout5g.regions.models import Region

    codes = [home_adcode()]
    frontier = list(codes)
    while frontier:  # the region and every region below it
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("adcode", flat=True))
        codes += frontier
    return Organization.objects.filter(kind=OrganizationKind.OPERATOR, is_active=True,
                                       region_id__in=codes).order_by("code")


def find_operator(code: str | None):
    """The home region's operator with organization ``code`` (None for none); RecommendError for another code."""
    if not code:
        return None
    found = home_operators().filter(code=code).first()
    if found is None:
        valid = ", ".join(str(o.short_name or o.name) for o in home_operators()) or "—"
        raise RecommendError(_("Unknown operator %(code)s; operators: %(valid)s") % {"code": code, "valid": valid})
    return found


def operator_family(organization) -> str | None:
    """The operator family (``china_mobile``, ``china_telecom``, …: the keys of the carrier table in
    :mod:`rollout5g.core.radio.nr`) of an organization, from the Chinese names of the families in its name, short
    name or aliases; None when none matches."""
    from rollout5g.sites.imports.parsers import OPERATOR_FAMILIES

    if organization is None:
        return None
    names = [organization.name, organization.short_name, *(organization.aliases or [])]
    for family, spellings in OPERATOR_FAMILIES.items():
        chinese = [s for s in spellings if not s.isascii()]
        if any(s in n for s in chinese for n in names if n):
            return family
    return None


# ------------------------------------------------------------------------------------------------ recommendations


def recommendations_for(user):
    """The recommendations ``user`` may see (its organization's; the programme office's: all), newest first."""
    from .models import Recommendation

    return Recommendation.objects.restrict(user, VIEW).select_related("created_by")
