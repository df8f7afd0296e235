"""Demo data of the cases, loaded by ``rollout5g demo`` after the registry (idempotent).

A dozen synthetic cases of each family in various states, dated relative to today so that some clocks run, some
are due soon and some are overdue; a sample of registry sites gets a known power supply (transfer or direct) so the
direct-supply counts by county have something to count. Everything goes through the services (audited).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.accounts.services import ensure_user
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site
from rollout5g.sites.services import site_create, site_transition, site_update

from . import services
from .choices import IncidentKind, PowerKind, RelocationCause
from .models import ClockRule, IncidentCase, PowerCase, RelocationCase

#: Extra department accounts: incidents go to urban management and market regulation too.
DEMO_CASE_USERS = [
    ("urban", "jx-law-enforcement", "综合执法局 联络员"),
    ("market", "jx-amr", "市场监管局 联络员"),
]
#: Sites per county given a known supply for the demo: two in five on transfer supply, the others direct.
SAMPLE_PER_COUNTY = 30


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.select_related("organization")}


def _sites_of(org: Organization, n: int, *, exclude=(), **filters) -> list[Site]:
    qs = (Site.objects.filter(owner=org, state=SiteState.ON_AIR, is_synthetic=True, **filters)
          .exclude(pk__in=[s.pk for s in exclude]).order_by("code"))
    sites = list(qs[:n])
    if len(sites) < n:
        sites += list(Site.objects.filter(operators=org, state=SiteState.ON_AIR, **filters)
                      .exclude(pk__in=[s.pk for s in (*exclude, *sites)]).order_by("code")[: n - len(sites)])
    return sites


def _mark_power_supply() -> int:
    """Give a sample of sites in each county a known supply (the scenario leaves it unknown)."""
    if Site.objects.filter(power_supply=PowerSupply.TRANSFER).exists():
        return 0
    changed = 0
    for region_id in Site.objects.order_by().values_list("region_id", flat=True).distinct():
        sites = Site.objects.filter(region_id=region_id, state=SiteState.ON_AIR).order_by("code")[:SAMPLE_PER_COUNTY]
        for i, site in enumerate(sites):
            supply = PowerSupply.TRANSFER if i % 5 in (1, 3) else PowerSupply.DIRECT
            site_update(actor=SYSTEM, site=site, power_supply=supply)
            changed += 1
    return changed


def _replacement(org: Organization, near: Site, name: str, state: str, on: dt.date) -> Site:
    """A new site registered for a relocation, moved to ``state`` (approved or on air)."""
    site = site_create(actor=SYSTEM, owner=org, name=name, lon=near.lon + 0.004, lat=near.lat + 0.003,
                       site_type=near.site_type, operators=list(near.operators.all()),
                       note="replacement site for a relocation (demo)")
    path = [SiteState.APPLIED, SiteState.APPROVED]
    if state in (SiteState.BUILDING, SiteState.ON_AIR):
        path.append(SiteState.BUILDING)
    if state == SiteState.ON_AIR:
        path.append(SiteState.ON_AIR)
    for step in path:
        site = site_transition(actor=SYSTEM, site=site, to_state=step, on=on)
    site.is_synthetic = True
    Site.objects.filter(pk=site.pk).update(is_synthetic=True)
    return site


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    for username, org_code, display in DEMO_CASE_USERS:
        ensure_user(actor=None, username=username, password=password, role=Role.DEPARTMENT,
                    organization=Organization.objects.get(code=org_code), display_name=display)
    rules = services.ensure_rules()
    lines = [f"case rules: {ClockRule.objects.count()} ({rules} created); extra users: "
             + ", ".join(u for u, _, _ in DEMO_CASE_USERS)]
    if PowerCase.objects.filter(is_synthetic=True).exists():
        lines.append("cases: demo cases already loaded")
        return lines
    with transaction.atomic():
        marked = _mark_power_supply()
        _load_power()
        _load_relocation()
        _load_incidents()
    lines.append(f"cases: {PowerCase.objects.count()} power, {RelocationCase.objects.count()} relocation, "
                 f"{IncidentCase.objects.count()} incidents; {marked} sites given a known power supply")
    return lines


def _days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)


def _load_power():
    u = _users()
    power = u["power"]
    mobile, telecom, tower = u["mobile"], u["telecom"], u["tower"]
    plan = [
        # (applicant user, kind, days ago received, steps [(action, days ago)])
        (mobile, PowerKind.CONNECTION, 2, []),
        (telecom, PowerKind.CONNECTION, 9, []),
        (tower, PowerKind.CONVERSION, 40, []),
        (mobile, PowerKind.CONNECTION, 12, [("accept", 11)]),
        (tower, PowerKind.CONVERSION, 20, [("accept", 18)]),
        (telecom, PowerKind.CONNECTION, 14, [("accept", 13), ("survey", 10)]),
        (tower, PowerKind.CONVERSION, 30, [("accept", 28), ("survey", 20)]),
        (mobile, PowerKind.CONVERSION, 60, [("accept", 58), ("survey", 50), ("complete", 35)]),
        (tower, PowerKind.CONVERSION, 45, [("accept", 44), ("survey", 40), ("complete", 30)]),
        (telecom, PowerKind.CONNECTION, 25, [("accept", 24), ("survey", 22), ("complete", 18)]),
        (mobile, PowerKind.CONNECTION, 16, [("refuse", 14)]),
        (tower, PowerKind.CONVERSION, 50, [("accept", 48), ("refuse", 40)]),
    ]
    used: list[Site] = []
    for n, (user, kind, received, steps) in enumerate(plan):
        supply = {"power_supply": PowerSupply.TRANSFER} if kind == PowerKind.CONVERSION else {}
        site = (_sites_of(user.organization, 1, exclude=used, **supply) or
                _sites_of(user.organization, 1, exclude=used))[0]
        if kind == PowerKind.CONVERSION and site.power_supply != PowerSupply.TRANSFER:
            site = site_update(actor=SYSTEM, site=site, power_supply=PowerSupply.TRANSFER)
        used.append(site)
        case = services.power_apply(actor=user, site=site, kind=kind, received_on=_days_ago(received),
                                    capacity_kw="15.0" if kind == PowerKind.CONNECTION else None,
                                    note="demo", is_synthetic=True)
        for action, ago in steps:
            on = _days_ago(ago)
            if action == "accept":
                case = services.power_accept(actor=power, case=case, on=on)
            elif action == "survey":
                case = services.power_survey(actor=power, case=case, on=on, note="联合踏勘：具备接电条件")
            elif action == "complete":
                case = services.power_complete(actor=power, case=case, on=on, meter_number=f"330400{n:07d}",
                                               note="一户一表" if kind == PowerKind.CONVERSION else "")
            else:
                case = services.power_refuse(actor=power, case=case, on=on,
                                             reason="所在小区配变容量不足，需先行增容改造")


def _load_relocation():
    u = _users()
    mobile, telecom, unicom, office = u["mobile"], u["telecom"], u["unicom"], u["office"]
    jiacheng = Organization.objects.get(code="jx-jiacheng-group")
    housing = Organization.objects.get(code="jx-housing")
    used: list[Site] = list(Site.objects.filter(power_cases__isnull=False))
    plan = [
        # (user, cause, notice days ago, project, demanding org, steps)
        (mobile, RelocationCause.DEMOLITION, 5, "城南旧改地块", jiacheng, []),
        (telecom, RelocationCause.MAJOR_PROJECT, 20, "沪嘉城际铁路", None, []),
        (unicom, RelocationCause.RENOVATION, 50, "老旧小区改造（南湖街道）", housing, []),
        (mobile, RelocationCause.DEMOLITION, 30, "嘉兴火车站片区改造", jiacheng, ["compensation"]),
        (telecom, RelocationCause.RENOVATION, 25, "体育中心改造", housing, ["compensation"]),
        (mobile, RelocationCause.MAJOR_PROJECT, 60, "嘉兴南湖机场配套道路", None, ["compensation", "secure"]),
        (unicom, RelocationCause.DEMOLITION, 40, "城中村拆迁（秀洲区）", jiacheng, ["secure"]),
        (telecom, RelocationCause.DEMOLITION, 90, "城东棚户区拆迁", jiacheng, ["compensation", "secure", "remove"]),
        (mobile, RelocationCause.MAJOR_PROJECT, 120, "高铁新城路网", None, ["compensation", "secure", "remove"]),
        (unicom, RelocationCause.RENOVATION, 150, "市政道路综合整治", housing,
         ["compensation", "secure_on_air", "remove"]),
    ]
    for user, cause, ago, project, demanding, steps in plan:
        site = _sites_of(user.organization, 1, exclude=used)[0]
        used.append(site)
        case = services.relocation_open(
            actor=user, site=site, cause=cause, notice_date=_days_ago(ago), project=project,
            demanding_party=str(demanding) if demanding else f"{project}建设指挥部",
            demanding_organization=demanding, demolition_date=_days_ago(ago) + dt.timedelta(days=90),
            is_synthetic=True)
        for step in steps:
            if step == "compensation":
                case = services.relocation_agree_compensation(
                    actor=user, case=case, amount=f"{(ago * 1370) % 90000 + 30000}.00", on=_days_ago(ago - 3),
                    basis="《嘉兴市通信基础设施迁移补偿指导标准》评估报告")
            elif step in ("secure", "secure_on_air"):
                state = SiteState.ON_AIR if step == "secure_on_air" else SiteState.APPROVED
                replacement = _replacement(user.organization, site, f"{site.name}（迁建）", state, _days_ago(ago - 10))
                case = services.relocation_secure_replacement(actor=user, case=case, replacement=replacement,
                                                              on=_days_ago(ago - 10))
            elif step == "remove":
                case = services.relocation_remove_old(actor=user, case=case, on=_days_ago(ago - 20))
    for user, ago, due_in in ((mobile, 200, 40), (telecom, 300, -30)):
        site = _sites_of(user.organization, 1, exclude=used)[0]
        used.append(site)
        services.relocation_record_demolished(
            actor=office, site=site, cause=RelocationCause.DEMOLITION, demolished_on=_days_ago(ago),
            demanding_party="区征迁指挥部", rebuild_due=dt.date.today() + dt.timedelta(days=due_in),
            note="2019年拆迁时未落实替代站址，需按补偿协议重建", is_synthetic=True)


def _load_incidents():
    u = _users()
    mobile, telecom, tower, owner, office = u["mobile"], u["telecom"], u["tower"], u["owner"], u["office"]
    dept = {"jx-police": u["police"], "jx-law-enforcement": u["urban"], "jx-amr": u["market"], "jx-dei": office}
    used = list(Site.objects.filter(relocation_cases__isnull=False)) + list(
        Site.objects.filter(power_cases__isnull=False))
    plan = [
        (mobile, IncidentKind.OBSTRUCTION, 1, "小区业主阻挠铁塔基础施工", None, []),
        (tower, IncidentKind.THEFT, 3, "站点蓄电池组被盗（4组）", None, ["assign"]),
        (telecom, IncidentKind.VANDALISM, 6, "智慧杆机柜门被撬，设备损坏", None, ["assign", "start"]),
        (mobile, IncidentKind.INTERFERENCE, 15, "3.5GHz频段上行底噪抬升，疑似非法设备干扰", None, ["assign", "start"]),
        (owner, IncidentKind.FEES, 8, "物业公司要求每站每年缴纳进场协调费", "20000.00", []),
        (tower, IncidentKind.FEES, 20, "物业要求一次性收取进场费后方可施工", "8000.00", ["assign", "start", "resolve"]),
        (telecom, IncidentKind.OBSTRUCTION, 12, "村民以辐射为由阻止施工", None, ["assign", "resolve"]),
        (mobile, IncidentKind.THEFT, 30, "馈线被盗割", None, ["assign", "start", "resolve", "close"]),
        (tower, IncidentKind.VANDALISM, 25, "围墙及机房门被破坏", None, ["assign", "resolve", "close"]),
        (telecom, IncidentKind.INTERFERENCE, 40, "广播电视发射设备杂散干扰", None, ["assign", "start", "resolve"]),
        (mobile, IncidentKind.OBSTRUCTION, 4, "施工车辆进场受阻", None, []),
        (owner, IncidentKind.THEFT, 10, "屋面站点接地铜排被盗", None, ["close_nogrounds"]),
    ]
    for reporter, kind, ago, text, fee, steps in plan:
        org = reporter.organization
        if org.kind in ("operator", "tower_company"):
            site = _sites_of(org, 1, exclude=used)[0]
            used.append(site)
            location = ""
        else:
            site, location = None, "嘉城集团 南湖区某小区屋面"
        case = services.incident_report(actor=reporter, kind=kind, description=text, site=site, location=location,
                                        occurred_on=_days_ago(ago + 1), reported_on=_days_ago(ago), fee_amount=fee,
                                        is_synthetic=True)
        handler = dept[case.department.code]
        for i, step in enumerate(steps, start=1):
            on = _days_ago(max(ago - 2 * i, 0))
            if step == "assign":
                case = services.incident_assign(actor=handler, case=case, handler_name="王警官" if
                                                case.department.code == "jx-police" else "李科长", on=on)
            elif step == "start":
                case = services.incident_start(actor=handler, case=case, on=on, note="已到现场")
            elif step == "resolve":
                case = services.incident_resolve(actor=handler, case=case, on=on, outcome="已协调处理，施工恢复")
            elif step == "close":
                case = services.incident_close(actor=reporter, case=case, on=on)
            else:
                case = services.incident_close(actor=handler, case=case, on=on, outcome="经核查为内部维护拆除，不予立案")
