from django.urls import path

from . import views as recommend_views

app_name = "recommend"
urlpatterns = [
    path("", recommend_views.index, name="index"),
    path("<int:pk>/", recommend_views.detail, name="detail"),
    path("<int:pk>/convert/", recommend_views.convert, name="convert"),
    path("<int:pk>/excluded.csv", recommend_views.excluded_csv, name="excluded_csv"),
]
