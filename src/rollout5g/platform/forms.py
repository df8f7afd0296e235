"""One format for a service's refusal on a page.

A service raises ``ValidationError`` (with a ``message_dict`` naming the fields, or plain messages) or
``PermissionDenied``. A view with a form puts it on the form with :func:`add_service_errors` (a message of a field
the form has goes under that field, the rest above the form); a view without one shows :func:`error_text` as a
message (``messages.error(request, error_text(exc))``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def error_text(exc: Exception, labels: dict | None = None) -> str:
    """One line: ``field: message; message`` for a ValidationError (messages of no field without a prefix; a field
    named by its label from ``labels`` where given, so a person never reads a field code), the reason of a refusal,
    else the exception's text."""
    labels = labels or {}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(" ".join(msgs) if field == NON_FIELD_ERRORS
                             else f"{labels.get(field, field)}: {' '.join(msgs)}"
                             for field, msgs in exc.message_dict.items())
        return "; ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You may not do this.")
    return str(exc)


def add_service_errors(form, exc: Exception) -> None:
    """Put a service's ValidationError (or refusal) on ``form``: each message under its field when the form has that
    field, otherwise as a non-field error (prefixed with the field's name)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                if field in form.fields:
                    form.add_error(field, msg)
                elif field == NON_FIELD_ERRORS:
                    form.add_error(None, msg)
                else:
                    form.add_error(None, f"{field}: {msg}")
    elif isinstance(exc, ValidationError):
        for msg in exc.messages:
            form.add_error(None, msg)
    else:
        form.add_error(None, error_text(exc))
