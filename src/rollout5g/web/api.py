"""The JSON API (django-ninja, OpenAPI at /api/docs). Each app contributes a router."""

from ninja import NinjaAPI

from rollout5g import __version__
from rollout5g.audit.api import router as audit_router
from rollout5g.cases.api import router as cases_router
from rollout5g.coverage.api import router as coverage_router
from rollout5g.incentives.api import router as incentives_router
from rollout5g.jobs.api import router as jobs_router
from rollout5g.notifications.api import router as notifications_router
from rollout5g.organizations.api import router as organizations_router
from rollout5g.permits.api import router as permits_router
from rollout5g.policy.api import router as policy_router
from rollout5g.program.api import router as program_router
from rollout5g.regions.api import router as regions_router
from rollout5g.resources.api import router as resources_router
from rollout5g.resources.recommend_api import router as recommend_router
from rollout5g.sites.api import router as sites_router
from rollout5g.sites.import_api import router as import_router
from rollout5g.sites.map_api import router as map_router
from rollout5g.workcalendar.api import router as calendar_router

api = NinjaAPI(
    title="rollout5g API",
    version=__version__,
    description="Regions, organizations, policy documents and tasks, audit history. Read endpoints apply the same "
    "object-level permissions as the pages: anonymous callers see only public records. Write endpoints need a "
    "logged-in session (CSRF token required).",
    urls_namespace="api",
)
api.add_router("/regions", regions_router)
api.add_router("/organizations", organizations_router)
api.add_router("/policy", policy_router)
api.add_router("/audit", audit_router)
# Routers of the same prefix: the ones with fixed paths (map, import) are added before sites_router, whose
# "/{code}" would otherwise shadow them.
api.add_router("/sites", import_router)
api.add_router("/sites", map_router)
api.add_router("/sites", sites_router)
api.add_router("/jobs", jobs_router)
api.add_router("/coverage", coverage_router)
api.add_router("/open-list/recommend", recommend_router)
api.add_router("/open-list", resources_router)
api.add_router("/approvals", permits_router)
api.add_router("/cases", cases_router)
api.add_router("/calendar", calendar_router)
api.add_router("/notifications", notifications_router)
api.add_router("/supervision", program_router)
api.add_router("/industry", incentives_router)
