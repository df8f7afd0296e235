from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import AccessPolicy, RestrictedManager

from .choices import Role, TokenScope


class User(AbstractUser):
    """A person who logs in. Every user except a superuser acts for one organization in one role.

    The public (residents) never log in: anonymous requests get the public view.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_program_office(self) -> bool:
        return self.is_superuser or self.role == Role.PROGRAM_OFFICE


class TOTPDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238: 30-second steps, 6 digits, SHA-1 — what every authenticator
    app reads from the QR code). Unconfirmed until the user has typed one code from it; only a confirmed device is
    asked for at login. ``last_step`` is the last time step accepted, so a code cannot be used twice."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last accepted time step"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self):
        return f"{self.user} ({'confirmed' if self.confirmed_at else 'not confirmed'})"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ApiToken(models.Model):
    """A user's token for the JSON API (``Authorization: Bearer …``): acts with the user's rights, limited to reads
    by the ``read`` scope. Only the SHA-256 hash of the secret is stored (see ``rollout5g.accounts.tokens``)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("token name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(_("token starts with"), max_length=16)
    key_hash = models.CharField(_("hash of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RestrictedManager()
    # Personal: the account page lists ``user.api_tokens``; restrict() gives them to superusers only.
    access_policy = AccessPolicy()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
