"""Business actions on the registry: site lifecycle, cells, key areas, the special plan, and loading the
synthetic Jiaxing scenario. Every write records an audit event in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import CHANGE
from rollout5g.platform.actors import SystemActor
from rollout5g.platform.codes import next_code
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.regions.models import Region
from rollout5g.regions.services import find_regions

from .choices import SiteState
from .models import Cell, ImportBatch, KeyArea, PlannedSite, Site

#: Operator codes of the core scenario -> organization codes of the directory.
SCENARIO_ORGANIZATIONS = {
    "china_mobile": "jx-mobile",
    "china_telecom": "jx-telecom",
    "china_unicom": "jx-unicom",
    "china_broadnet": "jx-broadnet",
    "china_tower": "jx-tower",
}
SCENARIO_SOURCE = "synthetic scenario"
#: The loaders' own names in the audit history.
SCENARIO_LOADER = SystemActor("scenario")
KEY_AREAS_LOADER = SystemActor("key-areas")


class TransitionError(ValidationError):
    """A state the lifecycle does not know (a state it knows but cannot reach now is ActionUnavailable)."""


def site_steps() -> dict[str, str]:
    """``{target state: action name}`` of the lifecycle declared on :class:`Site` — one step per target state."""
    return {str(a.target): name for name, a in Site.access_policy.actions.items()}


def site_transition(*, actor, site: Site, to_state: str, on: dt.date | None = None, note: str = "") -> Site:
    """Move a site along its lifecycle (planned → applied → approved → building → on air; relocating; retired) by
    taking the declared step that leads to ``to_state``: the step's roles, the site's organizations and its present
    state are checked by :func:`~rollout5g.platform.workflow.transition` (ActionRefused, ActionUnavailable)."""
    steps = site_steps()
    if to_state not in steps:
        raise TransitionError(_("Unknown state “%(state)s”; valid: %(valid)s")
                              % {"state": to_state, "valid": ", ".join(SiteState.values)})
    on = on or dt.date.today()
    fields = {"state_since": on}
    if to_state == SiteState.ON_AIR and site.on_air_date is None:
        fields["on_air_date"] = on
    if to_state == SiteState.RETIRED:
        fields["retired_date"] = on
    with transaction.atomic():
        transition(site, steps[to_state], actor=actor, note=note, **fields)
        if "on_air_date" in fields:
            site.cells.filter(on_air_date__isnull=True).update(on_air_date=on)
    return site


def site_update(*, actor, site: Site, **fields) -> Site:
    """Change a site's descriptive fields (not its state: use :func:`site_transition`)."""
    editable = {"name", "address", "site_type", "height_m", "power_supply", "plan_entry"}
    unknown = set(fields) - editable
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here; editable: {', '.join(sorted(editable))}")
    with transaction.atomic():
        authorize(actor, CHANGE, site)
        before = snapshot(site, exclude=("operators",))
        for key, value in fields.items():
            setattr(site, key, value)
        site.full_clean()
        site.save()
        record_changes(actor=actor, obj=site, before=before, exclude=("operators",))
    return site


def _county_at(lon: float, lat: float) -> Region:
    """The county-level region containing a WGS-84 point (ValidationError naming the point if none)."""
    codes = [c for c in assign_regions([lon], [lat]) if c]
    region = Region.objects.filter(adcode=codes[0]).first() if codes else None
    if region is None:
        raise ValidationError(f"({lon:.6f}, {lat:.6f}) is not inside any loaded county")
    return region


def planned_site_create(*, actor, organization: Organization, lon: float, lat: float, planned_year: int,
                        site_type: str, name: str = "", place: str = "", key_area: KeyArea | None = None,
                        code: str | None = None, published: bool = False, note: str = "") -> PlannedSite:
    """Add an entry to the special plan (from an accepted open-list request, a recommendation, or by hand).

    The county comes from the location; the code is generated (``P-<county>-<year>-<n>``) unless given. An operator
    adds entries for its own organization; the programme office for any.
    """
    region = _county_at(lon, lat)
    authorize_create(actor, PlannedSite, owner=organization, region=region)  # in the actor's city (tenancy)
    with transaction.atomic():
        if code is None:
            code = next_code(model=PlannedSite, prefix=f"P-{region.adcode}-{planned_year}-", width=4)
        plan = PlannedSite(code=code, name=name[:100], lon=lon, lat=lat, region=region, planned_year=planned_year,
                           site_type=site_type, place=place[:100], key_area=key_area, organization=organization,
                           published=published)
        plan.full_clean()
        plan.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=plan, after=snapshot(plan), note=note)
    return plan


def site_create(*, actor, owner: Organization, name: str, lon: float, lat: float, site_type: str,
                operators=(), address: str = "", height_m: float | None = None, plan_entry: PlannedSite | None = None,
                code: str | None = None, note: str = "") -> Site:
    """Register a new site in the ``planned`` state (before its approval application). The county comes from the
    location; the code is generated (``S-<county>-<n>``) unless given."""
    # an operator registers a site it owns or shares: the site is its organization's through either path
    parties = {owner.pk, *(o.pk for o in operators)}
    acting = getattr(actor, "organization_id", None)
    region = _county_at(lon, lat)
    authorize_create(actor, Site, owner=acting if acting in parties else owner, region=region)
    with transaction.atomic():
        if code is None:
            code = next_code(model=Site, prefix=f"S-{region.adcode}-", width=5)
        site = Site(code=code, name=name[:150], lon=lon, lat=lat, region=region, site_type=site_type, owner=owner,
                    address=address[:300], height_m=height_m, plan_entry=plan_entry, state=SiteState.PLANNED,
                    state_since=dt.date.today())
        site.full_clean()
        site.save()
        site.operators.set(list(operators) or [owner])
        record_event(actor=actor, action=AuditAction.CREATE, obj=site, after=snapshot(site, exclude=("operators",)),
                     note=note)
    return site


def plan_publish(*, actor, plans, published: bool = True) -> int:
    """Publish (or withdraw) special-plan entries (the declared steps ``publish`` / ``unpublish`` of
    :class:`PlannedSite`: the programme office's). Entries already so are left alone; returns how many changed."""
    step = "publish" if published else "unpublish"
    changed = 0
    with transaction.atomic():
        for plan in plans:
            if plan.published == published:
                continue
            transition(plan, step, actor=actor)
            changed += 1
    return changed


def load_key_areas(path: Path | None = None, *, actor=KEY_AREAS_LOADER, source: str = "") -> tuple[int, int]:
    """Create or update key areas from a GeoJSON file (WGS-84 polygons with name, category, targets).
    Returns (created, unchanged)."""
    from rollout5g.core.scenario import KEY_AREAS_PATH

    authorize_create(actor, KeyArea)
    path = Path(path) if path else Path(KEY_AREAS_PATH)
    data = json.loads(path.read_text(encoding="utf-8"))
    created = unchanged = 0
    with transaction.atomic():
        for index, feature in enumerate(data["features"], start=1):
            p = feature["properties"]
            region_code = str(p.get("county_adcode") or "")
            if not Region.objects.filter(pk=region_code).exists():
                raise ValidationError(f"{path.name}: feature {index} ({p.get('name')}): unknown region {region_code!r}")
            values = dict(
                name_en=p.get("name_en", ""), category=p.get("category", "other"), area_type=p.get("area_type", ""),
                geometry=feature["geometry"], coverage_rsrp_min_dbm=float(p.get("coverage_rsrp_min_dbm", -105)),
                coverage_share_target=float(p.get("coverage_share_target", 0.95)), due_year=p.get("due_year"),
                approximate=bool(p.get("approximate", False)), source=source or p.get("source", ""),
            )
            area = KeyArea.objects.filter(name=p["name"], region_id=region_code).first()
            if area is None:
                area = KeyArea(name=p["name"], region_id=region_code, **values)
                area.full_clean()
                area.save()
                record_event(actor=actor, action=AuditAction.CREATE, obj=area,
                             after={k: v for k, v in snapshot(area).items() if k != "geometry"})
                created += 1
            else:
                unchanged += 1
    return created, unchanged


def import_key_areas(*, actor, path, crs: str = "wgs84", category: str = "other", coverage_share_target=None,
                     due_year=None, rsrp_min_dbm=None) -> tuple[int, int]:
    """Import key areas from GeoJSON, KML or Shapefile (all or nothing). An area is matched by name and county;
    the county is the one containing the area's representative point. Returns (created, updated)."""
    from shapely.geometry import shape

    from .areas import AreaFileError, AreaProblem, read_area_file
    from .choices import KeyAreaCategory

    authorize_create(actor, KeyArea)  # the programme office maintains the key areas (adds and changes them)
    features = read_area_file(path, crs=crs)
    problems, rows = [], []
    for f in features:
        point = shape(f.geometry).representative_point()
        county = find_regions([point.x], [point.y])[0]
        if not county:
            problems.append(AreaProblem(Path(path).name, f.index, "geometry", "not inside a county of the province"))
            continue
        cat = f.properties.get("category") or category
        if cat not in KeyAreaCategory.values:
            problems.append(AreaProblem(Path(path).name, f.index, "category",
                                        f"'{cat}' is not one of {', '.join(KeyAreaCategory.values)}"))
            continue
        rows.append((f, county, cat))
    if problems:
        raise AreaFileError(problems)
    created = updated = 0
    with transaction.atomic():
        for f, county, cat in rows:
            p = f.properties
            values = dict(
                category=cat, area_type=p.get("area_type", "") or "", geometry=f.geometry,
                name_en=p.get("name_en", "") or "",
                coverage_share_target=float(coverage_share_target or p.get("coverage_share_target") or 0.95),
                coverage_rsrp_min_dbm=float(rsrp_min_dbm or p.get("coverage_rsrp_min_dbm") or -105),
                due_year=due_year or p.get("due_year") or None, approximate=False,
                source=f"{Path(path).name} ({crs})",
            )
            area = KeyArea.objects.filter(name=f.name, region_id=county).first()
            if area is None:
                area = KeyArea(name=f.name, region_id=county, **values)
                area.full_clean()
                area.save()
                record_event(actor=actor, action=AuditAction.CREATE, obj=area,
                             after={k: v for k, v in snapshot(area).items() if k != "geometry"})
                created += 1
            else:
                before = snapshot(area)
                for k, v in values.items():
                    setattr(area, k, v)
                area.full_clean()
                area.save()
                record_changes(actor=actor, obj=area, before=before, summarize=("geometry",))
                updated += 1
    return created, updated


def _organizations_by_scenario_code(codes: dict[str, str] | None = None) -> dict[str, Organization]:
    codes = codes or SCENARIO_ORGANIZATIONS
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes.values())}
    missing = set(codes.values()) - set(orgs)
    if missing:
        raise LookupError(f"organizations {sorted(missing)} are not loaded (load the policy data first)")
    return {k: orgs[v] for k, v in codes.items()}


def load_scenario(*, year: int, seed: int = 1, region: str | None = None, size: str = "full",
                  organizations: dict[str, str] | None = None, actor=SCENARIO_LOADER,
                  progress=None) -> ImportBatch:
    """Load the synthetic scenario of ``year`` for the city ``region`` (default: the home region) into the registry,
    replacing an earlier synthetic scenario of the same city; other cities' synthetic registries stay (a province
    demo holds several).

    Idempotent: if the same scenario is already loaded, nothing changes and its batch is returned. The import is
    one audit event on its :class:`ImportBatch` (counts and a digest of the generated rows); each site points at it.
    """
    from rollout5g.core.scenario import generate
    from rollout5g.platform.home import home_adcode

    region = region or home_adcode()
    source = f"{SCENARIO_SOURCE} {region} year={year} seed={seed}" + ("" if size == "full" else f" size={size}")
    existing = ImportBatch.objects.filter(source=source).order_by("-pk").first()
    if existing is not None and Site.objects.filter(import_batch=existing).exists():
        return existing
    authorize_create(actor, Site)
    scenario = generate(year, seed, region=region, size=size)
    orgs = _organizations_by_scenario_code(organizations)
    digest = hashlib.sha256(
        "\n".join(f"{c.key},{c.lon:.6f},{c.lat:.6f},{c.azimuth_deg:.1f}" for c in scenario.cells).encode()
    ).hexdigest()
    with transaction.atomic():
        in_city = Q(region_id=region) | Q(region__parent_id=region)
        old = Site.objects.filter(in_city, is_synthetic=True)
        removed = old.count()
        if removed:
            record_event(actor=actor, action=AuditAction.DELETE, object_type="sites.site", object_id="synthetic",
                         object_repr="synthetic scenario", before={"sites": removed},
                         note="replaced by " + source)
            Cell.objects.filter(site__in=old).delete()
            old.delete()
        PlannedSite.objects.filter(in_city, is_synthetic=True).delete()
        batch = ImportBatch.objects.create(source=source, file_name="", sha256=digest, coordinate_system="wgs84",
                                           organization=orgs["china_tower"])
        tower = orgs["china_tower"]
        plans = [
            PlannedSite(code=p.key, name=f"{p.place} 规划站址", lon=p.lon, lat=p.lat, region_id=p.county_adcode,
                        planned_year=p.planned_year, site_type=p.site_type, place=p.place, organization=tower,
                        published=p.published, is_synthetic=True)
            for p in scenario.planned_sites
        ]
        PlannedSite.objects.bulk_create(plans, batch_size=2000)
        sites = [
            Site(code=s.key, name=s.name, lon=s.lon, lat=s.lat, source_crs="wgs84", region_id=s.county_adcode,
                 address=s.address, site_type=s.site_type, height_m=s.height_m, owner=orgs[s.owner],
                 power_supply=s.power_supply, state=s.state,
                 state_since=s.on_air_date if s.state == SiteState.ON_AIR else None, on_air_date=s.on_air_date,
                 # the scenario is a year-end snapshot: a retired site stopped radiating by then
                 retired_date=dt.date(year, 12, 31) if s.state == SiteState.RETIRED else None,
                 import_batch=batch, is_synthetic=True)
            for s in scenario.sites
        ]
        Site.objects.bulk_create(sites, batch_size=2000)
        site_ids = dict(Site.objects.filter(import_batch=batch).values_list("code", "pk"))
        through = Site.operators.through
        through.objects.bulk_create(
            [through(site_id=site_ids[s.key], organization_id=orgs[o].pk) for s in scenario.sites for o in s.operators],
            batch_size=5000,
        )
        if progress:
            progress(len(sites), len(sites) + len(scenario.cells))
        cells = [
            Cell(cell_id=c.key, name=c.key, site_id=site_ids[c.site_key], operator=orgs[c.operator],
                 technology=c.technology, band=c.band, freq_mhz=c.freq_mhz, bandwidth_mhz=c.bandwidth_mhz,
                 azimuth_deg=c.azimuth_deg, mechanical_tilt_deg=c.mechanical_tilt_deg,
                 electrical_tilt_deg=c.electrical_tilt_deg, height_m=c.height_m, gain_dbi=c.gain_dbi,
                 hpbw_h_deg=c.hpbw_h_deg, hpbw_v_deg=c.hpbw_v_deg, total_power_w=c.total_power_w,
                 rs_power_dbm=c.rs_power_dbm, pci=c.pci, on_air_date=c.on_air_date)
            for c in scenario.cells
        ]
        Cell.objects.bulk_create(cells, batch_size=2000)
        shared = [c for c in scenario.cells if c.shared_operators]
        if shared:
            cell_ids = dict(Cell.objects.filter(site__import_batch=batch).values_list("cell_id", "pk"))
            cthrough = Cell.shared_operators.through
            cthrough.objects.bulk_create(
                [cthrough(cell_id=cell_ids[c.key], organization_id=orgs[o].pk) for c in shared
                 for o in c.shared_operators],
                batch_size=5000,
            )
        batch.sites_created, batch.cells_created = len(sites), len(cells)
        batch.save(update_fields=["sites_created", "cells_created"])
        record_event(actor=actor, action=AuditAction.IMPORT, obj=batch,
                     after={"sites": len(sites), "cells": len(cells), "planned_sites": len(plans), "year": year,
                            "seed": seed, "sha256": digest})
        if progress:
            progress(len(sites) + len(cells), len(sites) + len(cells))
    refresh_statistics()
    return batch


def refresh_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load: without them PostgreSQL picked plans 100× slower
    for the map (measured in benchmarks/map.py), and SQLite ignored the state index."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE sites_site; ANALYZE sites_cell;")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def assign_regions(lon, lat) -> list[str]:
    """County adcode of each WGS-84 point ('' outside Zhejiang's counties)."""
    return list(find_regions(lon, lat, level="county"))
