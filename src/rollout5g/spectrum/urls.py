from django.urls import path

from . import views

app_name = "spectrum"
urlpatterns = [
    path("", views.index, name="index"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<str:code>/", views.complaint_detail, name="complaint"),
    path("complaints/<str:code>/<str:step>/", views.complaint_action, name="complaint_action"),
]
