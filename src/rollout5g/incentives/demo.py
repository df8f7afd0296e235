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

ASSUMED = "梯队与日期为演示假设；企业注册全称待核实（文件使用简称）。"
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
        description="合成演示数据：园区运营企业。").organization
    for code, name, kind, region in NAMED_CARRIERS:
        services.carrier_save(actor=SYSTEM, code=code, name=name, kind=kind, region_id=region,
                              recognised_on=d(2019, 8, 19), named_in_document=True, document_clause="二(二)1",
                              description="文件列为5G产业重要载体平台；认定级别文件未写明。")
    for code, name, region, clause in NAMED_INSTITUTES:
        services.carrier_save(actor=SYSTEM, code=code, name=name, kind=CarrierKind.RESEARCH_INSTITUTE,
                              region_id=region, named_in_document=True, document_clause=clause,
                              operator=Organization.objects.filter(name=name).first())
    park_a = services.carrier_save(
        actor=SYSTEM, code="pk-science-city-5g", name="嘉兴科技城5G特色产业园（演示）", kind=CarrierKind.PARK,
        region_id="330402", level=Level.PROVINCIAL, recognised_on=d(2020, 12, 1), operator=park_op,
        members=[firms["demo-jiali-electronics"], firms["ind-bowei"]], description="合成演示数据：产业园。")
    services.recognition_add(actor=SYSTEM, carrier=park_a, level=Level.CITY, recognised_on=d(2020, 5, 10),
                             document="嘉兴市5G特色产业园认定（演示）")
    services.recognition_add(actor=SYSTEM, carrier=park_a, level=Level.PROVINCIAL, recognised_on=d(2020, 12, 1),
                             document="浙江省5G产业园认定（演示）")
    for i, (name, region) in enumerate([("秀洲5G光电产业园（演示）", "330411"), ("海宁5G泛半导体产业园（演示）", "330481"),
                                        ("嘉善5G智能终端产业园（演示）", "330421")], start=1):
        services.carrier_save(actor=SYSTEM, code=f"pk-demo-{i}", name=name, kind=CarrierKind.PARK, region_id=region,
                              level=Level.CITY, recognised_on=d(2021, 3, i), description="合成演示数据：产业园。")
    for i, (name, region) in enumerate([("中国移动·佳利电子5G联合创新中心（演示）", "330402"),
                                        ("中国电信·博创科技5G光模块联合创新中心（演示）", "330402"),
                                        ("中国联通·霍尼韦尔5G物联网联合创新中心（演示）", "330411")], start=1):
        services.carrier_save(actor=SYSTEM, code=f"jic-demo-{i}", name=name, kind=CarrierKind.INNOVATION_CENTRE,
                              region_id=region, level=Level.CITY, recognised_on=d(2020, 9, i),
                              description="合成演示数据：联合创新中心。")
    services.carrier_save(actor=SYSTEM, code="inc-demo-1", name="嘉兴科技城5G创新创业孵化器（演示）",
                          kind=CarrierKind.INCUBATOR, region_id="330402", level=Level.CITY,
                          recognised_on=d(2020, 4, 1), description="合成演示数据：孵化器。")

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
                                     document="文件二(三)5所述（国家级应用示范试点）")
    jiali_pilot = services.pilot_save(
        actor=SYSTEM, code="pl-jiali-5g-factory", name="佳利电子5G+工业互联网示范工厂（演示）",
        field=PilotField.INDUSTRIAL_INTERNET, lead=firms["demo-jiali-electronics"], region_id="330402",
        started_on=d(2020, 3, 1), description="合成演示数据：国家级、省级均获认定，用于展示就高奖励。")
    services.recognition_add(actor=SYSTEM, pilot=jiali_pilot, level=Level.PROVINCIAL, recognised_on=d(2020, 7, 1),
                             document="省级5G应用试点示范（演示）")
    services.recognition_add(actor=SYSTEM, pilot=jiali_pilot, level=Level.NATIONAL, recognised_on=d(2020, 11, 20),
                             document="国家级5G应用试点示范（演示）")
    keeson_pilot = services.pilot_save(
        actor=SYSTEM, code="pl-keeson-smart-bed", name="麒盛科技5G智能家居试点（演示）", field=PilotField.OTHER,
        lead=firms["ind-keeson"], region_id="330411", started_on=d(2020, 5, 1), description="合成演示数据。")
    services.recognition_add(actor=SYSTEM, pilot=keeson_pilot, level=Level.PROVINCIAL, recognised_on=d(2021, 1, 15),
                             document="省级5G应用试点示范（演示）")
    lead_firms = [firms[c] for c in ("ind-futong", "ind-broadex", "ind-dejing", "ind-saisi", "ind-dingmei",
                                     "ind-ruihong")]
    for i, firm in enumerate(lead_firms, start=1):
        services.pilot_save(actor=SYSTEM, code=f"smd-demo-{i}", name=f"{firm.short_name}5G智能制造示范（演示）",
                            field=PilotField.SMART_MANUFACTURING, category=PilotCategory.SMART_MANUFACTURING_DEMO,
                            lead=firm, region_id=firm.industry_profile.region_id, started_on=d(2020, i, 1),
                            description="合成演示数据。")
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


def _workflow_users(password):
    """The people of the industry workflows: the city's financial office, talent office and the economy and IT
    bureau's industry division (from the policy data's units), and the tower company's alliance secretariat."""
    from .selectors import first_of_kind_reviewers, listing_regulators, talent_offices

    out = {}
    for username, units, display in (("jrb", listing_regulators(), "金融办 上市服务"),
                                     ("talent", talent_offices(), "人才办 人才服务"),
                                     ("industrydept", first_of_kind_reviewers(), "经信局 产业处")):
        if units:
            out[username] = ensure_user(actor=None, username=username, password=password, role=Role.DEPARTMENT,
                                        organization=units[0], display_name=f"{units[0].short_name} {display}")[0]
    return out


def _workflows(firms, users):
    """SYNTHETIC records of the industry workflows (issue 17 item 6), every row marked ``is_synthetic``: listing
    pipeline stages, first-of-kind applications in every state, the talent catalogue and support, events, application
    cases, the two alliances with members and activities. Runs once."""
    from . import industry_services as ws
    from .industry_models import Alliance, ListingCompany

    if ListingCompany.objects.filter(is_synthetic=True).exists() or "jrb" not in users:
        return
    today = dt.date.today()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    jrb, office = users["jrb"], users["office"]
    # 凤凰行动: one enterprise at each stage (synthetic; the dates are invented)
    plan = [("ind-broadex", 900, ("tutoring", "apply", "accept", "approve", "list")),
            ("ind-bowei", 700, ("tutoring", "apply", "accept")),
            ("demo-jiali-electronics", 500, ("tutoring", "apply")),
            ("ind-keeson", 400, ("tutoring",)),
            ("ind-saisi", 200, ()),
            ("ind-dingmei", 600, ("tutoring", "withdraw"))]
    for code, days, steps in plan:
        company = ws.listing_register(actor=jrb, enterprise=firms[code], since=ago(days), board="",
                                      note="演示数据", is_synthetic=True)
        for i, step in enumerate(steps, start=1):
            ws.listing_step(actor=jrb, company=company, step=step, on=ago(days - 60 * i),
                            board="chinext" if step in ("apply", "list") else "",
                            stock_code="300999" if step == "list" else "",
                            note="企业决定暂缓上市（演示）" if step == "withdraw" else "")
    # 首台套 / 首批次 / 首版次
    reviewer = users.get("industrydept")
    ent = users["enterprise"]
    firsts = [("equipment", "5G基站介质滤波器自动化调试装备（演示）", "recognise"),
              ("material", "5G高频覆铜板材料（演示）", "submit"),
              ("software", "5G工业网关管理软件 V1.0（演示）", "draft"),
              ("equipment", "毫米波测试暗室（演示）", "return")]
    for kind, product, upto in firsts:
        a = ws.first_create(actor=ent, kind=kind, product=product, description="合成演示数据：技术指标与用户证明略。",
                            model_version="DEMO-1", is_synthetic=True)
        if upto == "draft":
            continue
        from django.core.files.uploadedfile import SimpleUploadedFile

        ws.first_evidence(actor=ent, application=a, upload=SimpleUploadedFile(
            "检测报告（演示）.pdf", b"%PDF-1.4 synthetic demo evidence", content_type="application/pdf"))
        ws.first_submit(actor=ent, application=a)
        if reviewer is not None and upto == "recognise":
            ws.first_recognise(actor=reviewer, application=a, level="provincial", document="首台（套）产品认定（演示）")
        elif reviewer is not None and upto == "return":
            ws.first_return(actor=reviewer, application=a, note="请补充第三方检测报告（演示）")
    # talent
    talent = users.get("talent")
    if talent is not None:
        entries = []
        for field, title, level, shortage in (("core", "5G核心网架构师", "leading", "urgent"),
                                              ("rf", "射频前端与基站天线研发工程师", "high", "urgent"),
                                              ("optical", "高速光模块封装工程师", "high", "short"),
                                              ("semiconductors", "氮化镓功率器件研发人才", "top", "urgent"),
                                              ("applications", "5G+工业互联网解决方案工程师", "skilled", "needed")):
            entries.append(ws.talent_entry_add(actor=talent, year=today.year, field=field, title=title, level=level,
                                               shortage=shortage, requirements="合成演示数据", is_synthetic=True))
        for i, (kind, amount, person, code) in enumerate((
                ("introduction", "500000.00", "张某（演示）", "ind-broadex"),
                ("research", "1200000.00", "李某（演示）", "demo-jiali-electronics"),
                ("housing", "300000.00", "王某（演示）", ""),
                ("education", "20000.00", "赵某（演示）", "ind-wingtech"),
                ("medical", "15000.00", "钱某（演示）", ""))):
            s = ws.talent_support_grant(actor=talent, kind=kind, amount=amount, granted_on=ago(30 * (i + 1)),
                                        person=person, enterprise=firms.get(code) if code else None,
                                        entry=entries[i % len(entries)], note="合成演示数据", is_synthetic=True)
            if i == 4:
                ws.talent_support_revoke(actor=talent, support=s, note="人才离职，按规定收回（演示）")
    # events and application cases
    for kind, title, start, days, place, organiser, held in (
            ("summit", "5G产业发展峰会（演示）", ago(120), 2, "乌镇互联网国际会展中心", "市经信局（演示）", True),
            ("exhibition", "5G应用成果展（演示）", ago(40), 3, "嘉兴国际会展中心", "市经信局、市通信发展办（演示）", True),
            ("competition", "5G应用创新大赛（演示）", today + dt.timedelta(days=30), 1, "嘉兴科技城", "市经信局（演示）",
             False)):
        event = ws.event_add(actor=office, kind=kind, title=title, starts_on=start,
                             ends_on=start + dt.timedelta(days=days - 1), place=place, organiser=organiser,
                             description="合成演示数据", is_synthetic=True)
        if held:
            ws.event_held(actor=office, event=event, participants=800, outcome="签约项目若干（演示）")
    cases = [("5G+智能工厂：介质滤波器产线柔性改造（演示）", "industrial_internet", "publish"),
             ("5G+AGV 车间物流（演示）", "industrial_internet", "publish"),
             ("5G+远程运维（演示）", "other", "submit"),
             ("5G+机器视觉质检（演示）", "smart_manufacturing", "return")]
    for title, field, upto in cases:
        case = ws.case_submit_new(actor=ent, title=title, field=field, summary="合成演示数据：场景、方案与成效。",
                                  results="效率提升（演示）", is_synthetic=True)
        if upto == "publish":
            ws.case_step(actor=office, case=case, step="publish")
        elif upto == "return":
            ws.case_step(actor=office, case=case, step="return", note="请补充量化成效（演示）")
    # alliances (Jiaxing 三(五)): secretariats among the paragraph's responsible units (a demo assumption)
    from rollout5g.organizations.models import Organization

    mobile, tower = Organization.objects.filter(code="jx-mobile").first(), Organization.objects.filter(
        code="jx-tower").first()
    if mobile is None or tower is None or Alliance.objects.exists():
        return
    five_g = ws.alliance_save(actor=office, code="jx-5g-industry-alliance", name="嘉兴市5G产业联盟（演示）",
                              kind="5g_industry", secretariat=mobile, founded_on=dt.date(2019, 9, 20),
                              purpose="5G共性技术研发、技术标准制定、垂直行业应用模式探索（合成演示数据）",
                              is_synthetic=True)
    pole = ws.alliance_save(actor=office, code="jx-smart-pole-alliance", name="嘉兴市智慧杆塔产业联盟（演示）",
                            kind="smart_pole", secretariat=tower, founded_on=dt.date(2020, 3, 18),
                            purpose="优化成员单位资源配置，推动政府、资本、产业、科研院所多维互动（合成演示数据）",
                            is_synthetic=True)
    for alliance, codes in ((five_g, ["jx-mobile", "jx-telecom", "jx-unicom", "demo-jiali-electronics",
                                      "ind-broadex", "ind-wingtech"]),
                            (pole, ["jx-tower", "jx-mobile", "ind-futong"])):
        for i, code in enumerate(codes):
            org = Organization.objects.filter(code=code).first()
            if org is not None:
                ws.alliance_admit(actor=office, alliance=alliance, organization=org, joined_on=alliance.founded_on,
                                  role="chair" if i == 0 else "member")
    ws.alliance_activity(actor=office, alliance=five_g, kind="standard", title="5G工业网关团体标准研讨（演示）",
                         held_on=ago(90), summary="合成演示数据",
                         participants=[m.organization_id for m in five_g.memberships.all()[:3]])
    ws.alliance_activity(actor=office, alliance=pole, kind="matchmaking", title="多杆合一项目对接会（演示）",
                         held_on=ago(60), summary="合成演示数据",
                         participants=[m.organization_id for m in pole.memberships.all()])


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    with transaction.atomic():
        firms, _, _ = _registry()
        users = {u.username: u for u in _demo_users(password)}
        from rollout5g.accounts.models import User

        users.update({u.username: u for u in User.objects.filter(username__in=["office", "enterprise"])})
        _applications(firms, users)
        users.update(_workflow_users(password))
        _workflows(firms, users)
    counts = {s: Application.objects.filter(state=s).count() for s in ApplicationState.values}
    return [
        f"industry: {IndustryProfile.objects.filter(named_in_document=True).count()} named firms, "
        f"{sum(1 for _ in IndustryProfile.objects.all())} profiles; applications: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if v),
        "industry logins: finance (市财政局 reviewer), wingtech and parkco (enterprises), jrb (金融办: listing "
        "pipeline), talent (人才办), industrydept (经信局: first-of-kind review)",
        "industry workflows (synthetic): listing pipeline, first-of-kind, talent, events, cases, alliances",
    ]
