from django.urls import path

from . import views

app_name = "emf"
urlpatterns = [
    path("", views.index, name="index"),
    path("sites/", views.public_list, name="public_list"),
    path("sites/new/", views.page_new, name="page_new"),
    path("sites/<str:code>/", views.page_detail, name="page"),
    path("sites/<str:code>/<str:step>/", views.page_action, name="page_action"),
    path("results/new/", views.result_new, name="result_new"),
    path("science/", views.post_list, name="posts"),
    path("science/new/", views.post_new, name="post_new"),
    path("science/<str:code>/", views.post_detail, name="post"),
    path("science/<str:code>/<str:step>/", views.post_action, name="post_action"),
    path("request/", views.request_new, name="request_new"),
    path("request/<str:code>/<str:key>/", views.request_status, name="request_status"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<str:code>/", views.request_detail, name="request"),
    path("requests/<str:code>/<str:step>/", views.request_action, name="request_action"),
]
