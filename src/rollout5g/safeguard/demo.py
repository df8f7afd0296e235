"""Demo data of the security of critical facilities, loaded by ``rollout5g demo`` after the approvals (idempotent).

SYNTHETIC, every row marked ``is_synthetic``: critical facilities of the demo operators (registry sites, a core
network room, a transmission node) with invented places, assessments (current, overdue, none yet) and security events
in every state of their handling, one past its response limit. Everything goes through the services (audited), as
the people of the demo accounts; the security units come from the policy data, and the demo adds one account for
the cyberspace office and one for the communications administration (the police account is the demo's).
"""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.accounts.services import ensure_user
from rollout5g.regions.services import home_districts
from rollout5g.sites.choices import SiteState
from rollout5g.sites.models import Site

from . import services
from .models import CriticalFacility
from .selectors import security_units

#: Accounts of the security units the demo adds: (username, unit attribute, display name).
ACCOUNTS = [("cac", "cyberspace_office", "网信办 网络安全联络员"), ("ca", "comms_admin", "通管局 网络安全联络员")]

#: (operator account, kind, criticality, name, days ago registered, assessment: days ago or None)
FACILITIES = [
    ("mobile", "site", "2", "移动 枢纽宏站（合成）", 300, 40),
    ("mobile", "core_room", "1", "移动 5G核心网机房（合成）", 420, 300),
    ("telecom", "transmission_node", "2", "电信 汇聚传输节点（合成）", 200, 20),
    ("telecom", "site", "3", "电信 园区宏站（合成）", 150, None),
    ("unicom", "site", "2", "联通 高铁站宏站（合成）", 60, None),
]

#: (facility index, severity, category, source, title, days ago detected, steps taken)
EVENTS = [
    (0, "general", "fake_station", "monitoring", "站点周边发现疑似伪基站信号", 1, ()),
    (1, "serious", "intrusion", "monitoring", "核心网管理面异常登录告警", 12, ("warn",)),
    (2, "relatively_serious", "denial_of_service", "notice", "传输节点流量异常突增", 1, ("warn", "analyse")),
    (1, "serious", "data_leak", "report", "疑似用户数据外传", 30, ("warn", "analyse", "respond")),
    (3, "general", "physical", "report", "机柜门锁被撬", 45, ("warn", "analyse", "respond", "close")),
]


def _user(username):
    return User.objects.filter(username=username, is_active=True).select_related("organization").first()


def _accounts(password: str | None) -> dict:
    units = security_units()
    people = {}
    for username, attribute, display in ACCOUNTS:
        org = getattr(units, attribute)
        if org is None:
            continue
        user = _user(username)
        if user is None:
            user, _ = ensure_user(actor=None, username=username, password=password, role=Role.DEPARTMENT,
                                  organization=org, display_name=display)
        people[attribute] = user
    people["police"] = User.objects.filter(organization=units.police, role=Role.DEPARTMENT,
                                           is_active=True).order_by("username").first()
    return people


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic facilities, assessments and events (nothing when they are there already)."""
    if CriticalFacility.objects.filter(is_synthetic=True).exists():
        return ["facility security: already loaded"]
    people = _accounts(password)
    if not security_units().complete or None in (people.get("cyberspace_office"), people.get("police")):
        return ["facility security: no security units in the policy data, nothing loaded"]
    today = dt.date.today()
    districts = list(home_districts())
    facilities, used = [], set()
    for i, (username, kind, level, name, ago, assessed_ago) in enumerate(FACILITIES):
        operator = _user(username)
        if operator is None:
            continue
        registered = today - dt.timedelta(days=ago)
        place = {}
        if kind == "site":
            site = (Site.objects.filter(state=SiteState.ON_AIR, operators=operator.organization)
                    .exclude(pk__in=used).order_by("code").first())
            if site is None:
                continue
            used.add(site.pk)
            place = {"site": site}
        else:
            region = districts[i % len(districts)]
            place = {"region": region, "address": "（合成地址）", "lon": 120.70 + 0.01 * i, "lat": 30.75 + 0.01 * i}
        facility = services.facility_register(
            actor=operator, name=name, kind=kind, criticality=level, registered_on=registered,
            protection="门禁、视频监控、双路由（合成数据）", is_synthetic=True, **place)
        if assessed_ago is not None:
            services.assessment_record(
                actor=operator, facility=facility, assessor_name="第三方测评机构（合成）",
                assessed_on=today - dt.timedelta(days=assessed_ago), scope="数据安全与网络安全风险评估（合成数据）",
                findings=[{"severity": "medium", "description": "部分运维账号口令强度不足（合成）",
                           "measure": "启用双因素认证并定期轮换口令"}], is_synthetic=True)
        facilities.append((facility, operator))
    count = 0
    for index, severity, category, source, title, ago, steps in EVENTS:
        if index >= len(facilities):
            continue
        facility, operator = facilities[index]
        detected = today - dt.timedelta(days=ago)
        event = services.event_detect(actor=operator, facility=facility, title=title, source=source,
                                      category=category, severity=severity, detected_on=detected,
                                      description=f"{title}（合成数据）", is_synthetic=True)
        for step in steps:
            if step == "warn":
                services.event_warn(actor=people["cyberspace_office"], event=event, warning="请立即核查并加强监测（合成）")
            elif step == "analyse":
                services.event_analyse(actor=people["cyberspace_office"], event=event, analysis="研判为外部攻击尝试（合成）")
            elif step == "respond":
                services.event_respond(actor=operator, event=event, response="已隔离受影响设备并修补漏洞（合成）",
                                       responded_on=min(detected + dt.timedelta(days=1), today))
            elif step == "close":
                services.event_close(actor=people["cyberspace_office"], event=event, conclusion="处置完毕，已复盘（合成）")
        count += 1
    return [f"facility security: {len(facilities)} critical facilities, {count} security events (synthetic)"]
