from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("documents/<slug:key>/", views.document_detail, name="document_detail"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("indicators/<slug:key>/", views.indicator_detail, name="indicator_detail"),
]
