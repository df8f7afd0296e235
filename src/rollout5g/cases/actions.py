"""The transitions of each case family as one table, shared by the pages and the API: which service an action
calls, which fields it takes, and who is offered it in the page (the service checks again, it is the authority)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.sites.models import Site

from . import services
from .choices import (
    INCIDENT_TRANSITIONS,
    POWER_TRANSITIONS,
    RELOCATION_TRANSITIONS,
    IncidentState,
    PowerState,
    RelocationState,
)
from .models import IncidentCase, PowerCase, RelocationCase


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    to_state: str | None  # None: no state change required (compensation)
    fields: tuple[str, ...]  # required first, then optional
    required: tuple[str, ...]
    party: str  # attribute naming the organization offered the action ("office" = programme office only)


FAMILIES = {
    "power": PowerCase,
    "relocation": RelocationCase,
    "incident": IncidentCase,
}

ACTIONS: dict[str, dict[str, Action]] = {
    "power": {
        "accept": Action("accept", _("Accept"), PowerState.ACCEPTED, ("on", "note"), (), "handler"),
        "survey": Action("survey", _("Record the survey"), PowerState.SURVEYED, ("on", "note"), (), "handler"),
        "complete": Action("complete", _("Connected / converted"), PowerState.COMPLETED,
                           ("meter_number", "on", "note"), (), "handler"),
        "refuse": Action("refuse", _("Refuse"), PowerState.REFUSED, ("reason", "on"), ("reason",), "handler"),
    },
    "relocation": {
        "compensation": Action("compensation", _("Record the compensation"), None, ("amount", "basis", "on"),
                               ("amount", "basis"), "operator"),
        "secure": Action("secure", _("Secure the replacement site"), RelocationState.SECURED,
                         ("replacement", "on", "note"), ("replacement",), "operator"),
        "remove": Action("remove", _("Retire the old site"), RelocationState.REMOVED, ("on", "note"), (),
                         "operator"),
        "rebuilt": Action("rebuilt", _("Replacement on air"), RelocationState.REBUILT, ("replacement", "on", "note"),
                          (), "operator"),
        "cancel": Action("cancel", _("Cancel"), RelocationState.CANCELLED, ("reason", "on"), ("reason",), "operator"),
    },
    "incident": {
        "assign": Action("assign", _("Assign"), IncidentState.ASSIGNED, ("handler_name", "on", "note"),
                         ("handler_name",), "department"),
        "start": Action("start", _("Start work"), IncidentState.IN_PROGRESS, ("on", "note"), (), "department"),
        "resolve": Action("resolve", _("Resolve"), IncidentState.RESOLVED, ("outcome", "on"), ("outcome",),
                          "department"),
        "close": Action("close", _("Close"), IncidentState.CLOSED, ("outcome", "on"), (), "department"),
        "reroute": Action("reroute", _("Route to another department"), None, ("department", "reason"),
                          ("department", "reason"), "office"),
    },
}

TRANSITIONS = {"power": POWER_TRANSITIONS, "relocation": RELOCATION_TRANSITIONS, "incident": INCIDENT_TRANSITIONS}

FIELD_LABELS = {
    "on": _("On"), "note": _("Note"), "reason": _("Reason"), "meter_number": _("Electricity account (户号)"),
    "amount": _("Compensation [CNY]"), "basis": _("Basis"), "replacement": _("Replacement site code"),
    "handler_name": _("Handled by (person)"), "outcome": _("Outcome"), "department": _("Department"),
}


def available(user, case) -> list[Action]:
    """The actions the page offers ``user`` on ``case`` now."""
    family = case.family
    office = user.is_superuser or user.is_program_office
    out = []
    for action in ACTIONS[family].values():
        if action.to_state is not None and action.to_state not in TRANSITIONS[family][case.state]:
            continue
        if action.to_state is None and not case.is_open:
            continue
        if action.party == "office":
            if office:
                out.append(action)
            continue
        org_id = getattr(case, f"{action.party}_id")
        member = user.is_superuser or user.organization_id == org_id
        if family == "relocation" and office:
            member = True
        if family == "incident" and action.name == "close" and case.state == IncidentState.RESOLVED:
            member = member or office or user.organization_id == case.reporter_id
        elif family == "incident" and office:
            member = True
        if member:
            out.append(action)
    return out


def perform(user, case, name: str, data) -> object:
    """Run action ``name`` on ``case`` with the submitted ``data`` (a dict of strings); returns the case.

    Raises services.CaseError for bad input (the message names the field) and PermissionDenied."""
    family = case.family
    action = ACTIONS[family].get(name)
    if action is None:
        raise services.CaseError(f"action: {name!r} is not one of {', '.join(ACTIONS[family])}")
    values = {f: (data.get(f) or "").strip() if isinstance(data.get(f), str) or data.get(f) is None else data.get(f)
              for f in action.fields}
    for field in action.required:
        if values.get(field) in ("", None):
            raise services.CaseError(f"{field}: required")
    on = values.get("on") or None
    if "replacement" in values and values["replacement"]:
        site = Site.objects.restrict(user).filter(code=values["replacement"]).first()
        if site is None:
            raise services.CaseError(f"replacement: no site {values['replacement']!r} that you may see")
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
    if name == "close":
        return services.incident_close(actor=user, case=case, outcome=values["outcome"], on=on)
    department = Organization.objects.filter(code=values["department"]).first()
    if department is None:
        raise services.CaseError(f"department: no organization with code {values['department']!r}")
    return services.incident_reroute(actor=user, case=case, department=department, reason=values["reason"])


__all__ = ["ACTIONS", "FAMILIES", "FIELD_LABELS", "PermissionDenied", "available", "perform"]
