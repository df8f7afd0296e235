from django.urls import path

from . import views
from .imports import views as import_views
from .map import views as map_views

app_name = "sites"
urlpatterns = [
    path("", views.registry_overview, name="overview"),
    path("list/", views.site_list, name="list"),
    path("cells/", views.cell_list, name="cell_list"),
    path("plan/", views.plan_list, name="plan_list"),
    path("key-areas/", views.key_area_list, name="key_area_list"),
    path("key-areas/download/", views.key_area_download, name="key_area_download"),
    path("map/", map_views.site_map, name="map"),
    path("<str:code>/", views.site_detail, name="detail"),
    path("<str:code>/transition/", views.site_transition, name="transition"),
]
# the import and export pages have fixed paths that must come before '<str:code>/'
urlpatterns = import_views.urlpatterns + urlpatterns
