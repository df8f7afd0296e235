"""The one joint site survey (一次性踏勘): scheduling, community consultation, the record and its signatures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization

from ..choices import (
    ApplicationState,
    PauseKind,
    SurveyState,
)
from ..models import (
    Application,
    ClockPause,
    ItemType,
    JointSurvey,
    SurveySignature,
)
from .common import (
    ApprovalError,
    _departments,
    _event,
    _lock,
    _require_department,
    _require_office,
    _require_state,
    _state_change,
    _today,
    _url,
)


# ---------------------------------------------------------------------------------------------------- survey
def survey_departments(app: Application) -> list[Organization]:
    """Departments that sign the survey record: every department with an item in the application."""
    return _departments(app)


def survey_schedule(*, actor, application: Application, on: dt.date, meeting_point: str = "") -> JointSurvey:
    """Schedule the one joint survey for every department (needed when any item's rules ask for a survey)."""
    _require_office(actor, "schedule the joint survey")
    with transaction.atomic():
        app = _lock(application)
        _require_state(app, ApplicationState.UNDER_REVIEW, doing="schedule the joint survey")
        if JointSurvey.objects.filter(application=app).exists():
            raise ApprovalError(f"{app.code} already has its one joint survey")
        types = ItemType.objects.filter(items__application=app).distinct()
        if not types.filter(joint_survey=True).exists():
            raise ApprovalError(f"no item of {app.code} needs a site survey under the rules")
        if app.accepted_on and on < app.accepted_on:
            raise ApprovalError(f"scheduled_on: {on} is before the acceptance ({app.accepted_on})")
        survey = JointSurvey.objects.create(application=app, scheduled_on=on, meeting_point=meeting_point[:200],
                                            consultation_required=types.filter(community_consultation=True).exists())
        _event(actor, survey, AuditAction.CREATE, after=snapshot(survey), note="joint survey scheduled")
        _state_change(actor, app, ApplicationState.SURVEY_SCHEDULED, note=f"joint survey on {on}")
    body = f"Joint site survey of {app.code} on {on} at {meeting_point or 'the site'}."
    notify(subject=f"Joint survey of {app.code} on {on}", body=body, url=_url(app), key=f"permits:survey:{app.pk}",
           organizations=[*_departments(app), app.applicant], roles=[Role.DEPARTMENT, Role.OPERATOR])
    return survey


def survey_consultation(*, actor, application: Application, consulted_on: dt.date, notes: str) -> JointSurvey:
    """Record the community consultation held before the survey (where the rules require one)."""
    _require_office(actor, "record the community consultation")
    if not notes.strip():
        raise ApprovalError("consultation outcome: required")
    with transaction.atomic():
        survey = JointSurvey.objects.select_for_update().get(application=application)
        if survey.state != SurveyState.SCHEDULED:
            raise ApprovalError("the survey was already held: the community is consulted beforehand")
        before = snapshot(survey)
        survey.consulted_on, survey.consultation_notes = consulted_on, notes.strip()
        survey.save()
        record_changes(actor=actor, obj=survey, before=before, note="community consulted")
    return survey


def survey_hold(*, actor, application: Application, held_on: dt.date, record: str) -> JointSurvey:
    """The survey took place: its record is written; the clocks pause until every department has signed it."""
    _require_office(actor, "record the joint survey")
    if not record.strip():
        raise ApprovalError("survey record: required")
    with transaction.atomic():
        survey = JointSurvey.objects.select_for_update().get(application=application)
        if survey.state != SurveyState.SCHEDULED:
            raise ApprovalError("the survey record was already written")
        if survey.consultation_required and (survey.consulted_on is None or survey.consulted_on > held_on):
            raise ApprovalError("the rules require the community to be consulted before the survey: record the "
                                "consultation first (on or before the survey day)")
        before = snapshot(survey)
        survey.held_on, survey.record, survey.state = held_on, record.strip(), SurveyState.HELD
        survey.save()
        record_changes(actor=actor, obj=survey, before=before, action=AuditAction.TRANSITION, note="survey held")
        pause = ClockPause.objects.create(application=application, kind=PauseKind.SURVEY, start=held_on,
                                          reason="joint survey: until the record is signed by every department",
                                          created_by=actor if actor is not None and actor.pk else None)
        _event(actor, pause, AuditAction.CREATE, after=snapshot(pause), note="clocks paused for the survey")
    notify(subject=f"Sign the joint survey record of {application.code}", url=_url(application),
           key=f"permits:survey-sign:{application.pk}", organizations=_departments(application),
           roles=[Role.DEPARTMENT])
    return survey


def survey_sign(*, actor, application: Application, opinion: str = "", on: dt.date | None = None) -> SurveySignature:
    """A department signs the one survey record; the last signature closes the survey and its clock pause."""
    department = _require_department(actor, application)
    if department is None or not application.items.filter(department=department).exists():
        raise PermissionDenied("only a department with an item in this application signs the survey record")
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        survey = JointSurvey.objects.select_for_update().get(application=app)
        if survey.state != SurveyState.HELD:
            raise ApprovalError(f"the survey record is not open for signatures (it is {survey.get_state_display()})")
        if survey.signatures.filter(department=department).exists():
            raise ApprovalError(f"{department} already signed the survey record")
        if on < survey.held_on:
            raise ApprovalError(f"signed_on: {on} is before the survey ({survey.held_on})")
        sig = SurveySignature.objects.create(survey=survey, department=department, signed_by=actor, signed_on=on,
                                             opinion=opinion.strip())
        _event(actor, sig, AuditAction.CREATE, after=snapshot(sig), note=f"survey record signed by {department}")
        signed = set(survey.signatures.values_list("department_id", flat=True))
        if signed >= {d.pk for d in survey_departments(app)}:
            before = snapshot(survey)
            survey.state = SurveyState.SIGNED
            survey.save()
            record_changes(actor=actor, obj=survey, before=before, action=AuditAction.TRANSITION,
                           note="record signed by every department")
            for pause in app.pauses.filter(kind=PauseKind.SURVEY, end__isnull=True):
                pause.end = on
                pause.save(update_fields=["end"])
                _event(actor, pause, AuditAction.UPDATE, before={"end": None}, after={"end": on},
                       note="survey pause ends")
            _state_change(actor, app, ApplicationState.UNDER_REVIEW, note="joint survey complete")
    return sig


