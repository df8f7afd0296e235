"""The one joint site survey (一次性踏勘): scheduling, community consultation, the record and its signatures."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.formats import long_date
from rollout5g.platform.workflow import authorize, transition

from ..choices import (
    PauseKind,
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
    _person,
    _today,
    _url,
)


# ---------------------------------------------------------------------------------------------------- survey
def survey_departments(app: Application) -> list[Organization]:
    """Departments that sign the survey record: every department with an item in the application."""
    return _departments(app)


def _survey(app: Application) -> JointSurvey:
    survey = JointSurvey.objects.select_for_update().filter(application=app).first()
    if survey is None:
        raise ApprovalError(_("%(code)s has no joint survey: the office schedules it first.") % {"code": app.code})
    return survey


def survey_schedule(*, actor, application: Application, on: dt.date, meeting_point: str = "") -> JointSurvey:
    """Schedule the one joint survey for every department (needed when any item's rules ask for a survey)."""
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "schedule_survey", app)  # under review, no survey yet, an item's rules ask for one
        if app.accepted_on and on < app.accepted_on:
            raise ApprovalError(_("The survey date %(on)s is before the acceptance (%(accepted)s).") % {
                "on": long_date(on), "accepted": long_date(app.accepted_on)})
        types = ItemType.objects.filter(items__application=app).distinct()
        transition(app, "schedule_survey", actor=actor, note=_("joint survey on %(on)s") % {"on": long_date(on)})
        survey = JointSurvey.objects.create(application=app, scheduled_on=on, meeting_point=meeting_point[:200],
                                            consultation_required=types.filter(community_consultation=True).exists())
        _event(actor, survey, AuditAction.CREATE, after=snapshot(survey), note=_("joint survey scheduled"),
               label=f"{app.code} {_('Joint survey')} {survey.scheduled_on}")
    notify(message=gettext_noop("Joint survey of %(code)s on %(on)s"), params={"code": app.code, "on": on},
           body_message=gettext_noop("Joint site survey of %(code)s on %(on)s at %(place)s.") if meeting_point
           else gettext_noop("Joint site survey of %(code)s on %(on)s at the site."),
           body_params={"code": app.code, "on": on, "place": meeting_point}, url=_url(app), key=f"permits:survey:{app.pk}",
           organizations=[*_departments(app), app.applicant], roles=[Role.DEPARTMENT, Role.OPERATOR])
    return survey


def survey_consultation(*, actor, application: Application, consulted_on: dt.date, notes: str) -> JointSurvey:
    """Record the community consultation held before the survey (where the rules require one)."""
    with transaction.atomic():
        survey = _survey(application)
        authorize(actor, "consult", survey)  # before the survey is held
        if not notes.strip():
            raise ApprovalError(_("Give the outcome of the consultation."))
        before = snapshot(survey)
        survey.consulted_on, survey.consultation_notes = consulted_on, notes.strip()
        survey.save()
        record_changes(actor=actor, obj=survey, before=before, note=_("community consulted"))
    return survey


def survey_hold(*, actor, application: Application, held_on: dt.date, record: str) -> JointSurvey:
    """The survey took place: its record is written; the clocks pause until every department has signed it."""
    with transaction.atomic():
        survey = _survey(application)
        authorize(actor, "hold", survey)  # scheduled, and the community consulted where the rules require it
        if not record.strip():
            raise ApprovalError(_("Write the survey record."))
        if survey.consultation_required and survey.consulted_on > held_on:
            raise ApprovalError(_("The rules require the community to be consulted before the survey: the "
                                  "consultation (%(consulted)s) is after the survey day (%(held)s).") % {
                "consulted": long_date(survey.consulted_on), "held": long_date(held_on)})
        transition(survey, "hold", actor=actor, note=_("survey held"), held_on=held_on, record=record.strip())
        pause = ClockPause.objects.create(application=application, kind=PauseKind.SURVEY, start=held_on,
                                          reason=_("joint survey: until the record is signed by every department"),
                                          created_by=_person(actor))
        _event(actor, pause, AuditAction.CREATE, after=snapshot(pause), note=_("clocks paused for the survey"))
    notify(message=gettext_noop("Sign the joint survey record of %(code)s"), params={"code": application.code},
           url=_url(application),
           key=f"permits:survey-sign:{application.pk}", organizations=_departments(application),
           roles=[Role.DEPARTMENT])
    return survey


def survey_sign(*, actor, application: Application, opinion: str = "", on: dt.date | None = None) -> SurveySignature:
    """A department signs the one survey record; the last signature closes the survey and its clock pause."""
    on = _today(on)
    with transaction.atomic():
        app = _lock(application)
        survey = _survey(app)
        authorize(actor, "sign", survey)  # a reviewer of a department with an item in the application, once held
        department = actor.organization
        if survey.signatures.filter(department=department).exists():
            raise ApprovalError(_("%(department)s already signed the survey record.") % {"department": department})
        if on < survey.held_on:
            raise ApprovalError(_("The signing date %(on)s is before the survey (%(held)s).") % {
                "on": long_date(on), "held": long_date(survey.held_on)})
        sig = SurveySignature.objects.create(survey=survey, department=department, signed_by=actor, signed_on=on,
                                             opinion=opinion.strip())
        _event(actor, sig, AuditAction.CREATE, after=snapshot(sig), note=_("survey record signed by %(department)s") % {
            "department": department})
        signed = set(survey.signatures.values_list("department_id", flat=True))
        if signed >= {d.pk for d in survey_departments(app)}:
            transition(survey, "complete", actor=actor, note=_("record signed by every department"))
            for pause in app.pauses.filter(kind=PauseKind.SURVEY, end__isnull=True):
                pause.end = on
                pause.save(update_fields=["end"])
                _event(actor, pause, AuditAction.UPDATE, before={"end": None}, after={"end": on},
                       note=_("survey pause ends"))
            transition(app, "complete_survey", actor=actor, note=_("joint survey complete"))
    return sig


