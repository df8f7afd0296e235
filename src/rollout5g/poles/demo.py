"""Demo data of the smart-pole programme, loaded by ``rollout5g demo`` after the open list (idempotent).

SYNTHETIC, every row marked ``is_synthetic``: consolidations of the open list's poles into its smart poles (one done,
one planned), two years of retrofit batches with progress (invented counts), two standard documents against the
home documents' smart-pole standards task (invented titles and numbers — enter the real ones), and a future
community with its pole plan. Everything goes through the services (audited).
"""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.choices import Role
from rollout5g.accounts.models import User
from rollout5g.resources.choices import POLE_KINDS
from rollout5g.resources.models import PublicResource

from . import services
from .models import RetrofitBatch
from .selectors import standard_tasks


def _person(org, role):
    return User.objects.filter(organization=org, role=role, is_active=True).order_by("username").first()


def load_demo(*, password: str | None = None) -> list[str]:
    """Load the synthetic records (nothing when they are there already); returns the summary lines."""
    if RetrofitBatch.objects.filter(is_synthetic=True).exists():
        return ["smart poles: already loaded"]
    office = User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True).order_by("username").first()
    if office is None:
        return ["smart poles: no programme office account in the demo, nothing loaded"]
    today = dt.date.today()
    tower = User.objects.filter(role=Role.OPERATOR, organization__kind="tower_company", is_active=True).order_by(
        "username").first()
    responsible = tower.organization if tower else office.organization
    batches = []
    for year, planned, done in ((today.year - 1, 120, 120), (today.year, 150, 62)):
        batch = services.batch_create(actor=office, year=year, title=f"{year}年存量杆塔改造（合成示例）",
                                      planned_count=planned, organization=responsible, is_synthetic=True)
        services.batch_report(actor=tower or office, batch=batch, done_count=done)
        batches.append(batch)
    community = services.community_create(
        actor=office, name="示例未来社区（合成示例）", region=_county(), planned_smart_poles=6, planned_removed_poles=15,
        plan="主干道路灯杆、监控杆、交通信号杆合并为智慧杆（合成示例）", organization=office.organization,
        is_synthetic=True)
    made = 0
    smart = list(PublicResource.objects.filter(smart_pole=True, kind__in=POLE_KINDS, withdrawn=False)
                 .select_related("owner").order_by("code")[:2])
    for i, pole in enumerate(smart):
        others = list(PublicResource.objects.filter(owner=pole.owner, kind__in=POLE_KINDS, smart_pole=False,
                                                    withdrawn=False).order_by("code")[2 * i:2 * i + 2])
        person = _person(pole.owner, Role.RESOURCE_OWNER) or office
        row = services.consolidation_create(
            actor=person, smart_pole=pole, poles=[*others, "旧交通信号杆（合成示例）"], batch=batches[-1],
            community=community if i == 0 else None, note="合成示例", organization=pole.owner, is_synthetic=True)
        if i == 0:
            services.consolidation_complete(actor=person, consolidation=row, on=today - dt.timedelta(days=12))
        made += 1
    tasks = [t for t in standard_tasks() if t.deadline]
    task = tasks[0] if tasks else None
    deadline = task.deadline if task else dt.date(today.year - 1, 9, 30)
    services.standard_create(actor=office, kind="local_standard", title="多功能智慧杆技术规范（合成示例）",
                             number="（合成示例）", publisher="省级标准化主管部门（合成示例）",
                             published_on=deadline - dt.timedelta(days=5), task=task, is_synthetic=True)
    services.standard_create(actor=office, kind="design_guide", title="智慧杆塔设计导则（合成示例）",
                             publisher="市建设主管部门（合成示例）", published_on=deadline + dt.timedelta(days=40),
                             task=task, is_synthetic=True)
    return [f"smart poles: {len(batches)} retrofit batches, {made} consolidations, 2 standards, 1 future community "
            f"(synthetic)"]


def _county():
    from rollout5g.regions.services import home_districts

    return home_districts().order_by("adcode").first()


