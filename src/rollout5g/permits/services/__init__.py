"""Business actions of the one-stop approval service, one module per stage. Each action is keyword-only with the
actor first, runs in one transaction and records its audit event there; views, the API, the CLI and the demo call
them as ``services.x(...)``.

The flow (docs/approvals.md): draft → received → (one-time notice → resubmitted → received) → accepted, items in
parallel review → joint survey (scheduled, community consulted, held, signed by every department) → each
department decides its items → one bundled decision and certificate; the sites move to ``approved``.

- :mod:`.application` — draft, sites, materials, submit, accept, refuse, deemed acceptance;
- :mod:`.notice` — deficiency flags, the one-time notice, the one resubmission;
- :mod:`.survey` — the joint survey;
- :mod:`.decision` — comments, item decisions, the bundled decision, the certificate;
- :mod:`.clock` — pauses, extensions, the periodic clock check.
"""

from .application import (
    EDITABLE,
    application_accept,
    application_add_site,
    application_create,
    application_refuse,
    application_remove_site,
    application_submit,
    application_update,
    completeness_problems,
    deem_accepted_lapsed,
    items_for_application,
    material_upload,
    required_materials,
)
from .clock import clock_check, extension_grant, pause_end, pause_start
from .common import APPLICANT_KINDS, MAX_MATERIAL_BYTES, PROJECT_CODE, ApprovalError, validate_project_code
from .decision import certificate_issue, certificate_revoke, comment_add, item_decide
from .notice import application_resubmit, deficiency_flag, notice_issue
from .survey import survey_consultation, survey_departments, survey_hold, survey_schedule, survey_sign

__all__ = [
    "APPLICANT_KINDS", "EDITABLE", "MAX_MATERIAL_BYTES", "PROJECT_CODE", "ApprovalError", "application_accept",
    "application_add_site", "application_create", "application_refuse", "application_remove_site",
    "application_resubmit", "application_submit", "application_update", "certificate_issue", "certificate_revoke",
    "clock_check", "comment_add", "completeness_problems", "deem_accepted_lapsed", "deficiency_flag",
    "extension_grant", "item_decide", "items_for_application", "material_upload", "notice_issue", "pause_end",
    "pause_start", "required_materials", "survey_consultation", "survey_departments", "survey_hold",
    "survey_schedule", "survey_sign", "validate_project_code",
]
