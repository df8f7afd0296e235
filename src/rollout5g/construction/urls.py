from django.urls import path

from . import views

app_name = "construction"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.project_new, name="new"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("guideline/", views.guidelines, name="guidelines"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/design/", views.design, name="design"),
    path("<str:code>/<str:step>/", views.action, name="action"),
]
