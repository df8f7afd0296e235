"""Site recommendation: maximal covering location problem (MCLP) and partial set covering.

Pure numpy / scipy; the exact solver needs ``highspy`` (imported only when ``method="exact"``).
See docs/site-recommendation.md for the formulation, the heuristic and the measured figures.
"""

from .coverage import coverage_by_radius, coverage_from_rsrp, spacing_conflicts
from .mclp import METHODS, MCLPProblem, Solution, solve_mclp

__all__ = [
    "METHODS",
    "MCLPProblem",
    "Solution",
    "coverage_by_radius",
    "coverage_from_rsrp",
    "solve_mclp",
    "spacing_conflicts",
]
