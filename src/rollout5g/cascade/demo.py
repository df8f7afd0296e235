"""Demo of the provincial tasks carried down to the cities, loaded by ``rollout5g demo`` (idempotent).

SYNTHETIC progress on real tasks: four tasks of the Zhejiang task division (3: the site special plan, 7: the free
open list, 10: direct power supply, 1: the one-stop approval reform) carried down to every city of the deployment
that has its units in the organizations data, each city at a different step. Deadlines are the document's where it
sets one, otherwise invented and said so in the note. Everything goes through the services (audited): the province
acts as its programme office's account where the deployment has one, else as the system; a city acts as the
account of its programme office (or the system).
"""

from __future__ import annotations

import datetime as dt

from rollout5g.accounts.models import User
from rollout5g.platform.actors import SYSTEM
from rollout5g.policy.models import PolicyTask
from rollout5g.regions.models import Region

from . import services
from .models import CityTask

SYNTHETIC = "（示例数据）"
#: (task number, deadline or None for the document's, target text, target value, implementing local task numbers)
TASKS = [
    ("3", None, "编制并发布本市5G基站站址专项规划", None, ("二(一)1",)),
    ("7", dt.date(2020, 12, 31), "公布并每年更新公共设施资源免费开放清单", None, ("二(一)3",)),
    ("10", dt.date(2021, 12, 31), "完成5G基站直供电改造（座）", 800, ("三(二)-3",)),
    ("1", dt.date(2021, 6, 30), "接入省投资项目在线审批监管平台，5G基站“一件事”联办", None, ()),
]
#: How far each city gets, by its place in the deployment's list of cities (the first is the home city):
#: task number -> steps per city position (cycled).
PROGRESS = {
    "3": [("accept", "report", "close"), ("accept", "report"), ("accept",), ()],
    "7": [("accept", "report"), ("accept", "report", "close"), (), ("accept",)],
    "10": [("accept",), (), ("accept", "report"), ()],
    "1": [(), ("accept",), (), ()],
}
REPORTS = {
    "3": "本市5G基站站址专项规划已经市政府批复并印发，纳入国土空间规划“一张图”。",
    "7": "公共设施资源免费开放清单已在市政府门户网站公布，并同步推送至省平台。",
    "10": "已完成直供电改造基站 520 座，其余纳入年度计划。",
}


def _province_actor(province: Region):
    user = (User.objects.filter(is_active=True, role="program_office", organization__region_id=province.pk)
            .order_by("pk").first())
    return user or SYSTEM


def _city_actor(city_task: CityTask):
    user = User.objects.filter(is_active=True, organization=city_task.organization).order_by("pk").first()
    return user or SYSTEM


def _cities(province: Region, home: Region) -> list[Region]:
    cities = []
    for city in Region.objects.filter(parent=province, level="city").defer("geometry", "display_geometry"):
        try:
            services.counterparts(PolicyTask.objects.filter(document__region=province).first(), city)
        except LookupError:
            continue
        cities.append(city)
    return sorted(cities, key=lambda c: (c.pk != home.pk, c.pk))


def load_demo(*, home_adcode: str) -> str:
    """Carry the demo tasks down to the cities of the home region's province and take each city's steps. Returns a
    summary line."""
    home = Region.objects.get(pk=home_adcode)
    province = home if home.level == "province" else home.parent
    if province is None:
        return "provincial tasks: no province above the home region"
    tasks = {t.number: t for t in PolicyTask.objects.filter(document__region=province,
                                                            number__in=[row[0] for row in TASKS])}
    cities = _cities(province, home) if home.level == "province" else [home]
    if not cities or not tasks:
        return "provincial tasks: nothing to carry down (no city units or no provincial document)"
    province_actor = _province_actor(province)
    created = steps = 0
    for number, deadline, target_text, target_value, local_numbers in TASKS:
        task = tasks.get(number)
        if task is None:
            continue
        new = services.assign_task(actor=province_actor, task=task, cities=cities,
                                   deadline=deadline or task.deadline, target_text=target_text,
                                   target_value=target_value,
                                   note=SYNTHETIC + ("" if deadline is None else "期限为示例，文件未规定。"))
        created += len(new)
        for position, city_task in enumerate(new):
            city_actor = _city_actor(city_task)
            for step in PROGRESS[number][position % len(PROGRESS[number])]:
                if step == "accept":
                    services.accept_city_task(actor=city_actor, city_task=city_task, note=SYNTHETIC)
                elif step == "report":
                    services.report_city_task(actor=city_actor, city_task=city_task,
                                              text=REPORTS[number] + SYNTHETIC,
                                              value=520 if number == "10" else None)
                elif step == "close":
                    services.close_city_task(actor=province_actor, city_task=city_task, note=SYNTHETIC)
                steps += 1
            for local in PolicyTask.objects.filter(document__region_id=city_task.region_id,
                                                   number__in=local_numbers):
                services.link_local_task(actor=city_actor, city_task=city_task, local_task=local)
    return (f"provincial tasks: {created} city sub-task(s) of {len(tasks)} provincial task(s) in "
            f"{len(cities)} cit{'y' if len(cities) == 1 else 'ies'}, {steps} step(s) taken (synthetic)")
