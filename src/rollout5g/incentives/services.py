"""Business actions of the industry registry and the incentives: one function per action, keyword-only, ``actor``
first, atomic and audited.

Amounts are computed by :mod:`rollout5g.core.incentives` from ``policy.IncentiveClause`` rows, so a clause added as
data (YAML or a row) is applied without code. Every computed amount keeps its calculation trace.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.core import incentives as engine
from rollout5g.notifications.messages import money
from rollout5g.organizations.models import Organization
from rollout5g.platform.codes import next_code
from rollout5g.platform.tenancy import scope_root
from rollout5g.platform.workflow import authorize, authorize_create, transition
from rollout5g.policy.models import IncentiveClause

from .choices import (
    FIRST_KIND_FACT,
    NOT_BLOCKING_STATES,
    ApplicationState,
    CarrierKind,
    LedgerKind,
    Track,
)
from .models import (
    Achievement,
    Application,
    Carrier,
    Evidence,
    FirstOfKind,
    FundingCap,
    IndustryProfile,
    Invoice,
    LedgerEntry,
    PilotProject,
    PublicNotice,
    Recognition,
    YearlyStatistic,
)

NOTICE_WORKING_DAYS = 5
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".xlsx", ".docx")
#: facts the platform knows itself; the applicant cannot declare them
PLATFORM_FACTS = ("applicant", "recognition", "level")
#: recognition facts matched by 免申即享: registry kind -> the ``recognition`` fact of the clauses
RECOGNITION_FACT = {"pilot": "pilot_project", "park": "featured_industrial_park"}


class DuplicateClaim(ValidationError):
    """The claim reuses an invoice or a project of an earlier claim (the message names it)."""


# -- helpers ----------------------------------------------------------------------------------------------------
def _today() -> dt.date:
    return dt.date.today()


def _step(actor, application: Application, name: str, *, note: str = "", **fields) -> Application:
    """Take the declared step ``name`` (:data:`~rollout5g.incentives.models.APPLICATION_ACTIONS`): checked, locked,
    moved, audited."""
    return transition(application, name, actor=actor, note=note, **fields)


def engine_clause(clause: IncentiveClause) -> engine.Clause:
    """The policy row as the engine's clause (the same data, validated by the engine)."""
    return engine.clause_from_dict({
        "code": clause.key, "kind": clause.kind, "title": clause.name, "source": f"{clause.document} {clause.clause}",
        "terms": [{"base": t["base"], "rate": str(t["rate"]), "label": t.get("label", "")} for t in clause.terms],
        "amount": None if clause.amount is None else clause.amount, "eligibility": clause.eligibility,
        "cap": clause.cap, "rounding": clause.rounding, "exclusive_group": clause.exclusive_group or None,
        "exclusive_policy": clause.exclusive_policy or "highest",
        "valid_from": clause.valid_from, "valid_to": clause.valid_to,
    })


def clause_family(clause: IncentiveClause) -> list[IncentiveClause]:
    """The clause and those sharing its exclusive group (a project recognised twice is paid under one of them)."""
    if not clause.exclusive_group:
        return [clause]
    return list(IncentiveClause.objects.filter(exclusive_group=clause.exclusive_group).order_by("sort_order", "pk"))


def reviewing_units(clause: IncentiveClause) -> list[Organization]:
    """The clause's payers as organizations (市财政局, 市经信局); the programme office if none resolves."""
    units = []
    for name in clause.payer:
        org = (Organization.objects.filter(Q(short_name=name) | Q(name=name) | Q(code=name)).first()
               or Organization.objects.filter(aliases__contains=[name]).first()
               if name else None)
        if org is not None:
            units.append(org)
    return units or [Organization.objects.get(code="jx-dei")]


def _next_number(year: int) -> str:
    return next_code(model=Application, field="number", prefix=f"JL-{year}-", width=4)


# -- registry ---------------------------------------------------------------------------------------------------
def _upsert(actor, model, lookup: dict, values: dict, *, m2m: dict | None = None):
    """Create or update one registry row; audited only when something changed (idempotent loaders)."""
    with transaction.atomic():
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            for name, items in (m2m or {}).items():
                getattr(obj, name).set(items)
            record_event(actor=actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj))
            return obj, True
        before = snapshot(obj)
        for k, v in values.items():
            setattr(obj, k, v)
        obj.full_clean()
        obj.save()
        for name, items in (m2m or {}).items():
            getattr(obj, name).set(items)
        record_changes(actor=actor, obj=obj, before=before)
        return obj, False


def enterprise_register(*, actor, code: str, name: str, short_name: str = "", region_id: str | None = None,
                        product_lines=(), tier: str = "other", tier_since=None, named_in_document: bool = False,
                        document_clause: str = "", description: str = "", name_en: str = "") -> IndustryProfile:
    """Register a firm: the enterprise organization (created if new) and its industry profile."""
    with transaction.atomic():
        org = Organization.objects.filter(code=code).first()
        if org is None:
            org = Organization(code=code, name=name, short_name=short_name, name_en=name_en, kind="enterprise",
                               region_id=region_id or scope_root(actor))
            org.full_clean()
            org.save()
            record_event(actor=actor, action=AuditAction.CREATE, obj=org, after=snapshot(org))
        elif org.kind not in ("enterprise", "state_owned_enterprise"):
            raise ValidationError(f"organization {code} is a {org.get_kind_display()}, not an enterprise")
        profile, _ = _upsert(actor, IndustryProfile, {"organization": org}, {
            "region_id": region_id, "product_lines": list(product_lines), "tier": tier, "tier_since": tier_since,
            "named_in_document": named_in_document, "document_clause": document_clause, "description": description,
        })
    return profile


def carrier_save(*, actor, code: str, name: str, kind: str, region_id: str, level: str = "", recognised_on=None,
                 operator=None, members=(), named_in_document: bool = False, document_clause: str = "",
                 description: str = "") -> Carrier:
    obj, _ = _upsert(actor, Carrier, {"code": code}, {
        "name": name, "kind": kind, "region_id": region_id, "level": level, "recognised_on": recognised_on,
        "operator": operator, "named_in_document": named_in_document, "document_clause": document_clause,
        "description": description,
    }, m2m={"members": list(members)} if members else None)
    return obj


def pilot_save(*, actor, code: str, name: str, field: str, lead, region_id: str, category: str = "application_pilot",
               status: str = "ongoing", started_on=None, named_in_document: bool = False, document_clause: str = "",
               description: str = "") -> PilotProject:
    obj, _ = _upsert(actor, PilotProject, {"code": code}, {
        "name": name, "field": field, "lead": lead, "region_id": region_id, "category": category, "status": status,
        "started_on": started_on, "named_in_document": named_in_document, "document_clause": document_clause,
        "description": description,
    })
    return obj


def recognition_add(*, actor, level: str, recognised_on, document: str, pilot=None, carrier=None,
                    product=None) -> Recognition:
    """Record a recognition (认定) of a pilot, a park or a first-of-kind product; the same level twice is kept once."""
    if sum(x is not None for x in (pilot, carrier, product)) != 1:
        raise ValidationError("a recognition is of one pilot, one carrier or one first-of-kind product")
    existing = Recognition.objects.filter(pilot=pilot, carrier=carrier, product=product, level=level).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        rec = Recognition(pilot=pilot, carrier=carrier, product=product, level=level, recognised_on=recognised_on,
                          document=document)
        rec.full_clean()
        rec.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=rec, after=snapshot(rec))
    return rec


def achievement_save(*, actor, enterprise, kind: str, title: str, year: int, level: str = "",
                     reference: str = "") -> Achievement:
    obj, _ = _upsert(actor, Achievement, {"enterprise": enterprise, "kind": kind, "title": title},
                     {"year": year, "level": level, "reference": reference})
    return obj


def statistic_save(*, actor, year: int, source: str, organization=None, carrier=None, output=None,
                   revenue=None) -> YearlyStatistic:
    """Output and revenue of a firm or a carrier in a year; the source is required (who reported the figures)."""
    if (organization is None) == (carrier is None):
        raise ValidationError("a statistic is of one enterprise or one carrier")
    if not source.strip():
        raise ValidationError({"source": "say where the figures come from"})
    def fen(v, name):
        return None if v is None else engine.to_decimal(v, name).quantize(Decimal("0.01"))

    values = {"source": source, "output": fen(output, "output"), "revenue": fen(revenue, "revenue")}
    obj, _ = _upsert(actor, YearlyStatistic, {"organization": organization, "carrier": carrier, "year": year},
                     values)
    return obj


def cap_save(*, actor, amount, clause=None, note: str = "") -> FundingCap:
    """Set the yearly cap of a clause (or of every clause, ``clause=None``): the programme office."""
    existing = FundingCap.objects.filter(clause=clause).first()
    if existing is None:
        authorize_create(actor, FundingCap)
    else:
        authorize(actor, "change", existing)
    obj, _ = _upsert(actor, FundingCap, {"clause": clause},
                     {"amount": engine.to_decimal(amount, "cap").quantize(Decimal("0.01")), "note": note})
    return obj


# -- applications -----------------------------------------------------------------------------------------------
def _facts(application: Application) -> dict:
    """What the engine sees: the platform's facts (applicant kind, recognitions in the registry) and the
    applicant's declared facts and investment amounts."""
    facts = dict(application.facts)
    facts["applicant"] = application.enterprise.kind
    if application.pilot_id:
        facts["recognition"] = RECOGNITION_FACT["pilot"]
        facts["level"] = application.pilot.levels
    elif application.carrier_id:
        facts["recognition"] = RECOGNITION_FACT["park"]
        facts["level"] = sorted({r.level for r in application.carrier.recognitions.all()})
    elif application.product_id:
        facts["recognition"] = FIRST_KIND_FACT[application.product.kind]
        facts["level"] = sorted({r.level for r in application.product.recognitions.all()})
    return facts


def _granted_before(application: Application) -> list[engine.CapRequest]:
    """Amounts already granted to the enterprise in the year (approved less clawed back), for the yearly caps."""
    rows = (LedgerEntry.objects.filter(enterprise=application.enterprise, year=application.year)
            .exclude(application_id=application.pk).values("application__number", "clause__key", "kind")
            .annotate(total=Sum("amount")))
    net: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        sign = {LedgerKind.APPROVED: 1, LedgerKind.CLAWED_BACK: -1}.get(r["kind"], 0)
        key = (r["application__number"], r["clause__key"])
        net[key] = net.get(key, Decimal(0)) + sign * Decimal(r["total"]).quantize(Decimal("0.01"))
    return [engine.CapRequest(number, str(application.enterprise_id), key, application.year, max(v, Decimal(0)))
            for (number, key), v in net.items()]


def compute(application: Application, *, on: dt.date | None = None) -> engine.ProjectResult:
    """Compute the amount with the clause and its exclusive group, then the yearly caps; store amount and trace.

    If another clause of the group pays more (a pilot recognised nationally applied for under the provincial
    clause), the application moves to that clause; the trace says why.
    """
    on = on or application.submitted_on or _today()
    family = clause_family(application.clause)
    result = engine.evaluate_project([engine_clause(c) for c in family], _facts(application), on)
    trace = list(result.steps)  # stored as steps, worded in the reader's language (incentives.trace)
    amount, unrounded = result.total, sum((a.unrounded for a in result.awards), Decimal(0))
    if result.awards:
        chosen_key = result.awards[0].clause_code
        if chosen_key != application.clause.key:
            application.clause = next(c for c in family if c.key == chosen_key)
            trace.append({"step": "clause_changed", "clause": chosen_key, "title": application.clause.name})
    caps = {c.clause.key if c.clause_id else None: c.amount for c in FundingCap.objects.select_related("clause")}
    clause_key = application.clause.key
    if amount > 0 and (clause_key in caps or None in caps):
        (cap_result,) = engine.apply_caps(
            [engine.CapRequest(application.number, str(application.enterprise_id), clause_key, application.year,
                               amount)],
            clause_year_caps={clause_key: caps[clause_key]} if clause_key in caps else None,
            enterprise_year_cap=caps.get(None), granted_before=_granted_before(application),
        )
        if cap_result.capped_by:
            trace += cap_result.steps
            amount = engine.round_amount(cap_result.granted, application.clause.rounding)
    application.computed_amount = amount
    application.unrounded_amount = unrounded
    application.trace = trace
    return result


def _check_declared(clause: IncentiveClause, amounts: dict, declared: dict) -> tuple[dict, dict]:
    bases = {t["base"] for t in clause.terms}
    for family_clause in clause_family(clause):
        bases |= {t["base"] for t in family_clause.terms}
    clean_amounts = {}
    for base in sorted(bases):
        raw = amounts.get(base)
        if raw in (None, ""):
            raise ValidationError({base: f"{base}: amount required by clause {clause.key}"})
        try:
            value = engine.to_decimal(raw, base)
        except (TypeError, ValueError) as exc:
            raise ValidationError({base: str(exc)}) from exc
        if value < 0:
            raise ValidationError({base: f"{base}: must be >= 0, got {value}"})
        if value.as_tuple().exponent < -2:
            raise ValidationError({base: f"{base}: at most two decimals (fen), got {value}"})
        clean_amounts[base] = str(value)
    unknown = sorted(set(amounts) - bases)
    if unknown:
        raise ValidationError(f"amounts not used by clause {clause.key}: {', '.join(unknown)}")
    bad = sorted(set(declared) & set(PLATFORM_FACTS))
    if bad:
        raise ValidationError(f"facts set by the platform cannot be declared: {', '.join(bad)}")
    return clean_amounts, {k: v for k, v in declared.items() if v not in (None, "")}


def application_create(*, actor, enterprise, clause: IncentiveClause, project_title: str, project_ref: str,
                       year: int, amounts: dict | None = None, declared: dict | None = None, pilot=None,
                       carrier=None, product=None, track: str = Track.APPLY) -> Application:
    """A draft claim. ``amounts`` are the bases of the clause's formula terms (strings or Decimals, CNY);
    ``declared`` are eligibility facts the applicant states (``project: smart_upgrade_using_5g``), checked by the
    reviewer."""
    authorize_create(actor, Application, owner=enterprise)
    return _create_application(actor=actor, enterprise=enterprise, clause=clause, project_title=project_title,
                               project_ref=project_ref, year=year, amounts=amounts, declared=declared, pilot=pilot,
                               carrier=carrier, product=product, track=track)


def _create_application(*, actor, enterprise, clause: IncentiveClause, project_title: str, project_ref: str,
                        year: int, amounts: dict | None = None, declared: dict | None = None, pilot=None,
                        carrier=None, product=None, track: str = Track.APPLY) -> Application:
    if not project_title.strip() or not project_ref.strip():
        raise ValidationError({"project_title": "project title and reference are required"})
    amounts, declared = _check_declared(clause, amounts or {}, declared or {})
    region = (getattr(getattr(enterprise, "industry_profile", None), "region", None) or enterprise.region
              or (pilot.region if pilot else None))
    if region is None:
        raise ValidationError(f"enterprise {enterprise.code} has no region")
    with transaction.atomic():
        application = Application(
            number=_next_number(year), enterprise=enterprise, clause=clause, region=region, track=track, year=year,
            project_title=project_title.strip(), project_ref=project_ref.strip(), pilot=pilot, carrier=carrier, product=product,
            facts={**declared, **amounts}, created_by=actor if actor and actor.pk else None,
            state=ApplicationState.PROPOSED if track == Track.AUTO else ApplicationState.DRAFT,
        )
        compute(application)
        application.full_clean()
        application.save()
        application.reviewers.set(reviewing_units(clause))
        record_event(actor=actor, action=AuditAction.CREATE, obj=application, after=snapshot(application))
    return application


def application_update(*, actor, application: Application, amounts: dict | None = None,
                       declared: dict | None = None, project_title: str | None = None) -> Application:
    authorize(actor, "edit", application)
    with transaction.atomic():
        before = snapshot(application)
        if amounts is not None or declared is not None:
            current_declared = {k: v for k, v in application.facts.items()
                                if k not in {t["base"] for c in clause_family(application.clause) for t in c.terms}}
            current_amounts = {k: v for k, v in application.facts.items() if k not in current_declared}
            a, d = _check_declared(application.clause, amounts if amounts is not None else current_amounts,
                                   declared if declared is not None else current_declared)
            application.facts = {**d, **a}
        if project_title:
            application.project_title = project_title.strip()
        compute(application)
        application.save()
        record_changes(actor=actor, obj=application, before=before)
    return application


def invoice_add(*, actor, application: Application, number: str, issued_on, amount, seller: str,
                seller_tax_id: str) -> Invoice:
    """Attach an invoice; one already claimed (any clause, any year) is refused naming the earlier claim."""
    authorize(actor, "invoice", application)
    with transaction.atomic():
        invoice = Invoice(application=application, number=number.strip(), issued_on=issued_on,
                          amount=engine.to_decimal(amount, "invoice amount"), seller=seller.strip(),
                          seller_tax_id=seller_tax_id.strip())
        invoice.full_clean()
        findings = duplicate_findings(application, extra_invoices=[invoice])
        invoice_findings = [f for f in findings if f.kind == "invoice"]
        if invoice_findings:
            raise DuplicateClaim(invoice_findings[0].message)
        invoice.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=invoice, after=snapshot(invoice),
                     note=f"invoice of {application.number}")
    return invoice


def duplicate_findings(application: Application, *, extra_invoices=()) -> list[engine.DuplicateFinding]:
    """Earlier claims (any clause, any year, not rejected/withdrawn/draft) using an invoice or the project."""
    def as_claim(app, invoices):
        return engine.Claim(app.number, str(app.enterprise_id), app.clause.key, app.year,
                            project_id=app.project_ref,
                            invoices=tuple(engine.Invoice(i.seller_tax_id, i.number) for i in invoices),
                            status="rejected" if app.state in NOT_BLOCKING_STATES else app.state)

    new = as_claim(application, list(application.invoices.all()) + list(extra_invoices))
    numbers = {i.number for i in new.invoices}
    others = (Application.objects.exclude(pk=application.pk).exclude(state__in=NOT_BLOCKING_STATES)
              .filter(Q(project_ref__iexact=application.project_ref) | Q(invoices__number__in=numbers))
              .select_related("clause").prefetch_related("invoices").distinct())
    return engine.find_duplicate_claims(new, [as_claim(o, o.invoices.all()) for o in others])


def application_submit(*, actor, application: Application, on: dt.date | None = None) -> Application:
    """Submit (or confirm, on the 免申即享 track); stopped if an invoice or the project was claimed before."""
    authorize(actor, "submit", application)
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()  # one submission at a time
        application.refresh_from_db()
        findings = duplicate_findings(application)
        if findings:
            raise DuplicateClaim("; ".join(f.message for f in findings))
        if application.track == Track.APPLY and application.clause.kind == "formula" and \
                not application.invoices.exists():
            raise ValidationError(f"{application.number}: add the invoices behind the investment amounts")
        application.submitted_on = on or _today()
        result = compute(application)
        if not application.computed_amount:
            raise ValidationError(f"{application.number}: not eligible under {application.clause.key}: "
                                  + "; ".join(line for line in result.trace if "NOT eligible" in line))
        application.save()
        note = gettext_noop("confirmed by the enterprise") if application.track == Track.AUTO else ""
        _step(actor, application, "submit", note=note)
    return application


def application_withdraw(*, actor, application: Application, note: str = "") -> Application:
    return _step(actor, application, "withdraw", note=note)


def application_review(*, actor, application: Application, eligibility_checked: bool, evidence_checked: bool,
                       note: str = "") -> Application:
    """The reviewer's check of eligibility and evidence (recorded; both are needed before the notice)."""
    authorize(actor, "review", application)
    with transaction.atomic():
        before = snapshot(application)
        application.eligibility_checked = bool(eligibility_checked)
        application.evidence_checked = bool(evidence_checked)
        application.review_note = note
        application.save()
        record_changes(actor=actor, obj=application, before=before, note=note)
    return application


def application_adjust(*, actor, application: Application, amount, reason: str) -> Application:
    """Set the amount by hand (e.g. an invoice not accepted); only with a reason, which is recorded."""
    authorize(actor, "adjust", application)
    if not reason.strip():
        raise ValidationError({"adjustment_reason": "an adjusted amount needs a reason"})
    value = engine.round_amount(engine.to_decimal(amount, "adjusted amount"), application.clause.rounding)
    if value < 0:
        raise ValidationError({"adjusted_amount": "must be >= 0"})
    with transaction.atomic():
        before = snapshot(application)
        application.adjusted_amount = value
        application.adjustment_reason = reason.strip()
        application.trace = [*application.trace,
                             {"step": "adjusted", "by": str(actor), "before": format(application.computed_amount or
                                                                                     Decimal(0), "f"),
                              "amount": format(value, "f"), "reason": reason.strip()}]
        application.save()
        record_changes(actor=actor, obj=application, before=before, action="adjust", note=reason.strip())
    return application


def application_return(*, actor, application: Application, note: str) -> Application:
    authorize(actor, "return", application)
    if not note.strip():
        raise ValidationError({"note": "say what the enterprise must change"})
    return _step(actor, application, "return", note=note, review_note=note)


def application_reject(*, actor, application: Application, note: str) -> Application:
    authorize(actor, "reject", application)
    if not note.strip():
        raise ValidationError({"note": "a rejection needs a reason"})
    with transaction.atomic():
        application = _step(actor, application, "reject", note=note, review_note=note)
        if hasattr(application, "notice"):
            application.notice.withdrawn = True
            application.notice.save()
    return application


def notice_start(*, actor, application: Application, start: dt.date | None = None,
                 working_days: int = NOTICE_WORKING_DAYS) -> PublicNotice:
    """Publish the claim for public notice (公示) for ``working_days`` Chinese working days."""
    from rollout5g.workcalendar.services import working_calendar

    authorize(actor, "notice", application)  # a reviewer, a submitted claim, eligibility and evidence checked
    if not application.amount_due:
        raise ValidationError(f"{application.number}: nothing to pay")
    start = start or _today()
    due = working_calendar().add_working_days(start, working_days)
    with transaction.atomic():
        notice, _ = PublicNotice.objects.update_or_create(application=application, defaults={
            "enterprise_name": application.enterprise.name, "project_title": application.project_title,
            "clause_name": application.clause.name,
            "clause_ref": f"{application.clause.document} {application.clause.clause}",
            "amount": application.amount_due, "start": start, "end": due.date, "withdrawn": False,
        })
        _step(actor, application, "notice", notice_start=start, notice_end=due.date,
              note=f"notice {start} – {due.date}" + (" (provisional: year not loaded)" if due.provisional else ""))
    return notice


def _ledger(actor, application, kind, amount, on, reference="", note=""):
    entry = LedgerEntry(application=application, kind=kind, amount=amount, clause=application.clause,
                        region=application.region, enterprise=application.enterprise, year=application.year,
                        booked_on=on, reference=reference, note=note, actor=actor if actor and actor.pk else None)
    entry.full_clean()
    entry.save()
    record_event(actor=actor, action=AuditAction.CREATE, obj=entry, after=snapshot(entry), note=note)
    return entry


def application_approve(*, actor, application: Application, on: dt.date | None = None) -> LedgerEntry:
    """After the notice period without objection: the amount is granted and booked as approved."""
    authorize(actor, "approve", application)
    on = on or _today()
    if on <= application.notice_end:
        raise ValidationError(f"{application.number}: the public notice runs until {application.notice_end}")
    with transaction.atomic():
        _step(actor, application, "approve", granted_amount=application.amount_due)
        return _ledger(actor, application, LedgerKind.APPROVED, application.granted_amount, on)


def application_pay(*, actor, application: Application, reference: str, on: dt.date | None = None) -> LedgerEntry:
    authorize(actor, "pay", application)
    if not reference.strip():
        raise ValidationError({"reference": "the payment reference (voucher number) is required"})
    with transaction.atomic():
        _step(actor, application, "pay", note=reference)
        return _ledger(actor, application, LedgerKind.PAID, application.granted_amount, on or _today(),
                       reference=reference.strip())


def application_claw_back(*, actor, application: Application, amount, reason: str,
                          on: dt.date | None = None) -> LedgerEntry:
    """Recover (part of) a paid award, e.g. when a duplicate or false invoice comes to light."""
    authorize(actor, "claw_back", application)
    value = engine.to_decimal(amount, "claw-back amount")
    if not reason.strip():
        raise ValidationError({"reason": "a claw-back needs a reason"})
    if value <= 0 or value > application.granted_amount:
        raise ValidationError(f"claw-back must be between 0 and the paid {application.granted_amount}")
    with transaction.atomic():
        _step(actor, application, "claw_back", note=reason)
        return _ledger(actor, application, LedgerKind.CLAWED_BACK, value, on or _today(), note=reason.strip())


def evidence_add(*, actor, application: Application, kind: str, upload) -> Evidence:
    """Store an uploaded document; type and size are checked."""
    authorize(actor, "evidence", application)
    name = upload.name or "upload"
    if not name.lower().endswith(EVIDENCE_SUFFIXES):
        raise ValidationError({"file": f"{name}: allowed types are {', '.join(EVIDENCE_SUFFIXES)}"})
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": f"{name}: {upload.size} bytes is over the limit of {MAX_EVIDENCE_BYTES}"})
    with transaction.atomic():
        evidence = Evidence(application=application, kind=kind, file=upload, original_name=name[:200],
                            size=upload.size, uploaded_by=actor)
        evidence.full_clean()
        evidence.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=evidence,
                     after={**snapshot(evidence, exclude=("file",)), "file": evidence.file.name},
                     note=f"evidence of {application.number}")
    return evidence


# -- 免申即享 -----------------------------------------------------------------------------------------------------
def match_awards(*, actor, year: int | None = None, on: dt.date | None = None) -> list[Application]:
    """Match recognised pilots and parks to their award clauses and propose claims (免申即享).

    Each pilot or park is evaluated against every fixed-award clause with its registry recognitions as facts;
    exclusive groups pay the higher award. A project that already has a live claim is skipped (idempotent).
    """
    on = on or _today()
    year = year or on.year
    clauses = list(IncentiveClause.objects.filter(kind="fixed_award").order_by("sort_order", "pk"))
    engine_clauses = [engine_clause(c) for c in clauses]
    by_key = {c.key: c for c in clauses}
    proposals = []
    subjects = [("pilot", p, p.lead) for p in PilotProject.objects.filter(recognitions__isnull=False).distinct()
                .select_related("lead")]
    subjects += [("park", c, c.operator) for c in Carrier.objects.filter(kind=CarrierKind.PARK,
                                                                          recognitions__isnull=False,
                                                                          operator__isnull=False).distinct()
                 .select_related("operator")]
    # first-of-kind products recognised by the economy and IT department (Zhejiang task 14)
    subjects += [("product", p, p.enterprise) for p in FirstOfKind.objects.filter(recognitions__isnull=False)
                 .distinct().select_related("enterprise")]
    for kind, subject, enterprise in subjects:
        authorize(actor, "propose", subject)  # declared on the pilot, park or product: the programme office, a process
        if enterprise.kind not in ("enterprise", "state_owned_enterprise"):
            continue  # awards go to firms; a pilot led by a government body is recognised but not paid here
        ref = f"{kind}:{subject.number if kind == 'product' else subject.code}"
        if Application.objects.filter(project_ref=ref).exclude(
                state__in=(ApplicationState.REJECTED, ApplicationState.WITHDRAWN)).exists():
            continue
        levels = sorted({r.level for r in subject.recognitions.all()})
        fact = FIRST_KIND_FACT[subject.kind] if kind == "product" else RECOGNITION_FACT[kind]
        facts = {"applicant": enterprise.kind, "recognition": fact, "level": levels}
        result = engine.evaluate_project(engine_clauses, facts, on)
        if not result.awards:
            continue
        clause = by_key[result.awards[0].clause_code]
        proposals.append(_create_application(
            actor=actor, enterprise=enterprise, clause=clause, project_title=str(subject.product if kind == "product"
                                                                                 else subject.name),
            project_ref=ref, year=year, pilot=subject if kind == "pilot" else None,
            carrier=subject if kind == "park" else None, product=subject if kind == "product" else None,
            track=Track.AUTO,
        ))
    if proposals:
        from rollout5g.notifications.services import notify

        for application in proposals:
            notify(message=gettext_noop("Pay without applying: %(project)s"),
                   params={"project": application.project_title},
                   body_message=gettext_noop("%(clause)s: %(amount)s — confirm to proceed"),
                   body_params={"clause": application.clause.name,
                                "amount": money(application.computed_amount)},
                   url=f"/industry/applications/{application.number}/", key=f"incentives:match:{application.number}",
                   organizations=[application.enterprise])
    return proposals
