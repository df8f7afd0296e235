from django.urls import path

from . import views

# No catch-all pattern at this level: "open-list/recommend/" is included after this module (web/urls.py).
app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("data.json", views.open_data, name="open_data"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<int:number>/", views.release_detail, name="release_detail"),
    path("releases/<int:number>/publish/", views.release_publish, name="release_publish"),
    path("releases/<int:number>/download.<str:fmt>", views.release_download, name="release_download"),
    path("manage/", views.manage, name="manage"),
    path("resources/new/", views.resource_new, name="resource_new"),
    path("resources/<str:code>/", views.resource_detail, name="resource_detail"),
    path("resources/<str:code>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<str:code>/action/", views.resource_action, name="resource_action"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<str:code>/", views.request_detail, name="request_detail"),
    path("requests/<str:code>/action/", views.request_action, name="request_action"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<str:code>/", views.complaint_detail, name="complaint_detail"),
]
