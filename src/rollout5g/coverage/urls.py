from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/overlay/<str:layer>.png", views.overlay_png, name="overlay"),
    path("runs/<int:pk>/gaps.geojson", views.gaps_geojson, name="gaps"),
    path("runs/<int:pk>/gaps/download/", views.gaps_download, name="gaps_download"),
    path("runs/<int:pk>/files/<str:name>", views.download, name="download"),
]
