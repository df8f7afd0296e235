from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from rollout5g.accounts import views as account_views
from rollout5g.platform.routes import public

from . import views
from .api import versioned_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", account_views.login_view, name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/api-tokens/", include("rollout5g.accounts.token_urls")),
    path("accounts/", include("rollout5g.accounts.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("policy/", include("rollout5g.policy.urls")),
    path("organizations/", include("rollout5g.organizations.urls")),
    path("regions/", include("rollout5g.regions.urls")),
    path("sites/", include("rollout5g.sites.urls")),
    path("audit/", include("rollout5g.audit.urls")),
    path("calendar/", include("rollout5g.workcalendar.urls")),
    path("notifications/", include("rollout5g.notifications.urls")),
    path("jobs/", include("rollout5g.jobs.urls")),
    path("coverage/", include("rollout5g.coverage.urls")),
    path("open-list/", include("rollout5g.resources.urls")),
    path("approvals/", include("rollout5g.permits.urls")),
    path("cases/", include("rollout5g.cases.urls")),
    path("construction/", include("rollout5g.construction.urls")),
    path("power/", include("rollout5g.grid.urls")),
    path("emf/", include("rollout5g.emf.urls")),
    path("poles/", include("rollout5g.poles.urls")),
    path("spectrum/", include("rollout5g.spectrum.urls")),
    path("safeguard/", include("rollout5g.safeguard.urls")),
    path("cascade/", include("rollout5g.cascade.urls")),
    path("open-list/recommend/", include("rollout5g.resources.recommend.urls")),
    path("supervision/", include("rollout5g.program.urls")),
    path("industry/", include("rollout5g.incentives.urls")),
    *versioned_urls(),
    path("admin/", admin.site.urls),
    path("", include("rollout5g.ops.urls")),  # /healthz, /readyz, /metrics
]
