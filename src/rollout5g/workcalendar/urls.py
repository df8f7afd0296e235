from django.urls import path

from . import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("year/", views.year_edit, name="year_edit"),
]
