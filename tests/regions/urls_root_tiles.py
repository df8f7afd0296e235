"""The site's URLs with the tile route at the root (``/tiles/…``, named ``basemap-tile``), as web/urls.py may add."""

from django.urls import path

from rollout5g.regions.tiles import tile
from rollout5g.web.urls import urlpatterns as site_patterns

urlpatterns = [path("tiles/<str:layer>/<int:z>/<int:x>/<int:y>.png", tile, name="basemap-tile"), *site_patterns]
