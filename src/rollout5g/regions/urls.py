from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_map, name="map"),
    path("<str:adcode>/", views.region_detail, name="detail"),
]
