"""Who may call each page: one declaration per view, read by the gate and by the generic access tests.

Every view that a URL pattern reaches declares its access with exactly one of these decorators:

- ``@public`` — anyone, also anonymous visitors (the published open list, the approval status lookup, …).
- ``@signed_in`` — any logged-in user; what they then see is filtered by ``restrict()`` of the records shown.
- ``@roles(Role.PROGRAM_OFFICE, …)`` — logged-in users of these roles only (superusers always pass); others
  get 403 before the view runs.

``record="app_label.Model"`` with ``lookup=("url kwarg", "model field")`` says that the route shows one row of
that model, found by the URL: the generic access suite then opens a row as a user whose ``restrict()`` includes it
(expects 200) and as one whose ``restrict()`` excludes it (expects 403 or 404).

Anonymous visitors of a ``signed_in`` or ``roles`` page are sent to the login page (pages) — the API's operations
declare their access through their ``auth`` and are checked from the OpenAPI schema instead.

``tests/demo/test_route_access.py`` walks the URL resolver: a route whose view carries no declaration fails it, so
a new page cannot ship without saying who may see it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC, SIGNED_IN, ROLES = "public", "signed_in", "roles"


@dataclass(frozen=True)
class RouteAccess:
    kind: str
    roles: frozenset[str] = frozenset()
    record: str | None = None
    lookup: tuple[str, str] | None = None

    def allows(self, user) -> bool:
        """Whether the gate lets ``user`` through (object-level access is the view's ``restrict()``)."""
        if self.kind == PUBLIC:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        if self.kind == SIGNED_IN or user.is_superuser:
            return True
        return user.role in self.roles


def _declare(access: RouteAccess):
    def decorate(view):
        if access.kind == PUBLIC:
            gated = view
        else:
            @functools.wraps(view)
            def gated(request, *args, **kwargs):
                user = request.user
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not access.allows(user):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

        gated.route_access = access
        return gated

    return decorate


def _factory(kind: str, view=None, *, role_set=frozenset(), record=None, lookup=None):
    if (record is None) != (lookup is None):
        raise ValueError("record and lookup are declared together")
    decorate = _declare(RouteAccess(kind, frozenset(role_set), record, tuple(lookup) if lookup else None))
    return decorate(view) if view is not None else decorate


def public(view=None, *, record: str | None = None, lookup: tuple[str, str] | None = None):
    """Anyone may call this page."""
    return _factory(PUBLIC, view, record=record, lookup=lookup)


def signed_in(view=None, *, record: str | None = None, lookup: tuple[str, str] | None = None):
    """Any logged-in user may call this page; anonymous visitors go to the login page."""
    return _factory(SIGNED_IN, view, record=record, lookup=lookup)


def roles(*role_list, record: str | None = None, lookup: tuple[str, str] | None = None):
    """Logged-in users of these roles (and superusers) only; others get 403 before the view runs."""
    if not role_list:
        raise ValueError("roles() needs at least one role")
    return _factory(ROLES, role_set={str(r) for r in role_list}, record=record, lookup=lookup)


def declared_access(view) -> RouteAccess | None:
    """The declaration of a resolved view function, or None."""
    return getattr(view, "route_access", None)


# API operations (django-ninja) declare their access in the OpenAPI schema: an operation with ``auth=`` lists its
# security schemes; a public one says so with ``openapi_extra=PUBLIC_API``. An operation with neither fails the
# generic access suite, which reads /api/openapi.json.
PUBLIC_API = {"x-access": PUBLIC}


def api_record(model: str, param: str, field: str, *, public: bool = False) -> dict:
    """``openapi_extra`` of an API operation that returns one row of ``model`` found by the path parameter
    ``param`` (matched against ``field``): the generic access suite reads it as the pages' ``record``/``lookup``."""
    extra = {"x-record": model, "x-lookup": [param, field]}
    return {**PUBLIC_API, **extra} if public else extra
