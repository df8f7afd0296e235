from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """The last number handed out for one family of codes (``permits.application:YJS2026``).

    :func:`rollout5g.platform.codes.next_value` locks the row (``SELECT … FOR UPDATE``) in the caller's transaction,
    so two writers never get the same number and a rolled-back create gives its number back.
    """

    key = models.CharField(_("key"), max_length=120, primary_key=True)
    value = models.BigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self):
        return f"{self.key} = {self.value}"


class IdempotencyRecord(models.Model):
    """The first answer to a request that carried an ``Idempotency-Key`` header (API) or a one-time form token
    (pages). A repeat of the same key by the same user gets this answer again instead of a second record."""

    key = models.CharField(_("key"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    scope = models.CharField(_("scope"), max_length=10, default="api")  # "api" or "form"
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_hash = models.CharField(_("body hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    headers = models.JSONField(_("headers"), default=dict)
    response = models.BinaryField(_("response"), default=b"")
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "user", "key"], name="writes_idempotency_unique")]

    def __str__(self):
        return f"{self.scope}:{self.key} → {self.status}"
