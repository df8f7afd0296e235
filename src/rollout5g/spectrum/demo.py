"""Demo data of the interference complaints, loaded by ``rollout5g demo`` after the approvals (idempotent).

SYNTHETIC, every row marked ``is_synthetic``: complaints of the demo operators at registry sites in every state of
the investigation (reported, monitoring, source identified, coordination, resolved, closed), with invented
measurements and sources. Everything goes through the services (audited), as the people of the demo accounts;
radio management comes from the policy data (the spectrum task's lead unit and its home-region counterpart).
"""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.sites.choices import SiteState
from rollout5g.sites.models import Site

from . import services
from .models import InterferenceComplaint
from .selectors import radio_management

#: (operator account, band, from, to MHz, days ago reported, steps taken, source kind, symptoms)
PLAN = [
    ("mobile", "n41", "2515", "2675", 2, (), "", "上行底噪抬升约10 dB，小区掉话率升高"),
    ("telecom", "n78", "3400", "3500", 8, ("monitor",), "", "夜间上行干扰，接入成功率下降"),
    ("unicom", "n78", "3500", "3600", 15, ("monitor", "identify"), "illegal_repeater", "底噪周期性抬升"),
    ("mobile", "n41", "2515", "2675", 25, ("monitor", "identify", "coordinate"), "jammer", "考试期间整片小区无法接入"),
    ("telecom", "n78", "3400", "3500", 40, ("monitor", "identify", "resolve"), "other_system", "宽带干扰，吞吐量下降"),
    ("mobile", "n79", "4800", "4900", 60, ("monitor", "identify", "coordinate", "resolve", "confirm"),
     "intermodulation", "互调干扰，上行质量差"),
]


def _user(username):
    return User.objects.filter(username=username, is_active=True).select_related("organization").first()


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic complaints (nothing when they are there already); returns the summary lines."""
    if InterferenceComplaint.objects.filter(is_synthetic=True).exists():
        return ["spectrum interference: already loaded"]
    host = radio_management()
    radio = (User.objects.filter(organization=host, role=Role.DEPARTMENT, is_active=True).order_by("username").first()
             if host else None)
    if radio is None:
        return ["spectrum interference: no radio management account in the demo, nothing loaded"]
    today = dt.date.today()
    count, used = 0, {}
    for username, band, low, high, ago, steps, source, symptoms in PLAN:
        operator = _user(username)
        if operator is None:
            continue
        sites = Site.objects.filter(state=SiteState.ON_AIR, operators=operator.organization).order_by("code")
        taken = used.setdefault(username, 0)
        site = next(iter(sites[taken:taken + 1]), None) or sites.first()
        if site is None:
            continue
        used[username] += 1
        reported = today - dt.timedelta(days=ago)
        c = services.complaint_report(actor=operator, band=band, freq_low_mhz=low, freq_high_mhz=high,
                                      symptoms=symptoms, started_on=reported - dt.timedelta(days=3), site=site,
                                      reported_on=reported, is_synthetic=True)
        for step in steps:
            if step == "monitor":
                services.complaint_monitor(actor=radio, complaint=c, note="派监测车")
                services.measurement_record(actor=radio, complaint=c, measured_on=reported + dt.timedelta(days=1),
                                            frequency_mhz=low, level_dbm="-63.5", place="站点周边（合成）",
                                            note="合成数据")
            elif step == "identify":
                services.complaint_identify(actor=radio, complaint=c, source_kind=source,
                                            description="测向定位到干扰源（合成数据）")
            elif step == "coordinate":
                services.complaint_coordinate(actor=radio, complaint=c,
                                              measure="enforcement" if source == "jammer" else "coordination",
                                              note="已告知使用方并要求停用（合成数据）")
            elif step == "resolve":
                services.complaint_resolve(actor=radio, complaint=c, resolution="干扰源已关闭（合成数据）",
                                           resolved_on=min(reported + dt.timedelta(days=12), today))
            elif step == "confirm":
                services.complaint_confirm(actor=operator, complaint=c, note="已恢复")
        count += 1
    return [f"spectrum interference: {count} complaints (synthetic)"]
