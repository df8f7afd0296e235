from django.urls import path

from . import views

app_name = "permits"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("rules/", views.rules, name="rules"),
    path("status/", views.status_lookup, name="status"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/upload/", views.upload, name="upload"),
    path("<str:code>/materials/<int:pk>/", views.material_download, name="material"),
    path("<str:code>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("<str:code>/export.json", views.export, name="export"),
    path("<str:code>/do/<str:name>/", views.action, name="action"),
]
