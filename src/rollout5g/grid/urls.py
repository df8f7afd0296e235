from django.urls import path

from . import views

app_name = "grid"
urlpatterns = [
    path("", views.index, name="index"),
    path("summary/", views.summary, name="summary"),
    path("statistics/", views.statistics, name="statistics"),
    path("outages/new/", views.outage_new, name="outage_new"),
    path("outages/<str:code>/", views.outage_detail, name="outage"),
    path("outages/<str:code>/<str:step>/", views.outage_action, name="outage_action"),
    path("prices/", views.prices, name="prices"),
    path("prices/new/", views.price_new, name="price_new"),
    path("prices/reference/new/", views.reference_new, name="reference_new"),
    path("checks/", views.checks, name="checks"),
    path("checks/new/", views.check_new, name="check_new"),
    path("checks/<str:code>/", views.check_detail, name="check"),
    path("checks/<str:code>/<str:step>/", views.check_action, name="check_action"),
]
