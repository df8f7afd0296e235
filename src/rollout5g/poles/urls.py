from django.urls import path

from . import views

app_name = "poles"
urlpatterns = [
    path("", views.index, name="index"),
    path("standards/", views.standards, name="standards"),
    path("standards/new/", views.standard_new, name="standard_new"),
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<str:code>/", views.batch_detail, name="batch"),
    path("batches/<str:code>/report/", views.batch_action, name="batch_action"),
    path("consolidations/", views.consolidations, name="consolidations"),
    path("consolidations/new/", views.consolidation_new, name="consolidation_new"),
    path("consolidations/<str:code>/", views.consolidation_detail, name="consolidation"),
    path("consolidations/<str:code>/<str:step>/", views.consolidation_action, name="consolidation_action"),
    path("communities/", views.communities, name="communities"),
    path("communities/new/", views.community_new, name="community_new"),
    path("communities/<str:code>/", views.community_detail, name="community"),
    path("communities/<str:code>/<str:step>/", views.community_action, name="community_action"),
]
