"""Labels for the codes of the incentive clauses (facts, bases, recognitions, rounding) on the industry pages:
``{% load incentives_labels %}`` then ``{{ key|fact_label }}``, ``{{ value|fact_value }}``,
``{{ clause.rounding|rounding_label }}``."""

from django import template
from django.utils.translation import gettext_lazy as _

from rollout5g.incentives.choices import FIRST_KIND_FACT, FirstKind, Level

register = template.Library()

#: the facts and investment bases the bundled clauses use, and the values they compare with
FACTS = {
    "applicant": _("Applicant"),
    "project": _("Project"),
    "recognition": _("Recognition"),
    "level": _("Level"),
    "equipment_investment": _("Actual equipment investment"),
    "technology_it_investment": _("Technology and IT investment"),
}
VALUES = {
    "enterprise": _("Enterprise"),
    "state_owned_enterprise": _("State-owned enterprise"),
    "smart_upgrade_using_5g": _("Smart upgrade using 5G"),
    "pilot_project": _("Application pilot project"),
    "featured_industrial_park": _("5G featured industrial park"),
    **{fact: FirstKind(kind).label for kind, fact in FIRST_KIND_FACT.items()},
    **dict(Level.choices),
}
ROUNDING = {"half_up_fen": _("Rounded half up to the fen"), "half_up_yuan": _("Rounded half up to the yuan"),
            "down_fen": _("Rounded down to the fen")}


@register.filter
def fact_label(key):
    return FACTS.get(str(key), key)


@register.filter
def fact_value(value):
    if isinstance(value, list | tuple):
        return "、".join(str(VALUES.get(str(v), v)) for v in value)
    return VALUES.get(str(value), value)


@register.filter
def rounding_label(code):
    return ROUNDING.get(str(code), code)
