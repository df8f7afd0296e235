"""Business actions on power, relocation and incident cases. Each is atomic and records an audit event (and
notifies the other party) in its transaction.

Who takes which step, from which state, is declared once on the models (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`; in short:

- power cases: the operator or tower company that owns or shares the site applies; the power company named by the
  rule (嘉兴电力局) accepts, surveys, completes or refuses;
- relocation cases: the site's operator (or the programme office) opens and moves them; retiring the old site is
  refused until the replacement site exists and is at least approved;
- incidents: any organization reports (operator, tower company, resource owner); the case is routed by kind to the
  department of the rule; that department assigns, works on and resolves it; the reporter (or the programme office)
  confirms and closes it; the programme office may route it to another department.

The checks here are the business rules (an amount, a required reason, a site that must be another one).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.notifications.messages import choice
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor, is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.formats import yuan
from rollout5g.platform.tenancy import place_region
from rollout5g.platform.workflow import authorize, authorize_create, declared, transition
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site
from rollout5g.sites.services import site_transition, site_update

from .choices import (
    DEFAULT_RULES,
    OPEN_STATES,
    SECURED_SITE_STATES,
    IncidentKind,
    IncidentState,
    PowerKind,
    PowerState,
    RelocationCause,
    RelocationState,
)
from .models import ClockRule, IncidentCase, PowerCase, RelocationCase

#: The cases acting as a process: loading the default rules, and the registry changes a case decides (a conversion
#: sets the site's power supply; a relocation retires the old site) — the case's own audit row names the person.
CASES_PROCESS = SystemActor("cases")

__all__ = ["SECURED_SITE_STATES"]  # re-exported: the pages and the tests name it from here too


class CaseError(ValidationError):
    """A case action refused for a reason the user can fix; the message names the field and the reason."""


# -- rules -------------------------------------------------------------------------------------------------------
def ensure_rules(actor=CASES_PROCESS) -> int:
    """Create the default routing and limits that are missing (idempotent); returns how many were created."""
    have = set(ClockRule.objects.values_list("key", flat=True))
    created = 0
    with transaction.atomic():
        for key, (org_code, limit, warn, description) in DEFAULT_RULES.items():
            if key in have:
                continue
            org = Organization.objects.filter(code=org_code).first() if org_code else None
            if org_code and org is None:
                raise CaseError(_("Rule %(key)s: organization %(org)s is not in the directory.") % {
                    "key": key, "org": org_code})
            rule = ClockRule.objects.create(key=key, organization=org, limit_days=limit, warn_days=warn,
                                            description=description)
            record_event(actor=actor, action=AuditAction.CREATE, obj=rule, after=snapshot(rule))
            created += 1
    return created


def rule_for(key: str) -> ClockRule:
    rule = ClockRule.objects.select_related("organization").filter(key=key).first()
    if rule is None:
        ensure_rules()
        rule = ClockRule.objects.select_related("organization").get(key=key)
    return rule


def rule_update(*, actor, rule: ClockRule, organization: Organization | None = None, limit_days: int | None = None,
                warn_days: int | None = None) -> ClockRule:
    """Change a rule (programme office). Open cases keep the limit they were opened with."""
    authorize(actor, "change", rule)
    with transaction.atomic():
        before = snapshot(rule)
        if organization is not None:
            rule.organization = organization
        if limit_days is not None:
            rule.limit_days = limit_days
        if warn_days is not None:
            rule.warn_days = warn_days
        if rule.limit_days < 1 or rule.warn_days >= rule.limit_days:
            raise CaseError({"limit_days": _("must be at least 1 and more than the warning days")})
        rule.save()
        record_changes(actor=actor, obj=rule, before=before)
    return rule


# -- helpers -----------------------------------------------------------------------------------------------------
def _next_number(model, prefix: str, year: int) -> str:
    return next_code(model=model, field="number", prefix=f"{prefix}-{year}-", width=4)


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CaseError({field: _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}}) from None


def _required(text, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CaseError({field: _("This field is required.")})
    return text


def _money(value, field: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals (never a float)."""
    if isinstance(value, float):
        raise CaseError({field: _("give the amount as a decimal string, not a float")})
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise CaseError({field: _("%(value)s is not an amount") % {"value": value}}) from None
    if not amount.is_finite():
        raise CaseError({field: _("%(value)s is not an amount") % {"value": value}})
    if amount < 0:
        raise CaseError({field: _("must be ≥ 0, got %(amount)s") % {"amount": amount}})
    if amount != amount.quantize(Decimal("0.01")):
        raise CaseError({field: _("at most two decimals (fen), got %(amount)s") % {"amount": amount}})
    return amount.quantize(Decimal("0.01"))


def _step(case, name: str, *, actor, on: dt.date, note: str = "", audit_action: str = AuditAction.TRANSITION,
          **fields):
    """Take the declared step ``name`` on ``case`` on the day ``on``: its state moves (and the case's clock stops if
    the new state is not open); the audit row names the step."""
    target = declared(case, name).target
    if target is not None:
        fields["state_since"] = on
        if target not in OPEN_STATES[case.family]:
            fields["closed_on"] = on
    return transition(case, name, actor=actor, note=note, audit_action=audit_action, **fields)


def _created_by(actor):
    return None if actor is None or is_system(actor) or not actor.pk else actor


def _create(actor, case, *, note: str = ""):
    case.full_clean()
    case.save()
    record_event(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case), note=note)
    return case


def _orgs_of(site: Site) -> set:
    return {site.owner_id, *site.operators.values_list("pk", flat=True)}


def program_office_users():
    from rollout5g.accounts.choices import Role
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


def case_url(case) -> str:
    return reverse("cases:detail", kwargs={"family": case.family, "number": case.number})


# -- power -------------------------------------------------------------------------------------------------------
def power_apply(*, actor, site: Site, kind: str, received_on: dt.date | None = None, capacity_kw=None,
                meter_number: str = "", note: str = "", applicant: Organization | None = None,
                is_synthetic: bool = False) -> PowerCase:
    """An operator or tower company asks the power company for a connection or a conversion of one of its sites."""
    if kind not in PowerKind.values:
        raise CaseError({"kind": _("%(kind)s is not a kind of power case; valid: %(valid)s") % {
            "kind": kind, "valid": "、".join(str(label) for label in PowerKind.labels)}})
    applicant = applicant or getattr(actor, "organization", None)
    if applicant is None:
        raise CaseError({"applicant": _("the applying organization is required")})
    authorize_create(actor, PowerCase, owner=applicant, region=site.region_id)
    if applicant.pk not in _orgs_of(site):
        raise CaseError({"site": _("%(org)s neither owns nor shares site %(site)s") % {"org": applicant, "site": site.code}})
    if site.state == SiteState.RETIRED:
        raise CaseError({"site": _("%(site)s is retired") % {"site": site.code}})
    if kind == PowerKind.CONVERSION and site.power_supply == PowerSupply.DIRECT:
        raise CaseError({"site": _("%(site)s is already on direct supply") % {"site": site.code}})
    if PowerCase.objects.filter(site=site, kind=kind, state__in=OPEN_STATES["power"]).exists():
        raise CaseError({"site": _("%(site)s already has an open %(kind)s case") % {
            "site": site.code, "kind": PowerKind(kind).label}})
    if capacity_kw not in (None, ""):
        try:
            capacity_kw = Decimal(str(capacity_kw))
        except InvalidOperation:
            raise CaseError({"capacity_kw": _("%(value)s is not a number") % {"value": capacity_kw}}) from None
        if capacity_kw <= 0:
            raise CaseError({"capacity_kw": _("must be > 0")})
    else:
        capacity_kw = None
    received_on = _date(received_on or dt.date.today(), "received_on")
    rule = rule_for(f"power.{kind}")
    with transaction.atomic():
        case = PowerCase(number=_next_number(PowerCase, "PWR", received_on.year), kind=kind, site=site,
                         applicant=applicant, handler=rule.organization, received_on=received_on,
                         limit_days=rule.limit_days, warn_days=rule.warn_days, state_since=received_on,
                         capacity_kw=capacity_kw, meter_number=meter_number.strip(), note=note,
                         created_by=_created_by(actor), is_synthetic=is_synthetic)
        _create(actor, case, note=note)
        notify(message=gettext_noop("%(number)s: %(kind)s %(site)s"), level="info",
               params={"number": case.number, "kind": choice(PowerCase, "kind", case.kind), "site": site.code},
               body_message=gettext_noop("%(applicant)s applied on %(on)s"),
               body_params={"applicant": str(applicant), "on": received_on}, url=case_url(case), organizations=[case.handler],
               key=f"cases:power:{case.pk}:applied")
    return case


def _power_step(actor, case: PowerCase, name: str, on, note: str, **fields) -> PowerCase:
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        case = _step(case, name, actor=actor, on=on, note=note, **fields)
        notify(message=gettext_noop("%(number)s: %(state)s"), body=note, url=case_url(case),
               params={"number": case.number, "state": choice(PowerCase, "state", case.state)},
               level="warning" if case.state == PowerState.REFUSED else "info",
               organizations=[case.applicant], key=f"cases:power:{case.pk}:{case.state}")
    return case


def power_accept(*, actor, case: PowerCase, on=None, note: str = "") -> PowerCase:
    return _power_step(actor, case, "accept", on, note)


def power_survey(*, actor, case: PowerCase, on=None, note: str = "") -> PowerCase:
    on = _date(on or dt.date.today(), "on")
    return _power_step(actor, case, "survey", on, note, survey_on=on)


def power_refuse(*, actor, case: PowerCase, reason: str, on=None) -> PowerCase:
    authorize(actor, "refuse", case)
    reason = _required(reason, "reason")
    return _power_step(actor, case, "refuse", on, reason, refusal_reason=reason)


def power_complete(*, actor, case: PowerCase, on=None, meter_number: str = "", note: str = "") -> PowerCase:
    """Connected, or converted: a conversion needs the new electricity account (one household one meter) and sets
    the registry site's power supply to direct; a connection sets it to direct too unless it is already known."""
    authorize(actor, "complete", case)
    meter_number = (meter_number or case.meter_number).strip()
    if case.kind == PowerKind.CONVERSION and not meter_number:
        raise CaseError({"meter_number": _("a conversion needs the site's own electricity account (一户一表)")})
    with transaction.atomic():
        case = _power_step(actor, case, "complete", on, note, meter_number=meter_number)
        site = Site.objects.get(pk=case.site_id)
        if case.kind == PowerKind.CONVERSION or site.power_supply == PowerSupply.UNKNOWN:
            # The power company may not change registry sites itself: the case is the authority, and the case's
            # own audit event names the person who completed it.
            site_update(actor=CASES_PROCESS, site=site, power_supply=PowerSupply.DIRECT)
    return case


# -- relocation --------------------------------------------------------------------------------------------------
def _operator_of(site: Site, actor) -> Organization:
    """The operator a relocation case belongs to: the actor's organization, or the site's owner when the programme
    office (or a process) records it."""
    if getattr(actor, "organization_id", None) and not actor.is_program_office:
        return actor.organization
    return site.owner


def _open_relocation(actor, site: Site | None) -> Organization:
    if site is None:
        raise CaseError({"site": _("Choose the site to relocate.")})
    operator = _operator_of(site, actor)
    authorize_create(actor, RelocationCase, owner=operator, region=site.region_id)
    if operator.pk not in _orgs_of(site):
        raise CaseError({"site": _("%(org)s neither owns nor shares site %(site)s") % {"org": operator, "site": site.code}})
    return operator


def relocation_open(*, actor, site: Site, cause: str, notice_date, demanding_party: str, project: str = "",
                    demanding_organization: Organization | None = None, demolition_date=None, note: str = "",
                    is_synthetic: bool = False) -> RelocationCase:
    """Record a demand to move a site (demolition, renovation, a major project)."""
    operator = _open_relocation(actor, site)
    if cause not in RelocationCause.values:
        raise CaseError({"cause": _("%(cause)s is not a cause of relocation; valid: %(valid)s") % {
            "cause": cause, "valid": "、".join(str(label) for label in RelocationCause.labels)}})
    demanding_party = _required(demanding_party, "demanding_party")
    notice_date = _date(notice_date, "notice_date")
    demolition_date = _date(demolition_date, "demolition_date") if demolition_date else None
    if demolition_date and demolition_date < notice_date:
        raise CaseError({"demolition_date": _("before the notice date")})
    if site.state == SiteState.RETIRED:
        raise CaseError({"site": _("%(site)s is already retired; record it as demolished earlier instead") % {
            "site": site.code}})
    if RelocationCase.objects.filter(site=site, state__in=[RelocationState.NOTIFIED, RelocationState.AGREED,
                                                           RelocationState.SECURED]).exists():
        raise CaseError({"site": _("%(site)s already has an open relocation case") % {"site": site.code}})
    rule = rule_for("relocation.replacement")
    rebuild = rule_for("relocation.rebuild")
    with transaction.atomic():
        case = RelocationCase(
            number=_next_number(RelocationCase, "REL", notice_date.year), site=site, operator=operator, cause=cause,
            project=project, demanding_party=demanding_party, demanding_organization=demanding_organization,
            notice_date=notice_date, demolition_date=demolition_date, received_on=notice_date,
            limit_days=rule.limit_days, warn_days=rule.warn_days, rebuild_limit_days=rebuild.limit_days,
            state_since=notice_date, note=note, created_by=_created_by(actor), is_synthetic=is_synthetic)
        _create(actor, case, note=note)
        notify(message=gettext_noop("%(number)s: %(site)s must move (%(cause)s)"), body=demanding_party,
               params={"number": case.number, "site": site.code,
                       "cause": choice(RelocationCase, "cause", case.cause)},
               url=case_url(case), organizations=[operator], users=program_office_users(),
               key=f"cases:relocation:{case.pk}:opened")
    return case


def relocation_agree_compensation(*, actor, case: RelocationCase, amount, basis: str, on=None) -> RelocationCase:
    """Record the agreed compensation: an amount in yuan (a decimal ≥ 0) and its basis (agreement, valuation).
    A case that was only notified moves to "compensation agreed"."""
    authorize(actor, "compensation", case)
    amount = _money(amount, "compensation_amount")
    basis = _required(basis, "compensation_basis")
    on = _date(on or dt.date.today(), "on")
    fields = {"compensation_amount": amount, "compensation_basis": basis}
    if case.state == RelocationState.NOTIFIED:
        fields.update(state=RelocationState.AGREED, state_since=on)
    return transition(case, "compensation", actor=actor, note=_("compensation %(amount)s") % {"amount": yuan(amount, 2)},
                      audit_action=AuditAction.UPDATE, **fields)


def relocation_secure_replacement(*, actor, case: RelocationCase, replacement: Site, on=None,
                                  note: str = "") -> RelocationCase:
    """Link the replacement site; it must exist in the registry and be at least approved."""
    authorize(actor, "secure", case)
    if replacement is None:
        raise CaseError({"replacement_site": _("name the replacement site")})
    if replacement.pk == case.site_id:
        raise CaseError({"replacement_site": _("the replacement must be another site")})
    if replacement.state not in SECURED_SITE_STATES:
        raise CaseError({"replacement_site": _("%(site)s is %(state)s; a replacement must be approved, building or "
                                               "on air") % {"site": replacement.code,
                                                            "state": replacement.get_state_display()}})
    on = _date(on or dt.date.today(), "on")
    return _step(case, "secure", actor=actor, on=on, note=note, replacement_site=replacement)


def relocation_remove_old(*, actor, case: RelocationCase, on=None, note: str = "") -> RelocationCase:
    """Retire the old site. Refused before the replacement site exists and is at least approved (Jiaxing 二(一)3:
    the new site is secured before the old one goes) — a condition of the declared step."""
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        case = _step(case, "remove", actor=actor, on=on, note=note, removed_on=on)
        replacement = Site.objects.get(pk=case.replacement_site_id)
        old = Site.objects.get(pk=case.site_id)
        if old.state != SiteState.RETIRED:
            site_transition(actor=CASES_PROCESS, site=old, to_state=SiteState.RETIRED, on=on,
                            note=_("%(number)s: relocated to %(site)s") % {
                                "number": case.number, "site": replacement.code})
        if replacement.state == SiteState.ON_AIR:
            case = _step(case, "rebuilt", actor=actor, on=on, note=_("%(site)s already on air") % {
                "site": replacement.code})
    return case


def relocation_record_demolished(*, actor, site: Site, demolished_on, cause: str, demanding_party: str,
                                 rebuild_due=None, project: str = "", note: str = "",
                                 is_synthetic: bool = False) -> RelocationCase:
    """A site demolished earlier without a replacement, which must be rebuilt: the case starts at "removed" and its
    clock runs to the agreed rebuild date (or the rebuild limit in working days after the demolition)."""
    operator = _open_relocation(actor, site)
    if cause not in RelocationCause.values:
        raise CaseError({"cause": _("%(cause)s is not a cause of relocation; valid: %(valid)s") % {
            "cause": cause, "valid": "、".join(str(label) for label in RelocationCause.labels)}})
    demanding_party = _required(demanding_party, "demanding_party")
    demolished_on = _date(demolished_on, "demolished_on")
    rebuild_due = _date(rebuild_due, "rebuild_due") if rebuild_due else None
    if rebuild_due and rebuild_due < demolished_on:
        raise CaseError({"rebuild_due": _("before the demolition")})
    rule = rule_for("relocation.rebuild")
    with transaction.atomic():
        if site.state != SiteState.RETIRED:
            site_transition(actor=CASES_PROCESS, site=site, to_state=SiteState.RETIRED, on=demolished_on,
                            note=_("demolished without a replacement"))
        case = RelocationCase(
            number=_next_number(RelocationCase, "REL", demolished_on.year), site=site, operator=operator,
            cause=cause, project=project, demanding_party=demanding_party, notice_date=demolished_on,
            received_on=demolished_on, limit_days=rule.limit_days, warn_days=rule.warn_days,
            rebuild_limit_days=rule.limit_days, rebuild_due=rebuild_due, removed_on=demolished_on,
            demolished_earlier=True, state=RelocationState.REMOVED, state_since=demolished_on, note=note,
            created_by=_created_by(actor), is_synthetic=is_synthetic)
        _create(actor, case, note=note)
    return case


def relocation_rebuilt(*, actor, case: RelocationCase, replacement: Site | None = None, on=None,
                       note: str = "") -> RelocationCase:
    """Close the case once the replacement (given here for a site demolished earlier) is on air."""
    authorize(actor, "rebuilt", case)
    on = _date(on or dt.date.today(), "on")
    site = replacement or Site.objects.filter(pk=case.replacement_site_id).first()
    if site is None:
        raise CaseError({"replacement_site": _("name the site that replaces the old one")})
    if site.state != SiteState.ON_AIR:
        raise CaseError({"replacement_site": _("%(site)s is %(state)s, not on air yet") % {
            "site": site.code, "state": site.get_state_display()}})
    return _step(case, "rebuilt", actor=actor, on=on, note=note, replacement_site=site)


def relocation_cancel(*, actor, case: RelocationCase, reason: str, on=None) -> RelocationCase:
    authorize(actor, "cancel", case)
    reason = _required(reason, "reason")
    on = _date(on or dt.date.today(), "on")
    return _step(case, "cancel", actor=actor, on=on, note=reason)


# -- incidents ---------------------------------------------------------------------------------------------------
def incident_report(*, actor, kind: str, description: str, occurred_on=None, site: Site | None = None,
                    location: str = "", fee_amount=None, reported_on=None, reporter: Organization | None = None,
                    region=None, is_synthetic: bool = False) -> IncidentCase:
    """Report an incident; it is routed by kind to the department of the rule, whose clock starts today. Its region
    is the site's, or ``region`` (a Region or an adcode in the actor's scope) without a site, or the actor's city."""
    if kind not in IncidentKind.values:
        raise CaseError({"kind": _("%(kind)s is not a kind of incident; valid: %(valid)s") % {
            "kind": kind, "valid": "、".join(str(label) for label in IncidentKind.labels)}})
    reporter = reporter or getattr(actor, "organization", None)
    if reporter is None:
        raise CaseError({"reporter": _("the reporting organization is required")})
    region = place_region(actor, site=site, region=region)
    authorize_create(actor, IncidentCase, owner=reporter, region=region)
    description = _required(description, "description")
    reported_on = _date(reported_on or dt.date.today(), "reported_on")
    occurred_on = _date(occurred_on or reported_on, "occurred_on")
    if occurred_on > reported_on:
        raise CaseError({"occurred_on": _("after the day of the report")})
    if kind == IncidentKind.FEES:
        if fee_amount in (None, ""):
            raise CaseError({"fee_amount": _("state the fee demanded (CNY)")})
        fee_amount = _money(fee_amount, "fee_amount")
    elif fee_amount not in (None, ""):
        fee_amount = _money(fee_amount, "fee_amount")
    else:
        fee_amount = None
    if site is None and not location.strip():
        raise CaseError({"location": _("name the site or the place")})
    rule = rule_for(f"incident.{kind}")
    if rule.organization is None:
        raise CaseError({"kind": _("the rule incident.%(kind)s names no department") % {"kind": kind}})
    with transaction.atomic():
        case = IncidentCase(
            number=_next_number(IncidentCase, "INC", reported_on.year), kind=kind, site=site, region_id=region,
            reporter=reporter,
            department=rule.organization, occurred_on=occurred_on, location=location.strip()[:200],
            description=description, fee_amount=fee_amount, received_on=reported_on, limit_days=rule.limit_days,
            warn_days=rule.warn_days, state_since=reported_on, created_by=_created_by(actor),
            is_synthetic=is_synthetic)
        _create(actor, case, note=_("routed to %(org)s") % {"org": rule.organization})
        notify(message=gettext_noop("%(number)s: %(kind)s"), body=description[:500], url=case_url(case),
               params={"number": case.number, "kind": choice(IncidentCase, "kind", case.kind)},
               level="warning", organizations=[case.department], key=f"cases:incident:{case.pk}:reported")
    return case


def incident_reroute(*, actor, case: IncidentCase, department: Organization, reason: str) -> IncidentCase:
    """The programme office sends the case to another department (the clock keeps running)."""
    authorize(actor, "reroute", case)
    reason = _required(reason, "reason")
    if department.kind not in ("government_department", "utility"):
        raise CaseError({"department": _("%(department)s is not a government department") % {"department": department}})
    with transaction.atomic():
        case = transition(case, "reroute", actor=actor, note=reason, audit_action=AuditAction.UPDATE,
                          department=department, handler_name="")
        notify(message=gettext_noop("%(number)s: %(kind)s"), body=reason, url=case_url(case),
               params={"number": case.number, "kind": choice(IncidentCase, "kind", case.kind)},
               level="warning", organizations=[department], key=f"cases:incident:{case.pk}:routed:{department.pk}")
    return case


def _incident_step(actor, case, name, on, note, **fields):
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        case = _step(case, name, actor=actor, on=on, note=note, **fields)
        notify(message=gettext_noop("%(number)s: %(state)s"), body=note, url=case_url(case),
               params={"number": case.number, "state": choice(type(case), "state", case.state)},
               organizations=[case.reporter], key=f"cases:incident:{case.pk}:{case.state}")
    return case


def incident_assign(*, actor, case: IncidentCase, handler_name: str, on=None, note: str = "") -> IncidentCase:
    """The department takes the case and names the person who handles it."""
    authorize(actor, "assign", case)
    handler_name = _required(handler_name, "handler_name")
    return _incident_step(actor, case, "assign", on, note, handler_name=handler_name[:100])


def incident_start(*, actor, case: IncidentCase, on=None, note: str = "") -> IncidentCase:
    return _incident_step(actor, case, "start", on, note)


def incident_resolve(*, actor, case: IncidentCase, outcome: str, on=None) -> IncidentCase:
    authorize(actor, "resolve", case)
    outcome = _required(outcome, "outcome")
    return _incident_step(actor, case, "resolve", on, outcome, outcome=outcome)


def incident_close(*, actor, case: IncidentCase, outcome: str = "", on=None) -> IncidentCase:
    """Close a case: the reporter (or the department, or the office) confirms a resolved case ("confirm"); the
    department or the office closes any open case with an outcome, e.g. no grounds found ("close")."""
    if case.state == IncidentState.RESOLVED:
        authorize(actor, "confirm", case)
        return _incident_step(actor, case, "confirm", on, (outcome or "").strip() or case.outcome,
                              outcome=(outcome or "").strip() or case.outcome)
    authorize(actor, "close", case)
    outcome = _required(outcome, "outcome")
    return _incident_step(actor, case, "close", on, outcome, outcome=outcome)
