"""The province's views of its cities (issue 15, item 3): per city and for the province, the indicators computed
from each city's live data (the registry, the latest coverage run, the approvals and their durations, the power
cases, construction, industry), each city's special-plan publication (task 3) and open-list releases (task 7) with
their dates against the deadline, the evaluation score, and a choropleth of any of them. The page, the briefing
(PDF) and the ledger by city (Excel) read the same :func:`province_overview`.

Which provincial tasks are the special plan's and the open list's is data (``data/province_views.yaml``)."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

from rollout5g.policy.cache import data_version, memoize
from rollout5g.policy.indicators import observe_cached
from rollout5g.policy.models import Indicator, PolicyTask
from rollout5g.regions.models import Region

from .charts import SCORE_PALETTE, score_classes

DATA_FILE = Path(__file__).resolve().parent / "data" / "province_views.yaml"

#: How a city's publication stands against the deadline: (badge colour, label).
TIMING = {
    "on_time": ("green", _("On time")),
    "late": ("amber", _("Late")),
    "overdue": ("red", _("Not yet, past the deadline")),
    "not_yet": ("grey", _("Not yet")),
    "published": ("green", _("Published (no deadline)")),
}


@cache
def config() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def timing(first: dt.date | None, deadline: dt.date | None, today: dt.date) -> str:
    """"on_time" (first published on or before the deadline), "late" (after it), "overdue" (not yet, the deadline
    passed), "not_yet" (not yet, the deadline ahead), "published" (published, no deadline)."""
    if first is not None:
        if deadline is None:
            return "published"
        return "on_time" if first <= deadline else "late"
    return "overdue" if deadline is not None and deadline < today else "not_yet"


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def plan_publication(city: Region) -> dict:
    """The city's special plan as published: ``{"first": date of the first publication, "count": entries published
    now}``. An entry's publication date is its audited ``publish`` step; an entry created already published (an
    import, a scenario) counts from its creation."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from rollout5g.audit.models import AuditEvent
    from rollout5g.platform.tenancy import region_descendants
    from rollout5g.sites.models import PlannedSite

    entries = PlannedSite.objects.filter(region_id__in=region_descendants(city.pk), published=True)
    count = entries.count()
    if not count:
        return {"first": None, "count": 0}
    events = {}
    for object_id, occurred in (AuditEvent.objects.filter(
            object_type="sites.plannedsite", note__startswith="publish",
            object_id__in=entries.annotate(sid=Cast("pk", CharField())).values("sid"))
            .values_list("object_id", "occurred_at")):
        day = _local_date(occurred)
        events[object_id] = min(day, events.get(object_id, day))
    dates = list(events.values())
    for pk, created in entries.values_list("pk", "created_at"):
        if str(pk) not in events:
            dates.append(_local_date(created))
    return {"first": min(dates) if dates else None, "count": count}


def list_releases(city: Region) -> dict:
    """The open-list releases that published entries of the city: ``{"first": date, "last": date, "count": n}``."""
    from django.db.models import Count, Max, Min

    from rollout5g.platform.tenancy import region_descendants
    from rollout5g.resources.models import ListRelease

    found = (ListRelease.objects.filter(published_at__isnull=False,
                                        entries__resource__region_id__in=region_descendants(city.pk))
             .aggregate(first=Min("published_at"), last=Max("published_at"), count=Count("pk", distinct=True)))
    return {"first": _local_date(found["first"]), "last": _local_date(found["last"]), "count": found["count"] or 0}


def publication_tasks() -> dict[str, PolicyTask | None]:
    """``{"plan": task 3, "open_list": task 7}`` of the province's task division (numbers from the data file)."""
    out = {}
    for kind, number in config()["publication_tasks"].items():
        out[kind] = (PolicyTask.objects.filter(document__region__level="province", number=str(number))
                     .select_related("document").order_by("document__key").first())
    return out


def _deadline(task, city_tasks, city) -> dt.date | None:
    """The city's deadline of a provincial task: its city sub-task's, else the task's own."""
    if task is None:
        return None
    carried = city_tasks.get((task.pk, city.pk))
    return carried.deadline if carried is not None else task.deadline


def overview_indicators() -> list[Indicator]:
    """The indicators of the overview, in the data file's order (those loaded)."""
    keys = list(config()["indicators"])
    found = {i.key: i for i in Indicator.objects.filter(key__in=keys).select_related("document")}
    return [found[k] for k in keys if k in found]


def _approvals(region: Region | None, today: dt.date) -> dict:
    from rollout5g.permits.selectors import approval_summary

    return approval_summary(region=region, today=today)


def province_overview(user, today: dt.date) -> dict:
    """Rows of the cities ``user`` may see (every city for the province's units, its own for a city's) and the
    province's row: indicator values observed on ``today``, approvals, the plan's and the open list's publication
    against the deadline, and the evaluation score where the user may see it. Computed once per data version, day,
    scope and language."""
    from django.utils.translation import get_language

    from rollout5g.cascade.selectors import visible_cities
    from rollout5g.platform.tenancy import region_scope
    from rollout5g.regions.services import home_region

    cities = visible_cities(user)
    # the province's row and the live ranking of the cities: for the province's scope in a province deployment
    whole = region_scope(user) is None and home_region().level == "province"
    key = (today, tuple(c.pk for c in cities), whole, get_language())
    return memoize("program.province_overview", key, lambda: _overview(cities, whole, today, user),
                   version=data_version())


def _overview(cities, whole, today, user) -> dict:
    from rollout5g.cascade.models import CityTask
    from rollout5g.cascade.selectors import province_of_home

    province = province_of_home()
    indicators = overview_indicators()
    tasks = publication_tasks()
    city_tasks = {(c.task_id, c.region_id): c for c in CityTask.objects.filter(
        task__in=[t for t in tasks.values() if t], region__in=cities).defer(
            "region__geometry", "region__display_geometry")}
    scores = _scores(user, whole, today)
    version = data_version()

    def values_for(region):
        out = []
        for indicator in indicators:
            obs = observe_cached(indicator, region, today, version=version)
            out.append({"value": float(obs.value) if obs else None,
                        "text": indicator.format_value(obs.value) if obs else "—"})
        return out

    rows = []
    for city in cities:
        plan, releases = plan_publication(city), list_releases(city)
        plan_deadline = _deadline(tasks.get("plan"), city_tasks, city)
        list_deadline = _deadline(tasks.get("open_list"), city_tasks, city)
        rows.append({
            "city": city, "values": values_for(city), "approvals": _approvals(city, today),
            "plan": {**plan, "deadline": plan_deadline, "timing": timing(plan["first"], plan_deadline, today)},
            "releases": {**releases, "deadline": list_deadline,
                         "timing": timing(releases["first"], list_deadline, today)},
            "score": scores.get(city.pk),
        })
    for row in rows:
        for part in ("plan", "releases"):
            row[part]["colour"], row[part]["label"] = TIMING[row[part]["timing"]]
    total = None
    if whole:
        total = {"region": province, "values": values_for(province), "approvals": _approvals(None, today),
                 "plans_on_time": sum(1 for r in rows if r["plan"]["timing"] == "on_time"),
                 "plans_published": sum(1 for r in rows if r["plan"]["first"]),
                 "lists_published": sum(1 for r in rows if r["releases"]["first"])}
    return {"as_of": today, "province": province, "indicators": indicators, "rows": rows, "total": total,
            "tasks": tasks, "has_scores": any(r["score"] is not None for r in rows)}


def _scores(user, whole: bool, today: dt.date) -> dict[str, dict]:
    """{adcode: {"score", "rank", "tier"}}: the live evaluation of the cities for a user who sees the province, the
    published result for a city's user (nothing when none is published)."""
    from .models import EvaluationIndicator, EvaluationPublication, EvaluationResult
    from .selectors import regional_evaluation

    if whole:
        if not EvaluationIndicator.objects.filter(level="city").exists():
            return {}
        try:
            result = regional_evaluation(today, level="city")
        except (LookupError, ValueError):
            return {}
        return {r["adcode"]: {"score": r["score"], "rank": r["rank"], "tier": r["tier"], "published": False}
                for r in result.rows()}
    latest = EvaluationPublication.objects.filter(level="city").order_by("-published_at", "-pk").first()
    if latest is None:
        return {}
    return {r.region_id: {"score": r.score, "rank": r.rank, "tier": r.tier, "published": True}
            for r in EvaluationResult.objects.restrict(user).filter(publication=latest)}


# -- the map ----------------------------------------------------------------------------------------------------
def map_choices(overview: dict) -> list[tuple[str, str]]:
    """What the map can be coloured by: the evaluation score (where shown) and each indicator."""
    out = [("score", str(_("Evaluation score")))] if overview["has_scores"] else []
    return out + [(i.key, i.name) for i in overview["indicators"]]


def map_layer(overview: dict, choice: str) -> dict:
    """``{"choice", "name", "cities": {adcode: {"value", "text", "colour"}}, "legend": [...]}``: each city's value of
    the chosen indicator (or score) and its colour class over the values present (:func:`charts.score_classes`:
    cities that differ get different colours); a city without a value is grey."""
    keys = [k for k, _name in map_choices(overview)]
    if choice not in keys:
        choice = keys[0] if keys else ""
    name = dict(map_choices(overview)).get(choice, "")
    values = {}
    indicator = next((i for i in overview["indicators"] if i.key == choice), None)
    index = overview["indicators"].index(indicator) if indicator is not None else None
    for row in overview["rows"]:
        if choice == "score":
            score = row["score"]
            value = score["score"] if score else None
            text = f"{value:.1f}" if value is not None else "—"
        elif index is not None:
            value, text = row["values"][index]["value"], row["values"][index]["text"]
        else:
            value, text = None, "—"
        values[row["city"].pk] = {"value": value, "text": text, "name": row["city"].name}
    present = [(code, v["value"]) for code, v in values.items() if v["value"] is not None and math.isfinite(v["value"])]
    classes, legend = score_classes([v for _c, v in present])
    for (code, _v), c in zip(present, classes, strict=True):
        values[code]["colour"] = SCORE_PALETTE[c]
    for v in values.values():
        v.setdefault("colour", NO_VALUE)
    fmt = indicator.format_value if indicator is not None else (lambda x: f"{x:.1f}")
    for item in legend:
        item["text"] = f"{fmt(item['low'])} – {fmt(item['high'])}" if item["low"] != item["high"] else fmt(item["low"])
    return {"choice": choice, "name": name, "cities": values, "legend": legend}


NO_VALUE = "#d5d8dc"


def map_svg(layer: dict, cities: list[Region], *, width: int = 520, height: int = 420) -> str:
    """The cities as an SVG choropleth (for the briefing and the page without scripts): the boundaries' map copy
    simplified for zoom 7 (:func:`rollout5g.regions.boundaries.boundary_features`, cached per process), an
    equirectangular projection scaled by cos(latitude) at the centre, each city filled with its class colour and
    labelled."""
    from django.utils.html import escape

    from rollout5g.regions.boundaries import boundary_features

    features = boundary_features(Region.objects.filter(pk__in=[c.pk for c in cities]), zoom=7)
    rings = []
    for feature in features:
        geom = feature["geometry"]
        if not geom:
            continue
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        city = Region(adcode=feature["properties"]["adcode"], name=feature["properties"]["name"])
        rings.append((city, [poly[0] for poly in polys if poly]))
    if not rings:
        return ""
    xs = [x for _c, rs in rings for r in rs for x, _y in r]
    ys = [y for _c, rs in rings for r in rs for _x, y in r]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    k = math.cos(math.radians((y0 + y1) / 2))
    scale = min((width - 20) / ((x1 - x0) * k or 1), (height - 20) / ((y1 - y0) or 1))

    def pt(x, y):
        return f"{10 + (x - x0) * k * scale:.1f},{10 + (y1 - y) * scale:.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" class="province-map">']
    labels = []
    for city, polys in rings:
        info = layer["cities"].get(city.pk, {"colour": NO_VALUE, "text": "—"})
        d = " ".join("M" + " L".join(pt(x, y) for x, y in ring) + " Z" for ring in polys)
        parts.append(f'<path d="{d}" fill="{info["colour"]}" stroke="#555" stroke-width="0.8" '
                     f'data-adcode="{city.pk}"><title>{escape(city.name)}：{escape(info["text"])}</title></path>')
        biggest = max(polys, key=len)
        cx = sum(x for x, _y in biggest) / len(biggest)
        cy = sum(y for _x, y in biggest) / len(biggest)
        x, y = pt(cx, cy).split(",")
        labels.append(f'<text x="{x}" y="{y}" font-size="10" text-anchor="middle">{escape(city.name)}</text>')
    parts += labels
    parts.append("</svg>")
    return "".join(parts)


def colour_of(overview: dict, choice: str) -> dict:
    """The map layer and its SVG for ``choice``."""
    layer = map_layer(overview, choice)
    return {**layer, "svg": map_svg(layer, [r["city"] for r in overview["rows"]])}


def cities_json(layer: dict) -> dict:
    return {code: {"value": v["text"], "colour": v["colour"], "name": v["name"]} for code, v in layer["cities"].items()}
