"""JSON API of the industry workflows, on the industry router (/api/industry). Lists and details read through
``restrict()``; writes call the same services as the pages (403 when the caller may not act, 422 naming the field for
bad input — the platform's error handler turns the services' exceptions into problem details)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.organizations.models import Organization
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions

from . import industry_services as services
from .api import router
from .choices import CaseState
from .industry_models import (
    Alliance,
    ApplicationCase,
    FirstOfKind,
    IndustryEvent,
    ListingCompany,
    ListingStageChange,
    TalentEntry,
    TalentSupport,
)
from .selectors import listing_counts, support_totals


def _actions(obj, context) -> list[str]:
    return [name for name, ok in available_actions(context["request"].user, obj).items() if ok]


# -- 凤凰行动 -------------------------------------------------------------------------------------------------------
class ListingChangeOut(Schema):
    stage: str
    on: dt.date
    note: str


class ListingOut(Schema):
    code: str
    enterprise: str
    regulator: str
    stage: str
    stage_on: dt.date
    board: str
    stock_code: str

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.code

    @staticmethod
    def resolve_regulator(obj):
        return obj.regulator.code


class ListingDetailOut(ListingOut):
    note: str
    changes: list[ListingChangeOut]
    actions: list[str]

    @staticmethod
    def resolve_changes(obj):
        return list(obj.changes.all())

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(obj, context)


class ListingIn(Schema):
    enterprise: str
    since: dt.date | None = None
    board: str = ""
    note: str = ""


class ListingStepIn(Schema):
    on: dt.date | None = None
    note: str = ""
    board: str = ""
    stock_code: str = ""


class ListingYearOut(Schema):
    year: int
    stages: dict[str, int]


def _listing(request, code) -> ListingCompany:
    return get_object_or_404(ListingCompany.objects.restrict(request.user).select_related("enterprise", "regulator"),
                             code=code)


@router.get("/listings", response=list[ListingOut], auth=session_or_token,
            summary="The listing pipeline (凤凰行动) you may see")
@paginate
def listing_list(request, stage: str = ""):
    qs = ListingCompany.objects.restrict(request.user).select_related("enterprise", "regulator")
    return qs.filter(stage=stage) if stage else qs


@router.get("/listings/counts", response=list[ListingYearOut], auth=session_or_token,
            summary="Per year: pipeline enterprises that reached each stage")
def listing_year_counts(request):
    rows = listing_counts(ListingStageChange.objects.restrict(request.user))
    return [{"year": r["year"], "stages": {value: n for value, _label, n in r["stages"]}} for r in rows]


@router.post("/listings", response={201: ListingDetailOut}, auth=session_or_token,
             summary="The financial regulator office adds an enterprise (by its code) to the pipeline")
@idempotent
def listing_create(request, payload: ListingIn):
    company = services.listing_register(actor=request.user, enterprise=payload.enterprise, since=payload.since,
                                        board=payload.board, note=payload.note)
    return Status(201, _listing(request, company.code))


@router.get("/listings/{code}", response=ListingDetailOut, auth=session_or_token,
            openapi_extra=api_record("incentives.ListingCompany", "code", "code"),
            summary="One pipeline enterprise with its dated stage changes")
def listing_detail(request, code: str):
    return _listing(request, code)


@router.post("/listings/{code}/{step}", response=ListingDetailOut, auth=session_or_token,
             summary="A stage: tutoring, apply, accept, approve, list, withdraw")
@idempotent
def listing_step(request, code: str, step: str, payload: ListingStepIn):
    if step not in services.LISTING_STEPS:
        raise HttpError(404, f"no step {step!r}")
    services.listing_step(actor=request.user, company=_listing(request, code), step=step, on=payload.on,
                          note=payload.note, board=payload.board, stock_code=payload.stock_code)
    return _listing(request, code)


# -- 首台套 / 首批次 / 首版次 ----------------------------------------------------------------------------------------
class FirstOut(Schema):
    number: str
    enterprise: str
    kind: str
    product: str
    model_version: str
    state: str
    level: str
    recognised_on: dt.date | None
    document: str

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.code


class FirstDetailOut(FirstOut):
    description: str
    actions: list[str]

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(obj, context)


class FirstIn(Schema):
    kind: str
    product: str
    description: str
    model_version: str = ""


class FirstStepIn(Schema):
    note: str = ""
    level: str = ""
    document: str = ""
    on: dt.date | None = None


def _first(request, number) -> FirstOfKind:
    return get_object_or_404(FirstOfKind.objects.restrict(request.user).select_related("enterprise"), number=number)


@router.get("/first-of-kind", response=list[FirstOut], openapi_extra=PUBLIC_API,
            summary="First-of-kind applications: recognised products for everyone, your own applications too")
@paginate
def first_list(request, state: str = "", kind: str = ""):
    qs = FirstOfKind.objects.restrict(request.user).select_related("enterprise")
    if state:
        qs = qs.filter(state=state)
    return qs.filter(kind=kind) if kind else qs


@router.post("/first-of-kind", response={201: FirstDetailOut}, auth=session_or_token,
             summary="An enterprise drafts an application (upload the evidence on the page, then submit)")
@idempotent
def first_create(request, payload: FirstIn):
    application = services.first_create(actor=request.user, kind=payload.kind, product=payload.product,
                                        description=payload.description, model_version=payload.model_version)
    return Status(201, _first(request, application.number))


@router.get("/first-of-kind/{number}", response=FirstDetailOut, openapi_extra=api_record(
    "incentives.FirstOfKind", "number", "number", public=True), summary="One first-of-kind application")
def first_detail(request, number: str):
    return _first(request, number)


@router.post("/first-of-kind/{number}/{step}", response=FirstDetailOut, auth=session_or_token,
             summary="A step: submit, return, recognise, reject")
@idempotent
def first_step(request, number: str, step: str, payload: FirstStepIn):
    a, u = _first(request, number), request.user
    if step == "submit":
        services.first_submit(actor=u, application=a)
    elif step == "return":
        services.first_return(actor=u, application=a, note=payload.note)
    elif step == "reject":
        services.first_reject(actor=u, application=a, note=payload.note)
    elif step == "recognise":
        services.first_recognise(actor=u, application=a, level=payload.level, document=payload.document,
                                 on=payload.on)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _first(request, number)


# -- talent --------------------------------------------------------------------------------------------------------
class TalentEntryOut(Schema):
    id: int
    year: int
    field: str
    title: str
    level: str
    shortage: str
    requirements: str
    state: str


class TalentEntryIn(Schema):
    year: int
    field: str
    title: str
    level: str
    shortage: str
    requirements: str = ""


class TalentSupportOut(Schema):
    number: str
    kind: str
    enterprise: str | None
    person: str
    entry: int | None
    amount: Decimal
    granted_on: dt.date
    granted_by: str
    state: str

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.code if obj.enterprise_id else None

    @staticmethod
    def resolve_entry(obj):
        return obj.entry_id

    @staticmethod
    def resolve_granted_by(obj):
        return obj.granted_by.code


class TalentSupportIn(Schema):
    kind: str
    amount: Decimal
    granted_on: dt.date | None = None
    enterprise: str = ""
    person: str = ""
    entry: int | None = None
    note: str = ""


class RevokeIn(Schema):
    note: str


class SupportTotalsOut(Schema):
    """Granted, not revoked [CNY, decimal strings]."""

    total: str
    count: int
    kind: dict[str, str]
    year: dict[str, str]


@router.get("/talent/catalogue", response=list[TalentEntryOut], openapi_extra=PUBLIC_API,
            summary="The published catalogue of urgently needed talent")
@paginate
def talent_catalogue(request, year: int | None = None, field: str = ""):
    qs = TalentEntry.objects.restrict(request.user)
    if year:
        qs = qs.filter(year=year)
    return qs.filter(field=field) if field else qs


@router.post("/talent/catalogue", response={201: TalentEntryOut}, auth=session_or_token,
             summary="The talent office adds an entry to the catalogue")
@idempotent
def talent_entry_create(request, payload: TalentEntryIn):
    entry = services.talent_entry_add(actor=request.user, **payload.dict())
    return Status(201, entry)


def _support(request, number) -> TalentSupport:
    return get_object_or_404(TalentSupport.objects.restrict(request.user).select_related("enterprise", "granted_by"),
                             number=number)


@router.get("/talent/support", response=list[TalentSupportOut], auth=session_or_token,
            summary="Talent support you may see")
@paginate
def talent_support_list(request, kind: str = ""):
    qs = TalentSupport.objects.restrict(request.user).select_related("enterprise", "granted_by")
    return qs.filter(kind=kind) if kind else qs


@router.get("/talent/support/totals", response=SupportTotalsOut, auth=session_or_token,
            summary="Talent support granted and not revoked: total, per kind, per year [CNY]")
def talent_support_totals(request):
    t = support_totals(TalentSupport.objects.restrict(request.user))
    return {"total": str(t["total"]), "count": t["count"], "kind": {k: str(v) for k, _label, v in t["kind"]},
            "year": {str(y): str(v) for y, v in t["year"]}}


@router.post("/talent/support", response={201: TalentSupportOut}, auth=session_or_token,
             summary="The talent office grants support to an enterprise (by its code) or a person")
@idempotent
def talent_support_create(request, payload: TalentSupportIn):
    support = services.talent_support_grant(actor=request.user, kind=payload.kind, amount=payload.amount,
                                            granted_on=payload.granted_on, enterprise=payload.enterprise or None,
                                            person=payload.person, entry=payload.entry, note=payload.note)
    return Status(201, _support(request, support.number))


@router.get("/talent/support/{number}", response=TalentSupportOut, auth=session_or_token,
            openapi_extra=api_record("incentives.TalentSupport", "number", "number"), summary="One grant")
def talent_support_detail(request, number: str):
    return _support(request, number)


@router.post("/talent/support/{number}/revoke", response=TalentSupportOut, auth=session_or_token,
             summary="The granting office revokes a grant (with the reason)")
@idempotent
def talent_support_revoke(request, number: str, payload: RevokeIn):
    services.talent_support_revoke(actor=request.user, support=_support(request, number), note=payload.note)
    return _support(request, number)


# -- events and cases ----------------------------------------------------------------------------------------------
class EventOut(Schema):
    code: str
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    organiser: str
    state: str
    participants: int | None


class EventIn(Schema):
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    organiser: str
    description: str = ""


class CaseOut(Schema):
    number: str
    enterprise: str
    title: str
    field: str
    summary: str
    results: str
    year: int
    state: str
    published_on: dt.date | None

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name


class CaseIn(Schema):
    title: str
    field: str
    summary: str
    results: str = ""


class CaseStepIn(Schema):
    note: str = ""


@router.get("/events", response=list[EventOut], openapi_extra=PUBLIC_API,
            summary="Summits, forums, competitions and exhibitions")
@paginate
def event_list(request, kind: str = ""):
    qs = IndustryEvent.objects.restrict(request.user)
    return qs.filter(kind=kind) if kind else qs


@router.post("/events", response={201: EventOut}, auth=session_or_token, summary="The programme office records an event")
@idempotent
def event_create(request, payload: EventIn):
    return Status(201, services.event_add(actor=request.user, **payload.dict()))


@router.get("/events/{code}", response=EventOut, openapi_extra=api_record("incentives.IndustryEvent", "code", "code",
                                                                           public=True), summary="One event")
def event_detail(request, code: str):
    return get_object_or_404(IndustryEvent.objects.restrict(request.user), code=code)


@router.get("/gallery", response=list[CaseOut], openapi_extra=PUBLIC_API,
            summary="The public gallery: published application cases")
@paginate
def gallery(request, field: str = ""):
    qs = ApplicationCase.objects.filter(state=CaseState.PUBLISHED).select_related("enterprise")
    return qs.filter(field=field) if field else qs


@router.get("/cases", response=list[CaseOut], auth=session_or_token,
            summary="Application cases you may see (your own; the office: all)")
@paginate
def case_list(request, state: str = ""):
    qs = ApplicationCase.objects.restrict(request.user).select_related("enterprise")
    return qs.filter(state=state) if state else qs


@router.post("/cases", response={201: CaseOut}, auth=session_or_token,
             summary="An enterprise submits an application case to the collection")
@idempotent
def case_create(request, payload: CaseIn):
    return Status(201, services.case_submit_new(actor=request.user, **payload.dict()))


@router.get("/cases/{number}", response=CaseOut, openapi_extra=api_record(
    "incentives.ApplicationCase", "number", "number", public=True), summary="One application case")
def case_detail(request, number: str):
    return get_object_or_404(ApplicationCase.objects.restrict(request.user).select_related("enterprise"),
                             number=number)


@router.post("/cases/{number}/{step}", response=CaseOut, auth=session_or_token,
             summary="A step: submit, return, publish, unpublish")
@idempotent
def case_step(request, number: str, step: str, payload: CaseStepIn):
    case = get_object_or_404(ApplicationCase.objects.restrict(request.user), number=number)
    if step not in ("submit", "return", "publish", "unpublish"):
        raise HttpError(404, f"no step {step!r}")
    return services.case_step(actor=request.user, case=case, step=step, note=payload.note)


# -- alliances -----------------------------------------------------------------------------------------------------
class MemberOut(Schema):
    id: int
    organization: str
    name: str
    role: str
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.code

    @staticmethod
    def resolve_name(obj):
        return obj.organization.name


class ActivityOut(Schema):
    kind: str
    title: str
    held_on: dt.date
    summary: str
    participants: list[str]

    @staticmethod
    def resolve_participants(obj):
        return [o.code for o in obj.participants.all()]


class AllianceOut(Schema):
    code: str
    name: str
    kind: str
    founded_on: dt.date | None
    secretariat: str
    purpose: str
    members: list[MemberOut]
    activities: list[ActivityOut]

    @staticmethod
    def resolve_secretariat(obj):
        return obj.secretariat.code

    @staticmethod
    def resolve_members(obj):
        return list(obj.memberships.select_related("organization"))

    @staticmethod
    def resolve_activities(obj):
        return list(obj.activities.prefetch_related("participants"))


class AllianceStepIn(Schema):
    organization: str = ""
    role: str = "member"
    joined_on: dt.date | None = None
    member: int | None = None
    left_on: dt.date | None = None
    kind: str = ""
    title: str = ""
    held_on: dt.date | None = None
    summary: str = ""
    participants: list[str] = []


def _alliance(request, code) -> Alliance:
    return get_object_or_404(Alliance.objects.restrict(request.user).select_related("secretariat"), code=code)


@router.get("/alliances", response=list[AllianceOut], openapi_extra=PUBLIC_API,
            summary="The industry alliances with their members and activities")
def alliance_list(request):
    return list(Alliance.objects.restrict(request.user).select_related("secretariat"))


@router.get("/alliances/{code}", response=AllianceOut, openapi_extra=api_record("incentives.Alliance", "code", "code",
                                                                                 public=True), summary="One alliance")
def alliance_detail(request, code: str):
    return _alliance(request, code)


@router.post("/alliances/{code}/{step}", response=AllianceOut, auth=session_or_token,
             summary="A step of the office or the secretariat: admit (organization code), remove (member id), "
                     "activity")
@idempotent
def alliance_step(request, code: str, step: str, payload: AllianceStepIn):
    alliance, u, p = _alliance(request, code), request.user, payload
    if step == "admit":
        services.alliance_admit(actor=u, alliance=alliance, organization=p.organization, joined_on=p.joined_on,
                                role=p.role)
    elif step == "remove":
        member = alliance.memberships.filter(pk=p.member).first() if p.member else None
        if member is None:
            raise ValidationError({"member": ["not a present member of this alliance"]})
        services.alliance_remove(actor=u, alliance=alliance, member=member, left_on=p.left_on)
    elif step == "activity":
        ids = list(Organization.objects.filter(code__in=p.participants).values_list("pk", flat=True))
        if len(ids) != len(set(p.participants)):
            raise ValidationError({"participants": ["not a member of this alliance"]})
        services.alliance_activity(actor=u, alliance=alliance, kind=p.kind, title=p.title, held_on=p.held_on,
                                   summary=p.summary, participants=ids)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _alliance(request, code)
