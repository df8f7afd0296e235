"""Business actions of the public EMF information. Each is keyword-only and atomic, validates its input (a
``ValidationError`` naming the field, nothing written) and records its audit row in its transaction. Who takes which
step from which state is declared once on the models (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`:

- the ecology department (or the programme office) prepares a site's public page — the assessment is computed from
  the site's cells then (:mod:`rollout5g.emf.assessment`) — publishes it, assesses it again, withdraws it;
- the ecology department records its measurements (HJ 1151-2020) and publishes science articles;
- anyone submits a measurement request (no login; rate-limited per address and phone; a retried form creates
  nothing twice); it is routed to the ecology department with a working-day clock, which plans the measurement and
  answers with the result, or declines with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor
from rollout5g.platform.codes import next_code
from rollout5g.platform.tenancy import place_region
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.sites.models import Cell, Site

from .assessment import measured_share, site_estimate
from .choices import (
    DEFAULT_ANSWER_LIMIT_DAYS,
    DEFAULT_ANSWER_WARN_DAYS,
    MAX_REQUESTS_PER_ADDRESS,
    MAX_REQUESTS_PER_PHONE,
    PageState,
    Unit,
)
from .models import MeasurementRequest, MonitoringResult, SciencePost, SitePage
from .selectors import ecology_department, is_ecology

#: The public, acting through the request form (the audit history names it ``system:public``).
PUBLIC = SystemActor("public")
#: Fields of a request never written to the audit history (the requester's private data and secrets).
PRIVATE_FIELDS = ("name", "phone", "client_hash", "access_key", "submit_token")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _today() -> dt.date:
    return timezone.localdate()


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(field, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}) from None


def _text(value, field: str, *, required: bool = True, limit: int = 0) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _error(field, _("required"))
    if limit and len(text) > limit:
        raise _error(field, _("at most %(n)s characters") % {"n": limit})
    return text


def _organization(actor, field: str = "organization") -> Organization:
    org = getattr(actor, "organization", None)
    if org is None:
        raise _error(field, _("name the organization"))
    return org


# -- site pages --------------------------------------------------------------------------------------------------
def _assess(site: Site) -> dict:
    return site_estimate(Cell.objects.filter(site=site).order_by("cell_id")).as_dict()


def page_prepare(*, actor, site: Site, public_name: str = "", place: str = "", note: str = "",
                 publisher: Organization | None = None, on=None, is_synthetic: bool = False) -> SitePage:
    """The ecology department (or the programme office, for the ecology department) prepares the public page of a
    site: the name and place the public reads (no coordinates) and the assessment computed from its cells now."""
    if publisher is None:
        own = getattr(actor, "organization", None)
        publisher = own if is_ecology(own) else ecology_department()
    if publisher is None:
        raise _error("publisher", _("no ecology department is known"))
    authorize_create(actor, SitePage, owner=publisher)
    if not is_ecology(publisher):
        raise _error("publisher", _("public EMF pages are published by the ecology department"))
    if site is None:
        raise _error("site", _("required"))
    if SitePage.objects.filter(site=site).exists():
        raise _error("site", _("%(site)s already has a public page") % {"site": site.name})
    on = _date(on or _today(), "on")
    with transaction.atomic():
        page = SitePage(
            code=next_code(model=SitePage, prefix=f"DC-{on.year}-", width=4), site=site, publisher=publisher,
            public_name=_text(public_name or site.name, "public_name", limit=150),
            place=_text(place or site.address or site.region.name, "place", limit=200), region=site.region,
            assessment=_assess(site), assessed_on=on, note=_text(note, "note", required=False),
            is_synthetic=is_synthetic)
        page.full_clean()
        page.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=page, after=snapshot(page, exclude=("assessment",)))
    return page


def page_reassess(*, actor, page: SitePage, on=None) -> SitePage:
    """Compute the assessment again from the site's cells today (after a change of the cells)."""
    authorize(actor, "reassess", page)
    on = _date(on or _today(), "on")
    with transaction.atomic():
        before = snapshot(page)
        page.assessment, page.assessed_on = _assess(page.site), on
        page.save(update_fields=["assessment", "assessed_on", "updated_at"])
        record_changes(actor=actor, obj=page, before=before, note="reassess")
    return page


def page_publish(*, actor, page: SitePage, on=None) -> SitePage:
    """Publish the page: anyone may read it from now on."""
    authorize(actor, "publish", page)
    if not page.assessment.get("bands"):
        raise _error("assessment", _("the site has no cell with a transmit power: nothing to publish"))
    on = _date(on or _today(), "on")
    return transition(page, "publish", actor=actor, published_on=on)


def page_withdraw(*, actor, page: SitePage, reason: str) -> SitePage:
    """Withdraw a published page (the site is gone, the figures are being redone) with the reason."""
    authorize(actor, "withdraw", page)
    return transition(page, "withdraw", actor=actor, note=_text(reason, "reason", limit=200))


# -- monitoring results ------------------------------------------------------------------------------------------
def result_record(*, actor, point: str, measured_on, value, unit: str, instrument: str, site: Site | None = None,
                  height_m=1.7, note: str = "", region=None, is_synthetic: bool = False) -> MonitoringResult:
    """The ecology department records one broadband measurement (HJ 1151-2020): its share of the GB 8702-2014 limit
    in the unit measured is computed. Its region is the site's, or ``region`` (a Region or an adcode in the actor's
    scope) without a site, or the actor's city."""
    org = _organization(actor)
    region = place_region(actor, site=site, region=region)
    authorize_create(actor, MonitoringResult, owner=org, region=region)
    if not is_ecology(org):
        raise _error("organization", _("measurements are recorded by the ecology department"))
    point = _text(point, "point", limit=200)
    measured_on = _date(measured_on, "measured_on")
    if measured_on > _today():
        raise _error("measured_on", _("cannot be in the future"))
    if unit not in Unit.values:
        raise _error("unit", _("%(value)s is not a unit of measurement") % {"value": unit})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _error("value", _("%(value)s is not a number") % {"value": value}) from None
    if not math.isfinite(number) or number < 0:
        raise _error("value", _("must be 0 or more"))
    try:
        height = float(height_m)
    except (TypeError, ValueError):
        raise _error("height_m", _("%(value)s is not a number") % {"value": height_m}) from None
    if not 0 < height <= 300:
        raise _error("height_m", _("between 0 and 300 m"))
    limit, share = measured_share(number, unit)
    with transaction.atomic():
        row = MonitoringResult(
            code=next_code(model=MonitoringResult, prefix=f"JC-{measured_on.year}-", width=4), site=site,
            region_id=region,
            organization=org, point=point, height_m=height, measured_on=measured_on, value=number, unit=unit,
            limit=limit, share=share, instrument=_text(instrument, "instrument", limit=150),
            note=_text(note, "note", required=False, limit=300), is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row, after=snapshot(row))
    return row


# -- science articles --------------------------------------------------------------------------------------------
def post_create(*, actor, title: str, body: str, summary: str = "", source: str = "",
                is_synthetic: bool = False) -> SciencePost:
    """The ecology department writes a science article (a draft until published). Plain text: the pages escape it."""
    org = _organization(actor)
    authorize_create(actor, SciencePost, owner=org)
    if not is_ecology(org):
        raise _error("organization", _("science articles are published by the ecology department"))
    with transaction.atomic():
        post = SciencePost(code=next_code(model=SciencePost, prefix=f"KP-{_today().year}-", width=4),
                           title=_text(title, "title", limit=150), summary=_text(summary, "summary", required=False,
                                                                                  limit=300),
                           body=_text(body, "body"), source=_text(source, "source", required=False, limit=300),
                           organization=org, is_synthetic=is_synthetic)
        post.full_clean()
        post.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=post, after=snapshot(post))
    return post


def post_publish(*, actor, post: SciencePost, on=None) -> SciencePost:
    on = _date(on or _today(), "on")
    return transition(post, "publish", actor=actor, published_on=on)


def post_withdraw(*, actor, post: SciencePost, reason: str) -> SciencePost:
    authorize(actor, "withdraw", post)
    return transition(post, "withdraw", actor=actor, note=_text(reason, "reason", limit=200))


# -- public measurement requests ---------------------------------------------------------------------------------
def client_fingerprint(address: str) -> str:
    """A keyed hash of the caller's address: enough to count its requests, not to recover the address."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def request_submit(*, name: str, phone: str, place: str, client: str, token: str, description: str = "",
                   page: SitePage | None = None, on=None, actor=PUBLIC, is_synthetic: bool = False):
    """A request for a measurement from the public (no login). ``client`` is the caller's address (only its keyed
    hash is kept), ``token`` the form's one-time token: the same token again returns the first request (a retried
    submission creates nothing twice). Refused when the address or the phone number sent too many in a day. Routed
    to the ecology department with a working-day answer clock; the department is told.

    Returns ``(request, created)``."""
    token = _text(token, "token", limit=200)
    earlier = MeasurementRequest.objects.filter(submit_token=token).first()
    if earlier is not None:
        return earlier, False
    name = _text(name, "name", limit=60)
    phone = _text(phone, "phone", limit=30)
    if not PHONE.match(phone):
        raise _error("phone", _("%(value)s is not a phone number") % {"value": phone})
    place = _text(place, "place", limit=200)
    description = _text(description, "description", required=False, limit=2000)
    if page is not None and page.state != PageState.PUBLISHED:
        raise _error("page", _("no such public page"))
    fingerprint = client_fingerprint(client)
    since = timezone.now() - dt.timedelta(hours=24)
    recent = MeasurementRequest.objects.filter(created_at__gte=since)
    if recent.filter(client_hash=fingerprint).count() >= MAX_REQUESTS_PER_ADDRESS:
        raise _error("__all__", _("Too many requests from this connection today; please try again tomorrow."))
    digits = _digits(phone)
    if sum(_digits(p) == digits for p in recent.values_list("phone", flat=True)) >= MAX_REQUESTS_PER_PHONE:
        raise _error("phone", _("Too many requests with this phone number today; please try again tomorrow."))
    department = ecology_department()
    if department is None:
        raise _error("__all__", _("Measurement requests cannot be received now: no ecology department is known."))
    on = _date(on or _today(), "on")
    try:
        return _request_create(token=token, fingerprint=fingerprint, name=name, phone=phone, place=place, page=page,
                               description=description, department=department, on=on, actor=actor,
                               is_synthetic=is_synthetic), True
    except IntegrityError:  # the same form sent twice at the same moment: the first one won
        earlier = MeasurementRequest.objects.filter(submit_token=token).first()
        if earlier is None:
            raise
        return earlier, False


def _request_create(*, token, fingerprint, name, phone, place, page, description, department, on, actor,
                    is_synthetic) -> MeasurementRequest:
    with transaction.atomic():
        row = MeasurementRequest(
            code=next_code(model=MeasurementRequest, prefix=f"CL-{on.year}-", width=4),
            access_key=secrets.token_urlsafe(18), submit_token=token, client_hash=fingerprint, name=name,
            phone=phone, place=place, page=page, description=description, department=department, received_on=on,
            limit_days=DEFAULT_ANSWER_LIMIT_DAYS, warn_days=DEFAULT_ANSWER_WARN_DAYS, is_synthetic=is_synthetic)
        row.full_clean()
        row.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=row,
                     after=snapshot(row, exclude=PRIVATE_FIELDS))
        notify(message=gettext_noop("Measurement request %(code)s from the public: %(place)s"), params={"code": row.code,
                                                                                      "place": place},
               body=description, url=reverse("emf:request", kwargs={"code": row.code}), organizations=[department],
               key=f"emf:request:{row.pk}:received")
    return row


def request_schedule(*, actor, request: MeasurementRequest, on, note: str = "") -> MeasurementRequest:
    """The department plans the measurement for a day (not before the request came in)."""
    authorize(actor, "schedule", request)
    day = _date(on, "on")
    if day < request.received_on:
        raise _error("on", _("must not be before the request was received"))
    return transition(request, "schedule", actor=actor, note=_text(note, "note", required=False, limit=200),
                      scheduled_on=day)


def request_answer(*, actor, request: MeasurementRequest, answer: str, result: MonitoringResult | None = None,
                   on=None) -> MeasurementRequest:
    """The department answers with the measurement made (one of its own results) and a plain explanation."""
    authorize(actor, "answer", request)
    answer = _text(answer, "answer", limit=4000)
    if result is not None and result.organization_id != request.department_id:
        raise _error("result", _("a measurement of the department answering"))
    on = _date(on or _today(), "on")
    if on < request.received_on:
        raise _error("on", _("must not be before the request was received"))
    return transition(request, "answer", actor=actor, note=answer[:200], answer=answer, result=result,
                      answered_on=on)


def request_decline(*, actor, request: MeasurementRequest, reason: str, on=None) -> MeasurementRequest:
    """The department declines (not a base station, measured recently, …) with the reason the requester reads."""
    authorize(actor, "decline", request)
    reason = _text(reason, "answer", limit=4000)
    on = _date(on or _today(), "on")
    return transition(request, "decline", actor=actor, note=reason[:200], answer=reason, answered_on=on)
