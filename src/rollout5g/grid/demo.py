"""Demo data of the power-supply assurance, loaded by ``rollout5g demo`` after the cases (idempotent).

SYNTHETIC, every row marked ``is_synthetic``: one provincial reference price (an invented figure — enter the real
resale standard from the provincial price notice), outage notices of the last months (planned and unplanned, some
acknowledged, one still open) at registry sites, transfer-supply prices at sites on transfer supply (a few marked
up), and a special check of the market regulator with findings in each state. Everything goes through the services
(audited), as the people of the demo accounts; the power company and the checking department come from the
organizations and policy data (kind utility; the transfer-supply task's departments).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site

from . import services
from .choices import NOTIFIED_KINDS, OutageKind
from .models import OutageNotice, ReferencePrice
from .selectors import checking_departments, power_company

#: Invented reference price (CNY/kWh) and the prices the demo's transfer-supply units charge.
REFERENCE = Decimal("0.7000")
CHARGED = ["0.7000", "0.8500", "0.6800", "0.9500", "0.7000", "1.0500", "0.7000", "0.7800"]


def _user_of(org, role=Role.DEPARTMENT):
    return User.objects.filter(organization=org, role=role, is_active=True).order_by("username").first()


def _at(days_ago: int, hour: int) -> dt.datetime:
    day = dt.date.today() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic records (nothing when they are there already); returns the summary lines."""
    if OutageNotice.objects.filter(is_synthetic=True).exists():
        return ["power supply: already loaded"]
    utility = power_company()
    power = _user_of(utility) if utility else None
    if power is None:
        return ["power supply: no power company account in the demo, nothing loaded"]
    sites = list(Site.objects.filter(state=SiteState.ON_AIR, owner__kind__in=NOTIFIED_KINDS)
                 .select_related("owner").order_by("code")[:40])
    if len(sites) < 12:
        return ["power supply: too few sites on air, nothing loaded"]
    lines = [f"power supply: {_outages(utility, power, sites)} outage notices (synthetic)"]
    lines.append(_prices_and_check())
    return lines


def _outages(utility, power, sites) -> int:
    plan = [
        # (kind, days ago it started, hours long, notified hours before (+) / after (−) the start, sites, restored)
        (OutageKind.PLANNED, 70, 6, 72, sites[0:4], True),
        (OutageKind.UNPLANNED, 55, 3, -1, sites[4:7], True),
        (OutageKind.PLANNED, 35, 8, 96, sites[7:12], True),
        (OutageKind.UNPLANNED, 20, 2, -1, sites[12:14], True),
        (OutageKind.UNPLANNED, 6, 5, -2, sites[14:17], True),
        (OutageKind.PLANNED, -3, 4, 120, sites[17:20], False),  # announced, in three days
    ]
    made = 0
    for i, (kind, ago, hours, before, group, restored) in enumerate(plan):
        start = _at(ago, 9 + i)
        notice = services.outage_notify(
            actor=power, kind=kind, sites=group, starts_at=start, expected_end=start + dt.timedelta(hours=hours),
            notified_at=start - dt.timedelta(hours=before), area=f"10kV 线路 {i + 1}（合成示例）",
            reason="线路检修（合成示例）" if kind == OutageKind.PLANNED else "线路故障跳闸（合成示例）",
            is_synthetic=True)
        for j, ack in enumerate(notice.acks.select_related("organization")):
            person = _user_of(ack.organization, Role.OPERATOR)
            if person is None or (i == 4 and j == 0):
                continue  # one left unacknowledged
            services.outage_acknowledge(actor=person, ack=ack,
                                        at=notice.notified_at + dt.timedelta(hours=1 + (i + j) % 3))
        if restored:
            services.outage_restore(actor=power, notice=notice,
                                    actual_end=start + dt.timedelta(hours=hours, minutes=30 * (i % 2)))
        made += 1
    return made


def _prices_and_check() -> str:
    office = User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True).order_by("username").first()
    today = dt.date.today()
    if not ReferencePrice.objects.exists():
        services.reference_price_create(
            actor=office, name="一般工商业（不满1千伏）转售标准（合成示例）", price_per_kwh=REFERENCE,
            valid_from=dt.date(today.year - 1, 1, 1), source="合成示例：请按省电力部门的转售标准录入", is_synthetic=True)
    transfer = list(Site.objects.filter(power_supply=PowerSupply.TRANSFER, owner__kind__in=NOTIFIED_KINDS)
                    .select_related("owner").order_by("code")[:len(CHARGED)])
    recorded = []
    for i, (site, charged) in enumerate(zip(transfer, CHARGED, strict=False)):
        person = _user_of(site.owner, Role.OPERATOR)
        if person is None:
            continue
        recorded.append(services.price_record(
            actor=person, site=site, supplier=f"（合成）物业公司{i + 1}", price_per_kwh=charged,
            observed_on=today - dt.timedelta(days=20 + 5 * i), is_synthetic=True))
    inspector = next((u for u in map(_user_of, checking_departments()) if u is not None), None)
    if inspector is None:
        return f"power supply: {len(recorded)} transfer-supply prices (synthetic); no checking department account"
    check = services.check_start(actor=inspector, title="转供电加价专项检查（合成示例）",
                                 period_from=today - dt.timedelta(days=90), period_to=today,
                                 started_on=today - dt.timedelta(days=15), is_synthetic=True)
    marked = [p for p in recorded if p.markup > 0]
    findings = []
    for n, price in enumerate(marked):
        findings.append(services.finding_record(
            actor=inspector, check=check, price=price, order="按省转售标准退还加价部分并调整价格（合成示例）",
            on=today - dt.timedelta(days=14 if n < 2 else 3)))
    if findings:
        services.finding_report(actor=inspector, finding=findings[0], rectified_price=REFERENCE,
                                on=today - dt.timedelta(days=7))
        services.finding_verify(actor=inspector, finding=findings[0], on=today - dt.timedelta(days=5))
    if len(findings) > 1:
        payer = _user_of(findings[1].price.payer, Role.OPERATOR)
        services.finding_report(actor=payer or inspector, finding=findings[1], rectified_price=REFERENCE,
                                on=today - dt.timedelta(days=2))
    return (f"power supply: {len(recorded)} transfer-supply prices, {len(marked)} marked up, one special check "
            f"with {len(findings)} findings (synthetic)")
