"""The JSON API (django-ninja, OpenAPI at /api/v1/docs). Each app contributes a router.

**Version.** The API is versioned in its path: ``/api/v1/`` is the canonical mount (the paths of the OpenAPI
schema, ``info.version`` "1.x"), and ``/api/`` serves the same version 1 for the pages and clients written before
the version was in the path. A change that breaks clients goes to ``/api/v2/``; version 1 stays until it is retired.

**Errors.** Every error is RFC 9457 problem details (``application/problem+json``, :mod:`rollout5g.web.problems`),
also for an unknown path under ``/api/`` (404, never an HTML page). Every status an operation can answer is in the
schema (:meth:`RolloutAPI.get_openapi_schema`); ``.ci/fuzz`` (schemathesis) holds the server to it.

**Lists** are paginated with ``limit`` 1..1000 and ``offset`` ≥ 0 (:mod:`rollout5g.platform.pagination`).
"""

from __future__ import annotations

from ninja import NinjaAPI

from rollout5g import __version__
from rollout5g.audit.api import router as audit_router
from rollout5g.cases.api import router as cases_router
from rollout5g.construction.api import router as construction_router
from rollout5g.coverage.api import router as coverage_router
from rollout5g.emf.api import router as emf_router
from rollout5g.grid.api import router as grid_router
from rollout5g.incentives.api import router as incentives_router
from rollout5g.jobs.api import router as jobs_router
from rollout5g.notifications.api import router as notifications_router
from rollout5g.organizations.api import router as organizations_router
from rollout5g.permits.api import router as permits_router
from rollout5g.platform.routes import public
from rollout5g.poles.api import router as poles_router
from rollout5g.policy.api import router as policy_router
from rollout5g.program.api import router as program_router
from rollout5g.regions.api import router as regions_router
from rollout5g.resources.api import router as resources_router
from rollout5g.resources.recommend.api import router as recommend_router
from rollout5g.safeguard.api import router as safeguard_router
from rollout5g.sites.api import router as sites_router
from rollout5g.sites.imports.api import router as import_router
from rollout5g.sites.map.api import router as map_router
from rollout5g.spectrum.api import router as spectrum_router
from rollout5g.workcalendar.api import router as calendar_router

from . import problems

API_VERSION = "1.0"


class RolloutAPI(NinjaAPI):
    """NinjaAPI whose schema declares every error status of every operation as a problem+json response."""

    def _view_functions(self) -> dict[str, object]:
        out = {}
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    op_id = operation.operation_id or self.get_openapi_operation_id(operation)
                    out[op_id] = operation.view_func
        return out

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        defs = components["Problem"].pop("$defs", {})
        components.update(defs)
        ref = {"$ref": "#/components/schemas/Problem"}
        views = self._view_functions()
        for ops in schema["paths"].values():
            for method, op in ops.items():
                responses = op.setdefault("responses", {})
                for status in sorted(problems.error_statuses(method, op, views.get(op.get("operationId")))):
                    declared = responses.get(status) or responses.get(str(status))
                    if declared is not None and "content" in declared and not _is_generic(declared):
                        # a body of its own (the import's 422 report), or a problem when the input is invalid
                        declared["content"].setdefault(problems.PROBLEM_MEDIA_TYPE, {"schema": ref})
                        continue
                    responses.pop(str(status), None)
                    if status == 414:  # answered by the HTTP server before the application: no problem body
                        responses[status] = {"description": problems._title(status)}
                        continue
                    responses[status] = {"description": problems._title(status),
                                         "content": {problems.PROBLEM_MEDIA_TYPE: {"schema": ref}}}
        problems.tuple_items_to_prefix_items(schema)
        return schema


def _is_generic(response: dict) -> bool:
    """A response declared with ``dict`` (an untyped object): its error body is a problem in fact."""
    content = response.get("content") or {}
    schemas = [c.get("schema", {}) for c in content.values()]
    return all(s.get("type") == "object" and not s.get("properties") and "$ref" not in s for s in schemas)


api = RolloutAPI(
    title="rollout5g API",
    version=API_VERSION,
    description="Regions, organizations, policy documents and tasks, sites, coverage, the open list, approvals, "
    "cases, supervision, industry and the audit history. Read endpoints apply the same object-level permissions as "
    "the pages: anonymous callers see only public records. Write endpoints need a logged-in session (CSRF token "
    "required) or an API token. Errors are RFC 9457 problem details (application/problem+json). Version 1: "
    "canonical at /api/v1/, also served at /api/.",
    urls_namespace="api",
    openapi_extra={"info": {"x-platform-version": __version__}},
)
problems.install(api)
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
api.add_router("/construction", construction_router)
api.add_router("/power", grid_router)
api.add_router("/emf", emf_router)
api.add_router("/poles", poles_router)
api.add_router("/spectrum", spectrum_router)
api.add_router("/safeguard", safeguard_router)
api.add_router("/calendar", calendar_router)
api.add_router("/notifications", notifications_router)
api.add_router("/supervision", program_router)
api.add_router("/industry", incentives_router)


def versioned_urls():
    """URL patterns: ``api/v1/`` (namespace ``api``) and a problem+json 404 for any other path under ``api/``.
    Unversioned ``/api/...`` paths reach version 1 through :class:`rollout5g.web.middleware.ApiVersionMiddleware`."""
    from django.urls import path, re_path

    return [path("api/v1/", api.urls), re_path(r"^api(/|$)", api_not_found)]


@public
def api_not_found(request, *args, **kwargs):
    """An unknown path under /api/: a problem+json 404, not the HTML error page."""
    return problems.problem(request, 404, f"no API operation at {request.path}; see /api/v1/docs")
