"""The forms of the declared case steps, shared by the pages and the API: which service a step calls and which
fields it takes. Who may take a step, and from which state, is the model's declaration
(``access_policy.actions``, checked by :mod:`rollout5g.platform.workflow`); this module only collects input."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import available_actions, declared
from rollout5g.sites.models import Site

from . import services
from .models import IncidentCase, PowerCase, RelocationCase


@dataclass(frozen=True)
class StepForm:
    """The input of one declared step: its fields (required first, then optional)."""

    name: str
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offered:
    """A step offered on a page: its declared label and its form."""

    name: str
    label: str
    form: StepForm


FAMILIES = {
    "power": PowerCase,
    "relocation": RelocationCase,
    "incident": IncidentCase,
}

FORMS: dict[str, dict[str, StepForm]] = {
    "power": {
        "accept": StepForm("accept", ("on", "note")),
        "survey": StepForm("survey", ("on", "note")),
        "complete": StepForm("complete", ("meter_number", "on", "note")),
        "refuse": StepForm("refuse", ("reason", "on"), ("reason",)),
    },
    "relocation": {
        "compensation": StepForm("compensation", ("amount", "basis", "on"), ("amount", "basis")),
        "secure": StepForm("secure", ("replacement", "on", "note"), ("replacement",)),
        "remove": StepForm("remove", ("on", "note")),
        "rebuilt": StepForm("rebuilt", ("replacement", "on", "note")),
        "cancel": StepForm("cancel", ("reason", "on"), ("reason",)),
    },
    "incident": {
        "assign": StepForm("assign", ("handler_name", "on", "note"), ("handler_name",)),
        "start": StepForm("start", ("on", "note")),
        "resolve": StepForm("resolve", ("outcome", "on"), ("outcome",)),
        "confirm": StepForm("confirm", ("outcome", "on")),
        "close": StepForm("close", ("outcome", "on"), ("outcome",)),
        "reroute": StepForm("reroute", ("department", "reason"), ("department", "reason")),
    },
}

FIELD_LABELS = {
    "on": _("On"), "note": _("Note"), "reason": _("Reason"), "meter_number": _("Electricity account (户号)"),
    "amount": _("Compensation [CNY]"), "basis": _("Basis"), "replacement": _("Replacement site code"),
    "handler_name": _("Handled by (person)"), "outcome": _("Outcome"), "department": _("Department"),
}


def available(user, case) -> list[Offered]:
    """The steps the page offers ``user`` on ``case`` now: those the declaration allows (role, organization, state,
    condition), in the order of the forms."""
    forms = FORMS[case.family]
    allowed = available_actions(user, case, forms)
    return [Offered(name, declared(case, name).label, form) for name, form in forms.items() if allowed[name]]


def perform(user, case, name: str, data) -> object:
    """Run step ``name`` on ``case`` with the submitted ``data`` (a dict of strings); returns the case.

    Raises services.CaseError for bad input (the message names the field); the declared checks raise
    ActionRefused (403) and ActionUnavailable (the wrong state)."""
    family = case.family
    form = FORMS[family].get(name)
    if form is None:
        raise services.CaseError({"action": _("%(name)s is not an action of this case") % {"name": name}})
    values = {f: (data.get(f) or "").strip() if isinstance(data.get(f), str) or data.get(f) is None else data.get(f)
              for f in form.fields}
    for field in form.required:
        if values.get(field) in ("", None):
            raise services.CaseError({field: _("This field is required.")})
    on = values.get("on") or None
    if "replacement" in values and values["replacement"]:
        site = Site.objects.restrict(user).filter(code=values["replacement"]).first()
        if site is None:
            raise services.CaseError({"replacement": _("No site %(code)s that you may see.") % {"code": values["replacement"]}})
        values["replacement"] = site
    else:
        values["replacement"] = None
    if family == "power":
        if name == "accept":
            return services.power_accept(actor=user, case=case, on=on, note=values["note"])
        if name == "survey":
            return services.power_survey(actor=user, case=case, on=on, note=values["note"])
        if name == "complete":
            return services.power_complete(actor=user, case=case, on=on, meter_number=values["meter_number"],
                                           note=values["note"])
        return services.power_refuse(actor=user, case=case, reason=values["reason"], on=on)
    if family == "relocation":
        if name == "compensation":
            return services.relocation_agree_compensation(actor=user, case=case, amount=values["amount"],
                                                          basis=values["basis"], on=on)
        if name == "secure":
            return services.relocation_secure_replacement(actor=user, case=case, replacement=values["replacement"],
                                                          on=on, note=values["note"])
        if name == "remove":
            return services.relocation_remove_old(actor=user, case=case, on=on, note=values["note"])
        if name == "rebuilt":
            return services.relocation_rebuilt(actor=user, case=case, replacement=values["replacement"], on=on,
                                               note=values["note"])
        return services.relocation_cancel(actor=user, case=case, reason=values["reason"], on=on)
    if name == "assign":
        return services.incident_assign(actor=user, case=case, handler_name=values["handler_name"], on=on,
                                        note=values["note"])
    if name == "start":
        return services.incident_start(actor=user, case=case, on=on, note=values["note"])
    if name == "resolve":
        return services.incident_resolve(actor=user, case=case, outcome=values["outcome"], on=on)
    if name in ("close", "confirm"):
        return services.incident_close(actor=user, case=case, outcome=values["outcome"], on=on)
    department = Organization.objects.filter(code=values["department"]).first()
    if department is None:
        raise services.CaseError({"department": _("No organization with the code %(code)s.") % {"code": values["department"]}})
    return services.incident_reroute(actor=user, case=case, department=department, reason=values["reason"])


__all__ = ["FAMILIES", "FIELD_LABELS", "FORMS", "available", "perform"]
