"""Demo data of the approval service, loaded by ``rollout5g demo`` after the registry (idempotent): the Jiaxing
rules, reviewer accounts of the departments the demo lacked, and applications in every stage."""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.accounts.services import ensure_user
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM

#: (username, organization code, display name): reviewers of the departments the core demo has no user for.
DEMO_REVIEWERS = [
    ("radio", "jx-dei", "无线电管理 审查员"),
    ("ecology", "jx-ecology", "生态环境局 审查员"),
    ("roads", "jx-law-enforcement", "综合执法局（城市道路）审查员"),
]

DEMO_TAG = "[示例]"

# Three kinds of site of the Done-when batch: a new tower, a rooftop, a smart pole (WGS-84, in Nanhu district).
BATCH = [
    ({"name": "南湖新区 新建落地塔", "site_type": "macro_tower", "height_m": 35},
     {"new_structure": True, "new_power_connection": True, "antenna_height_m": 32}),
    ({"name": "商务楼 楼顶站", "site_type": "rooftop", "height_m": 6},
     {"on_existing_building": True, "antenna_height_m": 40, "total_power_w": 160}),
    ({"name": "中环南路 智慧杆", "site_type": "smart_pole", "height_m": 12},
     {"new_structure": True, "in_road": True, "new_power_connection": True, "antenna_height_m": 12,
      "total_power_w": 60, "azimuths": "90,270"}),
]


def _user(name):
    return User.objects.get(username=name)


def _batch(actor, app, lon0, lat0):
    from .services import application_add_site

    for n, (site, situation) in enumerate(BATCH):
        new_site = {**site, "name": f"{site['name']} {app.code[-3:]}", "lon": lon0 + 0.004 * n,
                    "lat": lat0 + 0.003 * n, "address": "嘉兴市南湖区（示例）"}
        application_add_site(actor=actor, application=app, new_site=new_site, **situation)


def _materials(actor, app, skip=()):
    from .services import material_upload, required_materials

    for row in required_materials(app):
        if row["code"] not in skip:
            material_upload(actor=actor, application=app, code=row["code"], file_name=f"{row['code']}.pdf",
                            content=f"%PDF-1.4 demo {row['name']}".encode())


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    from . import services as s
    from .models import Application
    from .rules import load_rules

    report = load_rules()
    for username, org_code, display in DEMO_REVIEWERS:
        ensure_user(actor=SYSTEM, username=username, password=password, role=Role.DEPARTMENT,
                    organization=Organization.objects.get(code=org_code), display_name=display)
    lines = [*report.lines, "approval reviewers: " + ", ".join(u for u, _, _ in DEMO_REVIEWERS)]
    if Application.objects.filter(title__startswith=DEMO_TAG).exists():
        return [*lines, f"approval applications: {Application.objects.count()} (demo already loaded)"]

    office, mobile, telecom, tower = _user("office"), _user("mobile"), _user("telecom"), _user("tower")
    today = dt.date.today()
    d = lambda n: today - dt.timedelta(days=n)  # noqa: E731 - days ago
    code = "2026-330402-63-03-{:06d}"

    # 1. a draft of China Mobile
    draft = s.application_create(actor=mobile, title=f"{DEMO_TAG}南湖区 5G 补盲（草稿）", project_code=code.format(101),
                                 contact_name="王工", contact_phone="0573-82000001")
    s.application_add_site(actor=mobile, application=draft, new_site={
        "name": "南湖区 住宅楼顶", "site_type": "rooftop", "lon": 120.7702, "lat": 30.7391}, on_existing_building=True)

    # 2. China Telecom: received, the completeness check running
    received = s.application_create(actor=telecom, title=f"{DEMO_TAG}秀洲区 5G 新建站址", project_code=code.format(102),
                                    contact_name="李工", contact_phone="0573-82000002")
    _batch(telecom, received, 120.712, 30.772)
    _materials(telecom, received)
    s.application_submit(actor=telecom, application=received, on=d(1))

    # 3. China Tower: one-time notice issued (a missing drawing, a flag of the planning bureau)
    notice = s.application_create(actor=tower, title=f"{DEMO_TAG}经开区 铁塔共建", project_code=code.format(103),
                                  contact_name="张工", contact_phone="0573-82000003")
    _batch(tower, notice, 120.790, 30.752)
    _materials(tower, notice, skip=("design_drawings",))
    s.application_submit(actor=tower, application=notice, on=d(4))
    s.deficiency_flag(actor=_user("planning"), application=notice, target="material", ref="site_plan",
                      message="总平面图未标注与住宅楼的间距")
    s.notice_issue(actor=office, application=notice, on=d(2))

    # 4. China Mobile: accepted, parallel review running, one department already decided
    review = s.application_create(actor=mobile, title=f"{DEMO_TAG}南湖区 高铁新城 5G 站", project_code=code.format(104),
                                  contact_name="王工", contact_phone="0573-82000001")
    _batch(mobile, review, 120.745, 30.712)
    _materials(mobile, review)
    s.application_submit(actor=mobile, application=review, on=d(8))
    s.application_accept(actor=office, application=review, on=d(7))
    radio_item = review.items.filter(item_type__code="radio_station_licence").first()
    s.item_decide(actor=_user("radio"), item=radio_item, approve=True, reasons="频率、功率符合规定", on=d(5))
    s.comment_add(actor=_user("ecology"), application=review, text="请补充楼顶站周边敏感目标距离说明")

    # 5. China Tower: joint survey scheduled (community consultation held beforehand)
    survey = s.application_create(actor=tower, title=f"{DEMO_TAG}嘉善县 铁塔新建", project_code=code.format(105),
                                  contact_name="张工", contact_phone="0573-82000003")
    _batch(tower, survey, 120.920, 30.840)
    _materials(tower, survey)
    s.application_submit(actor=tower, application=survey, on=d(6))
    s.application_accept(actor=office, application=survey, on=d(5))
    s.survey_schedule(actor=office, application=survey, on=today + dt.timedelta(days=2), meeting_point="嘉善县 站址现场")
    s.survey_consultation(actor=office, application=survey, consulted_on=d(1), notes="社区听证会：居民无异议")

    # 6. China Mobile: decided, with the certificate (the whole flow)
    done = s.application_create(actor=mobile, title=f"{DEMO_TAG}南湖区 城市核心区 5G 三站", project_code=code.format(106),
                                contact_name="王工", contact_phone="0573-82000001")
    _batch(mobile, done, 120.760, 30.755)
    _materials(mobile, done, skip=("traffic_plan",))
    s.application_submit(actor=mobile, application=done, on=d(20))
    s.notice_issue(actor=office, application=done, on=d(19))
    _materials(mobile, done)
    s.application_resubmit(actor=mobile, application=done, on=d(18))
    s.application_accept(actor=office, application=done, on=d(17))
    s.survey_schedule(actor=office, application=done, on=d(15), meeting_point="南湖区 站址现场")
    s.survey_consultation(actor=office, application=done, consulted_on=d(16), notes="社区公示7日，无异议")
    s.survey_hold(actor=office, application=done, held_on=d(15), record="三个站址均满足建设条件")
    for dept in s.survey_departments(done):
        reviewer = User.objects.filter(organization=dept, role=Role.DEPARTMENT).order_by("pk").first()
        s.survey_sign(actor=reviewer, application=done, opinion="同意", on=d(14))
    for item in done.items.select_related("department"):
        reviewer = User.objects.filter(organization=item.department, role=Role.DEPARTMENT).order_by("pk").first()
        s.item_decide(actor=reviewer, item=item, approve=True, reasons="符合规划和技术规范", on=d(12))
    done.refresh_from_db()
    return [*lines, f"approval applications: {Application.objects.count()} (draft, received, notice issued, under "
                    f"review, survey scheduled, decided with certificate {done.certificate.number})"]
