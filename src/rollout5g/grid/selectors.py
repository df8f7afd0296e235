"""Reads of the power-supply assurance: who the power company and the checking departments are (from the
organizations and policy data, never a code), the reference price valid on a day, the mark-up, the rectification
clock of the findings and the outage statistics per month and per county."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rollout5g.organizations.models import Organization
from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, clock_state, declare
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.platform.roles import Role
from rollout5g.policy.models import PolicyDocument, PolicyTask
from rollout5g.regions.models import Region
from rollout5g.regions.services import home_document_regions, lineage
from rollout5g.workcalendar.services import working_calendar

from .choices import DEPARTMENT_KIND, TRANSFER_SUPPLY_TERM, UTILITY_KIND, AckState, FindingState, OutageState
from .models import Finding, OutageNotice, ReferencePrice, SpecialCheck, TransferSupplyPrice

FOUR = Decimal("0.0001")


# -- who ---------------------------------------------------------------------------------------------------------
def power_company() -> Organization | None:
    """The power company of the home region: the active utility of the home region, else of the nearest region
    above it (a province's company serves a city without its own)."""
    for adcode in lineage(home_adcode()):
        org = Organization.objects.filter(kind=UTILITY_KIND, region_id=adcode, is_active=True).order_by("code").first()
        if org is not None:
            return org
    return None


def _home_documents():
    keys = home_document_keys()
    if keys:
        return PolicyDocument.objects.filter(key__in=keys)
    return PolicyDocument.objects.filter(region_id__in=home_document_regions())


def checking_departments():
    """The departments that run special checks of transfer-supply prices: the government departments of the home
    region among the units of the home documents' tasks that name transfer supply (the development and reform
    commission and market regulation in the demo's documents); when the documents name none, every government
    department of the home region."""
    local = Organization.objects.filter(kind=DEPARTMENT_KIND, region_id=home_adcode(), is_active=True)
    tasks = PolicyTask.objects.filter(document__in=_home_documents(), text__contains=TRANSFER_SUPPLY_TERM)
    named = local.filter(task_units__task__in=tasks).distinct()
    return (named if named.exists() else local).order_by("code")


# -- prices ------------------------------------------------------------------------------------------------------
def reference_on(day: dt.date) -> ReferencePrice | None:
    """The reference price valid on ``day`` (the latest that started on or before it and has not ended)."""
    return (ReferencePrice.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from", "pk").first())


def markup_of(price: Decimal, reference: Decimal) -> tuple[Decimal, Decimal]:
    """(price − reference, that as a share of the reference), to 4 decimals."""
    price, reference = Decimal(price), Decimal(reference)
    markup = (price - reference).quantize(FOUR, ROUND_HALF_UP)
    share = (markup / reference).quantize(FOUR, ROUND_HALF_UP) if reference else Decimal(0)
    return markup, share


# -- the rectification clock -------------------------------------------------------------------------------------
def _office_users():
    from rollout5g.accounts.models import User

    return User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True)


RECTIFY_CLOCK = declare(ClockSpec(
    "grid.finding.rectification",
    rows=lambda: Finding.objects.filter(state=FindingState.ORDERED).select_related("check_run__department", "price"),
    clock=lambda finding: finding.clock(),
    calendar=working_calendar,
    is_open=lambda finding: finding.is_open,
    warn=Reminder(_("%(code)s: rectification of the transfer-supply mark-up due %(due)s%(provisional)s, "
                    "%(days_left)s working day(s) left"),
                  to=lambda f: Recipients(organizations=[f.check_run.department, f.price.payer])),
    overdue=Reminder(_("%(code)s: rectification of the transfer-supply mark-up overdue since %(due)s%(provisional)s"),
                     to=lambda f: Recipients(organizations=[f.check_run.department], users=_office_users())),
    params=lambda finding, state: {"code": finding.check_run.code},
    url=lambda finding: reverse("grid:check", kwargs={"code": finding.check_run.code}),
    body=lambda finding, state: str(finding.price.site),
))


def rectify_clock(finding: Finding, today: dt.date | None = None):
    return clock_state(RECTIFY_CLOCK, finding, today)


# -- outage statistics -------------------------------------------------------------------------------------------
@dataclass
class OutageStats:
    """Outages of one month or one county: notices (planned, unplanned), sites affected, site-hours without power,
    acknowledgements (given, pending) and the mean hours from notification to acknowledgement."""

    key: str
    label: str
    notices: int = 0
    planned: int = 0
    unplanned: int = 0
    sites: int = 0
    site_hours: Decimal = Decimal(0)
    acknowledged: int = 0
    pending: int = 0
    _ack_hours: list = field(default_factory=list, repr=False)

    @property
    def mean_ack_hours(self) -> Decimal | None:
        if not self._ack_hours:
            return None
        return (sum(self._ack_hours, Decimal(0)) / len(self._ack_hours)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _month(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def outage_statistics(notices, by: str = "month") -> list[OutageStats]:
    """Statistics of ``notices`` (already restricted to what the reader may see; cancelled ones left out) per
    ``"month"`` of their start or per ``"county"`` of their sites. Site-hours: each affected site counts the hours
    from the start to the actual end (the expected end while not restored). In a county, a notice counts when one
    of its sites is there, and the acknowledgements are those of the operators with sites there."""
    if by not in ("month", "county"):
        raise ValueError(by)
    notices = (notices.exclude(state=OutageState.CANCELLED)
               .prefetch_related("sites__operators", "acks").order_by("starts_at"))
    rows: dict[str, OutageStats] = {}
    names = dict(Region.objects.filter(level="county").values_list("adcode", "name")) if by == "county" else {}

    def row(key):
        if key not in rows:
            rows[key] = OutageStats(key, names.get(key, key))
        return rows[key]

    for notice in notices:
        sites = list(notice.sites.all())
        hours = notice.hours
        groups: dict[str, list] = defaultdict(list)
        for site in sites:
            groups[_month(notice.starts_at) if by == "month" else site.region_id].append(site)
        if not groups and by == "month":
            groups[_month(notice.starts_at)] = []
        for key, group in groups.items():
            r = row(key)
            r.notices += 1
            r.planned += notice.kind == "planned"
            r.unplanned += notice.kind == "unplanned"
            r.sites += len(group)
            r.site_hours += hours * len(group)
            organizations = None
            if by == "county":
                organizations = {s.owner_id for s in group}
                for s in group:
                    organizations.update(o.pk for o in s.operators.all())
            for ack in notice.acks.all():
                if organizations is not None and ack.organization_id not in organizations:
                    continue
                if ack.state == AckState.ACKNOWLEDGED:
                    r.acknowledged += 1
                    ack.notice = notice
                    r._ack_hours.append(ack.hours_to_acknowledge)
                else:
                    r.pending += 1
    return [rows[k] for k in sorted(rows)]


def totals(rows: list[OutageStats]) -> OutageStats:
    total = OutageStats("total", "")
    for r in rows:
        for name in ("notices", "planned", "unplanned", "sites", "acknowledged", "pending"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.site_hours += r.site_hours
        total._ack_hours.extend(r._ack_hours)
    return total


def open_notices():
    return OutageNotice.objects.filter(state=OutageState.NOTIFIED)


# -- public summary ----------------------------------------------------------------------------------------------
def summary_figures() -> dict:
    """Figures only, for everyone: no company, site, supplier or price is named."""
    notices = OutageNotice.objects.exclude(state=OutageState.CANCELLED)
    months = outage_statistics(notices, by="month")
    prices = TransferSupplyPrice.objects.all()
    findings = Finding.objects.all()
    return {
        "months": months[-12:], "total": totals(months),
        "prices": prices.count(), "marked_up": prices.filter(markup__gt=0).count(),
        "sites_priced": prices.values("site").distinct().count(),
        "checks": SpecialCheck.objects.count(), "findings": findings.count(),
        "ordered": findings.filter(state=FindingState.ORDERED).count(),
        "verified": findings.filter(state=FindingState.VERIFIED).count(),
    }
