"""Users whose role must use a second factor (``ROLLOUT5G_TOTP_REQUIRED_ROLES``) and have not set one up are
sent to the set-up page; the API answers them 403 until they have."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect

from . import services

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (getattr(settings, "ROLLOUT5G_TOTP_REQUIRED_ROLES", None) and user is not None
                and user.is_authenticated and services.totp_required(user)
                and not request.path.startswith(_ALLOWED_PREFIXES) and services.totp_device(user) is None):
            if request.path.startswith("/api/"):
                return JsonResponse({"type": "about:blank", "title": "Forbidden", "status": 403,
                                     "detail": "set up an authenticator app first (/accounts/authenticator/)"},
                                    status=403, content_type="application/problem+json")
            return redirect("accounts:totp_setup")
        return self.get_response(request)
