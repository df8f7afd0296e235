"""Access of every route, derived from its declaration — the way NetBox's generic view tests are fed.

Pages: the suite walks the URL resolver. Every view declares ``@public``, ``@signed_in`` or ``@roles(...)``
(``rollout5g.platform.routes``), optionally with the record it shows. Each route is requested

- as an anonymous visitor: public routes answer (never the login page, 401 or 403), the others send to the login;
- as a user of a role the route does not admit: 403 before the view runs; and as one it admits: past the gate;
- for a route that shows one record: as a user whose ``restrict()`` includes a row (200) and as a user of an
  unrelated organization whose ``restrict()`` excludes it (403 or 404).

API: every operation of the OpenAPI schema either lists its security schemes or is declared public
(``x-access: public``); anonymous callers get 401 from the first kind, never from the second; a logged-in caller
gets past the authentication of every operation.

A route or operation without a declaration fails the suite (``test_every_page_declares_its_access`` and
``test_every_api_operation_declares_its_access``); ``test_removing_any_declaration_fails_the_suite`` proves it for
each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rollout5g.accounts.choices import Role
from rollout5g.platform.routes import PUBLIC, ROLES, declared_access

#: Namespaces whose routes are checked elsewhere, with where.
CHECKED_ELSEWHERE = {
    "admin": "Django's admin has its own staff gate (test_admin_is_for_staff_only)",
    "api": "the API is checked from its OpenAPI schema (the API tests below)",
}
#: One account of each role (the reference accounts of tests/conftest.py).
ACCOUNT_OF_ROLE = {
    Role.PROGRAM_OFFICE: "office",
    Role.DEPARTMENT: "planning",
    Role.OPERATOR: "mobile",
    Role.RESOURCE_OWNER: "owner",
    Role.ENTERPRISE: "enterprise",
}
#: A value for each path converter that names no record.
SAMPLE_ARG = {"int": "987654321", "str": "no-such-record", "slug": "no-such-record", "path": "no/such/record"}


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "approvals/<str:code>/"
    name: str  # "permits:detail"
    callback: object

    @property
    def access(self):
        return declared_access(self.callback)

    def url(self, **values) -> str:
        def sub(match):
            converter, name = match.group(1) or "str", match.group(2)
            return str(values.get(name, SAMPLE_ARG.get(converter, "x")))

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, self.pattern).lstrip("^").rstrip("$")

    def __str__(self):
        return f"/{self.pattern} ({self.name})"


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield namespace, Route(prefix + str(entry.pattern), name, entry.callback)


def page_routes() -> list[Route]:
    return [route for namespace, route in _walk(get_resolver()) if namespace not in CHECKED_ELSEWHERE]


def undeclared_pages(routes) -> list[str]:
    return [str(r) for r in routes if r.access is None]


ROUTES = page_routes()


def _id(route):
    return route.name or route.pattern


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _as(username) -> Client:
    from rollout5g.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# --- declarations -----------------------------------------------------------------------------------------------


def test_every_page_declares_its_access():
    assert len(ROUTES) > 100
    assert undeclared_pages(ROUTES) == []


def test_removing_any_declaration_fails_the_suite(monkeypatch):
    for route in ROUTES:
        with monkeypatch.context() as m:
            m.delattr(route.callback, "route_access")
            assert undeclared_pages(ROUTES) == [str(route)], route


def test_every_record_declaration_names_a_model_and_a_url_argument():
    for route in ROUTES:
        access = route.access
        if access.record:
            apps.get_model(access.record)  # raises LookupError for an unknown model
            assert f":{access.lookup[0]}>" in route.pattern, route


# --- the gate, per page -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_anonymous(client, route):
    response = client.get(route.url())
    if route.access.kind == PUBLIC:
        assert response.status_code not in (401, 403) and not _login_redirect(response), (route, response)
        assert response.status_code != 500, (route, response)  # 503 is an answer (readiness), 500 a bug
    else:
        assert _login_redirect(response), (route, response.status_code)
        response = client.post(route.url())
        assert _login_redirect(response) or response.status_code == 403, (route, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.access.kind == ROLES], ids=_id)
def test_roles_the_route_does_not_admit_get_403(route):
    refused = [role for role in ACCOUNT_OF_ROLE if role not in route.access.roles]
    assert refused, f"{route} admits every role: declare it signed_in"
    for role in refused:
        client = _as(ACCOUNT_OF_ROLE[role])
        assert client.get(route.url()).status_code == 403, (route, role)
        assert client.post(route.url()).status_code == 403, (route, role)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.access.kind != PUBLIC], ids=_id)
def test_admitted_roles_pass_the_gate(route):
    admitted = [role for role in ACCOUNT_OF_ROLE if route.access.kind != ROLES or role in route.access.roles]
    for role in admitted:
        response = _as(ACCOUNT_OF_ROLE[role]).get(route.url())
        assert not _login_redirect(response) and response.status_code != 500, (route, role, response.status_code)
        if route.access.kind == ROLES:
            assert response.status_code != 403, (route, role)


def test_admin_is_for_staff_only(client, client_for):
    assert _login_redirect(client.get("/admin/")) or client.get("/admin/").status_code == 302
    assert client_for("office").get("/admin/").status_code == 302  # not staff: sent to the admin login
    assert client_for("admin").get("/admin/").status_code == 200


# --- records: owner (or programme office) vs an unrelated organization -----------------------------------------


RECORD_ROUTES = [r for r in ROUTES if r.access.record]


def _people():
    from rollout5g.accounts.models import User

    return list(User.objects.filter(is_superuser=False).select_related("organization").order_by("username"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", RECORD_ROUTES, ids=_id)
def test_a_record_is_shown_to_whom_restrict_admits_and_to_nobody_else(demo_world, route):
    access = route.access
    model = apps.get_model(access.record)
    kwarg, field = access.lookup
    rows = list(model.objects.order_by("pk").values_list("pk", flat=True)[:300])
    assert rows, f"the demo world has no {access.record}: {route} cannot be checked"
    people = [p for p in _people() if access.allows(p)]
    visible = {p.pk: set(model.objects.restrict(p).filter(pk__in=rows).values_list("pk", flat=True)) for p in people}
    # a row with an insider who is not the programme office (an owner) and an outsider, if the demo has one
    best = None
    for pk in rows:
        insiders = [p for p in people if pk in visible[p.pk]]
        outsiders = [p for p in people if pk not in visible[p.pk]]
        owners = [p for p in insiders if p.role != Role.PROGRAM_OFFICE]
        score = (bool(outsiders), bool(owners), bool(insiders))
        if best is None or score > best[0]:
            best = (score, pk, owners or insiders, outsiders)
    _, pk, insiders, outsiders = best
    assert insiders, f"nobody may see any {access.record} of the demo: {route}"
    value = model.objects.filter(pk=pk).values_list(field, flat=True).get()
    url = route.url(**{kwarg: value})
    insider = insiders[0]
    assert _as(insider.username).get(url).status_code == 200, (route, insider.username)
    office = next((p for p in people if p.role == Role.PROGRAM_OFFICE), None)
    if office is not None and pk in visible[office.pk]:
        assert _as(office.username).get(url).status_code == 200, (route, office.username)
    for outsider in outsiders[:3]:
        assert _as(outsider.username).get(url).status_code in (403, 404), (route, outsider.username)
    if access.kind != PUBLIC:
        assert _login_redirect(Client().get(url)), route


# --- records: a user of another city (tenancy, docs/tenancy.md) ------------------------------------------------

#: Routes whose queryset widens restrict() beyond the region scope, with the fix they wait for. Strict: the test
#: fails once the route is fixed, so the entry is removed then.
CROSSES_CITIES: dict[str, str] = {}
#: Record routes whose model is bound to a place (its access policy declares a region path).
REGIONAL_ROUTES = [
    pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=CROSSES_CITIES[r.name]))
    if r.name in CROSSES_CITIES else r
    for r in RECORD_ROUTES if apps.get_model(r.access.record).access_policy.region_path
]


@pytest.fixture
def other_city(make_user):
    """One account of each role in a unit of another city of the province (湖州, 330500)."""
    from tests.factories import OrganizationFactory

    unit = OrganizationFactory(code="hz-tenancy-unit", name="湖州市测试单位", short_name="湖州测试单位",
                               kind="government_department", region_id="330500")
    return {role: make_user(f"hz-{role}", role, unit) for role in ACCOUNT_OF_ROLE}


def test_regional_routes_are_checked():
    assert len(REGIONAL_ROUTES) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("route", REGIONAL_ROUTES, ids=_id)
def test_a_user_of_another_city_cannot_open_this_citys_record(demo_world, other_city, route):
    """For each role the route admits: a record this city's account of that role may see and the other city's may
    not answers 403 or 404 to the other city's; where there is none, everything this city's account sees is public
    (the public sees what every city published)."""
    from rollout5g.accounts.models import User

    access = route.access
    model = apps.get_model(access.record)
    kwarg, field = access.lookup
    rows = list(model.objects.order_by("pk").values_list("pk", flat=True)[:300])
    public = set(model.objects.restrict(None).filter(pk__in=rows).values_list("pk", flat=True))
    for role, username in ACCOUNT_OF_ROLE.items():
        insider, outsider = User.objects.get(username=username), other_city[role]
        if not access.allows(insider):
            continue
        seen = set(model.objects.restrict(insider).filter(pk__in=rows).values_list("pk", flat=True))
        hidden = sorted(seen - set(model.objects.restrict(outsider).filter(pk__in=rows).values_list("pk", flat=True)))
        if not hidden:
            assert seen <= public, (route, role, "sees rows of this city that the other city's account sees too")
            continue
        value = model.objects.filter(pk=hidden[0]).values_list(field, flat=True).get()
        url = route.url(**{kwarg: value})
        assert _as(username).get(url).status_code == 200, (route, username)
        response = _as_user(outsider).get(url)
        assert response.status_code in (403, 404), (route, role, response.status_code)


def _as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- API, from the OpenAPI schema -------------------------------------------------------------------------------


def _operations(schema=None):
    from rollout5g.web.api import api

    schema = schema or api.get_openapi_schema()
    out = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            out.append((method.upper(), path, op))
    return out


def undeclared_operations(operations) -> list[str]:
    return [f"{m} {p}" for m, p, op in operations if not op.get("security") and op.get("x-access") != PUBLIC]


OPERATIONS = _operations()


def _api_url(path, op) -> str:
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "path"}

    def sub(match):
        param = params.get(match.group(1), {})
        return "987654321" if param.get("schema", {}).get("type") == "integer" else "no-such-record"

    return re.sub(r"\{(\w+)\}", sub, path)


def test_every_api_operation_declares_its_access():
    assert len(OPERATIONS) > 100
    assert undeclared_operations(OPERATIONS) == []


def test_removing_any_api_declaration_fails_the_suite():
    from rollout5g.web.api import api

    schema = api.get_openapi_schema()
    for method, path, _ in OPERATIONS:
        op = schema["paths"][path][method.lower()]
        saved = {key: op.pop(key) for key in ("security", "x-access") if key in op}
        assert undeclared_operations(_operations(schema)) == [f"{method} {path}"]
        op.update(saved)


def _call(client, method, url):
    if method in ("GET", "HEAD", "DELETE"):
        return getattr(client, method.lower())(url)
    return getattr(client, method.lower())(url, data="{}", content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: f"{o[0]} {o[1]}")
def test_api_anonymous(client, operation):
    method, path, op = operation
    response = _call(client, method, _api_url(path, op))
    if op.get("security"):
        assert response.status_code == 401, (method, path, response.status_code)
    else:
        assert response.status_code not in (401, 403) and response.status_code != 500, (method, path, response)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o[2].get("security")],
                         ids=lambda o: f"{o[0]} {o[1]}")
def test_api_signed_in_callers_pass_authentication(operation):
    method, path, op = operation
    for username in ("mobile", "office"):
        response = _call(_as(username), method, _api_url(path, op))
        assert response.status_code != 401 and response.status_code != 500, (method, path, username, response)


RECORD_OPERATIONS = [o for o in OPERATIONS if o[2].get("x-record")]


def test_record_operations_are_declared():
    assert len(RECORD_OPERATIONS) >= 8
    for method, path, op in RECORD_OPERATIONS:
        apps.get_model(op["x-record"])
        assert "{" + op["x-lookup"][0] + "}" in path, (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", RECORD_OPERATIONS, ids=lambda o: f"{o[0]} {o[1]}")
def test_an_api_record_is_returned_to_whom_restrict_admits_and_to_nobody_else(demo_world, operation):
    method, path, op = operation
    model = apps.get_model(op["x-record"])
    param, field = op["x-lookup"]
    rows = list(model.objects.order_by("pk").values_list("pk", flat=True)[:300])
    assert rows, f"the demo world has no {op['x-record']}: {path} cannot be checked"
    people = _people()
    visible = {p.pk: set(model.objects.restrict(p).filter(pk__in=rows).values_list("pk", flat=True)) for p in people}
    pk = max(rows, key=lambda r: (any(r not in v for v in visible.values()),
                                  any(r in visible[p.pk] and p.role != Role.PROGRAM_OFFICE for p in people)))
    insiders = [p for p in people if pk in visible[p.pk]]
    insiders.sort(key=lambda p: p.role == Role.PROGRAM_OFFICE)  # an owner first
    outsiders = [p for p in people if pk not in visible[p.pk]]
    assert insiders, f"nobody may see any {op['x-record']} of the demo: {path}"
    value = model.objects.filter(pk=pk).values_list(field, flat=True).get()
    url = path.replace("{" + param + "}", str(value))
    assert _as(insiders[0].username).get(url).status_code == 200, (path, insiders[0].username)
    for outsider in outsiders[:3]:
        assert _as(outsider.username).get(url).status_code in (403, 404), (path, outsider.username)
    anonymous = Client().get(url).status_code
    assert anonymous == (401 if op.get("security") else 404) or (not op.get("security") and anonymous in (200, 404))
