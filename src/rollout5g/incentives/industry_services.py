"""Business actions of the industry workflows (issue 17 item 6). Each is keyword-only and atomic, validates its input
(a ``ValidationError`` naming the field, nothing written) and records its audit row in its transaction; who takes
which step from which state is declared once on the model (``access_policy.actions``) and checked by
:mod:`rollout5g.platform.workflow`.

- 凤凰行动: the financial regulator office puts an enterprise in the listing pipeline and records each stage with its
  date (tutoring filed, application filed, accepted, approved or registered, listed; or withdrawn).
- 首台套 / 首批次 / 首版次: an enterprise applies with its product and evidence; the economy and IT department
  returns, rejects or recognises it. A recognition is a registry ``Recognition`` and ``Achievement`` and is matched
  to the fixed-award clauses by :func:`rollout5g.incentives.services.match_awards`.
- Talent: the talent office publishes catalogue entries and grants support; a grant may be revoked.
- Events and cases: the programme office records events and publishes the application cases enterprises submit.
- Alliances: the programme office or the alliance's secretariat admits members, records leavers and activities.
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
from rollout5g.notifications.messages import choice
from rollout5g.notifications.services import notify
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import is_system
from rollout5g.platform.codes import next_code
from rollout5g.platform.formats import yuan
from rollout5g.platform.workflow import authorize, authorize_create, transition

from . import services
from .choices import (
    FIRST_KIND_ACHIEVEMENT,
    ActivityKind,
    AllianceKind,
    Board,
    EventKind,
    FirstKind,
    Level,
    ListingStage,
    MemberRole,
    PilotField,
    Shortage,
    SupportKind,
    TalentField,
    TalentLevel,
)
from .industry_models import (
    LISTING_OPEN,
    Alliance,
    AllianceActivity,
    AllianceMember,
    ApplicationCase,
    FirstEvidence,
    FirstOfKind,
    IndustryEvent,
    ListingCompany,
    ListingStageChange,
    TalentEntry,
    TalentSupport,
)
from .selectors import first_of_kind_reviewers, listing_regulators, talent_offices

ENTERPRISE_KINDS = ("enterprise", "state_owned_enterprise")
MAX_AMOUNT = Decimal("100000000")  # one grant above ¥100,000,000 is a typing error


# -- input -------------------------------------------------------------------------------------------------------
def _error(field: str, message) -> ValidationError:
    return ValidationError({field: [str(message)]})


def _user(actor):
    return None if is_system(actor) or not getattr(actor, "pk", None) else actor


def _today() -> dt.date:
    return timezone.localdate()


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise _error(field, _("required"))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
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
        raise _error(field, _("at most %(n)d characters") % {"n": limit})
    return text


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise _error(field, _("%(value)s is not one of the choices") % {"value": value})
    return value


def _amount(value, field: str = "amount") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, ValueError):
        raise _error(field, _("%(value)s is not an amount") % {"value": value}) from None
    if not number.is_finite() or number <= 0 or number > MAX_AMOUNT:
        raise _error(field, _("an amount above ¥0 and at most %(max)s") % {"max": yuan(MAX_AMOUNT)})
    if number.as_tuple().exponent < -2:
        raise _error(field, _("at most two decimals (fen)"))
    return number.quantize(Decimal("0.01"))


def _year(value, field: str = "year") -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise _error(field, _("%(value)s is not a year") % {"value": value}) from None
    if not 2000 <= year <= _today().year + 1:
        raise _error(field, _("a year between 2000 and next year"))
    return year


def _enterprise(org, field: str = "enterprise") -> Organization:
    if not isinstance(org, Organization):
        org = Organization.objects.filter(code=str(org or "").strip()).first()
    if org is None or org.kind not in ENTERPRISE_KINDS:
        raise _error(field, _("name an enterprise"))
    return org


def _acting_unit(actor, model, units: list[Organization], given, field: str) -> Organization:
    """The unit acting for the government: the one given (a process), or the actor's own organization; it must be
    one of ``units`` (from the policy data). A role that may not create ``model`` rows at all is refused first."""
    authorize_create(actor, model)
    if not units:
        raise _error(field, _("no responsible unit in the policy data"))
    if given is None and not is_system(actor) and not getattr(actor, "is_superuser", False):
        given = getattr(actor, "organization", None)
    unit = given or units[0]
    if unit not in units:
        raise _error(field, _("%(unit)s is not a responsible unit of this task") % {"unit": unit})
    return unit


def _create(actor, obj, *, note: str = ""):
    obj.full_clean()
    obj.save()
    record_event(actor=actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj), note=note)
    return obj


def _edit(actor, obj, action: str, **values):
    """Take a declared step that changes fields without moving the state (checked, audited)."""
    authorize(actor, action, obj)
    with transaction.atomic():
        before = snapshot(obj)
        for key, value in values.items():
            setattr(obj, key, value)
        obj.full_clean()
        obj.save()
        record_changes(actor=actor, obj=obj, before=before, action=action)
    return obj


# -- 凤凰行动 -------------------------------------------------------------------------------------------------------
#: step -> the stage it records
LISTING_STEPS = {"tutoring": ListingStage.TUTORING, "apply": ListingStage.APPLIED, "accept": ListingStage.ACCEPTED,
                 "approve": ListingStage.APPROVED, "list": ListingStage.LISTED, "withdraw": ListingStage.WITHDRAWN}


def listing_url(company) -> str:
    return reverse("incentives:listing", kwargs={"code": company.code})


def listing_register(*, actor, enterprise, since=None, board: str = "", note: str = "", regulator=None,
                     is_synthetic: bool = False) -> ListingCompany:
    """The financial regulator office puts a 5G enterprise in the listing pipeline (stage: cultivation)."""
    regulator = _acting_unit(actor, ListingCompany, listing_regulators(), regulator, "regulator")
    authorize_create(actor, ListingCompany, owner=regulator)
    enterprise = _enterprise(enterprise)
    since = _date(since, "since", required=False) or _today()
    if since > _today():
        raise _error("since", _("cannot be in the future"))
    if board:
        _choice(board, Board, "board")
    note = _text(note, "note", required=False)
    if ListingCompany.objects.filter(enterprise=enterprise, stage__in=LISTING_OPEN).exists():
        raise _error("enterprise", _("%(name)s is in the pipeline already") % {"name": enterprise})
    with transaction.atomic():
        company = _create(actor, ListingCompany(
            code=next_code(model=ListingCompany, prefix=f"FH-{since.year}-", width=4), enterprise=enterprise,
            regulator=regulator, stage=ListingStage.CULTIVATING, stage_on=since, board=board, note=note,
            is_synthetic=is_synthetic))
        _create(actor, ListingStageChange(company=company, stage=ListingStage.CULTIVATING, on=since, note=note,
                                          recorded_by=_user(actor)))
    return company


def listing_step(*, actor, company: ListingCompany, step: str, on=None, note: str = "", board: str = "",
                 stock_code: str = "") -> ListingCompany:
    """Record the next stage on its day: not before the present stage's day, not in the future. The listing names
    the board and the stock code; a withdrawal says why."""
    if step not in LISTING_STEPS:
        raise _error("step", _("%(value)s is not a step") % {"value": step})
    authorize(actor, step, company)
    on = _date(on, "on", required=False) or _today()
    if on < company.stage_on or on > _today():
        raise _error("on", _("a day between %(from)s and today") % {"from": company.stage_on.isoformat()})
    note = _text(note, "note", required=step == "withdraw", limit=300)
    fields = {"stage_on": on}
    if board or step == "list":
        fields["board"] = _choice(board or company.board, Board, "board")
    if step == "list":
        fields["stock_code"] = _text(stock_code, "stock_code", limit=20)
    stage = LISTING_STEPS[step]
    with transaction.atomic():
        company = transition(company, step, actor=actor, note=note, **fields)
        _create(actor, ListingStageChange(company=company, stage=stage, on=on, note=note, recorded_by=_user(actor)),
                note=step)
        notify(message=gettext_noop("%(enterprise)s: %(stage)s"),
               params={"enterprise": str(company.enterprise), "stage": choice(ListingCompany, "stage", stage.value)},
               body=note, url=listing_url(company), organizations=[company.enterprise],
               key=f"incentives:listing:{company.pk}:{step}")
    return company


# -- 首台套 / 首批次 / 首版次 ----------------------------------------------------------------------------------------
def first_url(application) -> str:
    return reverse("incentives:first", kwargs={"number": application.number})


def first_create(*, actor, kind: str, product: str, description: str, model_version: str = "", enterprise=None,
                 is_synthetic: bool = False) -> FirstOfKind:
    """An enterprise drafts an application for its product; the reviewing department comes from the policy data."""
    enterprise = _enterprise(enterprise or getattr(actor, "organization", None))
    authorize_create(actor, FirstOfKind, owner=enterprise)
    kind = _choice(kind, FirstKind, "kind")
    product = _text(product, "product", limit=200)
    description = _text(description, "description")
    model_version = _text(model_version, "model_version", required=False, limit=100)
    reviewers = first_of_kind_reviewers()
    if not reviewers:
        raise _error("kind", _("no responsible unit in the policy data"))
    year = _today().year
    with transaction.atomic():
        return _create(actor, FirstOfKind(
            number=next_code(model=FirstOfKind, field="number", prefix=f"SD-{year}-", width=4), enterprise=enterprise,
            reviewer=reviewers[0], kind=kind, product=product, model_version=model_version, description=description,
            created_by=_user(actor), is_synthetic=is_synthetic))


def first_edit(*, actor, application: FirstOfKind, product: str, description: str, model_version: str = "",
               kind: str | None = None) -> FirstOfKind:
    return _edit(actor, application, "edit", product=_text(product, "product", limit=200),
                 description=_text(description, "description"),
                 model_version=_text(model_version, "model_version", required=False, limit=100),
                 kind=_choice(kind, FirstKind, "kind") if kind else application.kind)


def first_evidence(*, actor, application: FirstOfKind, upload) -> FirstEvidence:
    """Attach the evidence (test report, user's certificate, software copyright): the types and size of the
    incentive claims' documents."""
    authorize(actor, "evidence", application)
    if upload is None:
        raise _error("evidence", _("required"))
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(services.EVIDENCE_SUFFIXES):
        raise _error("evidence", _("%(name)s: allowed types are %(types)s") % {
            "name": name, "types": "、".join(services.EVIDENCE_SUFFIXES)})
    if upload.size > services.MAX_EVIDENCE_BYTES:
        raise _error("evidence", _("%(name)s is over the size limit") % {"name": name})
    with transaction.atomic():
        evidence = FirstEvidence(application=application, file=upload, original_name=name[:200], size=upload.size,
                                 uploaded_by=_user(actor))
        evidence.full_clean()
        evidence.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=evidence,
                     after={**snapshot(evidence, exclude=("file",)), "file": evidence.file.name},
                     note=f"evidence of {application.number}")
    return evidence


def first_submit(*, actor, application: FirstOfKind) -> FirstOfKind:
    with transaction.atomic():
        application = transition(application, "submit", actor=actor, submitted_on=_today())
        notify(message=gettext_noop("%(number)s: first-of-kind application submitted"),
               params={"number": application.number},
               body=application.product, url=first_url(application), organizations=[application.reviewer],
               key=f"incentives:first:{application.pk}:submitted:{_today().isoformat()}")
    return application


def first_return(*, actor, application: FirstOfKind, note: str) -> FirstOfKind:
    note = _text(note, "note")
    return transition(application, "return", actor=actor, note=note, review_note=note)


def first_reject(*, actor, application: FirstOfKind, note: str) -> FirstOfKind:
    note = _text(note, "note")
    return transition(application, "reject", actor=actor, note=note, review_note=note)


def first_recognise(*, actor, application: FirstOfKind, level: str, document: str, on=None) -> FirstOfKind:
    """Recognise the product: the application is recognised, the registry gains its ``Recognition`` (matched to the
    fixed-award clauses with its level, 免申即享) and its ``Achievement`` (public)."""
    authorize(actor, "recognise", application)
    level = _choice(level, Level, "level")
    document = _text(document, "document", limit=200)
    on = _date(on, "on", required=False) or _today()
    if on > _today() or (application.submitted_on and on < application.submitted_on):
        raise _error("on", _("a day between the submission and today"))
    with transaction.atomic():
        application = transition(application, "recognise", actor=actor, note=document, level=level,
                                 recognised_on=on, document=document)
        services.recognition_add(actor=actor, product=application, level=level, recognised_on=on,
                                 document=document)
        services.achievement_save(actor=actor, enterprise=application.enterprise,
                                  kind=FIRST_KIND_ACHIEVEMENT[application.kind], title=application.product,
                                  year=on.year, level=level, reference=document)
        notify(message=gettext_noop("%(number)s: recognised"), params={"number": application.number},
               body=document, url=first_url(application), organizations=[application.enterprise],
               key=f"incentives:first:{application.pk}:recognised")
    return application


# -- talent --------------------------------------------------------------------------------------------------------
def talent_entry_add(*, actor, year, field: str, title: str, level: str, shortage: str, requirements: str = "",
                     publisher=None, is_synthetic: bool = False) -> TalentEntry:
    """The talent office publishes an entry of the catalogue of urgently needed talent."""
    publisher = _acting_unit(actor, TalentEntry, talent_offices(), publisher, "publisher")
    authorize_create(actor, TalentEntry, owner=publisher)
    year = _year(year)
    title = _text(title, "title", limit=200)
    values = {"field": _choice(field, TalentField, "field"), "level": _choice(level, TalentLevel, "level"),
              "shortage": _choice(shortage, Shortage, "shortage")}
    if TalentEntry.objects.filter(year=year, field=values["field"], title=title).exists():
        raise _error("title", _("the catalogue of %(year)s has this entry already") % {"year": year})
    with transaction.atomic():
        return _create(actor, TalentEntry(year=year, title=title, requirements=_text(requirements, "requirements",
                                                                                    required=False),
                                          publisher=publisher, is_synthetic=is_synthetic, **values))


def talent_entry_retire(*, actor, entry: TalentEntry, note: str = "") -> TalentEntry:
    return transition(entry, "retire", actor=actor, note=_text(note, "note", required=False))


def talent_support_grant(*, actor, kind: str, amount, granted_on=None, enterprise=None, person: str = "",
                         entry=None, note: str = "", granted_by=None, is_synthetic: bool = False) -> TalentSupport:
    """The talent office grants support to an enterprise or a person (or a person of an enterprise) [CNY]."""
    granted_by = _acting_unit(actor, TalentSupport, talent_offices(), granted_by, "granted_by")
    authorize_create(actor, TalentSupport, owner=granted_by)
    kind = _choice(kind, SupportKind, "kind")
    value = _amount(amount)
    granted_on = _date(granted_on, "granted_on", required=False) or _today()
    if granted_on > _today():
        raise _error("granted_on", _("cannot be in the future"))
    person = _text(person, "person", required=False, limit=100)
    enterprise = _enterprise(enterprise) if enterprise not in (None, "") else None
    if enterprise is None and not person:
        raise _error("person", _("name the person or the enterprise"))
    if entry not in (None, "") and not isinstance(entry, TalentEntry):
        entry = TalentEntry.objects.filter(pk=entry).first()
        if entry is None:
            raise _error("entry", _("no such catalogue entry"))
    with transaction.atomic():
        return _create(actor, TalentSupport(
            number=next_code(model=TalentSupport, field="number", prefix=f"RC-{granted_on.year}-", width=4), kind=kind,
            enterprise=enterprise, person=person, entry=entry or None, amount=value, granted_on=granted_on,
            granted_by=granted_by, note=_text(note, "note", required=False), is_synthetic=is_synthetic))


def talent_support_revoke(*, actor, support: TalentSupport, note: str) -> TalentSupport:
    return transition(support, "revoke", actor=actor, note=_text(note, "note"))


# -- events and application cases ----------------------------------------------------------------------------------
def event_add(*, actor, kind: str, title: str, starts_on, ends_on, place: str, organiser: str,
              description: str = "", is_synthetic: bool = False) -> IndustryEvent:
    """The programme office records a summit, forum, competition or exhibition."""
    authorize_create(actor, IndustryEvent)
    kind = _choice(kind, EventKind, "kind")
    starts_on, ends_on = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise _error("ends_on", _("cannot be before the first day"))
    with transaction.atomic():
        return _create(actor, IndustryEvent(
            code=next_code(model=IndustryEvent, prefix=f"HD-{starts_on.year}-", width=4), kind=kind,
            title=_text(title, "title", limit=200), starts_on=starts_on, ends_on=ends_on,
            place=_text(place, "place", limit=200), organiser=_text(organiser, "organiser", limit=200),
            description=_text(description, "description", required=False), is_synthetic=is_synthetic))


def event_held(*, actor, event: IndustryEvent, participants=None, outcome: str = "") -> IndustryEvent:
    """Record the event as held (after its first day), with the participants and the outcome."""
    if event.starts_on > _today():
        raise _error("participants", _("the event has not started"))
    count = None
    if participants not in (None, ""):
        try:
            count = int(participants)
        except (TypeError, ValueError):
            raise _error("participants", _("%(value)s is not a number") % {"value": participants}) from None
        if count < 0:
            raise _error("participants", _("cannot be negative"))
    outcome = _text(outcome, "outcome", required=False)
    return transition(event, "held", actor=actor, note=outcome, participants=count, outcome=outcome)


def event_cancel(*, actor, event: IndustryEvent, note: str) -> IndustryEvent:
    return transition(event, "cancel", actor=actor, note=_text(note, "note"))


def case_submit_new(*, actor, title: str, field: str, summary: str, results: str = "", year=None, enterprise=None,
                    submit: bool = True, is_synthetic: bool = False) -> ApplicationCase:
    """An enterprise enters an application case for the collection (and submits it unless ``submit=False``)."""
    enterprise = _enterprise(enterprise or getattr(actor, "organization", None))
    authorize_create(actor, ApplicationCase, owner=enterprise)
    year = _year(year if year not in (None, "") else _today().year)
    with transaction.atomic():
        case = _create(actor, ApplicationCase(
            number=next_code(model=ApplicationCase, field="number", prefix=f"AL-{year}-", width=4), enterprise=enterprise,
            title=_text(title, "title", limit=200), field=_choice(field, PilotField, "field"),
            summary=_text(summary, "summary"), results=_text(results, "results", required=False), year=year,
            is_synthetic=is_synthetic))
        if submit:
            case = transition(case, "submit", actor=actor)
    return case


def case_edit(*, actor, case: ApplicationCase, title: str, summary: str, results: str = "") -> ApplicationCase:
    return _edit(actor, case, "edit", title=_text(title, "title", limit=200), summary=_text(summary, "summary"),
                 results=_text(results, "results", required=False))


def case_step(*, actor, case: ApplicationCase, step: str, note: str = "") -> ApplicationCase:
    """submit (the enterprise), return, publish, unpublish (the programme office). A return and a take-down say
    why; the gallery shows a case from the day it is published."""
    if step not in ("submit", "return", "publish", "unpublish"):
        raise _error("step", _("%(value)s is not a step") % {"value": step})
    note = _text(note, "note", required=step in ("return", "unpublish"))
    fields = {}
    if step == "publish":
        fields["published_on"] = _today()
    if step in ("return", "unpublish"):
        fields["review_note"] = note
    with transaction.atomic():
        case = transition(case, step, actor=actor, note=note, **fields)
        if step != "submit":
            notify(message=gettext_noop("Application case %(title)s: %(state)s"),
                   params={"title": case.title, "state": choice(ApplicationCase, "state", case.state)},
                   body=note, url=reverse("incentives:case", kwargs={"number": case.number}),
                   organizations=[case.enterprise], key=f"incentives:case:{case.pk}:{step}:{_today().isoformat()}")
    return case


# -- alliances -----------------------------------------------------------------------------------------------------
def alliance_save(*, actor, code: str, name: str, kind: str, secretariat, founded_on=None, purpose: str = "",
                  is_synthetic: bool = False) -> Alliance:
    """The programme office records an alliance (created, or updated when the code exists)."""
    kind = _choice(kind, AllianceKind, "kind")
    if not isinstance(secretariat, Organization):
        raise _error("secretariat", _("name the secretariat's organization"))
    existing = Alliance.objects.filter(code=code).first()
    values = {"name": _text(name, "name", limit=200), "kind": kind, "secretariat": secretariat,
              "founded_on": _date(founded_on, "founded_on", required=False),
              "purpose": _text(purpose, "purpose", required=False), "is_synthetic": is_synthetic}
    if existing is None:
        authorize_create(actor, Alliance)
        with transaction.atomic():
            return _create(actor, Alliance(code=code, **values))
    authorize(actor, "change", existing)
    with transaction.atomic():
        before = snapshot(existing)
        for key, value in values.items():
            setattr(existing, key, value)
        existing.full_clean()
        existing.save()
        record_changes(actor=actor, obj=existing, before=before)
    return existing


def alliance_admit(*, actor, alliance: Alliance, organization, joined_on=None,
                   role: str = MemberRole.MEMBER) -> AllianceMember:
    """Admit a member (an enterprise, an operator, a research institute, …); a present member is not admitted twice."""
    authorize(actor, "admit", alliance)
    if not isinstance(organization, Organization):
        organization = Organization.objects.filter(code=str(organization or "").strip()).first()
        if organization is None:
            raise _error("organization", _("no such organization"))
    role = _choice(role, MemberRole, "role")
    joined_on = _date(joined_on, "joined_on", required=False) or _today()
    if joined_on > _today():
        raise _error("joined_on", _("cannot be in the future"))
    if alliance.memberships.filter(organization=organization, left_on__isnull=True).exists():
        raise _error("organization", _("%(name)s is a member already") % {"name": organization})
    with transaction.atomic():
        return _create(actor, AllianceMember(alliance=alliance, organization=organization, role=role,
                                             joined_on=joined_on), note="admit")


def alliance_remove(*, actor, alliance: Alliance, member: AllianceMember, left_on=None) -> AllianceMember:
    authorize(actor, "remove", alliance)
    if member.alliance_id != alliance.pk or member.left_on is not None:
        raise _error("member", _("not a present member of this alliance"))
    left_on = _date(left_on, "left_on", required=False) or _today()
    if left_on < member.joined_on or left_on > _today():
        raise _error("left_on", _("a day between joining and today"))
    with transaction.atomic():
        before = snapshot(member)
        member.left_on = left_on
        member.save()
        record_changes(actor=actor, obj=member, before=before, action="remove")
    return member


def alliance_activity(*, actor, alliance: Alliance, kind: str, title: str, held_on, summary: str = "",
                      participants=()) -> AllianceActivity:
    """Record an activity; its participants must be present members."""
    authorize(actor, "activity", alliance)
    kind = _choice(kind, ActivityKind, "kind")
    held_on = _date(held_on, "held_on")
    if held_on > _today():
        raise _error("held_on", _("cannot be in the future"))
    members = {m.organization_id: m.organization for m in alliance.memberships.filter(left_on__isnull=True)
               .select_related("organization")}
    chosen = []
    for p in participants:
        pk = getattr(p, "pk", p)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise _error("participants", _("not a member of this alliance")) from None
        if pk not in members:
            raise _error("participants", _("not a member of this alliance"))
        chosen.append(members[pk])
    with transaction.atomic():
        activity = _create(actor, AllianceActivity(alliance=alliance, kind=kind, title=_text(title, "title",
                                                                                           limit=200),
                                                   held_on=held_on, summary=_text(summary, "summary",
                                                                                  required=False)),
                           note="activity")
        activity.participants.set(chosen)
    return activity
