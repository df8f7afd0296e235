from django.urls import path

from . import industry_views as iv
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
    # 凤凰行动 (the listing pipeline)
    path("listings/", iv.listing_list, name="listings"),
    path("listings/new/", iv.listing_new, name="listing_new"),
    path("listings/<str:code>/", iv.listing_detail, name="listing"),
    path("listings/<str:code>/<slug:step>/", iv.listing_step, name="listing_step"),
    # 首台套 / 首批次 / 首版次
    path("first/", iv.first_list, name="firsts"),
    path("first/new/", iv.first_new, name="first_new"),
    path("first/<str:number>/", iv.first_detail, name="first"),
    path("first/evidence/<int:pk>/", iv.first_evidence_download, name="first_evidence"),
    path("first/<str:number>/<slug:step>/", iv.first_step, name="first_step"),
    # talent
    path("talent/", iv.talent_catalogue, name="talent"),
    path("talent/entries/new/", iv.talent_entry_new, name="talent_entry_new"),
    path("talent/entries/<int:pk>/retire/", iv.talent_entry_retire, name="talent_entry_retire"),
    path("talent/support/", iv.talent_support_list, name="talent_support"),
    path("talent/support/new/", iv.talent_support_new, name="talent_support_new"),
    path("talent/support/<str:number>/", iv.talent_support_detail, name="talent_support_detail"),
    path("talent/support/<str:number>/revoke/", iv.talent_support_revoke, name="talent_support_revoke"),
    # events, application cases and the public gallery
    path("events/", iv.event_list, name="events"),
    path("events/new/", iv.event_new, name="event_new"),
    path("events/<str:code>/", iv.event_detail, name="event"),
    path("events/<str:code>/<slug:step>/", iv.event_step, name="event_step"),
    path("gallery/", iv.gallery, name="gallery"),
    path("cases/", iv.case_list, name="cases"),
    path("cases/new/", iv.case_new, name="case_new"),
    path("cases/<str:number>/", iv.case_detail, name="case"),
    path("cases/<str:number>/<slug:step>/", iv.case_step, name="case_step"),
    # alliances
    path("alliances/", iv.alliance_list, name="alliances"),
    path("alliances/<slug:code>/", iv.alliance_detail, name="alliance"),
    path("alliances/<slug:code>/<slug:step>/", iv.alliance_step, name="alliance_step"),
]
