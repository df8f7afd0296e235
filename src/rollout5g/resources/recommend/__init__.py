"""Site recommendation in the platform (issue 5 item 4; see docs/site-recommendation.md, "In the platform").

``config`` the assumptions (weights, heights, sector defaults, bands), ``selectors`` the area, the operators and the
visible recommendations, ``candidates`` the open-list and special-plan candidates with their exclusions, ``engine`` the
maximal covering problem and its solution (:func:`~.engine.recommend_sites`), ``models`` the declared actions,
``services`` running a recommendation and converting its proposals, ``api``/``views``/``urls`` the API and pages.

The public names are importable from the package (``from rollout5g.resources.recommend import recommend_sites``);
they load on first use, so that the app's models can import :mod:`.models` without the engine.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "config": ("JOB_KIND", "MACRO", "POLE", "BAND_N_RB", "SUPPORTED_BANDS", "CATEGORY_WEIGHTS", "SectorConfig",
               "RecommendError", "carrier_frequency_mhz", "utm_crs"),
    "selectors": ("Area", "resolve_area", "find_area", "area_choices", "home_operators", "find_operator",
                  "operator_family", "recommendations_for"),
    "engine": ("recommend_sites", "reach_m"),
    "services": ("can_recommend", "submit_recommendation", "convert_proposals"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
