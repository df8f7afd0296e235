from django.urls import path

from . import recommend_views

app_name = "recommend"
urlpatterns = [
    path("", recommend_views.index, name="index"),
]
