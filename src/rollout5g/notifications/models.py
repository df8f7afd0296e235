from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messages import render_message


class Notification(models.Model):
    """A message to one user, shown in the app (and sent by email when the user has an address)."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        OVERDUE = "overdue", _("Overdue")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    # The subject and the text as written when the notification was made (a row made before messages were stored
    # as keys shows them as they are); a row with a ``message`` is shown by rendering it in the reader's language.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    message = models.CharField(_("message key"), max_length=300, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    body_message = models.TextField(_("text key"), blank=True)
    body_params = models.JSONField(_("text parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Stable key of what the message is about (e.g. "permits:clock:APP-1:warn"): the same reminder is not sent
    # twice to the same person.
    key = models.CharField(_("key"), max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject_text

    @property
    def subject_text(self) -> str:
        """The subject in the active language (the stored text for a row without a message key)."""
        if not self.message:
            return self.subject
        return render_message(self.message, self.params)

    @property
    def body_text(self) -> str:
        """The text in the active language: the rendered text key, else the stored text (what a person wrote)."""
        if not self.body_message:
            return self.body
        return render_message(self.body_message, self.body_params)
