"""The business action of importing an engineering-parameter table (工参表): :func:`import_cells`.

One call reads the file, checks every row (the file-level checks of :mod:`rollout5g.sites.imports`, then the
checks that need the registry: the county of each point, cell ids of other operators, the actor's right to import
for each row's operator), and — unless it is a dry run or an all-or-nothing import with errors — creates or
updates sites and cells in one transaction, recorded as one audit event on its :class:`ImportBatch`.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event
from rollout5g.core import geo
from rollout5g.organizations.choices import OrganizationKind
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor
from rollout5g.platform.workflow import authorize_create
from rollout5g.regions.services import find_regions

from .. import imports as importer
from ..choices import PowerSupply, SiteState, SiteType
from ..models import Cell, ImportBatch, Site
from ..services import SCENARIO_ORGANIZATIONS
from .columns import ImportFileError
from .validation import CellRow, RowError, Validation

MODES = ("all_or_nothing", "valid_rows", "dry_run")
IMPORT_SOURCE = "engineering-parameter import"
#: The command line's and the benchmarks' importer, named in the audit history.
IMPORTER = SystemActor("import-cells")
#: Sites without a code are the same site when their names agree and they are this close [m].
SAME_SITE_DISTANCE_M = 5.0
_CHUNK = 900  # ids per IN (...) query: below SQLite's smallest variable limit
CELL_FIELDS = ("name", "site_id", "technology", "band", "freq_mhz", "bandwidth_mhz", "azimuth_deg",
               "mechanical_tilt_deg", "electrical_tilt_deg", "height_m", "gain_dbi", "hpbw_h_deg", "hpbw_v_deg",
               "total_power_w", "rs_power_dbm", "pci", "on_air_date")
SITE_FIELDS = ("name", "lon", "lat", "source_crs", "region_id", "address", "site_type", "height_m", "owner_id",
               "power_supply", "state", "state_since", "on_air_date")


@dataclass
class ImportResult:
    """What an import found and did. ``errors`` name file, row, column and reason; ``committed`` says whether
    anything was written."""

    file_name: str
    sha256: str
    crs: str
    mode: str
    rows_total: int = 0
    rows_valid: int = 0
    errors: list[RowError] = field(default_factory=list)
    sites_created: int = 0
    sites_updated: int = 0
    cells_created: int = 0
    cells_updated: int = 0
    cells_unchanged: int = 0
    committed: bool = False
    batch_id: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    validation: Validation | None = field(default=None, repr=False)

    @property
    def rows_failed(self) -> int:
        return self.rows_total - self.rows_valid

    @property
    def ok(self) -> bool:
        return not self.errors

    def failed_rows_xlsx(self) -> bytes | None:
        """The failed rows with their original columns and the reasons (None if the file could not be read)."""
        if self.validation is None:
            return None
        known = set(self.validation.errors)
        extra = [e for e in self.errors if e not in known]
        return importer.failed_rows_xlsx(self.validation, extra)

    def as_dict(self, max_errors: int | None = None) -> dict:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "file": self.file_name, "sha256": self.sha256, "crs": self.crs, "mode": self.mode,
            "committed": self.committed, "batch": self.batch_id, "rows_total": self.rows_total,
            "rows_valid": self.rows_valid, "rows_failed": self.rows_failed, "error_count": len(self.errors),
            "errors": [e.as_dict() for e in errors], "sites_created": self.sites_created,
            "sites_updated": self.sites_updated, "cells_created": self.cells_created,
            "cells_updated": self.cells_updated, "cells_unchanged": self.cells_unchanged,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _acting_organization(actor, organization) -> Organization | None:
    """The organization the import is for, after checking (the declaration of :class:`ImportBatch`'s ``add``) that
    the actor may import for it: an operator or the tower company for its own organization, the programme office
    and the platform's processes for any (or none: every row's operator as the file names it)."""
    if isinstance(organization, str):
        code = organization
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise ValueError(f"unknown organization {code!r}")
    if organization is not None and organization.kind not in (OrganizationKind.OPERATOR,
                                                              OrganizationKind.TOWER_COMPANY):
        raise ValueError(f"{organization.code} is not an operator or a tower company")
    if organization is None and not _imports_for_anyone(actor):
        authorize_create(actor, ImportBatch)  # the role first: may it import at all?
        organization = actor.organization  # an operator imports for its own organization
        if organization is None:
            raise ValidationError(_("Your account belongs to no organization: ask the administrator to set it."))
    authorize_create(actor, ImportBatch, owner=organization)
    return organization


def _imports_for_anyone(actor) -> bool:
    return (getattr(actor, "is_system", False) or getattr(actor, "is_superuser", False)
            or getattr(actor, "role", None) in ImportBatch.access_policy.all_rows["add"])


def _operator_names() -> tuple[dict[str, str], dict[str, Organization]]:
    orgs = {o.code: o for o in Organization.objects.filter(
        kind__in=[OrganizationKind.OPERATOR, OrganizationKind.TOWER_COMPANY])}
    families = {f: code for f, code in SCENARIO_ORGANIZATIONS.items() if code in orgs}
    extra = {}
    for o in orgs.values():
        for name in (o.code, o.name, o.short_name, o.name_en, *(o.aliases or [])):
            if name:
                extra[name] = o.code
    return importer.operator_aliases(families, extra), orgs


def _site_code(row: CellRow, lon: float, lat: float) -> str:
    digest = hashlib.sha1(f"{row.site_name}|{lon:.5f}|{lat:.5f}".encode()).hexdigest()[:12].upper()
    return f"IMP-{digest}"


def _chunks(items, size=_CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_cells(*, actor, path, crs: str = "wgs84", mode: str = "all_or_nothing", organization=None,
                 file_name: str | None = None) -> ImportResult:
    """Import a 工参 file of cells (and their sites).

    Parameters
    ----------
    actor : the user importing, or :data:`IMPORTER` (a process: the command line, a benchmark).
    path : the ``.xlsx`` or ``.csv`` file.
    crs : coordinate system of the file's longitudes and latitudes: ``wgs84``, ``cgcs2000`` or ``gcj02``.
    mode : ``all_or_nothing`` (any error: nothing is written), ``valid_rows`` (write the rows without errors),
        ``dry_run`` (check and count, write nothing).
    organization : import for this operator or tower company (Organization or code). An operator user always
        imports for its own organization; every row's operator must then be that organization. The tower company
        may import for the operators it hosts; the programme office for anyone.
    file_name : the name to report (an upload's original name).

    Returns
    -------
    ImportResult
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; valid: {', '.join(MODES)}")
    crs_key = (crs or "").lower().replace("-", "").replace("_", "")
    if crs_key not in geo.CRS_CHOICES:
        raise ValueError(f"unknown coordinate system {crs!r}; valid: {', '.join(geo.CRS_CHOICES)}")
    acting = _acting_organization(actor, organization)
    path = Path(path)
    file_name = file_name or path.name
    t0 = time.perf_counter()
    try:
        table = importer.read_table(path, file_name=file_name)
    except ImportFileError as exc:
        return ImportResult(file_name=file_name, sha256="", crs=crs_key, mode=mode,
                            errors=[RowError(file_name, None, "", str(exc))])
    t1 = time.perf_counter()
    result = ImportResult(file_name=file_name, sha256=table.sha256, crs=crs_key, mode=mode,
                          rows_total=len(table.rows), timings={"parse": t1 - t0})
    names, orgs = _operator_names()
    is_tower = acting is not None and acting.kind == OrganizationKind.TOWER_COMPANY
    default_operator = acting.code if acting is not None and not is_tower else None
    validation = importer.validate_table(table, operators=names, default_operator=default_operator,
                                         default_owner=acting.code if is_tower else None)
    result.validation = validation
    errors = list(validation.errors)
    plan = _plan(validation.rows, table=table, crs=crs_key, acting=acting, actor=actor, orgs=orgs, errors=errors)
    errors.sort(key=lambda e: (e.row or 0))
    result.errors = errors
    failed = {e.row for e in errors if e.row is not None}
    result.rows_valid = 0 if validation.file_errors else len(table.rows) - len(failed)
    t2 = time.perf_counter()
    result.timings["validate"] = t2 - t1
    result.sites_created, result.sites_updated = len(plan.new_sites), len(plan.changed_sites)
    result.cells_created, result.cells_updated = len(plan.new_cells), len(plan.changed_cells)
    result.cells_unchanged = plan.unchanged_cells
    if mode == "dry_run" or (errors and mode == "all_or_nothing") or validation.file_errors or not result.rows_valid:
        return result
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=IMPORT_SOURCE, file_name=file_name[:300], sha256=table.sha256, coordinate_system=crs_key,
            organization=acting, created_by=actor if actor.pk else None,
            rows_skipped=result.rows_failed,
        )
        _write(plan, batch)
        batch.sites_created, batch.sites_updated = result.sites_created, result.sites_updated
        batch.cells_created, batch.cells_updated = result.cells_created, result.cells_updated
        batch.save(update_fields=["sites_created", "sites_updated", "cells_created", "cells_updated"])
        record_event(actor=actor, action=AuditAction.IMPORT, obj=batch, after={
            "file": file_name, "sha256": table.sha256, "crs": crs_key, "mode": mode,
            "organization": acting.code if acting else None, "rows": result.rows_total,
            "rows_skipped": result.rows_failed, "sites_created": result.sites_created,
            "sites_updated": result.sites_updated, "cells_created": result.cells_created,
            "cells_updated": result.cells_updated, "cells_unchanged": result.cells_unchanged,
        })
    result.committed, result.batch_id = True, batch.pk
    if result.sites_created + result.cells_created > 1000:
        from ..services import refresh_statistics

        refresh_statistics()
    result.timings["write"] = time.perf_counter() - t2
    return result


@dataclass
class _Plan:
    new_sites: list[Site] = field(default_factory=list)
    changed_sites: list[Site] = field(default_factory=list)
    site_fields: set[str] = field(default_factory=set)
    links: set[tuple[str, int]] = field(default_factory=set)  # (site code, operator id)
    new_cells: list[tuple[Cell, str]] = field(default_factory=list)  # (cell, site code)
    changed_cells: list[tuple[Cell, str]] = field(default_factory=list)
    unchanged_cells: int = 0


def _plan(rows: list[CellRow], *, table, crs, acting, actor, orgs, errors) -> _Plan:
    """Registry checks of the valid rows, then what to create and update (rows failing a check become errors)."""
    plan = _Plan()
    if not rows:
        return plan
    name = table.file_name
    op_header, lon_header, id_header = (table.header_of(k) for k in ("operator", "lon", "cell_id"))

    def fail(row, column, reason):
        errors.append(RowError(name, row.row, column, reason))
        bad.add(row.row)

    bad: set[int] = set()
    # --- who may import for which operator
    is_tower = acting is not None and acting.kind == OrganizationKind.TOWER_COMPANY
    for row in rows:
        org = orgs.get(row.operator)
        if org is None:
            fail(row, op_header, f"'{row.operator}' is not a known operator")
        elif org.kind != OrganizationKind.OPERATOR:
            fail(row, op_header, f"{org} is a tower company, not a cell operator (name it in 产权单位 / owner)")
        elif acting is not None and not is_tower and org.pk != acting.pk:
            mine = "your organization" if actor.organization_id == acting.pk else acting.code
            fail(row, op_header, f"operator {org} is not {mine}")
        if row.owner is not None and row.owner not in orgs:
            fail(row, table.header_of("owner"), f"'{row.owner}' is not a known site owner")
    # --- coordinates to WGS-84, county of each point
    lon = np.array([r.lon for r in rows])
    lat = np.array([r.lat for r in rows])
    wlon, wlat = geo.to_wgs84(lon, lat, crs)
    wlon, wlat = np.round(np.atleast_1d(wlon), 7), np.round(np.atleast_1d(wlat), 7)
    regions = find_regions(wlon, wlat, level="county")
    for i, row in enumerate(rows):
        if not regions[i]:
            fail(row, lon_header, f"({row.lon:g}, {row.lat:g}) is outside the province ({crs})")
    # --- cell ids already in the registry
    existing: dict[str, Cell] = {}
    for ids in _chunks({r.cell_id for r in rows}):
        for cell in Cell.objects.filter(cell_id__in=ids).select_related("site"):
            existing[cell.cell_id] = cell
    for row in rows:
        cell = existing.get(row.cell_id)
        if cell is not None and row.operator in orgs and cell.operator_id != orgs[row.operator].pk:
            owner = next((o for o in orgs.values() if o.pk == cell.operator_id), None)
            fail(row, id_header, f"cell id {row.cell_id} belongs to {owner or 'another operator'} in the registry")
    keep = [i for i, r in enumerate(rows) if r.row not in bad]
    # --- sites: by code, else by name and position within 5 m
    groups: dict[str, list[int]] = {}
    codeless: dict[str, list[tuple[float, float, str]]] = {}
    for i in keep:
        row = rows[i]
        if row.site_code:
            groups.setdefault(row.site_code, []).append(i)
            continue
        for glon, glat, code in codeless.get(row.site_name, []):
            if geo.haversine_m(glon, glat, wlon[i], wlat[i]) <= SAME_SITE_DISTANCE_M:
                groups[code].append(i)
                break
        else:
            code = _site_code(row, wlon[i], wlat[i])
            codeless.setdefault(row.site_name, []).append((wlon[i], wlat[i], code))
            groups.setdefault(code, []).append(i)
    by_code: dict[str, Site] = {}
    for codes in _chunks(groups):
        by_code.update({s.code: s for s in Site.objects.filter(code__in=codes)})
    # a codeless row matches a registry site of the same name within 5 m
    wanted_names = {n for n in codeless}
    if wanted_names:
        candidates: dict[str, list[Site]] = {}
        for names in _chunks(wanted_names):
            for s in Site.objects.filter(name__in=names):
                candidates.setdefault(s.name, []).append(s)
        for site_name, entries in codeless.items():
            for glon, glat, code in entries:
                if code in by_code:
                    continue
                for s in candidates.get(site_name, []):
                    if geo.haversine_m(s.lon, s.lat, glon, glat) <= SAME_SITE_DISTANCE_M:
                        by_code[code] = s
                        break
    changeable: set[int] = set()
    if by_code:
        ids = [s.pk for s in by_code.values()]
        for chunk in _chunks(ids):
            changeable.update(Site.objects.filter(pk__in=chunk).restrict(actor, "change").values_list("pk", flat=True))
    site_of: dict[int, str] = {}  # row index -> site code (registry's code for a matched site)
    for code, members in groups.items():
        first = rows[members[0]]
        i0 = members[0]
        operator_ids = {orgs[rows[i].operator].pk for i in members}
        owner = orgs[first.owner] if first.owner else orgs[first.operator]
        on_air = min((rows[i].on_air_date for i in members if rows[i].on_air_date), default=None)
        height = max(rows[i].height_m for i in members)
        values = dict(name=first.site_name, lon=float(wlon[i0]), lat=float(wlat[i0]), source_crs=crs,
                      region_id=str(regions[i0]))
        if first.address:
            values["address"] = first.address
        if first.site_type:
            values["site_type"] = first.site_type
        if first.power_supply:
            values["power_supply"] = first.power_supply
        if first.owner:
            values["owner_id"] = owner.pk
        if first.state:
            values["state"] = first.state
        site = by_code.get(code)
        if site is None:
            state = first.state or SiteState.ON_AIR
            site = Site(code=code, owner_id=owner.pk, site_type=first.site_type or SiteType.MACRO_TOWER,
                        height_m=height, power_supply=first.power_supply or PowerSupply.UNKNOWN, state=state,
                        on_air_date=on_air if state in (SiteState.ON_AIR, SiteState.RELOCATING) else None,
                        state_since=on_air if state == SiteState.ON_AIR else None)
            for key, value in values.items():
                setattr(site, key, value)
            plan.new_sites.append(site)
        elif site.pk in changeable:
            changed = {k for k, v in values.items() if getattr(site, k) != v}
            if "state" in changed and values["state"] == SiteState.ON_AIR and site.on_air_date is None and on_air:
                values["on_air_date"], changed = on_air, changed | {"on_air_date"}
            if changed:
                for key in changed:
                    setattr(site, key, values[key])
                plan.changed_sites.append(site)
                plan.site_fields |= changed
        for op in operator_ids:
            plan.links.add((site.code, op))
        for i in members:
            site_of[i] = site.code
    # --- cells
    site_pk = {s.code: s.pk for s in by_code.values()}
    for i in keep:
        row = rows[i]
        code = site_of[i]
        values = dict(
            name=row.cell_name, technology=row.technology, band=row.band, freq_mhz=row.freq_mhz,
            bandwidth_mhz=row.bandwidth_mhz, azimuth_deg=row.azimuth_deg, mechanical_tilt_deg=row.mechanical_tilt_deg,
            electrical_tilt_deg=row.electrical_tilt_deg, height_m=row.height_m, rs_power_dbm=row.rs_power_dbm,
            total_power_w=row.total_power_w, pci=row.pci, on_air_date=row.on_air_date,
        )
        for key in ("gain_dbi", "hpbw_h_deg", "hpbw_v_deg"):
            if getattr(row, key) is not None:
                values[key] = getattr(row, key)
        cell = existing.get(row.cell_id)
        if cell is None:
            cell = Cell(cell_id=row.cell_id, operator_id=orgs[row.operator].pk, **values)
            plan.new_cells.append((cell, code))
            continue
        if values["on_air_date"] is None:
            values.pop("on_air_date")
        if values["total_power_w"] is None:
            values.pop("total_power_w")
        if values["pci"] is None:
            values.pop("pci")
        changed = [k for k, v in values.items() if getattr(cell, k) != v]
        moved = site_pk.get(code) != cell.site_id
        if changed or moved:
            for key in changed:
                setattr(cell, key, values[key])
            plan.changed_cells.append((cell, code))
        else:
            plan.unchanged_cells += 1
    return plan


def _write(plan: _Plan, batch: ImportBatch) -> None:
    for site in plan.new_sites:
        site.import_batch = batch
    Site.objects.bulk_create(plan.new_sites, batch_size=500)
    if plan.changed_sites:
        Site.objects.bulk_update(plan.changed_sites, sorted(plan.site_fields), batch_size=500)
    codes = {code for code, _ in plan.links}
    pk_of: dict[str, int] = {}
    for chunk in _chunks(codes):
        pk_of.update(Site.objects.filter(code__in=chunk).values_list("code", "pk"))
    through = Site.operators.through
    through.objects.bulk_create([through(site_id=pk_of[code], organization_id=op) for code, op in plan.links],
                                batch_size=2000, ignore_conflicts=True)
    for cell, code in plan.new_cells:
        cell.site_id = pk_of[code]
    Cell.objects.bulk_create([c for c, _ in plan.new_cells], batch_size=500)
    if plan.changed_cells:
        for cell, code in plan.changed_cells:
            cell.site_id = pk_of[code]
        Cell.objects.bulk_update([c for c, _ in plan.changed_cells], CELL_FIELDS, batch_size=500)
