"""Labels for the codes of a policy document's incentive clauses (investment bases, exclusive-group policies):
``{% load policy_labels %}`` then ``{{ term.base|investment_base }}``, ``{{ clause.exclusive_policy|exclusive_rule }}``.
A person reads the label, never the code."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

#: the investment bases the clauses' formulas multiply (policy/schema.py: IncentiveTerm.base)
INVESTMENT_BASES = {
    "equipment_investment": _("Actual equipment investment"),
    "technology_it_investment": _("Technology and IT investment"),
}
EXCLUSIVE_RULES = {
    "highest": _("only the highest award of its group is paid"),
    "sum": _("every award of its group is paid"),
}


@register.filter
def investment_base(code):
    return INVESTMENT_BASES.get(str(code), _("Investment"))


@register.filter
def exclusive_rule(code):
    return EXCLUSIVE_RULES.get(str(code), "")
