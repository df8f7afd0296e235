"""URLs for the import/export tests: the project's URLs, plus this feature's pages and API router wherever the
project does not mount them yet (so the tests pass before and after the lead wires them in)."""

from django.urls import include, path
from ninja import NinjaAPI

from rollout5g.sites import import_views
from rollout5g.sites import urls as sites_urls
from rollout5g.sites.import_api import router
from rollout5g.web import urls as project_urls
from rollout5g.web.api import api as project_api

urlpatterns = list(project_urls.urlpatterns)

if "import" not in {getattr(p, "name", None) for p in sites_urls.urlpatterns}:
    # this feature's pages first: the registry's "<code>/" would otherwise take "import/"
    urlpatterns = [p for p in urlpatterns if str(p.pattern) != "sites/"]
    urlpatterns.insert(0, path("sites/", include((import_views.urlpatterns + list(sites_urls.urlpatterns), "sites"))))

if not any(r is router for _, r in project_api._routers):
    test_api = NinjaAPI(title="import test API", urls_namespace="sites_import_test_api")
    test_api.add_router("/sites", router)
    urlpatterns.insert(0, path("api/", test_api.urls))
