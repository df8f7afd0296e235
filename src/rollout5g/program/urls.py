from django.urls import path

from . import views

app_name = "program"
urlpatterns = [
    path("", views.index, name="index"),
]
