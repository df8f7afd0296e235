from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<slug:code>/", views.organization_detail, name="detail"),
    path("<slug:code>/contacts/add/", views.contact_add, name="contact_add"),
]
