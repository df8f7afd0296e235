"""Business actions of the security of critical 5G facilities. Each is keyword-only and atomic, validates its input
(a ``ValidationError`` naming the field, nothing written) and records its audit row in its transaction. Who takes
which step from which state is declared once on the models (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`:

- an operator registers its critical facility (a site of the registry, a core network room, a transmission node)
  with its criticality; the security units (cyberspace office, police, communications administration, from the
  policy data) are stored on it and notified; the first assessment falls due;
- the operator or a security unit records a data-security risk assessment with its findings (risk level, measure);
  the re-assessment falls due after the interval of the facility's criticality (or earlier, as the assessor says);
- the cyberspace office or the communications administration sets the criticality; the operator retires a facility;
- a sensitive event is detected (by the operator or a security unit); the cyberspace office or the communications
  administration warns, a security unit analyses, the operator or the police responds (the working-day clock set by
  the severity stops), the cyberspace office closes it. Each step notifies the facility's responsible units.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event, snapshot
from rollout5g.notifications.messages import choice
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.access import can
from rollout5g.platform.actors import is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.workflow import ActionRefused, authorize, authorize_create, transition
from rollout5g.regions.models import Region
from rollout5g.sites.models import Site

from .choices import (
    FIRST_MONTHS,
    OPERATOR_KINDS,
    REASSESS_MONTHS,
    RESPONSE_DAYS,
    Criticality,
    EventCategory,
    EventSource,
    FacilityKind,
    RiskLevel,
    Severity,
)
from .models import AssessmentFinding, CriticalFacility, SecurityAssessment, SecurityEvent
from .selectors import add_months, security_units

RISK_ORDER = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _user(actor):
    return None if is_system(actor) or not getattr(actor, "pk", None) else actor


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise _error(field, _("required"))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    if limit and len(text) > limit:
        raise _error(field, _("at most %(n)s characters") % {"n": limit})
    return text


def _choice(value, choices, field: str) -> str:
    value = str(value or "").strip()
    if value not in choices.values:
        raise _error(field, _("%(value)s is not one of: %(labels)s") % {
            "value": value or "—", "labels": "、".join(str(label) for label in choices.labels)})
    return value


def _coordinate(value, field: str, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise _error(field, _("%(value)s is not a number") % {"value": value}) from None
    if not low <= number <= high:
        raise _error(field, _("between %(low)s and %(high)s") % {"low": low, "high": high})
    return number


def facility_url(facility) -> str:
    return reverse("safeguard:facility", kwargs={"code": facility.code})


def event_url(event) -> str:
    return reverse("safeguard:event", kwargs={"code": event.code})


def _label(org: Organization) -> str:
    return org.short_name or org.name


# -- facilities --------------------------------------------------------------------------------------------------
def facility_register(*, actor, name: str, kind: str, criticality: str, site=None, region=None, address: str = "",
                      lon=None, lat=None, protection: str = "", operator: Organization | None = None,
                      registered_on=None, is_synthetic: bool = False) -> CriticalFacility:
    """An operator registers one of its critical facilities. A site names its registry site (a Site or its code;
    one the operator owns or shares) and takes its place from it; a core room or transmission node gives its county,
    address and coordinates. The security units are stored on it and notified."""
    operator = operator or getattr(actor, "organization", None)
    authorize_create(actor, CriticalFacility, owner=operator)
    if operator is None or operator.kind not in OPERATOR_KINDS:
        raise _error("operator", _("only an operator or the tower company registers its facilities"))
    name = _text(name, "name", limit=150)
    kind = _choice(kind, FacilityKind, "kind")
    criticality = _choice(criticality, Criticality, "criticality")
    registered_on = _date(registered_on, "registered_on", required=False) or timezone.localdate()
    address = _text(address, "address", required=False, limit=300)
    if kind == FacilityKind.SITE:
        if site in (None, ""):
            raise _error("site", _("a site facility names its registry site"))
        if not isinstance(site, Site):
            code = str(site).strip()
            site = Site.objects.filter(code=code).first()
            if site is None:
                raise _error("site", _("no site %(codes)s") % {"codes": code})
        if site.owner_id != operator.pk and not site.operators.filter(pk=operator.pk).exists():
            raise _error("site", _("site %(code)s is not one of yours") % {"code": site.code})
        if CriticalFacility.objects.filter(site=site, operator=operator, state="active").exists():
            raise _error("site", _("site %(code)s is registered already") % {"code": site.code})
        region, lon, lat, address = site.region, site.lon, site.lat, address or site.address
    else:
        site = None
        if not isinstance(region, Region):
            region = Region.objects.filter(pk=str(region or "").strip()).first()
            if region is None:
                raise _error("region", _("required"))
        lon = _coordinate(lon, "lon", -180, 180)
        lat = _coordinate(lat, "lat", -90, 90)
    units = security_units()
    if not units.complete:
        raise _error("operator", _("the policy data names no cyberspace office, police or communications "
                                   "administration for the security task"))
    with transaction.atomic():
        facility = CriticalFacility(
            code=next_code(model=CriticalFacility, prefix="GJ-", width=4), name=name, kind=kind,
            criticality=criticality, operator=operator, site=site, region=region, address=address, lon=lon, lat=lat,
            protection=_text(protection, "protection", required=False), registered_on=registered_on,
            assessment_due=add_months(registered_on, FIRST_MONTHS), cyberspace_office=units.cyberspace_office,
            police=units.police, comms_admin=units.comms_admin, created_by=_user(actor), is_synthetic=is_synthetic)
        facility.full_clean()
        facility.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=facility, after=snapshot(facility))
        notify(message=gettext_noop("%(code)s: critical facility registered by %(operator)s (%(level)s)"),
               params={"code": facility.code, "operator": _label(operator),
                       "level": choice(CriticalFacility, "criticality", facility.criticality)},
               url=facility_url(facility), organizations=[units.cyberspace_office, units.comms_admin],
               key=f"safeguard:facility:{facility.pk}:registered")
    return facility


def facility_rate(*, actor, facility: CriticalFacility, criticality: str, note: str) -> CriticalFacility:
    """The cyberspace office or the communications administration sets the criticality; a higher one brings the
    re-assessment forward (never later than it was)."""
    authorize(actor, "rate", facility)
    criticality = _choice(criticality, Criticality, "criticality")
    note = _text(note, "note")
    last = facility.assessments.order_by("-assessed_on").first()
    start = last.assessed_on if last else facility.registered_on
    months = REASSESS_MONTHS[criticality] if last else FIRST_MONTHS
    due = min(facility.assessment_due, add_months(start, months))
    with transaction.atomic():
        facility = transition(facility, "rate", actor=actor, note=note, criticality=criticality, assessment_due=due)
        notify(message=gettext_noop("%(code)s: criticality set to %(level)s"),
               params={"code": facility.code, "level": choice(CriticalFacility, "criticality", facility.criticality)},
               body=note, url=facility_url(facility), organizations=[facility.operator],
               key=f"safeguard:facility:{facility.pk}:rated:{timezone.now().isoformat()}")
    return facility


def facility_retire(*, actor, facility: CriticalFacility, note: str) -> CriticalFacility:
    """The operator retires a facility (taken out of service); its assessment clock stops."""
    authorize(actor, "retire", facility)
    return transition(facility, "retire", actor=actor, note=_text(note, "note"))


def assessment_record(*, actor, facility: CriticalFacility, assessor_name: str, assessed_on, scope: str,
                      findings: list[dict], next_due=None, is_synthetic: bool = False) -> SecurityAssessment:
    """The operator or a security unit records a data-security risk assessment: who assessed, when, the scope and
    the findings (each ``{"severity", "description", "measure"}``; none when nothing was found). The next one is
    due after the interval of the facility's criticality, or on ``next_due`` when the assessor sets it earlier."""
    authorize(actor, "assess", facility)
    assessor_name = _text(assessor_name, "assessor_name", limit=150)
    assessed_on = _date(assessed_on, "assessed_on")
    today = timezone.localdate()
    if assessed_on > today or assessed_on < facility.registered_on - dt.timedelta(days=3 * 365):
        raise _error("assessed_on", _("a day in the last three years, not after today"))
    scope = _text(scope, "scope")
    latest = add_months(assessed_on, REASSESS_MONTHS[facility.criticality])
    next_due = _date(next_due, "next_due", required=False) or latest
    if not assessed_on < next_due <= latest:
        raise _error("next_due", _("after the assessment and at most %(months)s months later (%(date)s)") % {
            "months": REASSESS_MONTHS[facility.criticality], "date": latest.isoformat()})
    rows = []
    for i, finding in enumerate(findings or []):
        description = _text(finding.get("description"), f"findings[{i}].description")
        rows.append(AssessmentFinding(severity=_choice(finding.get("severity"), RiskLevel, f"findings[{i}].severity"),
                                      description=description,
                                      measure=_text(finding.get("measure"), f"findings[{i}].measure"),
                                      sort_order=i + 1))
    conclusion = next((level for level in RISK_ORDER if any(r.severity == level for r in rows)), "")
    organization = getattr(actor, "organization", None) or facility.operator
    with transaction.atomic():
        assessment = SecurityAssessment(
            code=next_code(model=SecurityAssessment, prefix=f"PG-{assessed_on.year}-", width=4), facility=facility,
            assessor=organization, assessor_name=assessor_name, assessed_on=assessed_on, scope=scope,
            conclusion=conclusion, next_due=next_due, recorded_by=_user(actor), is_synthetic=is_synthetic)
        assessment.full_clean()
        assessment.save()
        for row in rows:
            row.assessment = assessment
            row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=assessment,
                     after={**snapshot(assessment), "findings": [snapshot(r) for r in rows]})
        newest = facility.assessments.order_by("-assessed_on", "-pk").first()
        if newest.pk == assessment.pk:
            transition(facility, "assess", actor=actor, note=assessment.code, assessment_due=next_due)
        if conclusion == RiskLevel.HIGH:
            notify(message=gettext_noop("%(code)s: assessment %(number)s found a high risk"),
                   params={"code": facility.code, "number": assessment.code},
                   url=facility_url(facility), organizations=facility.parties,
                   key=f"safeguard:assessment:{assessment.pk}:high")
    return assessment


# -- events ------------------------------------------------------------------------------------------------------
def _limits(severity: str) -> tuple[int, int]:
    limit = RESPONSE_DAYS[severity]
    return limit, 0 if limit == 1 else 1


def event_detect(*, actor, facility: CriticalFacility, title: str, description: str, source: str, category: str,
                 severity: str, detected_on=None, is_synthetic: bool = False) -> SecurityEvent:
    """A sensitive event at a facility is recorded, by its operator or a security unit (from monitoring, a report or
    a notice); the response clock of its severity starts and every responsible unit is notified."""
    reporter = getattr(actor, "organization", None)
    authorize_create(actor, SecurityEvent)
    if not is_system(actor) and not getattr(actor, "is_superuser", False):
        parties = {facility.operator_id, facility.cyberspace_office_id, facility.police_id, facility.comms_admin_id}
        if reporter is None or reporter.pk not in parties or not can(actor, "view", facility):
            raise ActionRefused(_("Only the facility's operator and its security units record its events."))
    if facility.state != "active":
        raise _error("facility", _("%(code)s is retired") % {"code": facility.code})
    title = _text(title, "title", limit=150)
    description = _text(description, "description")
    source = _choice(source, EventSource, "source")
    category = _choice(category, EventCategory, "category")
    severity = _choice(severity, Severity, "severity")
    detected_on = _date(detected_on, "detected_on", required=False) or timezone.localdate()
    if detected_on > timezone.localdate() or detected_on < timezone.localdate() - dt.timedelta(days=365):
        raise _error("detected_on", _("a day in the last year, not after today"))
    limit, warn = _limits(severity)
    with transaction.atomic():
        event = SecurityEvent(
            code=next_code(model=SecurityEvent, prefix=f"AQ-{detected_on.year}-", width=4), facility=facility,
            title=title, description=description, source=source, category=category, severity=severity,
            detected_on=detected_on, reported_by=reporter or facility.operator, limit_days=limit, warn_days=warn,
            created_by=_user(actor), is_synthetic=is_synthetic)
        event.full_clean()
        event.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=event, after=snapshot(event))
        notify(message=gettext_noop("%(code)s: %(severity)s security event at %(facility)s: %(title)s"),
               params={"code": event.code, "severity": choice(SecurityEvent, "severity", event.severity),
                       "facility": facility.code, "title": title},
               url=event_url(event), organizations=facility.parties, level="warning",
               key=f"safeguard:event:{event.pk}:detected")
    return event


def event_warn(*, actor, event: SecurityEvent, warning: str) -> SecurityEvent:
    """The cyberspace office or the communications administration issues the warning to the responsible units."""
    authorize(actor, "warn", event)
    warning = _text(warning, "warning")
    with transaction.atomic():
        event = transition(event, "warn", actor=actor, note=warning, warning=warning,
                           warned_on=timezone.localdate())
        notify(message=gettext_noop("%(code)s: security warning"), params={"code": event.code}, body=warning,
               url=event_url(event), organizations=event.facility.parties, level="warning",
               key=f"safeguard:event:{event.pk}:warned")
    return event


def event_analyse(*, actor, event: SecurityEvent, analysis: str, category: str = "",
                  severity: str = "") -> SecurityEvent:
    """A security unit records its analysis (动态研判); it may correct the category and the severity (the response
    limit follows the new severity, still counted from the detection)."""
    authorize(actor, "analyse", event)
    analysis = _text(analysis, "analysis")
    category = _choice(category, EventCategory, "category") if category else event.category
    severity = _choice(severity, Severity, "severity") if severity else event.severity
    limit, warn = _limits(severity)
    with transaction.atomic():
        event = transition(event, "analyse", actor=actor, note=analysis, analysis=analysis, category=category,
                           severity=severity, limit_days=limit, warn_days=warn, analysed_on=timezone.localdate())
        notify(message=gettext_noop("%(code)s: analysed, respond by the limit"), params={"code": event.code},
               body=analysis, url=event_url(event), organizations=[event.facility.operator, event.facility.police],
               key=f"safeguard:event:{event.pk}:analysed")
    return event


def event_respond(*, actor, event: SecurityEvent, response: str, responded_on=None) -> SecurityEvent:
    """The operator (or the police) records the emergency response; the clock stops."""
    authorize(actor, "respond", event)
    response = _text(response, "response")
    responded_on = _date(responded_on, "responded_on", required=False) or timezone.localdate()
    if responded_on < event.detected_on or responded_on > timezone.localdate():
        raise _error("responded_on", _("a day between the detection and today"))
    with transaction.atomic():
        event = transition(event, "respond", actor=actor, note=response, response=response,
                           responded_on=responded_on)
        notify(message=gettext_noop("%(code)s: emergency response recorded"), params={"code": event.code},
               body=response, url=event_url(event), organizations=[event.facility.cyberspace_office],
               key=f"safeguard:event:{event.pk}:responded")
    return event


def event_close(*, actor, event: SecurityEvent, conclusion: str) -> SecurityEvent:
    """The cyberspace office closes the event with its conclusion."""
    authorize(actor, "close", event)
    conclusion = _text(conclusion, "conclusion")
    with transaction.atomic():
        event = transition(event, "close", actor=actor, note=conclusion, conclusion=conclusion,
                           closed_on=timezone.localdate())
        notify(message=gettext_noop("%(code)s: security event closed"), params={"code": event.code},
               body=conclusion, url=event_url(event), organizations=event.facility.parties,
               key=f"safeguard:event:{event.pk}:closed")
    return event
