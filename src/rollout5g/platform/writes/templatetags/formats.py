"""Template filters of :mod:`rollout5g.platform.formats`; built into every template (settings TEMPLATES builtins),
so no ``{% load %}`` is needed: ``{{ share|percent }}``, ``{{ amount|yuan }}``, ``{{ n|thousands }}``,
``{{ day|long_date }}``, ``{{ moment|long_datetime }}``."""

from django import template

from rollout5g.platform import formats

register = template.Library()

register.filter("percent", formats.percent)
register.filter("yuan", formats.yuan)
register.filter("thousands", formats.thousands)
register.filter("long_date", formats.long_date)
register.filter("long_datetime", formats.long_datetime)
