"""The clock badge of the approval pages in Python: ``{% load approval_clocks %}`` then ``{% approval_clock c %}``
for a :class:`rollout5g.permits.selectors.ClockView`.

The review queue and the application list show two or three clocks a row; rendered through a template include they
cost more than the rest of the page. This writes the same markup (the former ``permits/_clock.html``) directly."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from rollout5g.platform.formats import long_date

register = template.Library()


def _label(which: str) -> str:
    if which == "acceptance":
        return _("Completeness check")
    if which == "legal":
        return _("Legal limit")
    return _("Promised limit")


def _badge(c) -> str:
    if c.stopped_on:
        if c.late:
            return format_html('<span class="badge red">{}</span>', _("late"))
        return format_html('<span class="badge green">{}</span>', _("in time"))
    if c.state == "overdue":
        return format_html('<span class="badge red">{}</span>', _("overdue"))
    if c.state == "paused":
        return format_html('<span class="badge grey">{}</span>', _("paused"))
    left = _("%(n)s wd left") % {"n": c.status.days_left}
    if c.state == "due_soon":
        return format_html('<span class="badge amber">{}</span>', left)
    return format_html('<span class="muted small">{}</span>', left)


@register.simple_tag
def approval_clock(c) -> str:
    """One clock: which limit, its length (+ extension) in working days, the due date, provisional, the state."""
    length = f"{c.limit_days}+{c.extension_days}" if c.extension_days else str(c.limit_days)
    provisional = format_html(
        ' <span class="badge amber provisional" title="{}">{}</span>',
        _("A year of this period has no loaded holiday calendar: computed by weekdays only."), _("provisional"),
    ) if c.status.provisional else ""
    return format_html(
        '<span class="clock clock-{}" data-clock="{}">{} {} {}: {} <b class="due">{}</b>{}\n{}</span>',
        c.state, c.label, _label(c.label), length, _("wd"), _("due"), long_date(c.status.due.date), provisional,
        _badge(c),
    )
