"""``{% once_token %}``: the hidden one-time token of a form that creates a record (see
:func:`rollout5g.platform.idempotency.single_submit`)."""

from django import template
from django.utils.html import format_html

from rollout5g.platform.idempotency import FORM_FIELD, new_form_token

register = template.Library()


@register.simple_tag
def once_token() -> str:
    """A fresh token per rendering: a double submit of this page sends the same one; the page rendered again after
    an error carries a new one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_form_token())
