"""What the pages of the carried-down tasks read: the provincial tasks with their roll-up from the cities, and one
provincial task's cities."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rollout5g.core.cascade import CityFact, roll_up
from rollout5g.policy.models import PolicyTask

from .choices import RULE_LABELS
from .models import CityTask

REGION_GEOMETRY = ("region__geometry", "region__display_geometry")


def provincial_tasks(*, with_text: bool = True):
    """The tasks of the province-level documents, in the documents' order, with their units' names (the text of
    each task only ``with_text``: a list does not show it)."""
    from django.db.models import Prefetch

    from rollout5g.policy.models import TaskUnit

    units = TaskUnit.objects.select_related("organization", "group").only(
        "task_id", "role", "sort_order", "organization__name", "group__term")
    queryset = (PolicyTask.objects.filter(document__region__level="province")
                .select_related("document").only("number", "title", "deadline", "sort_order", "document__key",
                                                 "document__title", "document__region_id", *(["text"] if with_text
                                                                                              else []))
                .prefetch_related(Prefetch("units", queryset=units)).order_by("document__key", "sort_order"))
    return queryset


def lead_names(task: PolicyTask) -> list[str]:
    """The task's lead units as the document names them (units prefetched by :func:`provincial_tasks`)."""
    return [u.display_name for u in task.units.all() if u.role == "lead"]


def visible_city_tasks(user):
    return (CityTask.objects.restrict(user).select_related("task__document", "region", "organization")
            .defer(*REGION_GEOMETRY))


def rollups(user, tasks, today: dt.date) -> dict[int, dict]:
    """``{task pk: {"result": RollUp, "rule": label, "cities": [CityTask…]}}`` for ``tasks``, from the city
    sub-tasks ``user`` may see (the province's office: every city)."""
    by_task = defaultdict(list)
    for city_task in visible_city_tasks(user).filter(task__in=tasks).order_by("task", "region"):
        by_task[city_task.task_id].append(city_task)
    out = {}
    for task in tasks:
        cities = by_task.get(task.pk, [])
        result = roll_up([CityFact(c.region.name, c.state, c.deadline) for c in cities], today)
        out[task.pk] = {"result": result, "rule": RULE_LABELS[result.rule], "cities": cities}
    return out


# -- the cities side by side (省级视图: 各市推进情况) ---------------------------------------------------------------
#: Sources whose values the overview computes per city, in column order (the registry, the power cases, industry).
OVERVIEW_SOURCES = ("registry.on_air_base_stations", "cases.direct_supply_share", "construction.accepted_share",
                    "industry.parks", "industry.joint_innovation_centres", "industry.smart_manufacturing_demos",
                    "industry.leading_firms")


def province_of_home():
    """The province of the deployment (the home region, or the region above a home city)."""
    from rollout5g.regions.services import home_region

    home = home_region()
    return home if home.level == "province" or home.parent_id is None else home.parent


def visible_cities(user):
    """The cities of the province ``user`` may see the figures of: every city for the province's units, its own
    city for a city's (the region tree of :mod:`rollout5g.platform.tenancy`); a city deployment: its city."""
    from rollout5g.platform.tenancy import region_scope
    from rollout5g.regions.models import Region
    from rollout5g.regions.services import home_region

    home = home_region()
    cities = (Region.objects.filter(parent=home, level="city") if home.level == "province"
              else Region.objects.filter(pk=home.pk))
    scope = region_scope(user)
    if scope is not None:
        cities = cities.filter(pk__in=scope)
    return list(cities.defer("geometry", "display_geometry").order_by("adcode"))


def overview_indicators():
    """One indicator per overview source (the province's document first, then the cities'), for its name, unit and
    format."""
    from rollout5g.policy.models import Indicator

    found = Indicator.objects.filter(source__in=OVERVIEW_SOURCES).select_related("document__region")
    chosen = {}
    for indicator in sorted(found, key=lambda i: (i.document.region.level != "province", i.document.key,
                                                  i.sort_order)):
        chosen.setdefault(indicator.source, indicator)
    return [chosen[s] for s in OVERVIEW_SOURCES if s in chosen]


def _on_time(city_task, first_report, today: dt.date) -> str:
    """"on_time" / "late" (reported after the deadline) / "overdue" (no report and the deadline passed) / "open"."""
    if first_report is not None:
        return "on_time" if first_report.date() <= city_task.deadline else "late"
    return "overdue" if city_task.deadline < today else "open"


def city_overview(user, today: dt.date) -> dict:
    """Rows of the cities ``user`` may see: each indicator's value computed from the city's live data, and where each
    carried-down provincial task stands in the city (reported on time or not)."""
    from django.db.models import Min
    from django.utils import timezone

    from rollout5g.policy.cache import data_version
    from rollout5g.policy.indicators import observe_cached

    cities = visible_cities(user)
    indicators = overview_indicators()
    tasks = list(PolicyTask.objects.filter(city_tasks__isnull=False).distinct().select_related("document")
                 .order_by("document__key", "sort_order"))
    city_tasks = {(c.task_id, c.region_id): c for c in
                  CityTask.objects.filter(region__in=cities, task__in=tasks).annotate(first_report=Min(
                      "reports__created_at")).defer("region__geometry", "region__display_geometry")}
    version = data_version()
    rows = []
    for city in cities:
        values = []
        for indicator in indicators:
            obs = observe_cached(indicator, city, today, version=version)
            values.append({"value": obs.value if obs else None,
                           "text": indicator.format_value(obs.value) if obs else "—"})
        steps = []
        for task in tasks:
            c = city_tasks.get((task.pk, city.pk))
            first = timezone.localtime(c.first_report) if c and c.first_report else None
            steps.append({"c": c, "timing": _on_time(c, first, today) if c else None, "first_report": first})
        rows.append({"city": city, "values": values, "steps": steps})
    return {"cities": cities, "indicators": indicators, "tasks": tasks, "rows": rows, "as_of": today}
