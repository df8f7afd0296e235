"""Observed values of indicators.

An indicator's ``source`` names where its actual values come from. Capabilities that can compute a value register
a function for their source name (the site registry registers ``registry.on_air_base_stations``); anything else
falls back to the latest value entered with a source (:class:`IndicatorValue`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from .cache import memoize
from .models import Indicator, IndicatorValue

#: source name -> f(indicator, region, as_of) -> Decimal | None
_COMPUTED_SOURCES: dict[str, Callable] = {}


def register_source(name: str, func: Callable) -> None:
    _COMPUTED_SOURCES[name] = func


@dataclass(frozen=True)
class Observation:
    value: Decimal
    as_of: dt.date
    source: str  # "computed: <source>" or the entered source note


def observe(indicator: Indicator, region, as_of: dt.date) -> Observation | None:
    func = _COMPUTED_SOURCES.get(indicator.source)
    if func is not None:
        value = func(indicator, region, as_of)
        if value is not None:
            return Observation(Decimal(value), as_of, f"computed: {indicator.source}")
    entered = (
        IndicatorValue.objects.filter(indicator=indicator, region=region, as_of__lte=as_of).order_by("-as_of").first()
    )
    if entered is None:
        return None
    return Observation(entered.value, entered.as_of, entered.source_note)


def observe_cached(indicator: Indicator, region, as_of: dt.date, *, version=None) -> Observation | None:
    """:func:`observe`, computed once per data version (:mod:`rollout5g.policy.cache`): what pages and periodic
    reads use; a value changes as soon as the data it is computed from does."""
    return memoize("policy.observe", (indicator.pk, region.pk, as_of),
                   lambda: observe(indicator, region, as_of), version=version)


def source_label(obs: Observation | None) -> str:
    """Where an observed value comes from, for a person: computed by the platform, or the note entered with it."""
    if obs is None:
        return ""
    if obs.source.startswith("computed: "):
        return gettext("Computed from the platform's records")
    return obs.source


#: Region columns a page needs to name a region; the boundaries (large JSON) are left in the database.
REGION_GEOMETRY = ("geometry", "display_geometry")


def target_rows(indicator: Indicator, today: dt.date, *, version=None):
    """Each target with the actual value observed at its due date (or today, if that is earlier)."""
    rows = []
    targets = (indicator.targets.select_related("region").defer(*(f"region__{f}" for f in REGION_GEOMETRY))
               .order_by("year", "region"))
    for target in targets:
        due = target.due or dt.date(target.year, 12, 31)
        as_of = min(due, today)
        obs = observe_cached(indicator, target.region, as_of, version=version)
        rows.append(
            {
                "target": target,
                "as_of": as_of,
                "actual": obs.value if obs else None,
                "actual_text": indicator.format_value(obs.value) if obs else "—",
                "source": obs.source if obs else "",
                "source_text": source_label(obs),
                "met": target.is_met_by(obs.value) if obs else None,
                "final": due <= today,
            }
        )
    return rows
