from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("policy/", include("rollout5g.policy.urls")),
    path("organizations/", include("rollout5g.organizations.urls")),
    path("regions/", include("rollout5g.regions.urls")),
    path("sites/", include("rollout5g.sites.urls")),
    path("audit/", include("rollout5g.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
