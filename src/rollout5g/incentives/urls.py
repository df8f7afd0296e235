from django.urls import path

from . import views

app_name = "incentives"
urlpatterns = [
    path("", views.index, name="index"),
    path("firms/", views.firm_list, name="firm_list"),
    path("firms/<slug:code>/", views.firm_detail, name="firm_detail"),
    path("carriers/", views.carrier_list, name="carrier_list"),
    path("carriers/<slug:code>/", views.carrier_detail, name="carrier_detail"),
    path("pilots/", views.pilot_list, name="pilot_list"),
    path("pilots/<slug:code>/", views.pilot_detail, name="pilot_detail"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<str:number>/", views.application_detail, name="application_detail"),
    path("applications/<str:number>/<slug:action>/", views.application_action, name="application_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("matches/", views.matches, name="matches"),
    path("matches/run/", views.matches_run, name="matches_run"),
    path("notices/", views.notices, name="notices"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
]
