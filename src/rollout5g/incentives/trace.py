"""The calculation trace of an application in the reader's language.

The engine (:mod:`rollout5g.core.incentives`) gives each step as data — a ``step`` key with the codes and exact
amounts it used — and the services store those steps on the application (``Application.trace``); this module words
them: facts and bases by their labels, rates as percentages, amounts in CNY with every digit kept. A trace stored
before the steps existed (plain text lines) is shown as it was written.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from rollout5g.core.incentives import format_cny
from rollout5g.platform.formats import long_date

from .templatetags.incentives_labels import FACTS, ROUNDING


def _cny(value) -> str:
    return "¥" + format_cny(Decimal(str(value)))


def _fact(code) -> str:
    return str(FACTS.get(str(code), _("a declared fact")))


def _rate(value) -> str:
    text = format(Decimal(str(value)) * 100, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def trace_line(step) -> str:
    """One step of a trace as a sentence."""
    if not isinstance(step, dict):
        return str(step)
    kind, s = step.get("step"), step
    if kind == "clause":
        return _("Clause: %(title)s") % {"title": s.get("title") or _("incentive clause")}
    if kind == "condition":
        return (_("Condition met: %(fact)s") if s.get("met") else _("Condition not met: %(fact)s")) % {
            "fact": _fact(s.get("fact"))}
    if kind == "not_eligible":
        return _("Not eligible: no award under this clause")
    if kind == "base_missing":
        return _("Not eligible: %(base)s not declared") % {"base": _fact(s.get("base"))}
    if kind == "fixed_award":
        return _("Fixed award: %(amount)s") % {"amount": _cny(s["amount"])}
    if kind == "term":
        return _("%(base)s: %(amount)s × %(rate)s = %(product)s") % {
            "base": _fact(s.get("base")), "amount": _cny(s["amount"]), "rate": _rate(s["rate"]),
            "product": _cny(s["product"])}
    if kind == "sum":
        return _("Sum: %(parts)s = %(total)s") % {"parts": " + ".join(_cny(p) for p in s["parts"]),
                                                  "total": _cny(s["total"])}
    if kind == "cap":
        return _("Cap per application %(cap)s: %(before)s becomes %(cap)s") % {
            "cap": _cny(s["cap"]), "before": _cny(s["before"])}
    if kind == "rounding":
        return _("%(rounding)s: %(before)s → %(amount)s") % {
            "rounding": ROUNDING.get(s.get("rounding"), _("Rounded")), "before": _cny(s["before"]),
            "amount": _cny(s["amount"])}
    if kind == "not_valid":
        return _("A clause not in force on %(date)s is not applied") % {"date": long_date(s.get("on"))}
    if kind == "exclusive":
        return _("Only the highest award of the group is paid: %(amount)s not paid, %(chosen)s applies") % {
            "amount": _cny(s["amount"]), "chosen": _cny(s["chosen_amount"])}
    if kind == "total":
        return _("Total: %(total)s") % {"total": _cny(s["total"])}
    if kind == "clause_changed":
        return _("The application moves to the clause whose award applies: %(title)s") % {
            "title": s.get("title") or _("incentive clause")}
    if kind == "requested":
        return _("Requested: %(amount)s") % {"amount": _cny(s["amount"])}
    if kind == "cap_application":
        return _("Cap per application: %(amount)s") % {"amount": _cny(s["amount"])}
    if kind == "cap_clause_year":
        return _("Cap of this clause per enterprise in %(year)s: %(cap)s, room left %(room)s") % {
            "year": s.get("year"), "cap": _cny(s["cap"]), "room": _cny(s["room"])}
    if kind == "cap_enterprise_year":
        return _("Cap per enterprise in %(year)s: %(cap)s, room left %(room)s") % {
            "year": s.get("year"), "cap": _cny(s["cap"]), "room": _cny(s["room"])}
    if kind == "granted":
        return _("Granted: %(amount)s") % {"amount": _cny(s["amount"])}
    if kind == "adjusted":
        return _("Adjusted by %(person)s: %(before)s → %(amount)s; reason: %(reason)s") % {
            "person": s.get("by", ""), "before": _cny(s["before"]), "amount": _cny(s["amount"]),
            "reason": s.get("reason", "")}
    return _("Calculation step")


def trace_lines(trace) -> list[str]:
    """Every step of a stored trace as a sentence, in order."""
    return [trace_line(step) for step in trace or ()]
