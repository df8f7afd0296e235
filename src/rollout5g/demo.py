"""The demo data set: everything `rollout5g demo` loads. Each step is idempotent.

Capabilities add their demo steps here as they land (the site registry adds the Jiaxing scenario, …).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from rollout5g.accounts.choices import Role
from rollout5g.accounts.services import ensure_user
from rollout5g.organizations.models import Organization
from rollout5g.policy.loader import load_policy_files
from rollout5g.policy.schema import bundled_policy_files
from rollout5g.regions.models import Region
from rollout5g.regions.services import load_regions
from rollout5g.sites.models import KeyArea
from rollout5g.sites.services import load_key_areas, load_scenario

DEMO_SCENARIO_YEAR = 2021
DEMO_SCENARIO_SEED = 1

# (username, role, organization short name or code, display name)
DEMO_USERS = [
    ("office", Role.PROGRAM_OFFICE, "市经信局", "市经信局 5G专班"),
    ("planning", Role.DEPARTMENT, "市自然资源和规划局", "自然资源和规划局 审查员"),
    ("construction", Role.DEPARTMENT, "市建设局", "建设局 审查员"),
    ("power", Role.DEPARTMENT, "嘉兴电力局", "供电公司 审查员"),
    ("police", Role.DEPARTMENT, "市公安局", "公安局 联络员"),
    ("mobile", Role.OPERATOR, "jx-mobile", "中国移动嘉兴分公司"),
    ("telecom", Role.OPERATOR, "jx-telecom", "中国电信嘉兴分公司"),
    ("unicom", Role.OPERATOR, "jx-unicom", "中国联通嘉兴市分公司"),
    ("tower", Role.OPERATOR, "jx-tower", "中国铁塔嘉兴市分公司"),
    ("owner", Role.RESOURCE_OWNER, "嘉城集团", "嘉城集团 资源管理"),
    ("enterprise", Role.ENTERPRISE, "demo-jiali-electronics", "佳利电子 项目申报"),
]

DEMO_ENTERPRISE = {
    "code": "demo-jiali-electronics",
    "name": "嘉兴佳利电子有限公司",
    "short_name": "佳利电子",
    "name_en": "Jiaxing Jiali Electronics Co., Ltd.",
    "kind": "enterprise",
    "region_id": "330400",
}


@dataclass
class DemoSummary:
    lines: list[str] = field(default_factory=list)
    users: list = field(default_factory=list)


def _organization(ref: str) -> Organization:
    org = (
        Organization.objects.filter(code=ref).first()
        or Organization.objects.filter(short_name=ref).first()
        or Organization.objects.filter(name=ref).first()
    )
    if org is None:
        # Codes in organizations.yaml are the contract; fall back to a substring of the name for operators.
        raise LookupError(f"demo organization {ref!r} is not in the directory")
    return org


#: Contact persons of the operators (synthetic: names and numbers are invented).
DEMO_CONTACTS = [
    ("jx-mobile", "王建国（示例）", "网络部 规划主管", "13900000101"),
    ("jx-telecom", "李晓红（示例）", "网络发展部 经理", "13900000102"),
    ("jx-unicom", "陈志强（示例）", "建设维护部 主管", "13900000103"),
    ("jx-tower", "张海燕（示例）", "站址资源部 经理", "13900000104"),
]


def _load_contacts() -> int:
    from rollout5g.organizations.models import ContactPerson
    from rollout5g.organizations.services import contact_create
    from rollout5g.platform.actors import SYSTEM

    added = 0
    for code, name, title, phone in DEMO_CONTACTS:
        organization = _organization(code)
        if not ContactPerson.objects.filter(organization=organization, name=name).exists():
            contact_create(actor=SYSTEM, organization=organization, name=name, title=title, phone=phone)
            added += 1
    return added


#: The demo accounts of another city's deployment (``demo --region <city>``): (username, unit key of
#: ``policy/data/city_units.yaml``, role); the units come from that table (generated, marked to be confirmed).
OTHER_CITY_USERS = [
    ("office", "dei", Role.PROGRAM_OFFICE),
    ("mobile", "mobile", Role.OPERATOR),
    ("telecom", "telecom", Role.OPERATOR),
    ("unicom", "unicom", Role.OPERATOR),
    ("tower", "tower", Role.OPERATOR),
]
OTHER_CITY_SCENARIO_SIZE = "small"

#: The province demo (``demo --region 330000``): the cities loaded beside the default city (in full), each with its
#: own synthetic deployment of size :data:`PROVINCE_CITY_SIZE` (Huzhou and Zhoushan: a mid-sized and the smallest).
PROVINCE_DEMO_CITIES = ("330500", "330900")
PROVINCE_CITY_SIZE = "small"
#: The provincial programme office's demo account: (username, organization code, display name).
PROVINCE_USER = ("province", "zj-dei", "省经信厅 5G专班")
#: A city's demo accounts in the province demo: (username suffix after the city's code prefix, unit key, role).
PROVINCE_CITY_USERS = [("office", "dei", Role.PROGRAM_OFFICE), ("mobile", "mobile", Role.OPERATOR),
                       ("tower", "tower", Role.OPERATOR), ("planning", "nrp", Role.DEPARTMENT),
                       ("radio", "dei", Role.DEPARTMENT)]
#: Open-list entries of a province-demo city per scenario size.
CITY_OPEN_LIST = {"full": 400, "small": 80, "tiny": 12}


@contextmanager
def as_home(region: str):
    """Run a city's demo steps as that city's deployment would: the home region is ``region`` inside the block
    (a province deployment loads each city's records under the city)."""
    from django.conf import settings

    before = getattr(settings, "ROLLOUT5G_HOME", None)
    settings.ROLLOUT5G_HOME = {"region": region, "documents": []}
    try:
        yield
    finally:
        settings.ROLLOUT5G_HOME = before


def load_city_units(cities) -> tuple[dict, list[str]]:
    """Load the units and collective terms of ``cities`` (city adcodes) generated from ``policy/data/
    city_units.yaml`` through the policy loader (validated, idempotent, audited); the hand-checked units of the
    directory (Jiaxing's) stay as they are. Returns ``({adcode: CityUnits}, summary lines)``."""
    import tempfile
    from pathlib import Path

    import yaml

    from rollout5g.policy.directory import bundled_directory, city_units, city_units_document

    base = bundled_directory()
    out, paths = {}, []
    with tempfile.TemporaryDirectory(prefix="rollout5g-units-") as tmp:
        for adcode in cities:
            city = Region.objects.get(pk=adcode, level="city")
            counties = dict(Region.objects.filter(parent_id=adcode).values_list("adcode", "name"))
            units = city_units(adcode, city.name, counties, base=base)
            out[adcode] = units
            document = city_units_document(units)
            if document["organizations"] or document["groups"]:
                path = Path(tmp) / f"units-{adcode}.yaml"
                path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
                paths.append(path)
        report = load_policy_files(paths) if paths else None
    generated = sum(len(u.generated) for u in out.values())
    line = (f"city units: {len(out)} cities, {generated} generated from city_units.yaml (names to confirm), "
            "hand-checked ones kept")
    if report is not None:
        line += "; " + "; ".join(x.strip() for x in report.lines()[1:])
    return out, [line]


def _city_users(units, users, *, password: str, prefix: str = "") -> list:
    out = []
    for username, key, role in users:
        org = Organization.objects.get(code=units.by_key[key])
        user, _ = ensure_user(actor=None, username=f"{prefix}{username}", password=password, role=role,
                              organization=org, display_name=f"{org.short_name} 演示账号")
        out.append(user)
    return out


def scenario_organizations(units) -> dict[str, str]:
    """The codes of a city's operator and tower branches (``units``: its CityUnits), as ``load_scenario`` takes them."""
    return {"china_mobile": units.by_key["mobile"], "china_telecom": units.by_key["telecom"],
            "china_unicom": units.by_key["unicom"], "china_broadnet": units.by_key["broadnet"],
            "china_tower": units.by_key["tower"]}


def _city_scenario(adcode: str, units, *, size: str):
    return load_scenario(year=DEMO_SCENARIO_YEAR, seed=DEMO_SCENARIO_SEED, region=adcode, size=size,
                         organizations=scenario_organizations(units))


def _load_other_city(region: str, *, password: str, size: str, summary: DemoSummary) -> DemoSummary:
    """Another city of the boundaries as its own deployment: its units from the table, accounts and registry (no
    open list, approvals, cases, incentives or supervision demo: those follow the default city's documents)."""
    city = Region.objects.get(pk=region, level="city")
    units_by_city, lines = load_city_units([region])
    summary.lines.extend(lines)
    units = units_by_city[region]
    summary.users.extend(_city_users(units, OTHER_CITY_USERS, password=password))
    admin, _ = ensure_user(actor=None, username="admin", password=password, is_superuser=True,
                           display_name="系统管理员")
    summary.users.append(admin)
    batch = _city_scenario(region, units, size=size)
    summary.lines.append(f"{city.name}: {batch.sites_created} sites, {batch.cells_created} cells (synthetic, "
                         f"{size} scenario {DEMO_SCENARIO_YEAR}, seed {DEMO_SCENARIO_SEED}); units generated from "
                         "the table, accounts synthetic")
    return summary


def _city_open_list(adcode: str, units, *, size: str) -> int:
    """Synthetic open-list entries of a city (bulk, one audit event), around the places of its scenario world and
    owned by its generated units: street-light and surveillance poles, government rooftops, schools, hospitals."""
    import datetime as dt
    import math

    import numpy as np
    import shapely

    from rollout5g.audit.choices import AuditAction
    from rollout5g.audit.services import record_event
    from rollout5g.core.scenario.city import city_model
    from rollout5g.resources.choices import ResourceKind
    from rollout5g.resources.models import PublicResource

    prefix = units.by_key["gov"].split("-")[0].upper()
    if PublicResource.objects.filter(code__startswith=f"{prefix}-OL-").exists():
        return 0
    world = city_model(adcode)
    rng = np.random.default_rng(int(adcode))
    kinds = [(ResourceKind.STREET_LIGHT_POLE, "路灯杆", "gov"), (ResourceKind.SURVEILLANCE_POLE, "监控杆", "police"),
             (ResourceKind.GOV_ROOFTOP, "办公楼楼顶", "gov"), (ResourceKind.SCHOOL, "实验小学", "education"),
             (ResourceKind.HOSPITAL, "人民医院", "health")]
    orgs = {o.code: o for o in Organization.objects.filter(code__in=units.by_key.values())}
    weights = np.array([p["weight"] for p in world.places])
    today = dt.date.today()
    rows = []
    for n in range(CITY_OPEN_LIST.get(size, CITY_OPEN_LIST["small"])):
        place = world.places[int(rng.choice(len(world.places), p=weights / weights.sum()))]
        kind, label, owner_key = kinds[n % len(kinds)]
        if owner_key == "gov":  # county governments own the poles and rooftops of their county
            owner_key = f"{place['county']}:gov"
        geom = world.bounds[place["county"]]
        for _ in range(50):
            lon = place["lon"] + rng.normal() * place["radius_km"] / (111.320 * math.cos(math.radians(place["lat"])))
            lat = place["lat"] + rng.normal() * place["radius_km"] / 110.574
            if shapely.contains_xy(geom, lon, lat):
                break
        else:
            lon, lat = place["lon"], place["lat"]
        pole = kind in (ResourceKind.STREET_LIGHT_POLE, ResourceKind.SURVEILLANCE_POLE)
        rows.append(PublicResource(
            code=f"{prefix}-OL-{n + 1:06d}", name=f"{place['short']}{label}{n + 1:02d}号（示例）", kind=kind,
            owner=orgs[units.by_key[owner_key]], region_id=place["county"], lon=round(float(lon), 7),
            lat=round(float(lat), 7), address=f"{world.counties[place['county']]}{place['name']}（示例）",
            height_m=round(float(rng.uniform(9, 12) if pole else rng.uniform(15, 40)), 1),
            conditions="电费按实结算", is_synthetic=True,
            last_confirmed_on=today - dt.timedelta(days=int(rng.integers(0, 200)))))
    PublicResource.objects.bulk_create(rows, batch_size=1000)
    record_event(actor=None, action=AuditAction.IMPORT, object_type="resources.publicresource",
                 object_id=f"demo-{adcode}",
                 object_repr=f"synthetic open list {adcode}", system_label="system:demo",
                 note=f"{len(rows)} synthetic entries of {world.name}")
    return len(rows)


def _city_applications(adcode: str, users: dict, *, step: int) -> int:
    """Approval applications of the city's operator and tower company, each with a new site at a planned site of
    the city's special plan, submitted and routed to the city's own departments (the rule set's departments'
    counterparts, ``permits.rules.DepartmentResolver``). ``step`` sets how far the mobile branch's application
    went: 0 accepted with the radio item decided by the city's 经信局, 1 accepted; the tower company's is received
    (the completeness check running), so each city is at steps of its own."""
    import datetime as dt

    from rollout5g.permits import services as permits
    from rollout5g.permits.models import Application
    from rollout5g.sites.models import PlannedSite

    tag = f"[示例 {adcode}]"
    if Application.objects.filter(title__startswith=tag).exists():
        return 0
    plans = list(PlannedSite.objects.filter(region__parent_id=adcode, is_synthetic=True).order_by("code")[:2])
    today = dt.date.today()
    made = 0
    for n, (user, plan) in enumerate(zip((users["mobile"], users["tower"]), plans, strict=False)):
        app = permits.application_create(
            actor=user, title=f"{tag}{plan.place} 5G 站址", contact_name="示例联系人", contact_phone="13900000000",
            project_code=f"{today.year}-{plan.region_id}-63-03-{int(adcode) % 1000 * 10 + n + 1:06d}")
        permits.application_add_site(actor=user, application=app, new_site={
            "name": f"{plan.place} 新建站址（示例）", "site_type": plan.site_type or "macro_tower", "lon": plan.lon,
            "lat": plan.lat, "address": f"{plan.place}（示例）"}, new_structure=True)
        for row in permits.required_materials(app):
            permits.material_upload(actor=user, application=app, code=row["code"], file_name=f"{row['code']}.pdf",
                                    content=f"%PDF-1.4 demo {row['name']}".encode())
        permits.application_submit(actor=user, application=app, on=today - dt.timedelta(days=6))
        if user is users["mobile"]:
            permits.application_accept(actor=users["office"], application=app, on=today - dt.timedelta(days=5))
            radio = app.items.filter(item_type__code="radio_station_licence").first()
            if step == 0 and radio is not None:
                permits.item_decide(actor=users["radio"], item=radio, approve=True, reasons="频率、功率符合规定（示例）",
                                    on=today - dt.timedelta(days=3))
        made += 1
    return made


def _city_release(adcode: str, office) -> str:
    """The city's first open-list release (第1批), published by its office: the city's entries only."""
    import datetime as dt

    from rollout5g.resources import services as resources
    from rollout5g.resources.models import ListRelease

    release = ListRelease.objects.filter(region_id=adcode).order_by("number").first()
    if release is None:
        today = dt.date.today()
        city = Region.objects.get(pk=adcode)
        release = resources.release_create(actor=office, title=f"{city.name}5G基站建设公共资源开放清单（第一批，示例）",
                                           notice_start=today - dt.timedelta(days=10),
                                           notice_end=today - dt.timedelta(days=3))
    if not release.is_published:
        release = resources.release_publish(actor=office, release=release)
    return f"{release.label}, {release.entry_count} entries"


def _city_coverage(adcode: str, office) -> str:
    """A whole-city coverage run of the city's own network (its office's, shared with its operators)."""
    import datetime as dt

    from rollout5g.coverage.demo import DEMO_RESOLUTION_M, DEMO_TITLE_PREFIX
    from rollout5g.coverage.models import CoverageRun
    from rollout5g.coverage.services import run_inline, start_run

    as_of = dt.date(DEMO_SCENARIO_YEAR, 12, 31)
    run = (CoverageRun.objects.filter(region_id=adcode, title__startswith=DEMO_TITLE_PREFIX, as_of=as_of,
                                      succeeded_at__isnull=False).order_by("-pk").first())
    if run is None or not (run.output_dir / "summary.json").exists():
        city = Region.objects.get(pk=adcode)
        run = run_inline(start_run(office, resolution_m=DEMO_RESOLUTION_M, as_of=as_of,
                                   title=f"{DEMO_TITLE_PREFIX}{city.name} · 全部频段 · {DEMO_RESOLUTION_M:g} m · "
                                         f"{as_of:%Y-%m-%d}"))
    if not run.succeeded:
        return f"coverage run #{run.pk} failed"
    return f"coverage run #{run.pk} {run.covered_share:.1%} covered"


def _load_province_city(adcode: str, units, *, password: str, size: str, summary: DemoSummary,
                        step: int = 0) -> None:
    """A city of the province demo, run by its own units as a city deployment would: accounts, registry and special
    plan, open list and its first release, applications routed to the city's departments, a coverage run."""
    from rollout5g.permits.models import Application
    from rollout5g.resources.models import PublicResource
    from rollout5g.sites.models import PlannedSite, Site

    city = Region.objects.get(pk=adcode)
    prefix = units.by_key["gov"].split("-")[0]
    users = _city_users(units, PROVINCE_CITY_USERS, password=password, prefix=f"{prefix}-")
    summary.users.extend(users)
    by_name = {u.username.removeprefix(f"{prefix}-"): u for u in users}
    with as_home(adcode):
        batch = _city_scenario(adcode, units, size=size)
        _city_open_list(adcode, units, size=size)
        _city_applications(adcode, by_name, step=step)
        release = _city_release(adcode, by_name["office"])
        coverage = _city_coverage(adcode, by_name["office"])
    in_city = {"region__parent_id": adcode}
    summary.lines.append(
        f"{city.name}: {Site.objects.filter(**in_city).count()} sites, "
        f"{batch.cells_created} cells, {PlannedSite.objects.filter(**in_city).count()} planned sites "
        f"({size} scenario {DEMO_SCENARIO_YEAR}, seed {DEMO_SCENARIO_SEED}); open list "
        f"{PublicResource.objects.filter(**in_city).count()} entries, published {release}; "
        f"{Application.objects.filter(title__startswith=f'[示例 {adcode}]').count()} applications routed to the "
        f"city's departments; {coverage} (all synthetic)")


def _load_province(province: str, *, password: str, cities, size: str, default_city: bool, step,
                   summary: DemoSummary) -> DemoSummary:
    from rollout5g.core.scenario import DEFAULT_CITY

    all_cities = list(Region.objects.filter(parent_id=province, level="city").order_by("adcode")
                      .values_list("adcode", flat=True))
    with step("Loading the units of every city…"):
        units, lines = load_city_units(all_cities)
    summary.lines.extend(lines)
    org = Organization.objects.get(code=PROVINCE_USER[1])
    user, _ = ensure_user(actor=None, username=PROVINCE_USER[0], password=password, role=Role.PROGRAM_OFFICE,
                          organization=org, display_name=PROVINCE_USER[2])
    summary.users.append(user)
    if default_city:
        with as_home(DEFAULT_CITY):
            _load_default_city(password=password, step=step, summary=summary)
    else:
        admin, _ = ensure_user(actor=None, username="admin", password=password, is_superuser=True,
                               display_name="系统管理员")
        summary.users.append(admin)
    from rollout5g.permits.rules import load_rules

    load_rules()
    for n, adcode in enumerate(cities):
        with step(f"Loading the synthetic deployment of {adcode}…"):
            _load_province_city(adcode, units[adcode], password=password, size=size, summary=summary, step=n % 2)
    # Last: the provincial tasks carried down to every city, each city at a step of its own (reports included).
    from rollout5g.cascade.demo import load_demo as load_cascade_demo

    with step("Carrying the provincial tasks down to the cities…"):
        summary.lines.append(load_cascade_demo(home_adcode=province))
    return summary


def load_demo(*, password: str, console=None, region: str | None = None, size: str | None = None,
              cities=None, default_city: bool = True) -> DemoSummary:
    """Load the demo. ``region``: none or the default city: the full demo of that city; another city of the
    boundaries: its own synthetic deployment (``size`` of its scenario, default :data:`OTHER_CITY_SCENARIO_SIZE`);
    a province: the units of all its cities, the default city in full (unless ``default_city`` is false) and
    ``cities`` (default :data:`PROVINCE_DEMO_CITIES`) with their own synthetic deployments (``size``, default
    :data:`PROVINCE_CITY_SIZE`)."""
    from rollout5g.core.scenario import DEFAULT_CITY

    summary = DemoSummary()

    def step(message):
        if console is not None:
            return console.status(message)
        from contextlib import nullcontext

        return nullcontext()

    with step("Loading administrative boundaries…"):
        created, updated, unchanged = load_regions()
    summary.lines.append(f"regions: {Region.objects.count()} ({created} created, {updated} updated)")

    from rollout5g.workcalendar.services import seed_from_chinese_calendar

    seeded = seed_from_chinese_calendar()
    summary.lines.append(f"working-day calendar: {seeded} year(s) loaded from chinese-calendar")

    with step("Loading the policy documents…"):
        report = load_policy_files(bundled_policy_files())
    summary.lines.append(f"policy: {report.changes} change(s); " + "; ".join(report.lines()[1:]).strip())

    if region and Region.objects.filter(pk=region, level="province").exists():
        return _load_province(region, password=password, cities=PROVINCE_DEMO_CITIES if cities is None else cities,
                              size=size or PROVINCE_CITY_SIZE, default_city=default_city, step=step, summary=summary)
    if region and region != DEFAULT_CITY:
        with step(f"Loading the synthetic deployment of {region}…"):
            return _load_other_city(region, password=password, size=size or OTHER_CITY_SCENARIO_SIZE,
                                    summary=summary)
    return _load_default_city(password=password, step=step, summary=summary)


def _load_default_city(*, password: str, step, summary: DemoSummary) -> DemoSummary:
    """The default city in full: registry, accounts and every capability's demo records."""
    from rollout5g.core.scenario import DEFAULT_CITY

    with step(f"Loading the synthetic Jiaxing {DEMO_SCENARIO_YEAR} site scenario…"):
        created_areas, _ = load_key_areas()
        batch = load_scenario(year=DEMO_SCENARIO_YEAR, seed=DEMO_SCENARIO_SEED, region=DEFAULT_CITY)
    summary.lines.append(
        f"sites: {batch.sites_created} sites, {batch.cells_created} cells (synthetic Jiaxing {DEMO_SCENARIO_YEAR}, "
        f"seed {DEMO_SCENARIO_SEED}); key areas: {KeyArea.objects.count()}"
    )

    if not Organization.objects.filter(code=DEMO_ENTERPRISE["code"]).exists():
        from rollout5g.audit.services import record_event, snapshot

        org = Organization.objects.create(**DEMO_ENTERPRISE)
        record_event(actor=None, action="create", obj=org, after=snapshot(org), system_label="system:demo")

    for username, role, org_ref, display in DEMO_USERS:
        user, _ = ensure_user(actor=None, username=username, password=password, role=role,
                              organization=_organization(org_ref), display_name=display)
        summary.users.append(user)
    admin, _ = ensure_user(actor=None, username="admin", password=password, is_superuser=True,
                           display_name="系统管理员")
    summary.users.append(admin)
    summary.lines.append(f"contacts: {_load_contacts()} added (synthetic)")

    # Capabilities that build on the registry and the demo accounts, in dependency order.
    from rollout5g.cases.demo import load_demo as load_cases_demo
    from rollout5g.construction.demo import load_demo as load_construction_demo
    from rollout5g.emf.demo import load_demo as load_emf_demo
    from rollout5g.grid.demo import load_demo as load_grid_demo
    from rollout5g.incentives.demo import load_demo as load_incentives_demo
    from rollout5g.permits.demo import load_demo as load_permits_demo
    from rollout5g.poles.demo import load_demo as load_poles_demo
    from rollout5g.program.demo import load_demo as load_program_demo
    from rollout5g.resources.demo import load_demo as load_resources_demo
    from rollout5g.safeguard.demo import load_demo as load_safeguard_demo
    from rollout5g.spectrum.demo import load_demo as load_spectrum_demo

    for label, loader in (("open list", load_resources_demo), ("approvals", load_permits_demo),
                          ("power, relocation and incident cases", load_cases_demo), ("power supply", load_grid_demo),
                          ("public EMF information", load_emf_demo), ("smart poles", load_poles_demo),
                          ("5G facilities of construction projects", load_construction_demo),
                          ("spectrum interference", load_spectrum_demo), ("facility security", load_safeguard_demo), ("industry and incentives", load_incentives_demo), ("supervision", load_program_demo)):
        with step(f"Loading the demo {label}…"):
            summary.lines.extend(loader(password=password))
    # The provincial tasks this city carries (a city deployment follows its province's task division).
    from rollout5g.cascade.demo import load_demo as load_cascade_demo

    with step("Carrying the provincial tasks down to the city…"):
        summary.lines.append(load_cascade_demo(home_adcode=DEFAULT_CITY))

    # Last: the coverage runs measure the registry as the other demo steps left it.
    from rollout5g.coverage.demo import load_demo as load_coverage_demo

    with step("Computing the demo coverage runs…"):
        summary.lines.extend(load_coverage_demo(password=password))
    return summary
