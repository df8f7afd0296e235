"""Login (with the second factor), the account page, password change and the authenticator app set-up.

Login is two steps for a user with a confirmed authenticator app: the password form (Django's ``LoginView``, so
django-axes throttles it) only remembers who passed it, for :data:`PENDING_SECONDS`; the user is logged in when the
code from the app is right. A wrong code counts as a failed login (``user_login_failed``: audit and lockout).
"""

from __future__ import annotations

import base64
import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rollout5g.platform.routes import public, signed_in

from . import services

PENDING_KEY = "rollout5g_login_pending"
PENDING_SECONDS = 300


class LoginView(DjangoLoginView):
    template_name = "web/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if services.totp_device(user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                             "next": self.get_success_url()}
        return redirect("accounts:login_verify")


login_view = public(LoginView.as_view())


@public
def login_verify(request):
    """Second step: the 6-digit code of the user's authenticator app."""
    pending = request.session.get(PENDING_KEY)
    user = None
    if pending and time.time() - pending.get("at", 0) <= PENDING_SECONDS:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:  # nobody passed the password step, or too long ago: start again
        request.session.pop(PENDING_KEY, None)
        return render(request, "accounts/login_verify.html", {"expired": True})
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    error = ""
    if request.method == "POST":
        if services.totp_verify(user=user, code=request.POST.get("code", "")):
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            return HttpResponseRedirect(pending.get("next") or "/")
        user_login_failed.send(sender=__name__, request=request,
                               credentials={**credentials, "reason": "wrong authenticator code"})
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, None, credentials)
        error = _("The code is not right. Type the 6 digits your authenticator app shows now.")
    return render(request, "accounts/login_verify.html", {"error": error, "username": user.get_username()})


@signed_in
def account(request):
    """The user's own account: who they are, their password, their authenticator app."""
    return render(request, "accounts/account.html", {
        "device": services.totp_device(request.user),
        "required": services.totp_required(request.user),
    })


@signed_in
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@signed_in
def totp_setup(request):
    """Scan the QR code (or type the key), then type one code to confirm."""
    if services.totp_device(request.user) is not None:
        return redirect("accounts:account")
    error = ""
    if request.method == "POST":
        if services.totp_confirm(user=request.user, code=request.POST.get("code", "")):
            messages.success(request, _("Your authenticator app is set up: you will be asked for a code at login."))
            return redirect("accounts:account")
        error = _("The code is not right. Check the time on your phone and type the code shown now.")
        device = request.user.totp_device
    else:
        device = services.totp_begin(user=request.user)
    uri = services.totp_uri(device)
    return render(request, "accounts/totp_setup.html", {
        "qr": _qr_data_uri(uri), "secret": " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)),
        "error": error, "required": services.totp_required(request.user),
    })


@signed_in
@require_POST
def totp_disable(request):
    """Turn the authenticator app off (with a current code); not possible where the settings require one."""
    if services.totp_required(request.user):
        messages.error(request, _("Your role must use an authenticator app: it cannot be turned off."))
    elif services.totp_verify(user=request.user, code=request.POST.get("code", "")):
        services.totp_disable(actor=request.user, user=request.user)
        messages.success(request, _("Your authenticator app has been turned off."))
    else:
        messages.error(request, _("The code is not right."))
    return redirect("accounts:account")
