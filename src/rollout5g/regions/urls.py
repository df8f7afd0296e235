from django.urls import path

from . import tiles, views

app_name = "regions"
urlpatterns = [
    path("", views.region_map, name="map"),
    path("download/", views.region_download, name="download"),
    path("basemaps.json", tiles.basemap_layers, name="basemaps"),
    path("tiles/<str:layer>/<int:z>/<int:x>/<int:y>.png", tiles.tile, name="tile"),
    path("<str:adcode>/", views.region_detail, name="detail"),
]
