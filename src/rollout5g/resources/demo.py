"""Demo data of the open list, loaded by ``rollout5g demo`` after the registry (idempotent).

A synthetic, reproducible list (seed :data:`DEMO_SEED`) of public facilities across Jiaxing's seven counties:
street-light poles spread around the town centres of ``core/data/jiaxing_places.yaml`` (the same hand-placed
centres the site scenario uses), traffic-signal and surveillance poles at junctions of the urban cores, power and
telecom poles out of town, and government rooftops, schools, hospitals, parks, venues and transport hubs near the
centres. Every point lies inside its county polygon. Owners follow who holds such assets in a Chinese city (the
urban-construction group for street lights and parks of the city core, county governments elsewhere, the
education and health commissions, police, the power company …). Then two published batches with a visible diff
(some added, changed, withdrawn) and site requests in every state.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import shapely
from django.db import transaction

from rollout5g.accounts.choices import Role
from rollout5g.accounts.services import ensure_user
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event
from rollout5g.core.scenario import COUNTIES, load_jiaxing_boundaries, load_places
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM

from .choices import POLE_KINDS, Availability, FeeKind, ResourceKind
from .models import ListRelease, PublicResource, SiteRequest

DEMO_SEED = 5
#: Entries of batch 1 and entries added before batch 2.
FIRST_BATCH, ADDED_LATER = 2600, 320
CHANGED_LATER, WITHDRAWN_LATER = 90, 40

#: kind -> share of the list
KIND_SHARE = {
    ResourceKind.STREET_LIGHT_POLE: 0.38, ResourceKind.TRAFFIC_SIGNAL_POLE: 0.08, ResourceKind.SURVEILLANCE_POLE: 0.10,
    ResourceKind.POWER_POLE: 0.08, ResourceKind.TELECOM_POLE: 0.04, ResourceKind.DUCT: 0.02,
    ResourceKind.GOV_ROOFTOP: 0.08, ResourceKind.SCHOOL: 0.10, ResourceKind.HOSPITAL: 0.03, ResourceKind.PARK: 0.04,
    ResourceKind.VENUE: 0.02, ResourceKind.TRANSPORT_HUB: 0.03,
}
#: kind -> spread around the place centre, as a multiple of the place's radius_km
SPREAD = {ResourceKind.POWER_POLE: 2.5, ResourceKind.TELECOM_POLE: 2.0, ResourceKind.PARK: 1.2}
#: kind -> (min, max) height [m]
HEIGHT = {
    ResourceKind.STREET_LIGHT_POLE: (9, 12), ResourceKind.TRAFFIC_SIGNAL_POLE: (6, 8),
    ResourceKind.SURVEILLANCE_POLE: (6, 10), ResourceKind.POWER_POLE: (12, 18), ResourceKind.TELECOM_POLE: (8, 12),
    ResourceKind.GOV_ROOFTOP: (18, 60), ResourceKind.SCHOOL: (15, 30), ResourceKind.HOSPITAL: (24, 80),
    ResourceKind.PARK: (8, 15), ResourceKind.VENUE: (20, 40), ResourceKind.TRANSPORT_HUB: (15, 35),
}
CITY_CORE = {"330402", "330411"}
COUNTY_GOV = {"330402": "jx-nanhu-gov", "330411": "jx-xiuzhou-gov", "330421": "jx-jiashan-gov",
              "330424": "jx-haiyan-gov", "330481": "jx-haining-gov", "330482": "jx-pinghu-gov",
              "330483": "jx-tongxiang-gov"}
LABEL = {
    ResourceKind.STREET_LIGHT_POLE: "路灯杆", ResourceKind.TRAFFIC_SIGNAL_POLE: "信号灯杆",
    ResourceKind.SURVEILLANCE_POLE: "监控杆", ResourceKind.POWER_POLE: "电力杆", ResourceKind.TELECOM_POLE: "通信杆",
    ResourceKind.DUCT: "管道井", ResourceKind.GOV_ROOFTOP: "办公楼楼顶", ResourceKind.SCHOOL: "学校",
    ResourceKind.HOSPITAL: "医院", ResourceKind.PARK: "公园", ResourceKind.VENUE: "场馆",
    ResourceKind.TRANSPORT_HUB: "交通枢纽",
}
SCHOOL_NAMES = ("实验小学", "中心小学", "第一中学", "第二中学", "初级中学", "幼儿园", "职业技术学校", "外国语学校")
HOSPITAL_NAMES = ("社区卫生服务中心", "人民医院", "中医院", "妇幼保健院")
VENUE_NAMES = ("体育馆", "文化中心", "图书馆", "会展中心", "大剧院")
HUB_NAMES = ("公交枢纽站", "汽车客运站", "公共停车场", "火车站广场")
PARK_NAMES = ("公园", "绿地", "广场", "湿地公园")
ROADS = ("人民路", "中山路", "解放路", "健康路", "文昌路", "建设路", "新华路", "环城路", "工业路", "振兴路")
UNAVAILABLE_REASONS = ("楼顶承重不足，待加固", "道路改造中，暂停开放", "文物保护范围内", "学校施工期间")


def _owner_code(kind: str, county: str, rng) -> str:
    if kind in (ResourceKind.STREET_LIGHT_POLE, ResourceKind.PARK):
        return "jx-jiacheng-group" if county in CITY_CORE else COUNTY_GOV[county]
    if kind in (ResourceKind.TRAFFIC_SIGNAL_POLE, ResourceKind.SURVEILLANCE_POLE):
        return "jx-police"
    if kind == ResourceKind.POWER_POLE:
        return "jx-power"
    if kind == ResourceKind.TELECOM_POLE:
        return "jx-wasu"
    if kind == ResourceKind.DUCT:
        return "jx-jiacheng-group" if county in CITY_CORE else COUNTY_GOV[county]
    if kind == ResourceKind.GOV_ROOFTOP:
        return COUNTY_GOV[county] if rng.random() < 0.8 else "jx-gov-office"
    if kind == ResourceKind.SCHOOL:
        return "jx-education" if rng.random() < 0.9 else "jxu"
    if kind == ResourceKind.HOSPITAL:
        return "jx-health"
    if kind == ResourceKind.VENUE:
        return "jx-culture-tourism"
    return "jx-jiatong-group"


def _name(kind: str, place: dict, rng, n: int) -> tuple[str, str]:
    roads = place.get("roads") or ROADS
    road = roads[int(rng.integers(len(roads)))]
    short = place["short"]
    county = COUNTIES[place["county"]]
    if kind in POLE_KINDS:
        return f"{short}{road}{LABEL[kind]}{n % 97 + 1:02d}号", f"{county}{place['name']}{road}"
    if kind == ResourceKind.DUCT:
        return f"{short}{road}通信管道井{n % 53 + 1}号", f"{county}{place['name']}{road}"
    pool = {ResourceKind.SCHOOL: SCHOOL_NAMES, ResourceKind.HOSPITAL: HOSPITAL_NAMES, ResourceKind.VENUE: VENUE_NAMES,
            ResourceKind.TRANSPORT_HUB: HUB_NAMES, ResourceKind.PARK: PARK_NAMES}.get(kind)
    if pool:
        base = f"{short}{pool[int(rng.integers(len(pool)))]}"
    else:
        base = f"{short}{'镇政府' if place['kind'] == 'town' else '街道'}办公楼"
    return f"{base}（{n % 9 + 1}号楼）" if kind != ResourceKind.PARK else base, f"{county}{place['name']}{road}{n % 400 + 1}号"


def generate(n: int, *, seed: int, start: int, organizations: dict[str, Organization], today: dt.date):
    """``n`` unsaved synthetic resources numbered from ``start``, and the smart poles' hosted operators."""
    rng = np.random.default_rng(seed)
    places = load_places()
    bounds = load_jiaxing_boundaries()
    weights = np.array([p["weight"] * (2.0 if p["kind"] in ("city_core", "county_core") else 1.0) for p in places])
    weights /= weights.sum()
    kinds = list(KIND_SHARE)
    share = np.array([KIND_SHARE[k] for k in kinds])
    place_idx = rng.choice(len(places), size=n, p=weights)
    kind_idx = rng.choice(len(kinds), size=n, p=share / share.sum())
    operators = [organizations[c] for c in ("jx-mobile", "jx-telecom", "jx-unicom", "jx-broadnet")]
    out, hosted = [], []
    for i in range(n):
        place, kind = places[place_idx[i]], kinds[kind_idx[i]]
        sigma = place["radius_km"] * SPREAD.get(kind, 1.0)
        geom = bounds[place["county"]]
        for _ in range(50):
            lon = place["lon"] + rng.normal() * sigma / (111.320 * math.cos(math.radians(place["lat"])))
            lat = place["lat"] + rng.normal() * sigma / 110.574
            if shapely.contains_xy(geom, lon, lat):
                break
        else:
            lon, lat = place["lon"], place["lat"]
        code_n = start + i
        name, address = _name(kind, place, rng, code_n)
        lo, hi = HEIGHT.get(kind, (0, 0))
        smart = kind in (ResourceKind.STREET_LIGHT_POLE, ResourceKind.TRAFFIC_SIGNAL_POLE) and rng.random() < 0.18
        roll = rng.random()
        availability, reason = Availability.OPEN, ""
        if roll > 0.95:
            availability, reason = Availability.UNAVAILABLE, UNAVAILABLE_REASONS[int(rng.integers(4))]
        elif roll > 0.90 and not smart:
            availability, reason = Availability.OCCUPIED, "已有基站"
        building = kind not in POLE_KINDS and kind != ResourceKind.DUCT
        resource = PublicResource(
            code=f"JX-OL-{code_n:06d}", name=name, kind=kind, owner=organizations[_owner_code(kind, place["county"], rng)],
            region_id=place["county"], lon=round(float(lon), 7), lat=round(float(lat), 7), address=address,
            height_m=round(float(rng.uniform(lo, hi)), 1) if hi else None,
            load_kg=float(rng.choice([50, 80, 100, 150])) if kind in POLE_KINDS else (
                float(rng.choice([500, 1000, 2000])) if building else None),
            power_kw_available=round(float(rng.uniform(1, 3)), 1) if kind in POLE_KINDS else (
                round(float(rng.uniform(5, 20)), 1) if building else None),
            cabinet_space_m2=round(float(rng.uniform(4, 20)), 1) if building else None,
            conditions=("施工须提前3个工作日预约；电费按实结算" if building else "挂载须符合智慧杆技术规范；电费按实结算"
                        if smart else "电费按实结算"),
            availability=availability, availability_reason=reason, smart_pole=smart,
            smart_pole_capacity=int(rng.choice([3, 4])) if smart else 0, is_synthetic=True,
            last_confirmed_on=today - dt.timedelta(days=int(rng.integers(0, 320))),
        )
        out.append(resource)
        if smart and availability == Availability.OPEN and rng.random() < 0.3:
            hosted.append((resource.code, [operators[int(rng.integers(2))]]))
    return out, hosted


def _bulk_insert(resources, hosted) -> None:
    PublicResource.objects.bulk_create(resources, batch_size=1000)
    ids = dict(PublicResource.objects.filter(code__in=[c for c, _ in hosted]).values_list("code", "pk"))
    through = PublicResource.hosted_operators.through
    through.objects.bulk_create([through(publicresource_id=ids[code], organization_id=o.pk)
                                 for code, orgs in hosted for o in orgs])


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    from . import services

    codes = ["jx-jiacheng-group", "jx-police", "jx-power", "jx-wasu", "jx-education", "jx-health", "jx-culture-tourism",
             "jx-jiatong-group", "jx-gov-office", "jxu", "jx-mobile", "jx-telecom", "jx-unicom", "jx-broadnet",
             *COUNTY_GOV.values()]
    organizations = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    missing = set(codes) - set(organizations)
    if missing:
        return [f"open list: skipped (organizations missing: {', '.join(sorted(missing))})"]
    schools, _ = ensure_user(actor=None, username="schools", password=password, role=Role.RESOURCE_OWNER,
                             organization=organizations["jx-education"], display_name="市教育局 资源管理")
    if ListRelease.objects.filter(number=2, published_at__isnull=False).exists():
        return [f"open list: {PublicResource.objects.count()} entries, {ListRelease.objects.count()} batches, "
                f"{SiteRequest.objects.count()} site requests (already loaded)"]
    today = dt.date.today()
    with transaction.atomic():
        resources, hosted = generate(FIRST_BATCH, seed=DEMO_SEED, start=1, organizations=organizations, today=today)
        _bulk_insert(resources, hosted)
        record_event(actor=None, action=AuditAction.IMPORT, object_type="resources.publicresource",
                     object_id="demo-batch-1", object_repr="synthetic open list", system_label="system:demo",
                     note=f"{len(resources)} synthetic entries (seed {DEMO_SEED})")
        first = services.release_create(actor=SYSTEM, title="嘉兴市5G基站建设公共资源开放清单（第一批）",
                                        notice_start=today - dt.timedelta(days=120),
                                        notice_end=today - dt.timedelta(days=110))
        first = services.release_publish(actor=SYSTEM, release=first)

        # Between the batches: new entries, changed entries and withdrawn ones.
        added, hosted = generate(ADDED_LATER, seed=DEMO_SEED + 1, start=FIRST_BATCH + 1, organizations=organizations,
                                 today=today)
        _bulk_insert(added, hosted)
        record_event(actor=None, action=AuditAction.IMPORT, object_type="resources.publicresource",
                     object_id="demo-batch-2", object_repr="synthetic open list", system_label="system:demo",
                     note=f"{len(added)} synthetic entries added (seed {DEMO_SEED + 1})")
        rng = np.random.default_rng(DEMO_SEED + 2)
        pool = list(PublicResource.objects.filter(code__lte=f"JX-OL-{FIRST_BATCH:06d}", smart_pole=False)
                    .exclude(owner__code="jx-jiacheng-group").order_by("code"))
        picks = rng.choice(len(pool), size=CHANGED_LATER + WITHDRAWN_LATER, replace=False)
        for j, k in enumerate(picks):
            resource = pool[int(k)]
            if j < WITHDRAWN_LATER:
                services.resource_withdraw(actor=SYSTEM, resource=resource, reason="设施拆除或改建，不再开放")
            elif j % 3 == 0:
                services.resource_set_availability(actor=SYSTEM, resource=resource, availability=Availability.OCCUPIED,
                                                   reason="已建站")
            elif j % 3 == 1:
                services.resource_update(actor=SYSTEM, resource=resource, conditions=resource.conditions +
                                         "；进场施工须避开上下班高峰", power_kw_available=(resource.power_kw_available or 1) + 2)
            else:
                services.resource_update(actor=SYSTEM, resource=resource, height_m=(resource.height_m or 10) + 3,
                                         note="改造加高")
        second = services.release_create(actor=SYSTEM, title="嘉兴市5G基站建设公共资源开放清单（第二批）",
                                         notice_start=today - dt.timedelta(days=20),
                                         notice_end=today - dt.timedelta(days=10))
        second = services.release_publish(actor=SYSTEM, release=second)
        lines = [f"open list: {PublicResource.objects.count()} synthetic entries; {first.label} "
                 f"{first.entry_count} entries; {second.label} {second.entry_count} entries "
                 f"(+{second.added_count} ~{second.changed_count} -{second.withdrawn_count})"]
        lines.append(_demo_requests(organizations=organizations, today=today))
    return lines


def _demo_requests(*, organizations, today: dt.date) -> str:
    """Site requests in every state, on the urban-construction group's entries (demo login ``owner``)."""
    from rollout5g.accounts.models import User

    from . import services

    users = {u.username: u for u in User.objects.filter(username__in=["mobile", "telecom", "unicom", "tower", "owner"])}
    if len(users) < 5:
        return "open list requests: skipped (demo users missing)"
    owner = users["owner"]
    mine = PublicResource.objects.filter(owner__code="jx-jiacheng-group", withdrawn=False,
                                         availability=Availability.OPEN).order_by("code")
    plain = list(mine.filter(smart_pole=False)[:8])
    poles = list(mine.filter(smart_pole=True, hosted_operators__isnull=True)[:2])
    create = services.site_request_create
    # accepted, with the planned site
    r = create(actor=users["mobile"], resource=plain[0], purpose="南湖景区补盲", on=today - dt.timedelta(days=30))
    services.site_request_accept(actor=owner, request=r, conditions="施工须提前预约；电费按实结算",
                                 charges=[{"kind": FeeKind.POWER, "amount_cny": "", "basis": "按电表实际用量结算"}],
                                 on=today - dt.timedelta(days=27))
    # smart pole shared: the second operator's request is a sharing offer, accepted together
    r1 = create(actor=users["telecom"], resource=poles[0], purpose="电联共建共享", on=today - dt.timedelta(days=12))
    create(actor=users["unicom"], resource=poles[0], purpose="电联共建共享", on=today - dt.timedelta(days=11))
    services.site_request_accept(actor=owner, request=r1, on=today - dt.timedelta(days=9))
    # declined with a reason
    r = create(actor=users["tower"], resource=plain[1], on=today - dt.timedelta(days=20))
    services.site_request_decline(actor=owner, request=r, reason="该路段明年整体改造，路灯杆将迁移",
                                  on=today - dt.timedelta(days=18))
    # conditions proposed, waiting for the operator
    r = create(actor=users["mobile"], resource=plain[2], on=today - dt.timedelta(days=6))
    services.site_request_propose(actor=owner, request=r, conditions="设备须安装在杆体8米以上；夜间施工",
                                  on=today - dt.timedelta(days=4))
    # withdrawn by the operator
    r = create(actor=users["unicom"], resource=plain[3], on=today - dt.timedelta(days=15))
    services.site_request_withdraw(actor=users["unicom"], request=r, reason="选址调整")
    # waiting: one overdue, one fresh, one near a point (matched automatically), one on the second pole
    create(actor=users["tower"], resource=plain[4], purpose="高铁新城覆盖", on=today - dt.timedelta(days=14))
    create(actor=users["telecom"], resource=plain[5], purpose="学校周边深度覆盖", on=today - dt.timedelta(days=1))
    create(actor=users["mobile"], lon=plain[6].lon + 0.0001, lat=plain[6].lat, radius_m=300, purpose="按点位申请")
    create(actor=users["mobile"], resource=poles[1], purpose="智慧杆挂载")
    r = SiteRequest.objects.filter(requester__code="jx-mobile", status="accepted").first()
    services.fee_complaint_file(actor=users["mobile"], request=r, fee_kind=FeeKind.COORDINATION, amount_cny="20000",
                                description="物业以“协调费”名义要求一次性支付2万元后方可进场。",
                                on=today - dt.timedelta(days=5))
    return f"open list requests: {SiteRequest.objects.count()} in every state; 1 entry-fee complaint"
