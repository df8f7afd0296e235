"""What units report: monthly progress reports with figures, and observed indicator values entered with a source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.platform.workflow import authorize_create
from rollout5g.policy.choices import ValueSource
from rollout5g.policy.models import Indicator, IndicatorValue, PolicyTask

from ..models import ProgressReport
from .common import _check_actor, require_unit

NOT_LOGGED = ("attachment", "submitted_at")  # a file is logged by name; the timestamp is the event's own


def _period(value: dt.date) -> dt.date:
    return value.replace(day=1)


def clean_figures(task: PolicyTask, figures: dict) -> dict:
    """Figures keyed by the indicator keys of the task's targets, as decimal strings."""
    allowed = {t.indicator.key for t in task.targets.select_related("indicator")}
    out = {}
    for key, value in (figures or {}).items():
        if value in (None, ""):
            continue
        if key not in allowed:
            raise ValidationError({"figures": f"{key!r} is not an indicator of task {task.number} "
                                              f"(valid: {', '.join(sorted(allowed)) or 'none'})"})
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError({"figures": f"{key}: {value!r} is not a number"}) from exc
        if not number.is_finite():
            raise ValidationError({"figures": f"{key}: {value!r} is not a number"})
        out[key] = str(number)
    return out


def report_submit(*, actor, task: PolicyTask, period: dt.date, text: str, figures: dict | None = None,
                  attachment=None, organization=None) -> ProgressReport:
    """Create or replace a unit's report for one month. A unit reports only on tasks that name it; the programme
    office may enter a report on behalf of a named unit (e.g. a provincial department without platform users)."""
    _check_actor(actor)
    organization = organization or actor.organization
    require_unit(actor, task, organization)
    authorize_create(actor, ProgressReport, owner=organization)
    if not text.strip():
        raise ValidationError({"text": "describe the progress"})
    figures = clean_figures(task, figures or {})
    with transaction.atomic():
        report = ProgressReport.objects.filter(task=task, organization=organization, period=_period(period)).first()
        before = snapshot(report, exclude=NOT_LOGGED) if report else None
        if report is None:
            report = ProgressReport(task=task, organization=organization, period=_period(period))
        report.text, report.figures = text, figures
        report.submitted_by = actor if getattr(actor, "pk", None) else None
        if attachment is not None:
            report.attachment = attachment
        report.full_clean()
        report.save()
        if before is None:
            record_event(actor=actor, action="create", obj=report,
                         after={**snapshot(report, exclude=NOT_LOGGED), "attachment": report.attachment.name or ""})
        else:
            record_changes(actor=actor, obj=report, before=before, exclude=NOT_LOGGED)
        record_event(actor=actor, action="update", obj=task, note=text[:200],
                     after={"report": f"{report.period:%Y-%m}", "unit": str(organization), "figures": figures})
    return report


def indicator_value_enter(*, actor, indicator: Indicator, region, as_of: dt.date, value, source_note: str
                          ) -> IndicatorValue:
    """Enter (or correct) an observed value with its source. Any unit may enter values for its own reporting; the
    entry names who entered it and why it is trusted (``source_note``)."""
    authorize_create(actor, IndicatorValue)  # the policy app declares who enters values
    if not source_note.strip():
        raise ValidationError({"source_note": "name the source of the value"})
    try:
        value = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({"value": f"{value!r} is not a number"}) from exc
    with transaction.atomic():
        row = IndicatorValue.objects.filter(indicator=indicator, region=region, as_of=as_of).first()
        before = snapshot(row) if row else None
        row = row or IndicatorValue(indicator=indicator, region=region, as_of=as_of)
        row.value, row.source, row.source_note = value, ValueSource.ENTERED, source_note
        row.entered_by = actor if getattr(actor, "pk", None) else None
        row.full_clean()
        row.save()
        if before is None:
            record_event(actor=actor, action="create", obj=row, after=snapshot(row))
        else:
            record_changes(actor=actor, obj=row, before=before)
    return row
