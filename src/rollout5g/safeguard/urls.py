from django.urls import path

from . import views

app_name = "safeguard"
urlpatterns = [
    path("", views.index, name="index"),
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/new/", views.facility_new, name="facility_new"),
    path("facilities/<str:code>/", views.facility_detail, name="facility"),
    path("facilities/<str:code>/<str:step>/", views.facility_action, name="facility_action"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<str:code>/", views.event_detail, name="event"),
    path("events/<str:code>/<str:step>/", views.event_action, name="event_action"),
]
