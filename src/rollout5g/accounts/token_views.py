"""The account's "API tokens" page: list, create (the secret is shown once, on the answer to the form) and revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rollout5g.platform.routes import signed_in

from .choices import TokenScope
from .models import ApiToken
from .tokens import token_create, token_revoke

EXPIRY_CHOICES = [("30", gettext_lazy("30 days")), ("90", gettext_lazy("90 days")),
                  ("365", gettext_lazy("one year")), ("", gettext_lazy("never"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What it is for"), max_length=100)
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=TokenScope.choices, initial=TokenScope.READ)
    expires = forms.ChoiceField(label=gettext_lazy("Expires after"), choices=EXPIRY_CHOICES, initial="90",
                                required=False)


def _tokens(user):
    # Tokens are personal: a user sees their own (no organization-wide view), newest first.
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@signed_in
def api_tokens(request):
    """List the user's tokens; POST creates one and shows its secret on this answer only."""
    created = secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires"]
        try:
            created, secret = token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"],
                                           scope=form.cleaned_data["scope"],
                                           expires_days=int(expires) if expires else None)
            form = TokenForm()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "accounts/api_tokens.html",
                  {"form": form, "tokens": _tokens(request.user), "created": created, "secret": secret},
                  status=status)


@signed_in
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(_tokens(request.user), pk=pk)
    try:
        token_revoke(actor=request.user, token=token)
    except PermissionDenied:  # pragma: no cover - the queryset already holds only the user's tokens
        raise
    messages.success(request, _("Token %(name)s revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
