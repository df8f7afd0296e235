from django.urls import path

from . import views

app_name = "cascade"
urlpatterns = [
    path("", views.index, name="index"),
    path("cities/", views.cities, name="cities"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="assign"),
    path("<int:pk>/", views.city_task_detail, name="city_task"),
    path("<int:pk>/<str:step>/", views.city_task_action, name="city_task_action"),
]
