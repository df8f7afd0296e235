"""Demo data of this capability, loaded by ``rollout5g demo`` after the registry (idempotent).

The firms, carriers and pilots that the Jiaxing opinions name (二(二), 二(三), 二(四)) are loaded with the names as
the document writes them and ``named_in_document``; their registered full names, tiers and recognition dates are
not in the seed and are marked as demo assumptions in ``description``. Everything else (the demo parks, centres,
smart-manufacturing demos, statistics and the applications) is synthetic and says so.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollout5g.accounts.choices import Role
from rollout5g.accounts.services import ensure_user
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM
from rollout5g.policy.models import IncentiveClause

from . import services
from .choices import ApplicationState, CarrierKind, Level, PilotCategory, PilotField, ProductLine, Tier
from .models import Application, IndustryProfile

ASSUMED = "Tier and dates are demo assumptions; the registered full name is to be confirmed (the seed gives the " \
          "short form)."
P = ProductLine

# (code, name as written, product lines, tier, county adcode, clause)
NAMED_FIRMS = [
    ("ind-wingtech", "闻泰通讯", [P.TERMINALS], Tier.BACKBONE, "330402", "二(二)2(1)"),
    ("ind-dejing", "德景电子", [P.TERMINALS], Tier.BACKBONE, "330411", "二(二)2(1)"),
    ("ind-foxconn-jx", "富士康（嘉兴）", [P.TERMINALS], Tier.BACKBONE, "330402", "二(二)2(1)"),
    ("demo-jiali-electronics", "佳利电子", [P.BASE_STATION_COMPONENTS], Tier.LEADING, "330402", "二(二)2(2)"),
    ("ind-ruihong", "瑞宏电子", [P.BASE_STATION_COMPONENTS], Tier.SPECIALISED, "330421", "二(二)2(2)"),
    ("ind-saisi", "赛思电子", [P.BASE_STATION_COMPONENTS], Tier.SPECIALISED, "330482", "二(二)2(2)"),
    ("ind-futong", "富通集团", [P.OPTICAL], Tier.BACKBONE, "330483", "二(二)2(3)"),
    ("ind-broadex", "博创科技", [P.OPTICAL], Tier.BACKBONE, "330402", "二(二)2(3)"),
    ("ind-bowei", "博为通信", [P.OPTICAL], Tier.EAGLE, "330402", "二(二)2(3)"),
    ("ind-keeson", "麒盛科技", [P.SMART_PRODUCTS], Tier.LEADING, "330411", "二(二)2(4)"),
    ("ind-dingmei", "鼎美智装", [P.SMART_PRODUCTS], Tier.SPECIALISED, "330402", "二(二)2(4)"),
]

# 二(二)1: the platforms named as carriers of the 5G industry (levels are not stated in the seed)
NAMED_CARRIERS = [
    ("cl-science-city", "嘉兴科技城", CarrierKind.CLUSTER, "330402"),
    ("cl-xiuzhou-hitech", "秀洲国家高新区", CarrierKind.CLUSTER, "330411"),
    ("cl-haining-edz", "海宁经济开发区", CarrierKind.CLUSTER, "330481"),
    ("cl-jiashan-etdz", "嘉善经济技术开发区", CarrierKind.CLUSTER, "330421"),
]

# 二(三)/二(四): institutes named by the document
NAMED_INSTITUTES = [
    ("ri-zj-future-tech", "浙江未来技术研究院", "330400", "二(三)3"),
    ("ri-tsinghua-flexible", "浙江清华柔性电子研究院", "330400", "二(三)3"),
    ("ri-tsinghua-yrd", "浙江清华长三角研究院", "330400", "二(四)4"),
]


def _demo_users(password):
    finance = Organization.objects.get(code="jx-finance")
    out = [ensure_user(actor=None, username="finance", password=password, role=Role.DEPARTMENT,
                       organization=finance, display_name="市财政局 资金审核")[0]]
    for username, code, display in (("wingtech", "ind-wingtech", "闻泰通讯 项目申报"),
                                    ("parkco", "demo-5g-park-operator", "5G产业园运营公司 项目申报")):
        out.append(ensure_user(actor=None, username=username, password=password, role=Role.ENTERPRISE,
                               organization=Organization.objects.get(code=code), display_name=display)[0])
    return out


def _registry():
    d = dt.date
    firms = {}
    for code, name, lines, tier, region, clause in NAMED_FIRMS:
        existing = Organization.objects.filter(code=code).first()
        firms[code] = services.enterprise_register(
            actor=SYSTEM, code=code, name=existing.name if existing else name, short_name=name, region_id=region,
            product_lines=lines, tier=tier, tier_since=d(2020, 6, 30), named_in_document=True,
            document_clause=clause, description=ASSUMED,
        ).organization
    park_op = services.enterprise_register(
        actor=SYSTEM, code="demo-5g-park-operator", name="嘉兴5G产业园运营有限公司（演示）", short_name="5G产业园运营公司",
        region_id="330402", product_lines=[P.APPLICATIONS], tier=Tier.OTHER,
        description="Synthetic demo park operator.").organization
    for code, name, kind, region in NAMED_CARRIERS:
        services.carrier_save(actor=SYSTEM, code=code, name=name, kind=kind, region_id=region,
                              recognised_on=d(2019, 8, 19), named_in_document=True, document_clause="二(二)1",
                              description="Named as a carrier platform of the 5G industry; level not stated.")
    for code, name, region, clause in NAMED_INSTITUTES:
        services.carrier_save(actor=SYSTEM, code=code, name=name, kind=CarrierKind.RESEARCH_INSTITUTE,
                              region_id=region, named_in_document=True, document_clause=clause,
                              operator=Organization.objects.filter(name=name).first())
    park_a = services.carrier_save(
        actor=SYSTEM, code="pk-science-city-5g", name="嘉兴科技城5G特色产业园（演示）", kind=CarrierKind.PARK,
        region_id="330402", level=Level.PROVINCIAL, recognised_on=d(2020, 12, 1), operator=park_op,
        members=[firms["demo-jiali-electronics"], firms["ind-bowei"]], description="Synthetic demo park.")
    services.recognition_add(actor=SYSTEM, carrier=park_a, level=Level.CITY, recognised_on=d(2020, 5, 10),
                             document="嘉兴市5G特色产业园认定（演示）")
    services.recognition_add(actor=SYSTEM, carrier=park_a, level=Level.PROVINCIAL, recognised_on=d(2020, 12, 1),
                             document="浙江省5G产业园认定（演示）")
    for i, (name, region) in enumerate([("秀洲5G光电产业园（演示）", "330411"), ("海宁5G泛半导体产业园（演示）", "330481"),
                                        ("嘉善5G智能终端产业园（演示）", "330421")], start=1):
        services.carrier_save(actor=SYSTEM, code=f"pk-demo-{i}", name=name, kind=CarrierKind.PARK, region_id=region,
                              level=Level.CITY, recognised_on=d(2021, 3, i), description="Synthetic demo park.")
    for i, (name, region) in enumerate([("中国移动·佳利电子5G联合创新中心（演示）", "330402"),
                                        ("中国电信·博创科技5G光模块联合创新中心（演示）", "330402"),
                                        ("中国联通·霍尼韦尔5G物联网联合创新中心（演示）", "330411")], start=1):
        services.carrier_save(actor=SYSTEM, code=f"jic-demo-{i}", name=name, kind=CarrierKind.INNOVATION_CENTRE,
                              region_id=region, level=Level.CITY, recognised_on=d(2020, 9, i),
                              description="Synthetic demo joint innovation centre.")
    services.carrier_save(actor=SYSTEM, code="inc-demo-1", name="嘉兴科技城5G创新创业孵化器（演示）",
                          kind=CarrierKind.INCUBATOR, region_id="330402", level=Level.CITY,
                          recognised_on=d(2020, 4, 1), description="Synthetic demo incubator.")

    gov = Organization.objects.get(code="jx-dei")
    named_pilots = [
        ("pl-wuzhen-jiashan-icv", "乌镇、嘉善智能汽车与智慧交通应用示范", PilotField.CONNECTED_VEHICLES, "330483",
         "二(三)5", [Level.NATIONAL]),
        ("pl-3d-telemedicine", "5G+4K超高清+3D显微医疗示范", PilotField.TELEMEDICINE, "330400", "二(三)3", []),
        ("pl-smart-venues", "南湖革命纪念馆与世界互联网大会场馆5G智慧场馆", PilotField.SMART_VENUES, "330402", "二(三)2", []),
        ("pl-wuzhen-5g-town", "5G小镇（乌镇）", PilotField.SMART_TOWN, "330483", "二(三)6", []),
    ]
    for code, name, field, region, clause, levels in named_pilots:
        pilot = services.pilot_save(actor=SYSTEM, code=code, name=name, field=field, lead=gov, region_id=region,
                                    named_in_document=True, document_clause=clause, started_on=d(2019, 9, 1))
        for level in levels:
            services.recognition_add(actor=SYSTEM, pilot=pilot, level=level, recognised_on=d(2019, 9, 1),
                                     document="as stated in the seed 二(三)5 (国家级应用示范试点)")
    jiali_pilot = services.pilot_save(
        actor=SYSTEM, code="pl-jiali-5g-factory", name="佳利电子5G+工业互联网示范工厂（演示）",
        field=PilotField.INDUSTRIAL_INTERNET, lead=firms["demo-jiali-electronics"], region_id="330402",
        started_on=d(2020, 3, 1), description="Synthetic: recognised at both levels to show the higher award.")
    services.recognition_add(actor=SYSTEM, pilot=jiali_pilot, level=Level.PROVINCIAL, recognised_on=d(2020, 7, 1),
                             document="省级5G应用试点示范（演示）")
    services.recognition_add(actor=SYSTEM, pilot=jiali_pilot, level=Level.NATIONAL, recognised_on=d(2020, 11, 20),
                             document="国家级5G应用试点示范（演示）")
    keeson_pilot = services.pilot_save(
        actor=SYSTEM, code="pl-keeson-smart-bed", name="麒盛科技5G智能家居试点（演示）", field=PilotField.OTHER,
        lead=firms["ind-keeson"], region_id="330411", started_on=d(2020, 5, 1), description="Synthetic.")
    services.recognition_add(actor=SYSTEM, pilot=keeson_pilot, level=Level.PROVINCIAL, recognised_on=d(2021, 1, 15),
                             document="省级5G应用试点示范（演示）")
    lead_firms = [firms[c] for c in ("ind-futong", "ind-broadex", "ind-dejing", "ind-saisi", "ind-dingmei",
                                     "ind-ruihong")]
    for i, firm in enumerate(lead_firms, start=1):
        services.pilot_save(actor=SYSTEM, code=f"smd-demo-{i}", name=f"{firm.short_name}5G智能制造示范（演示）",
                            field=PilotField.SMART_MANUFACTURING, category=PilotCategory.SMART_MANUFACTURING_DEMO,
                            lead=firm, region_id=firm.industry_profile.region_id, started_on=d(2020, i, 1),
                            description="Synthetic demo.")
    services.achievement_save(actor=SYSTEM, enterprise=firms["demo-jiali-electronics"], kind="standard",
                              title="5G基站用介质滤波器团体标准（演示）", year=2020, level=Level.PROVINCIAL)
    services.achievement_save(actor=SYSTEM, enterprise=firms["ind-broadex"], kind="first_set",
                              title="25G前传光模块首台（套）产品（演示）", year=2021, level=Level.PROVINCIAL)
    for code, output in (("demo-jiali-electronics", "865000000"), ("ind-wingtech", "4200000000"),
                         ("ind-broadex", "1320000000")):
        services.statistic_save(actor=SYSTEM, organization=firms[code], year=2020, output=output, revenue=output,
                                source="企业年报（演示数据）")
    services.statistic_save(actor=SYSTEM, carrier=park_a, year=2020, output="5600000000",
                            source="园区管委会统计（演示数据）")
    return firms, park_a, jiali_pilot


def _applications(firms, users):
    """One claim in every state; runs once (the demo keeps them on later runs)."""
    if Application.objects.filter(project_ref__startswith="demo:").exists():
        return
    office = users["office"]
    jiali, wingtech = users["enterprise"], users["wingtech"]
    upgrade = IncentiveClause.objects.get(key="jx-5g-smart-upgrade-subsidy")
    d = dt.date

    def apply(user, ref, title, eq, it, invoices, year=2021):
        app = services.application_create(
            actor=user, enterprise=user.organization, clause=upgrade, project_title=title, project_ref=f"demo:{ref}",
            year=year, amounts={"equipment_investment": eq, "technology_it_investment": it},
            declared={"project": "smart_upgrade_using_5g"})
        for n, (number, amount) in enumerate(invoices):
            services.invoice_add(actor=user, application=app, number=number, issued_on=d(year - 1, 3 + n, 8),
                                 amount=amount, seller="嘉兴某设备供应商（演示）", seller_tax_id="91330400DEMO0001X")
        return app

    def to_notice(app, submitted, start):
        services.application_submit(actor=app.created_by, application=app, on=submitted)
        services.application_review(actor=office, application=app, eligibility_checked=True, evidence_checked=True,
                                    note="资料齐全")
        return services.notice_start(actor=office, application=app, start=start)

    apply(jiali, "draft", "SMT产线5G改造（草稿）", "800000.00", "120000.00", [("DEMO-0001", "800000.00")])
    submitted = apply(wingtech, "submitted", "5G手机整机测试线智能化改造", "5600000.00", "900000.00",
                      [("DEMO-0101", "5600000.00")])
    services.application_submit(actor=wingtech, application=submitted)
    returned = apply(wingtech, "returned", "SMT车间5G AGV改造", "1200000.00", "300000.00", [("DEMO-0102", "1200000.00")])
    services.application_submit(actor=wingtech, application=returned)
    services.application_return(actor=office, application=returned, note="请补充设备验收报告")
    # the example amounts, in notice now (so the public notice page shows it)
    current = apply(jiali, "in-notice", "介质滤波器产线5G智能化改造", "12345678.91", "2345678.37",
                    [("DEMO-0201", "12345678.91"), ("DEMO-0202", "2345678.37")])
    to_notice(current, dt.date.today(), dt.date.today())
    approved = apply(wingtech, "approved", "5G模组贴片线改造", "3000000.00", "500000.00", [("DEMO-0301", "3000000.00")])
    to_notice(approved, d(2021, 5, 10), d(2021, 5, 12))
    services.application_approve(actor=office, application=approved, on=d(2021, 5, 24))
    paid = apply(jiali, "paid", "5G天线测试暗室智能化改造", "2000000.00", "1000000.00", [("DEMO-0401", "2000000.00")],
                 year=2020)
    to_notice(paid, d(2020, 9, 1), d(2020, 9, 3))
    services.application_approve(actor=office, application=paid, on=d(2020, 9, 14))
    services.application_pay(actor=users["finance"], application=paid, reference="JXCZ-2020-0917", on=d(2020, 9, 28))
    clawed = apply(wingtech, "clawed", "仓储5G物流追踪改造", "1000000.00", "200000.00", [("DEMO-0501", "1000000.00")],
                   year=2020)
    to_notice(clawed, d(2020, 6, 1), d(2020, 6, 2))
    services.application_approve(actor=office, application=clawed, on=d(2020, 6, 10))
    services.application_pay(actor=users["finance"], application=clawed, reference="JXCZ-2020-0615",
                             on=d(2020, 6, 15))
    services.application_claw_back(actor=office, application=clawed, amount="40000.00", on=d(2021, 2, 1),
                                   reason="发票DEMO-0501部分设备未到货，按规定收回")
    rejected = apply(jiali, "rejected", "办公楼Wi-Fi改造", "300000.00", "0", [("DEMO-0601", "300000.00")])
    services.application_submit(actor=jiali, application=rejected)
    services.application_reject(actor=office, application=rejected, note="不属于利用5G技术的智能化改造")
    withdrawn = apply(wingtech, "withdrawn", "食堂5G改造", "100000.00", "0", [("DEMO-0701", "100000.00")])
    services.application_withdraw(actor=wingtech, application=withdrawn, note="企业撤回")
    # 免申即享: the platform proposes the pilot and park awards; one is confirmed and reviewed
    proposals = services.match_awards(actor=SYSTEM, year=2021, on=d(2021, 6, 1))
    for app in proposals:
        if app.pilot_id and app.pilot.code == "pl-jiali-5g-factory":
            services.application_submit(actor=jiali, application=app, on=d(2021, 6, 3))


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    with transaction.atomic():
        firms, _, _ = _registry()
        users = {u.username: u for u in _demo_users(password)}
        from rollout5g.accounts.models import User

        users.update({u.username: u for u in User.objects.filter(username__in=["office", "enterprise"])})
        _applications(firms, users)
    counts = {s: Application.objects.filter(state=s).count() for s in ApplicationState.values}
    return [
        f"industry: {IndustryProfile.objects.filter(named_in_document=True).count()} named firms, "
        f"{sum(1 for _ in IndustryProfile.objects.all())} profiles; applications: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if v),
        "industry logins: finance (市财政局 reviewer), wingtech and parkco (enterprises)",
    ]
