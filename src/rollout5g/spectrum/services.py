"""Business actions of the interference complaints. Each is keyword-only and atomic, validates its input (a
``ValidationError`` naming the field, nothing written) and records its audit row in its transaction. Who takes which
step from which state is declared once on the model (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`:

- an operator reports interference at a site or cell (band, frequency range, symptoms, since when); radio
  management (from the policy data) is notified and its working-day clock starts;
- radio management starts monitoring, records measurements, records the source found, coordinates or enforces, and
  records the resolution (the clock stops);
- the operator confirms the interference is gone (closed) or says it persists (back to monitoring; the clock runs
  again from the original report); radio management may close a resolved complaint itself.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.tenancy import place_region
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.sites.models import Site

from .choices import DEFAULT_LIMIT_DAYS, DEFAULT_WARN_DAYS, OPERATOR_KIND, Measure, SourceKind
from .models import InterferenceComplaint, Measurement
from .selectors import radio_management

BAND = re.compile(r"^(n|B)?\d{1,3}$")


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


def _mhz(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _error(field, _("%(value)s is not a number") % {"value": value}) from None
    if not number.is_finite() or number <= 0 or number >= 100000:
        raise _error(field, _("a frequency above 0 and below 100000 MHz"))
    return number.quantize(Decimal("0.001"))


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    return text[:limit] if limit else text


def complaint_url(complaint) -> str:
    return reverse("spectrum:complaint", kwargs={"code": complaint.code})


def complaint_report(*, actor, band: str, freq_low_mhz, freq_high_mhz, symptoms: str, started_on, site=None,
                     cell: str = "", reporter: Organization | None = None, reported_on=None,
                     limit_days: int | None = None, region=None,
                     is_synthetic: bool = False) -> InterferenceComplaint:
    """An operator reports interference at a site (a Site or its code) or cell; radio management is notified. Its
    region is the site's, or ``region`` (a Region or an adcode in the actor's scope) without a site, or the actor's
    city."""
    reporter = reporter or getattr(actor, "organization", None)
    authorize_create(actor, InterferenceComplaint, owner=reporter)
    if reporter is None or reporter.kind != OPERATOR_KIND:
        raise _error("reporter", _("only an operator reports interference"))
    band = _text(band, "band", limit=10)
    if not BAND.match(band):
        raise _error("band", _("%(value)s is not a band (e.g. n78, B3)") % {"value": band})
    low, high = _mhz(freq_low_mhz, "freq_low_mhz"), _mhz(freq_high_mhz, "freq_high_mhz")
    if high <= low:
        raise _error("freq_high_mhz", _("must be above the lower frequency"))
    symptoms = _text(symptoms, "symptoms")
    reported_on = _date(reported_on, "reported_on", required=False) or timezone.localdate()
    started_on = _date(started_on, "started_on")
    if started_on > reported_on:
        raise _error("started_on", _("cannot be after the report"))
    cell = _text(cell, "cell", required=False, limit=60)
    if site not in (None, "") and not isinstance(site, Site):
        code = str(site).strip()
        site = Site.objects.filter(code=code).first()
        if site is None:
            raise _error("site", _("no site %(codes)s") % {"codes": code})
    site = site or None
    if site is None and not cell:
        raise _error("site", _("name the site or the cell"))
    region = place_region(actor, site=site, region=region)
    authorize_create(actor, InterferenceComplaint, owner=reporter, region=region)
    limit = DEFAULT_LIMIT_DAYS if limit_days in (None, "") else int(limit_days)
    if not 1 <= limit <= 120:
        raise _error("limit_days", _("between 1 and 120 working days"))
    investigator = radio_management()
    if investigator is None:
        raise _error("reporter", _("no radio management unit in the policy data"))
    with transaction.atomic():
        complaint = InterferenceComplaint(
            code=next_code(model=InterferenceComplaint, prefix=f"GR-{reported_on.year}-", width=4),
            reporter=reporter, investigator=investigator, site=site, region_id=region, cell=cell, band=band, freq_low_mhz=low,
            freq_high_mhz=high, symptoms=symptoms, started_on=started_on, reported_on=reported_on,
            limit_days=limit, warn_days=min(DEFAULT_WARN_DAYS, limit), created_by=_user(actor),
            is_synthetic=is_synthetic)
        complaint.full_clean()
        complaint.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=complaint, after=snapshot(complaint))
        notify(message=gettext_noop("%(code)s: interference in %(band)s reported by %(reporter)s"), params={
                   "code": complaint.code, "band": band, "reporter": reporter.short_name or reporter.name},
               body=symptoms, url=complaint_url(complaint), organizations=[investigator],
               key=f"spectrum:complaint:{complaint.pk}:reported")
    return complaint


def complaint_monitor(*, actor, complaint: InterferenceComplaint, note: str = "") -> InterferenceComplaint:
    """Radio management starts monitoring."""
    return transition(complaint, "monitor", actor=actor, note=_text(note, "note", required=False))


def measurement_record(*, actor, complaint: InterferenceComplaint, measured_on, frequency_mhz, level_dbm,
                       place: str = "", note: str = "") -> Measurement:
    """Radio management records one monitoring measurement."""
    authorize(actor, "measure", complaint)
    measured_on = _date(measured_on, "measured_on")
    if measured_on < complaint.reported_on - dt.timedelta(days=365) or measured_on > timezone.localdate():
        raise _error("measured_on", _("a day between the report and today"))
    frequency = _mhz(frequency_mhz, "frequency_mhz")
    try:
        level = Decimal(str(level_dbm).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise _error("level_dbm", _("%(value)s is not a number") % {"value": level_dbm}) from None
    if not -200 <= level <= 60:
        raise _error("level_dbm", _("a level between -200 and 60 dBm"))
    with transaction.atomic():
        row = Measurement.objects.create(complaint=complaint, measured_on=measured_on, frequency_mhz=frequency,
                                         level_dbm=level, place=_text(place, "place", required=False, limit=200),
                                         note=_text(note, "note", required=False, limit=300),
                                         recorded_by=_user(actor))
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row), note="measure")
    return row


def complaint_identify(*, actor, complaint: InterferenceComplaint, source_kind: str,
                       description: str) -> InterferenceComplaint:
    """Radio management records the source it found (its kind and a description)."""
    authorize(actor, "identify", complaint)
    if source_kind not in SourceKind.values:
        raise _error("source_kind", _("%(value)s is not a kind of source") % {"value": source_kind})
    description = _text(description, "source_description")
    if not complaint.measurements.exists():
        raise _error("source_kind", _("record a measurement first"))
    return transition(complaint, "identify", actor=actor, note=description, source_kind=source_kind,
                      source_description=description)


def complaint_coordinate(*, actor, complaint: InterferenceComplaint, measure: str, note: str) -> InterferenceComplaint:
    """Radio management coordinates with the source's user or takes enforcement action."""
    authorize(actor, "coordinate", complaint)
    if measure not in Measure.values:
        raise _error("measure", _("%(value)s is not a measure") % {"value": measure})
    note = _text(note, "measure_note")
    return transition(complaint, "coordinate", actor=actor, note=note, measure=measure, measure_note=note)


def complaint_resolve(*, actor, complaint: InterferenceComplaint, resolution: str,
                      resolved_on=None) -> InterferenceComplaint:
    """Radio management records the resolution; the clock stops and the reporter is asked to confirm."""
    authorize(actor, "resolve", complaint)
    resolution = _text(resolution, "resolution")
    resolved_on = _date(resolved_on, "resolved_on", required=False) or timezone.localdate()
    if resolved_on < complaint.reported_on or resolved_on > timezone.localdate():
        raise _error("resolved_on", _("a day between the report and today"))
    with transaction.atomic():
        complaint = transition(complaint, "resolve", actor=actor, note=resolution, resolution=resolution,
                               resolved_on=resolved_on)
        notify(message=gettext_noop("%(code)s: interference resolved, please confirm"), params={"code": complaint.code},
               body=resolution, url=complaint_url(complaint), organizations=[complaint.reporter],
               key=f"spectrum:complaint:{complaint.pk}:resolved:{resolved_on.isoformat()}")
    return complaint


def complaint_confirm(*, actor, complaint: InterferenceComplaint, note: str = "") -> InterferenceComplaint:
    """The reporting operator confirms the interference is gone: closed."""
    return transition(complaint, "confirm", actor=actor, note=_text(note, "note", required=False),
                      closed_on=timezone.localdate())


def complaint_persists(*, actor, complaint: InterferenceComplaint, note: str) -> InterferenceComplaint:
    """The reporting operator says the interference persists: back to monitoring, the clock runs again."""
    note = _text(note, "note")
    with transaction.atomic():
        complaint = transition(complaint, "persists", actor=actor, note=note, resolved_on=None, resolution="")
        notify(message=gettext_noop("%(code)s: interference persists"), params={"code": complaint.code}, body=note,
               url=complaint_url(complaint), organizations=[complaint.investigator],
               key=f"spectrum:complaint:{complaint.pk}:persists:{timezone.now().isoformat()}")
    return complaint


def complaint_close(*, actor, complaint: InterferenceComplaint, note: str = "") -> InterferenceComplaint:
    """Radio management closes a resolved complaint (e.g. the operator did not answer)."""
    return transition(complaint, "close", actor=actor, note=_text(note, "note", required=False),
                      closed_on=timezone.localdate())
