"""Shared helpers of the approval services: the business-rule error, audit and state helpers, the project code."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rollout5g.accounts.choices import Role
from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.organizations.models import Organization
from rollout5g.platform.codes import next_code

from ..choices import (
    ApplicationState,
)
from ..models import (
    Application,
)

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
APPLICANT_KINDS = ("operator", "tower_company")

#: 项目代码 of the investment-project online approval platform (投资项目在线审批监管平台):
#: year-adcode-industry-type-serial, e.g. 2026-330402-63-03-012345 (type 01 approval 审批, 02 核准, 03 备案).
PROJECT_CODE = re.compile(r"^(?P<year>\d{4})-(?P<adcode>\d{6})-(?P<industry>\d{2})-(?P<type>0[123])-(?P<serial>\d{6})$")


class ApprovalError(ValidationError):
    """An action refused for a business reason; the message says which rule and what to do."""


# ---------------------------------------------------------------------------------------------------- helpers
def _today(on) -> dt.date:
    return on or dt.date.today()


def _event(actor, obj, action, before=None, after=None, note=""):
    return record_event(actor=actor, action=action, obj=obj, before=before, after=after, note=note)


def _state_change(actor, app: Application, to_state: str, note: str = "", **fields) -> Application:
    before = snapshot(app)
    app.state = to_state
    for key, value in fields.items():
        setattr(app, key, value)
    app.save()
    record_changes(actor=actor, obj=app, before=before, action=AuditAction.TRANSITION, note=note)
    return app


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _require_state(app: Application, *states, doing: str):
    if app.state not in states:
        labels = ", ".join(str(ApplicationState(s).label) for s in states)
        raise ApprovalError(f"cannot {doing}: application {app.code} is {app.get_state_display()}; "
                            f"this needs: {labels}")


def _require_applicant(actor, app: Application):
    if actor is None or actor.is_superuser:
        return
    if actor.organization_id != app.applicant_id:
        raise PermissionDenied(f"only the applicant ({app.applicant}) may do this")


def _require_office(actor, doing: str):
    if actor is not None and not actor.is_program_office:
        raise PermissionDenied(f"only the programme office's one-stop window may {doing}")


def _departments(app: Application) -> list[Organization]:
    ids = app.items.values_list("department_id", flat=True).distinct()
    return list(Organization.objects.filter(pk__in=list(ids)).order_by("code"))


def _require_department(actor, app: Application) -> Organization | None:
    """A reviewer of a department with an item in the application (or the office); returns the department."""
    if actor is None or actor.is_superuser or actor.is_program_office:
        return actor.organization if actor is not None else None
    if actor.role != Role.DEPARTMENT or not app.items.filter(department_id=actor.organization_id).exists():
        raise PermissionDenied("only a department with an item in this application may do this")
    return actor.organization


def _url(app: Application) -> str:
    return reverse("permits:detail", args=[app.code])


def validate_project_code(code: str) -> str:
    """Check the 项目代码 format (empty allowed in a draft); returns it normalised (upper case, trimmed)."""
    code = (code or "").strip().upper()
    if not code:
        return code
    m = PROJECT_CODE.match(code)
    if m is None:
        raise ApprovalError(f"project_code: {code!r} is not a project code of the investment-project platform "
                            "(YYYY-AAAAAA-II-TT-NNNNNN, e.g. 2026-330402-63-03-012345)")
    year = int(m["year"])
    if not 2014 <= year <= dt.date.today().year + 1:
        raise ApprovalError(f"project_code: year {year} is outside 2014-{dt.date.today().year + 1}")
    if not 11 <= int(m["adcode"][:2]) <= 82:
        raise ApprovalError(f"project_code: {m['adcode']} is not an administrative division code")
    return code


def _next_code(year: int) -> str:
    return next_code(model=Application, prefix=f"YJS{year}", width=5)

