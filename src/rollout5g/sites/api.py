import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.core.geo import rfc7946
from rollout5g.core.radio.cells import check_schema
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import FeatureCollection
from rollout5g.platform.home import home_adcode
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions
from rollout5g.regions.models import Region

from . import services
from .filters import FilterError, filter_cells, filter_sites_full
from .models import Cell, KeyArea, PlannedSite, Site
from .selectors import on_air_base_stations, on_air_base_stations_by_region

router = Router(tags=["sites"])


class SiteFilters(Schema):
    region: str = ""
    operator: str = ""
    band: str = ""
    state: str = ""
    site_type: str = ""
    q: str = ""
    bbox: str = ""


class CellFilters(SiteFilters):
    site: str = ""


class SiteOut(Schema):
    code: str
    name: str
    lon: float
    lat: float
    source_crs: str
    region: str = Field(alias="region_id")
    address: str
    site_type: str
    height_m: float | None
    owner: str
    operators: list[str]
    power_supply: str
    state: str
    state_since: dt.date | None
    on_air_date: dt.date | None
    plan_entry: str | None
    is_synthetic: bool

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_operators(obj):
        return sorted(o.code for o in obj.operators.all())

    @staticmethod
    def resolve_plan_entry(obj):
        return obj.plan_entry.code if obj.plan_entry_id else None


class SiteDetailOut(SiteOut):
    actions: list[str] = Field(default_factory=list, description="lifecycle steps the caller may take now")


class CellOut(Schema):
    cell_id: str
    site: str
    operator: str
    technology: str
    band: str
    freq_mhz: float
    bandwidth_mhz: float
    azimuth_deg: float
    mechanical_tilt_deg: float
    electrical_tilt_deg: float
    height_m: float
    gain_dbi: float
    hpbw_h_deg: float
    hpbw_v_deg: float
    total_power_w: float | None
    rs_power_dbm: float
    pci: int | None
    on_air_date: dt.date | None

    @staticmethod
    def resolve_site(obj):
        return obj.site.code

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.code


# The schema is written out (readable, typed, its OpenAPI stable) and checked here against the one cell
# specification: a field added to one and not the other fails at import, in every test and at start-up.
check_schema({name: f.annotation for name, f in CellOut.model_fields.items()}, what="sites.api.CellOut")


class PlannedSiteOut(Schema):
    code: str
    name: str
    lon: float
    lat: float
    region: str = Field(alias="region_id")
    planned_year: int
    site_type: str
    place: str
    published: bool
    organization: str

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.code


class TransitionIn(Schema):
    to_state: str
    on: dt.date | None = None
    note: str = ""


class CountsOut(Schema):
    region: str
    as_of: dt.date
    on_air_base_stations: int
    by_county: dict[str, int]


def _filtered(func, queryset, filters):
    try:
        return func(queryset, filters.dict())
    except FilterError as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/", response=list[SiteOut], auth=session_or_token, summary="Sites you may see, with the list filters")
@paginate
def list_sites(request, filters: Query[SiteFilters]):
    qs = Site.objects.restrict(request.user).select_related("owner", "plan_entry").prefetch_related("operators")
    return _filtered(filter_sites_full, qs, filters).order_by("code")


@router.get("/cells", response=list[CellOut], auth=session_or_token, summary="Cells you may see, with the list filters")
@paginate
def list_cells(request, filters: Query[CellFilters]):
    qs = Cell.objects.restrict(request.user).select_related("site", "operator")
    return _filtered(filter_cells, qs, filters).order_by("cell_id")


@router.get("/cells/{cell_id}", response=CellOut, auth=session_or_token)
def get_cell(request, cell_id: str):
    return get_object_or_404(Cell.objects.restrict(request.user).select_related("site", "operator"), cell_id=cell_id)


@router.get("/plan", response=list[PlannedSiteOut], summary="Special-plan entries: published ones for everyone, "
            "unpublished ones for their planner and the programme office", openapi_extra=PUBLIC_API)
@paginate
def list_plan(request, region: str = "", year: int | None = None):
    qs = PlannedSite.objects.restrict(request.user).select_related("organization")
    if region:
        qs = qs.filter(region_id=region)
    if year:
        qs = qs.filter(planned_year=year)
    return qs


@router.get("/key-areas", response=FeatureCollection,
            summary="Key areas with their coverage targets as GeoJSON (public)", openapi_extra=PUBLIC_API)
def key_areas(request, category: str = ""):
    qs = KeyArea.objects.restrict(request.user)
    if category:
        qs = qs.filter(category=category)
    return {
        "type": "FeatureCollection",
        "crs_note": "WGS-84 (EPSG:4326)",
        "features": [
            {"type": "Feature", "geometry": rfc7946(a.geometry),
             "properties": {"name": a.name, "name_en": a.name_en, "category": a.category, "area_type": a.area_type,
                            "region": a.region_id, "coverage_rsrp_min_dbm": a.coverage_rsrp_min_dbm,
                            "coverage_share_target": a.coverage_share_target, "due_year": a.due_year,
                            "approximate": a.approximate}}
            for a in qs
        ],
    }


@router.get("/counts", response=CountsOut, summary="5G base stations on air per region and date (from the registry)", openapi_extra=PUBLIC_API)
def counts(request, region: str | None = None, as_of: dt.date | None = None):
    r = get_object_or_404(Region, pk=region or home_adcode())
    as_of = as_of or dt.date.today()
    return {"region": r.adcode, "as_of": as_of, "on_air_base_stations": on_air_base_stations(region=r, as_of=as_of),
            "by_county": on_air_base_stations_by_region(as_of=as_of, parent=r)}


# Last: '/{code}' would otherwise match the fixed paths above.
@router.get("/{code}", response=SiteDetailOut, auth=session_or_token,
            openapi_extra=api_record("sites.Site", "code", "code"))
def get_site(request, code: str):
    site = get_object_or_404(
        Site.objects.restrict(request.user).select_related("owner", "plan_entry").prefetch_related("operators"),
        code=code)
    site.actions = [name for name, ok in available_actions(request.user, site).items() if ok]
    return site


@router.post("/{code}/transition", response=SiteOut, auth=session_or_token,
             summary="Move a site along its lifecycle (audited)")
@idempotent
def transition_site(request, code: str, payload: TransitionIn):
    site = get_object_or_404(Site.objects.restrict(request.user), code=code)
    return services.site_transition(actor=request.user, site=site, to_state=payload.to_state, on=payload.on,
                                    note=payload.note)
