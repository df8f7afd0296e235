"""Business actions of the power-supply assurance. Each is keyword-only and atomic, validates its input (a
``ValidationError`` naming the field, nothing written) and records its audit row in its transaction. Who takes which
step from which state is declared once on the models (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`:

- the power company notifies an outage (planned before it starts, unplanned once it has started) with the affected
  sites; the operators and the tower company of those sites are notified and each acknowledges; the power company
  records the restoration (or cancels a planned outage);
- an operator (or the tower company) records the transfer-supply price it is charged at a site: the provincial
  reference price valid on the billing date is looked up and the mark-up computed;
- a checking department starts a special check, records each mark-up found with a rectification order (a
  working-day clock), the rectification is reported (by the department or the paying operator) with the new price
  — not above the reference — and the department verifies it or orders it again; it closes the check when no
  finding is open.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.regions.models import Region
from rollout5g.sites.choices import PowerSupply
from rollout5g.sites.models import Site

from .choices import (
    DEFAULT_RECTIFY_LIMIT_DAYS,
    DEFAULT_RECTIFY_WARN_DAYS,
    NOTIFIED_KINDS,
    UTILITY_KIND,
    FindingState,
    OutageKind,
)
from .models import Finding, OutageAck, OutageNotice, ReferencePrice, SpecialCheck, TransferSupplyPrice
from .selectors import checking_departments, markup_of, reference_on


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _user(actor):
    return None if is_system(actor) or not getattr(actor, "pk", None) else actor


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _moment(value, field: str) -> dt.datetime:
    if value in (None, ""):
        raise _error(field, _("required"))
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise _error(field, _("%(value)s is not a date and time (YYYY-MM-DD HH:MM)") % {"value": value}) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _price(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _error(field, _("%(value)s is not a number") % {"value": value}) from None
    if not number.is_finite() or number <= 0:
        raise _error(field, _("must be more than 0"))
    if number >= 100:
        raise _error(field, _("a price per kWh below 100"))
    if number != number.quantize(Decimal("0.0001")):
        raise _error(field, _("at most four decimals"))
    return number


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    return text[:limit] if limit else text


# -- outage notices ----------------------------------------------------------------------------------------------
def outage_url(notice) -> str:
    return reverse("grid:outage", kwargs={"code": notice.code})


def _notified_organizations(sites) -> dict[int, tuple[Organization, int]]:
    """{organization pk: (organization, its affected sites)} of the operators and tower company of ``sites``."""
    out: dict[int, list] = {}
    for site in sites:
        for org in {site.owner, *site.operators.all()}:
            if org.kind in NOTIFIED_KINDS:
                out.setdefault(org.pk, [org, 0])[1] += 1
    return {pk: (org, n) for pk, (org, n) in out.items()}


def outage_notify(*, actor, kind: str, sites, starts_at, expected_end, utility: Organization | None = None,
                  area: str = "", reason: str = "", notified_at=None, is_synthetic: bool = False) -> OutageNotice:
    """The power company notifies an outage of ``sites`` (Site rows or codes). A planned outage is notified before
    it starts, an unplanned one once it has started; each operator and the tower company of the sites gets a
    notification and an acknowledgement to give."""
    utility = utility or getattr(actor, "organization", None)
    authorize_create(actor, OutageNotice, owner=utility)
    if utility is None or utility.kind != UTILITY_KIND:
        raise _error("utility", _("only the power company notifies outages"))
    if kind not in OutageKind.values:
        raise _error("kind", _("%(value)s is not a kind of outage") % {"value": kind})
    notified_at = _moment(notified_at or timezone.now(), "notified_at")
    starts_at, expected_end = _moment(starts_at, "starts_at"), _moment(expected_end, "expected_end")
    if expected_end <= starts_at:
        raise _error("expected_end", _("must be after the start"))
    if kind == OutageKind.PLANNED and starts_at <= notified_at:
        raise _error("starts_at", _("a planned outage is notified before it starts"))
    if kind == OutageKind.UNPLANNED and starts_at > notified_at:
        raise _error("starts_at", _("an unplanned outage is notified once it has started"))
    rows, unknown = [], []
    for site in sites or ():
        if isinstance(site, Site):
            rows.append(site)
            continue
        found = Site.objects.filter(code=str(site).strip()).first()
        (rows if found else unknown).append(found or str(site).strip())
    if unknown:
        raise _error("sites", _("no site %(codes)s") % {"codes": "、".join(unknown[:5])})
    rows = list({s.pk: s for s in rows}.values())
    if not rows:
        raise _error("sites", _("name the affected sites"))
    notified = _notified_organizations(rows)
    if not notified:
        raise _error("sites", _("no operator or tower company has these sites"))
    with transaction.atomic():
        notice = OutageNotice(
            code=next_code(model=OutageNotice, prefix=f"TD-{timezone.localtime(starts_at).year}-", width=4),
            kind=kind, utility=utility, starts_at=starts_at, expected_end=expected_end, notified_at=notified_at,
            area=_text(area, "area", required=False, limit=200), reason=_text(reason, "reason", required=False),
            created_by=_user(actor), is_synthetic=is_synthetic)
        notice.full_clean()
        notice.save()
        notice.sites.set(rows)
        record_event(actor=actor, action=AuditAction.CREATE, obj=notice,
                     after={**snapshot(notice), "sites": sorted(s.code for s in rows)})
        for org, count in notified.values():
            ack = OutageAck.objects.create(notice=notice, organization=org, sites=count)
            record_event(actor=actor, action=AuditAction.CREATE, obj=ack, after=snapshot(ack))
            notify(message=gettext_noop("%(code)s: %(kind)s at %(n)s of your sites, %(start)s to %(end)s"), params={
                       "code": notice.code, "kind": {"$choice": "grid.OutageNotice.kind", "value": notice.kind},
                       "n": count, "start": starts_at, "end": expected_end},
                   body=notice.reason, url=outage_url(notice), level="warning", organizations=[org],
                   key=f"grid:outage:{notice.pk}:{org.pk}")
    return notice


def outage_acknowledge(*, actor, ack: OutageAck, note: str = "", at=None) -> OutageAck:
    """An operator (or the tower company) acknowledges the notice to its organization."""
    at = _moment(at or timezone.now(), "at")
    text = (note or "").strip()[:300]
    return transition(ack, "acknowledge", actor=actor, note=text, acknowledged_at=at, acknowledged_by=_user(actor),
                      remark=text)


def outage_restore(*, actor, notice: OutageNotice, actual_end=None, note: str = "") -> OutageNotice:
    """The power company records when power came back; the notified organizations are told."""
    authorize(actor, "restore", notice)
    actual_end = _moment(actual_end or timezone.now(), "actual_end")
    if actual_end <= notice.starts_at:
        raise _error("actual_end", _("must be after the start"))
    if actual_end > timezone.now() + dt.timedelta(minutes=5):
        raise _error("actual_end", _("cannot be in the future"))
    with transaction.atomic():
        notice = transition(notice, "restore", actor=actor, note=note, actual_end=actual_end)
        notify(message=gettext_noop("%(code)s: power restored at %(end)s"), params={
                   "code": notice.code, "end": actual_end},
               url=outage_url(notice), organizations=[a.organization for a in notice.acks.select_related(
                   "organization")], key=f"grid:outage:{notice.pk}:restored")
    return notice


def outage_cancel(*, actor, notice: OutageNotice, reason: str) -> OutageNotice:
    """The power company cancels a planned outage (with the reason); the notified organizations are told."""
    authorize(actor, "cancel", notice)
    reason = _text(reason, "reason")
    with transaction.atomic():
        notice = transition(notice, "cancel", actor=actor, note=reason)
        notify(message=gettext_noop("%(code)s: planned outage cancelled"), params={"code": notice.code}, body=reason,
               url=outage_url(notice), organizations=[a.organization for a in notice.acks.select_related(
                   "organization")], key=f"grid:outage:{notice.pk}:cancelled")
    return notice


# -- prices ------------------------------------------------------------------------------------------------------
def reference_price_create(*, actor, name: str, price_per_kwh, valid_from, valid_to=None, source: str = "",
                           is_synthetic: bool = False) -> ReferencePrice:
    """The programme office enters a provincial reference price with its validity: an open-ended earlier price of
    the same tariff then ends the day before; any other overlap of one tariff is refused."""
    authorize_create(actor, ReferencePrice)
    name = _text(name, "name", limit=120)
    price = _price(price_per_kwh, "price_per_kwh")
    valid_from = _date(valid_from, "valid_from")
    valid_to = _date(valid_to, "valid_to") if valid_to not in (None, "") else None
    if valid_to is not None and valid_to < valid_from:
        raise _error("valid_to", _("must not be before the start of validity"))
    same = ReferencePrice.objects.filter(name=name)
    # an open-ended earlier price of the tariff ends the day before the new one starts
    superseded = list(same.filter(valid_to__isnull=True, valid_from__lt=valid_from))
    overlapping = same.exclude(pk__in=[r.pk for r in superseded]).exclude(valid_to__lt=valid_from)
    if valid_to is not None:
        overlapping = overlapping.exclude(valid_from__gt=valid_to)
    if overlapping.exists():
        raise _error("valid_from", _("overlaps the validity of %(other)s") % {"other": overlapping.first()})
    with transaction.atomic():
        for old in superseded:
            before = snapshot(old)
            old.valid_to = valid_from - dt.timedelta(days=1)
            old.save()
            record_changes(actor=actor, obj=old, before=before, note="superseded")
        row = ReferencePrice(name=name, price_per_kwh=price, valid_from=valid_from, valid_to=valid_to,
                             source=_text(source, "source", required=False, limit=300), is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


def price_record(*, actor, site: Site, supplier: str, price_per_kwh, observed_on, payer: Organization | None = None,
                 note: str = "", is_synthetic: bool = False) -> TransferSupplyPrice:
    """An operator (or the tower company) records what a transfer-supply unit charged it per kWh at one of its
    sites on a billing date; the reference price valid that day is looked up and the mark-up computed."""
    payer = payer or getattr(actor, "organization", None)
    if payer is None:
        raise _error("payer", _("name who pays"))
    authorize_create(actor, TransferSupplyPrice, owner=payer)
    if site is None:
        raise _error("site", _("required"))
    if payer.pk != site.owner_id and not site.operators.filter(pk=payer.pk).exists():
        raise _error("site", _("%(site)s is not a site of %(payer)s") % {"site": site.code, "payer": payer})
    if site.power_supply == PowerSupply.DIRECT:
        raise _error("site", _("%(site)s is on direct supply") % {"site": site.code})
    supplier = _text(supplier, "supplier", limit=150)
    price = _price(price_per_kwh, "price_per_kwh")
    observed_on = _date(observed_on, "observed_on")
    if observed_on > dt.date.today():
        raise _error("observed_on", _("cannot be in the future"))
    reference = reference_on(observed_on)
    if reference is None:
        raise _error("observed_on", _("no provincial reference price is valid on %(day)s") % {"day": observed_on})
    markup, share = markup_of(price, reference.price_per_kwh)
    with transaction.atomic():
        row = TransferSupplyPrice(
            code=next_code(model=TransferSupplyPrice, prefix=f"ZGD-{observed_on.year}-", width=5), site=site,
            payer=payer, supplier=supplier, observed_on=observed_on, price_per_kwh=price, reference=reference,
            reference_price=reference.price_per_kwh, markup=markup, markup_share=share,
            note=_text(note, "note", required=False, limit=300), created_by=_user(actor), is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


# -- special checks ----------------------------------------------------------------------------------------------
def check_url(check) -> str:
    return reverse("grid:check", kwargs={"code": check.code})


def check_start(*, actor, title: str, period_from, period_to, department: Organization | None = None,
                region: Region | None = None, started_on=None, rectify_limit_days: int | None = None,
                is_synthetic: bool = False) -> SpecialCheck:
    """A checking department starts a special check of the transfer-supply prices billed in a period (one county,
    or all when ``region`` is empty)."""
    department = department or getattr(actor, "organization", None)
    if department is None:
        raise _error("department", _("name the department"))
    authorize_create(actor, SpecialCheck, owner=department)
    if not checking_departments().filter(pk=department.pk).exists():
        raise _error("department", _("%(org)s does not check transfer-supply prices") % {"org": department})
    title = _text(title, "title", limit=150)
    period_from, period_to = _date(period_from, "period_from"), _date(period_to, "period_to")
    if period_to < period_from:
        raise _error("period_to", _("must not be before the start of the period"))
    if region is not None and region.level != "county":
        raise _error("region", _("choose a county"))
    limit = DEFAULT_RECTIFY_LIMIT_DAYS if rectify_limit_days in (None, "") else rectify_limit_days
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise _error("rectify_limit_days", _("must be a whole number")) from None
    if not 1 <= limit <= 120:
        raise _error("rectify_limit_days", _("between 1 and 120 working days"))
    started_on = _date(started_on or dt.date.today(), "started_on")
    with transaction.atomic():
        check = SpecialCheck(
            code=next_code(model=SpecialCheck, prefix=f"ZJ-{started_on.year}-", width=3), title=title,
            department=department, region=region, period_from=period_from, period_to=period_to,
            rectify_limit_days=limit, rectify_warn_days=min(DEFAULT_RECTIFY_WARN_DAYS, limit - 1),
            started_on=started_on, is_synthetic=is_synthetic)
        check.full_clean()
        check.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=check, after=snapshot(check))
    return check


def in_scope(check: SpecialCheck):
    """The price records a check covers: billed in its period, in its county (all counties when none)."""
    qs = TransferSupplyPrice.objects.filter(observed_on__gte=check.period_from, observed_on__lte=check.period_to)
    return qs.filter(site__region=check.region) if check.region_id else qs


def finding_record(*, actor, check: SpecialCheck, price: TransferSupplyPrice, order: str,
                   on=None) -> Finding:
    """The department records a mark-up found in the check and orders it rectified: the clock runs from ``on`` for
    the check's limit in working days; the paying operator is told."""
    authorize(actor, "record_finding", check)
    if price is None or not in_scope(check).filter(pk=price.pk).exists():
        raise _error("price", _("this price record is not in the check's period and county"))
    if price.markup <= 0:
        raise _error("price", _("%(code)s charges no more than the reference price") % {"code": price.code})
    if Finding.objects.filter(check_run=check, price=price).exists():
        raise _error("price", _("%(code)s is already a finding of this check") % {"code": price.code})
    order = _text(order, "order")
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        finding = Finding(check_run=check, price=price, markup=price.markup, order=order, ordered_on=on,
                          limit_days=check.rectify_limit_days, warn_days=check.rectify_warn_days)
        finding.full_clean()
        finding.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=finding, after=snapshot(finding),
                     note="record_finding")
        notify(message=gettext_noop("%(code)s: transfer-supply mark-up at %(site)s to be rectified"), params={
                   "code": check.code, "site": price.site.code}, body=order, level="warning", url=check_url(check),
               organizations=[price.payer], key=f"grid:finding:{finding.pk}:ordered:{on.isoformat()}")
    return finding


def finding_report(*, actor, finding: Finding, rectified_price, on=None, note: str = "") -> Finding:
    """The rectification is reported (by the department or the paying operator) with the price now charged: it
    may not be above the reference price of the record."""
    authorize(actor, "report", finding)
    price = _price(rectified_price, "rectified_price")
    if price > finding.price.reference_price:
        raise _error("rectified_price", _("%(price)s is still above the reference price %(ref)s") % {
            "price": price, "ref": finding.price.reference_price})
    on = _date(on or dt.date.today(), "on")
    if on < finding.ordered_on:
        raise _error("on", _("must not be before the order"))
    with transaction.atomic():
        finding = transition(finding, "report", actor=actor, note=note, rectified_price=price, rectified_on=on)
        notify(message=gettext_noop("%(code)s: rectification reported, to be verified"), params={"code": finding.check_run.code},
               body=str(finding.price.site), url=check_url(finding.check_run),
               organizations=[finding.check_run.department], key=f"grid:finding:{finding.pk}:reported:{on}")
    return finding


def finding_verify(*, actor, finding: Finding, on=None, note: str = "") -> Finding:
    """The department verifies the rectification."""
    on = _date(on or dt.date.today(), "on")
    return transition(finding, "verify", actor=actor, note=note, verified_on=on)


def finding_reopen(*, actor, finding: Finding, order: str, on=None) -> Finding:
    """The department finds the mark-up not rectified and orders it again: a new clock from ``on``."""
    authorize(actor, "reopen", finding)
    order = _text(order, "order")
    on = _date(on or dt.date.today(), "on")
    with transaction.atomic():
        finding = transition(finding, "reopen", actor=actor, note=order, order=order, ordered_on=on,
                             rectified_on=None, rectified_price=None)
        notify(message=gettext_noop("%(code)s: transfer-supply mark-up at %(site)s to be rectified"), params={
                   "code": finding.check_run.code, "site": finding.price.site.code}, body=order, level="warning",
               url=check_url(finding.check_run), organizations=[finding.price.payer],
               key=f"grid:finding:{finding.pk}:ordered:{on.isoformat()}")
    return finding


def check_close(*, actor, check: SpecialCheck, summary: str, on=None) -> SpecialCheck:
    """The department closes the check with its conclusion once every finding is verified."""
    authorize(actor, "close", check)
    summary = _text(summary, "summary")
    if check.findings.exclude(state=FindingState.VERIFIED).exists():
        raise _error("summary", _("findings are still being rectified"))
    on = _date(on or dt.date.today(), "on")
    return transition(check, "close", actor=actor, note=summary[:200], summary=summary, closed_on=on)
