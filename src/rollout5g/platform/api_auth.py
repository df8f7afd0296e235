"""How the JSON API knows its caller: a browser session (with its CSRF token for writes) or an API token.

``session_or_token`` is the one ``auth=`` every authenticated API operation uses: django-ninja tries the bearer
token first, then the session, and the OpenAPI schema declares both schemes.

:class:`ApiTokenMiddleware` runs for every ``/api/`` request that carries ``Authorization: Bearer …``, also the
public operations (which filter what they return by ``request.user``): a valid token makes the request its user's,
exempt from the CSRF check (no cookie is involved, so no cross-site request can carry it); a bad, expired or
revoked token is refused with 401, and a read-scope token with 403 on any method but GET and HEAD. A session
without a token keeps needing its CSRF token for writes.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.module_loading import import_string
from ninja.security import HttpBearer, django_auth


def check_token(raw: str):
    """The token check the deployment names in ``ROLLOUT5G_API_TOKEN_CHECK`` (accounts' tokens by default), loaded
    like Django's authentication backends: the platform does not import the app that stores the tokens."""
    return import_string(settings.ROLLOUT5G_API_TOKEN_CHECK)(raw)


def allows_method(token, method: str) -> bool:
    return import_string(settings.ROLLOUT5G_API_TOKEN_ALLOWS)(token, method)

API_PREFIX = "/api/"
_CHECKED = "_rollout5g_token_check"


def _bearer(request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _resolve(request, raw: str):
    """Check the token once per request (the middleware and the API's auth share the answer)."""
    found = getattr(request, _CHECKED, None)
    if found is None or found[0] != raw:
        found = (raw, check_token(raw))
        setattr(request, _CHECKED, found)
    return found[1]


class TokenBearer(HttpBearer):
    """``Authorization: Bearer r5g_…`` — an API token (created on the account's "API tokens" page or with
    ``rollout5g token create``)."""

    def authenticate(self, request, token):
        result = _resolve(request, token)
        if result.token is None or not allows_method(result.token, request.method):
            return None
        request.user = result.token.user
        request.api_token = result.token
        return result.token.user


token_bearer = TokenBearer()
#: The ``auth=`` of every authenticated API operation: an API token, else the browser session (CSRF for writes).
session_or_token = [token_bearer, django_auth]


def _refuse(request, status: int, detail: str) -> JsonResponse:
    """An RFC 9457 problem, like every other error of the API."""
    response = JsonResponse({"type": "about:blank", "title": "Unauthorized" if status == 401 else "Forbidden",
                             "status": status, "detail": detail, "instance": request.path},
                            status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = f'Bearer realm="rollout5g", error="invalid_token", error_description="{detail}"'
    return response


class ApiTokenMiddleware:
    """After Django's AuthenticationMiddleware: a bearer token on ``/api/`` replaces the session's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = _bearer(request) if request.path.startswith(API_PREFIX) else None
        if raw is not None:
            result = _resolve(request, raw)
            if result.token is None:
                return _refuse(request, 401, result.error)
            if not allows_method(result.token, request.method):
                return _refuse(request, 403, "this token is read-only (scope read): GET and HEAD only")
            request.user = result.token.user
            request.api_token = result.token
            request._dont_enforce_csrf_checks = True  # no cookie: nothing a cross-site page could forge
        return self.get_response(request)
