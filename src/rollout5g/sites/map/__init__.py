"""The registry map: features by zoom (:mod:`.features`: sites, or a grid of counts when zoomed out), its API
(:mod:`.api`) and its page (:mod:`.views`). ``__init__`` exports the features' names only (no views, no API)."""

from .features import MAX_GRID_CELLS, MAX_SITES, MAX_ZOOM, MIN_ZOOM, grid_size_deg, map_features

__all__ = ["MAX_GRID_CELLS", "MAX_SITES", "MAX_ZOOM", "MIN_ZOOM", "grid_size_deg", "map_features"]
