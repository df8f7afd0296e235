"""Reads of the construction projects: the design-review clock, the ledger per county and the indicator values
that supervision reads (Zhejiang 2/4/5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, clock_state, declare
from rollout5g.platform.roles import Role
from rollout5g.regions.models import Region
from rollout5g.workcalendar.services import working_calendar

from .choices import ProjectState, ReviewDecision
from .models import ConstructionProject, DesignReview


def _office_users():
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


REVIEW_CLOCK = declare(ClockSpec(
    "construction.design_review",
    rows=lambda: DesignReview.objects.filter(decision=ReviewDecision.PENDING).select_related("project", "department"),
    clock=lambda review: review.clock(),
    calendar=working_calendar,
    is_open=lambda review: review.is_open,
    warn=Reminder(_("%(code)s: design review due %(due)s%(provisional)s, %(days_left)s working day(s) left"),
                  to=lambda review: Recipients(organizations=[review.department])),
    overdue=Reminder(_("%(code)s: design review overdue since %(due)s%(provisional)s"),
                     to=lambda review: Recipients(organizations=[review.department], users=_office_users())),
    params=lambda review, state: {"code": review.project.code},
    url=lambda review: reverse("construction:detail", kwargs={"code": review.project.code}),
    body=lambda review, state: str(review.project),
))


def review_clock(review: DesignReview, today: dt.date | None = None):
    return clock_state(REVIEW_CLOCK, review, today)


# -- ledger ------------------------------------------------------------------------------------------------------
@dataclass
class LedgerRow:
    """One county's construction projects and their 5G facilities."""

    region: Region
    projects: int = 0
    in_review: int = 0
    building: int = 0
    accepted: int = 0
    required_sites: int = 0
    reserved_sites: int = 0
    planned_sites: int = 0
    machine_room_m2: Decimal = Decimal(0)
    power_kw: Decimal = Decimal(0)
    reached_acceptance: int = 0  # projects that requested completion acceptance

    @property
    def accepted_share(self) -> Decimal | None:
        return accepted_share_of(self.accepted, self.reached_acceptance)


def accepted_share_of(accepted: int, decided: int) -> Decimal | None:
    return (Decimal(accepted) / Decimal(decided)).quantize(Decimal("0.0001")) if decided else None


def ledger(projects, counties) -> list[LedgerRow]:
    """One row per county of ``counties`` (and a row for any other county the projects are in), from the projects
    given (already restricted to what the reader may see)."""
    rows = {c.adcode: LedgerRow(c) for c in counties}
    stats = (projects.order_by().values("region_id").annotate(
        n=Count("id"),
        in_review=Count("id", filter=Q(state__in=[ProjectState.IN_REVIEW, ProjectState.RETURNED])),
        building=Count("id", filter=Q(state__in=[ProjectState.DESIGN_APPROVED, ProjectState.BUILDING,
                                                  ProjectState.ACCEPTANCE])),
        accepted=Count("id", filter=Q(state=ProjectState.ACCEPTED)),
        reached=Count("id", filter=Q(acceptance_requested_on__isnull=False)),
        required_sites=Sum("required_sites"), reserved_sites=Sum("reserved_sites"),
        room=Sum("reserved_machine_room_m2"), power=Sum("reserved_power_kw")))
    planned = dict(projects.order_by().filter(site_reservations__planned_site__isnull=False)
                   .values("region_id").annotate(n=Count("site_reservations")).values_list("region_id", "n"))
    for s in stats:
        row = rows.get(s["region_id"])
        if row is None:
            row = rows[s["region_id"]] = LedgerRow(Region.objects.get(pk=s["region_id"]))
        row.projects, row.in_review, row.building, row.accepted = s["n"], s["in_review"], s["building"], s["accepted"]
        row.reached_acceptance = s["reached"]
        row.required_sites, row.reserved_sites = s["required_sites"] or 0, s["reserved_sites"] or 0
        row.machine_room_m2, row.power_kw = s["room"] or Decimal(0), s["power"] or Decimal(0)
        row.planned_sites = planned.get(s["region_id"], 0)
    return [rows[k] for k in sorted(rows)]


def ledger_total(rows: list[LedgerRow]) -> dict:
    keys = ("projects", "in_review", "building", "accepted", "required_sites", "reserved_sites", "planned_sites",
            "machine_room_m2", "power_kw")
    return {k: sum((getattr(r, k) for r in rows), start=Decimal(0) if k in ("machine_room_m2", "power_kw") else 0)
            for k in keys}


# -- indicators --------------------------------------------------------------------------------------------------
def _in_region(region):
    """Projects in ``region``: a county itself, or the counties below a city or a province."""
    return (Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region))


def accepted_projects(region, as_of: dt.date) -> int:
    """New projects whose 5G facilities passed completion acceptance on or before ``as_of``."""
    return ConstructionProject.objects.filter(_in_region(region), state=ProjectState.ACCEPTED,
                                              accepted_on__lte=as_of).count()


def accepted_share(region, as_of: dt.date) -> Decimal | None:
    """Of the projects whose main works reached completion acceptance by ``as_of`` (requested it), the share whose
    5G facilities were accepted by then; None when no project reached it."""
    reached = ConstructionProject.objects.filter(_in_region(region), acceptance_requested_on__lte=as_of)
    accepted = reached.filter(state=ProjectState.ACCEPTED, accepted_on__lte=as_of).count()
    return accepted_share_of(accepted, reached.count())


def accepted_projects_indicator(indicator, region, as_of):
    """Observed value of the ``construction.projects_accepted`` source (registered in ConstructionConfig.ready)."""
    return accepted_projects(region, as_of)


def accepted_share_indicator(indicator, region, as_of):
    """Observed value of the ``construction.accepted_share`` source (registered in ConstructionConfig.ready)."""
    return accepted_share(region, as_of)
