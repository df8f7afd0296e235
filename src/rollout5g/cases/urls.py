from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules, name="rules"),
    path("power/new/", views.power_new, name="power_new"),
    path("relocation/new/", views.relocation_new, name="relocation_new"),
    path("relocation/demolished/new/", views.demolished_new, name="demolished_new"),
    path("incident/new/", views.incident_new, name="incident_new"),
    path("<str:family>/", views.case_list, name="list"),
    path("<str:family>/<str:number>/", views.case_detail, name="detail"),
    path("<str:family>/<str:number>/<str:action>/", views.case_action, name="action"),
]
