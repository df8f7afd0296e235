"""The demo data set: everything `rollout5g demo` loads. Each step is idempotent.

Capabilities add their demo steps here as they land (the site registry adds the Jiaxing scenario, …).
"""

from __future__ import annotations

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


#: The synthetic deployment of another city (``demo --region``): its directory of units, all invented and marked so.
OTHER_CITY_UNITS = [
    ("office", "program-office", "government_department", Role.PROGRAM_OFFICE, "经济和信息化局（示例）"),
    ("mobile", "mobile", "operator", Role.OPERATOR, "中国移动分公司（示例）"),
    ("telecom", "telecom", "operator", Role.OPERATOR, "中国电信分公司（示例）"),
    ("unicom", "unicom", "operator", Role.OPERATOR, "中国联通分公司（示例）"),
    (None, "broadnet", "operator", None, "中国广电分公司（示例）"),
    ("tower", "tower", "tower_company", Role.OPERATOR, "中国铁塔分公司（示例）"),
]
OTHER_CITY_SCENARIO_SIZE = "small"


def _synthetic_organization(*, code: str, name: str, kind: str, region_id: str) -> Organization:
    """An invented unit of a synthetic deployment, validated and audited like the directory's (the organizations
    app has no create service: its units come from the policy loader)."""
    org = Organization.objects.filter(code=code).first()
    if org is None:
        from rollout5g.audit.services import record_event, snapshot

        org = Organization(code=code, name=name, short_name=name, kind=kind, region_id=region_id)
        org.full_clean()
        org.save()
        record_event(actor=None, action="create", obj=org, after=snapshot(org), system_label="system:demo")
    return org


def _load_other_city(region: str, *, password: str, size: str, summary: DemoSummary) -> DemoSummary:
    """Another city of the boundaries with its own synthetic units, accounts and registry (no open list, approvals,
    cases, incentives or supervision demo: those follow the default city's documents)."""
    city = Region.objects.get(pk=region, level="city")
    codes = {}
    for username, suffix, kind, role, label in OTHER_CITY_UNITS:
        org = _synthetic_organization(code=f"{region}-{suffix}", name=f"{city.name}{label}", kind=kind,
                                      region_id=region)
        codes[suffix] = org.code
        if username:
            user, _ = ensure_user(actor=None, username=username, password=password, role=role, organization=org,
                                  display_name=f"{org.name} 演示账号")
            summary.users.append(user)
    admin, _ = ensure_user(actor=None, username="admin", password=password, is_superuser=True,
                           display_name="系统管理员")
    summary.users.append(admin)
    batch = load_scenario(year=DEMO_SCENARIO_YEAR, seed=DEMO_SCENARIO_SEED, region=region, size=size,
                          organizations={"china_mobile": codes["mobile"], "china_telecom": codes["telecom"],
                                         "china_unicom": codes["unicom"], "china_broadnet": codes["broadnet"],
                                         "china_tower": codes["tower"]})
    summary.lines.append(f"{city.name}: {batch.sites_created} sites, {batch.cells_created} cells (synthetic, "
                         f"{size} scenario {DEMO_SCENARIO_YEAR}, seed {DEMO_SCENARIO_SEED}); units and accounts "
                         "synthetic")
    return summary


def load_demo(*, password: str, console=None, region: str | None = None, size: str | None = None) -> DemoSummary:
    """Load the demo. ``region``: another city of the boundaries (its own synthetic deployment, ``size`` of its
    scenario, default :data:`OTHER_CITY_SCENARIO_SIZE`); none or the default city: the full demo."""
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

    if region and region != DEFAULT_CITY:
        with step(f"Loading the synthetic deployment of {region}…"):
            return _load_other_city(region, password=password, size=size or OTHER_CITY_SCENARIO_SIZE,
                                    summary=summary)

    with step(f"Loading the synthetic Jiaxing {DEMO_SCENARIO_YEAR} site scenario…"):
        created_areas, _ = load_key_areas()
        batch = load_scenario(year=DEMO_SCENARIO_YEAR, seed=DEMO_SCENARIO_SEED)
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
    from rollout5g.spectrum.demo import load_demo as load_spectrum_demo

    for label, loader in (("open list", load_resources_demo), ("approvals", load_permits_demo),
                          ("power, relocation and incident cases", load_cases_demo), ("power supply", load_grid_demo),
                          ("public EMF information", load_emf_demo), ("smart poles", load_poles_demo),
                          ("5G facilities of construction projects", load_construction_demo),
                          ("spectrum interference", load_spectrum_demo), ("industry and incentives", load_incentives_demo), ("supervision", load_program_demo)):
        with step(f"Loading the demo {label}…"):
            summary.lines.extend(loader(password=password))

    # Last: the coverage runs measure the registry as the other demo steps left it.
    from rollout5g.coverage.demo import load_demo as load_coverage_demo

    with step("Computing the demo coverage runs…"):
        summary.lines.extend(load_coverage_demo(password=password))
    return summary
