"""Shared helpers of the approval services: the business-rule error, audit and state helpers, the project code."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from rollout5g.audit.services import record_event
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor
from rollout5g.platform.codes import next_code
from rollout5g.sites.services import site_transition

from ..models import (
    Application,
)

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
APPLICANT_KINDS = ("operator", "tower_company")

#: 项目代码 of the investment-project online approval platform (投资项目在线审批监管平台):
#: year-adcode-industry-type-serial, e.g. 2026-330402-63-03-012345 (type 01 approval 审批, 02 核准, 03 备案).
PROJECT_CODE = re.compile(r"^(?P<year>\d{4})-(?P<adcode>\d{6})-(?P<industry>\d{2})-(?P<type>0[123])-(?P<serial>\d{6})$")


#: The registry's site moves that follow an approval step are the approval flow's, not the reviewer's (a reviewer
#: may not change an operator's site): the audit history names this process.
SITE_MOVER = SystemActor("approvals")


class ApprovalError(ValidationError):
    """An action refused for a business reason; the message says which rule and what to do."""


# ---------------------------------------------------------------------------------------------------- helpers
#: Who acts when the clock check accepts an application by lapse of the completeness window.
CLOCK = SystemActor("clock")


def _today(on) -> dt.date:
    return on or dt.date.today()


def _event(actor, obj, action, before=None, after=None, note="", label=None):
    """Audit one step; ``label``: how the history names the object (default ``str(obj)``, which may hold a code)."""
    return record_event(actor=actor, action=action, obj=obj, before=before, after=after, note=note,
                        object_repr=label)


def _person(actor):
    """The user to store in a ``created_by``-like field: the actor, or None for a process (SYSTEM)."""
    return actor if getattr(actor, "pk", None) else None


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _departments(app: Application) -> list[Organization]:
    ids = app.items.values_list("department_id", flat=True).distinct()
    return list(Organization.objects.filter(pk__in=list(ids)).order_by("code"))


def _offices(app: Application):
    """The programme offices that see ``app``: those of its sites' regions and the regions above them (the city's
    office, the province's), and offices without a region; another city's office is not told."""
    from django.db.models import Q

    from rollout5g.accounts.choices import Role
    from rollout5g.regions.services import lineage

    regions = {code for region in app.sites.values_list("site__region_id", flat=True).distinct() if region
               for code in lineage(region)}
    return (Organization.objects.filter(users__role=Role.PROGRAM_OFFICE)
            .filter(Q(region__isnull=True) | Q(region_id__in=regions)).distinct())


def _move_sites(app: Application, *, from_state: str, to_state: str, on: dt.date, note: str) -> None:
    """Move the application's sites in the registry as a consequence of an approval step (the applicant's sites,
    moved by the service on behalf of the approval flow, not by the acting reviewer)."""
    for entry in app.sites.select_related("site"):
        if entry.site.state == from_state:
            site_transition(actor=SITE_MOVER, site=entry.site, to_state=to_state, on=on, note=note)


def _url(app: Application) -> str:
    return reverse("permits:detail", args=[app.code])


def validate_project_code(code: str) -> str:
    """Check the 项目代码 format (empty allowed in a draft); returns it normalised (upper case, trimmed)."""
    code = (code or "").strip().upper()
    if not code:
        return code
    m = PROJECT_CODE.match(code)
    if m is None:
        raise ApprovalError(_("Project code: %(code)s is not a project code of the investment-project platform "
                              "(YYYY-AAAAAA-II-TT-NNNNNN, e.g. 2026-330402-63-03-012345).") % {"code": code})
    year = int(m["year"])
    if not 2014 <= year <= dt.date.today().year + 1:
        raise ApprovalError(_("Project code: the year %(year)s is outside %(first)s–%(last)s.") % {
            "year": year, "first": 2014, "last": dt.date.today().year + 1})
    if not 11 <= int(m["adcode"][:2]) <= 82:
        raise ApprovalError(_("Project code: %(adcode)s is not an administrative division code.") % {
            "adcode": m["adcode"]})
    return code


def _next_code(year: int) -> str:
    return next_code(model=Application, prefix=f"YJS{year}", width=5)

