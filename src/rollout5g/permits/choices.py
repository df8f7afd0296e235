from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state", "Draft")
    RECEIVED = "received", pgettext_lazy("state", "Received (completeness check)")
    NOTICE_ISSUED = "notice_issued", pgettext_lazy("state", "One-time notice issued")
    UNDER_REVIEW = "under_review", pgettext_lazy("state", "Under parallel review")
    SURVEY_SCHEDULED = "survey_scheduled", pgettext_lazy("state", "Joint survey scheduled")
    DECIDED = "decided", pgettext_lazy("state", "Decided")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("state", "Not accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("state", "Withdrawn")


#: States in which the review clocks run (or are paused) and departments work on the items.
REVIEW_STATES = (ApplicationState.UNDER_REVIEW, ApplicationState.SURVEY_SCHEDULED)
#: States counted as "in progress" by the supervision dashboard.
OPEN_STATES = (ApplicationState.RECEIVED, ApplicationState.NOTICE_ISSUED, *REVIEW_STATES)


class ItemState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("permit decision", "Waiting for acceptance")
    IN_REVIEW = "in_review", pgettext_lazy("permit decision", "In review")
    APPROVED = "approved", pgettext_lazy("permit decision", "Approved")
    REJECTED = "rejected", pgettext_lazy("permit decision", "Rejected")


class Decision(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("permit decision", "Approved")
    REJECTED = "rejected", pgettext_lazy("permit decision", "Rejected")


class PauseKind(models.TextChoices):
    SURVEY = "survey", _("Joint site survey")
    TESTING = "testing", _("Testing / inspection")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    APPLICANT = "applicant", _("Waiting for the applicant")


class DeficiencyTarget(models.TextChoices):
    FIELD = "field", _("Form field")
    MATERIAL = "material", _("Material")


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("state", "Scheduled")
    HELD = "held", pgettext_lazy("state", "Held, awaiting signatures")
    SIGNED = "signed", pgettext_lazy("state", "Record signed by every department")


#: The situation flags of a site in an application; the item rules test them (and the site type).
SITUATION_FLAGS = {
    "new_structure": _("A new tower or pole is built"),
    "on_existing_building": _("On an existing building"),
    "in_road": _("Inside a road (occupation or excavation)"),
    "new_power_connection": _("Needs a new power connection"),
    "transmitting": _("Transmits radio signals"),
}

#: Application fields a reviewer may flag in the one-time notice.
FLAGGABLE_FIELDS = ("title", "project_code", "description", "contact_name", "contact_phone", "sites")
