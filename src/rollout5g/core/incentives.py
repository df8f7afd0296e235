"""Incentive clauses (subsidies and awards) evaluated in exact decimals, with a calculation trace.

A clause is data: a formula (a sum of ``base × rate`` terms over the project's facts) or a fixed
award, an eligibility mapping matched against the facts, an optional cap per application, a
rounding rule, an optional exclusive group with its policy, and validity dates. The seed clauses
are Jiaxing 《关于加快5G产业发展的实施意见》 三(二):

* smart-upgrade subsidy: 10% of actual equipment investment + 20% of technology and IT investment
  (给予实际设备投资额10%以及技术、信息化投入20%的补助);
* pilot awards: 1.5 m CNY national, 0.5 m CNY provincial (分别给予150万元、50万元的奖励);
* park awards: 2 m CNY provincial, 1 m CNY city (分别给予200万元、100万元的奖励).

Amounts are :class:`decimal.Decimal` in [CNY]; a ``float`` anywhere an amount or a fact goes in
raises ``TypeError`` (binary floats cannot hold 0.1 CNY exactly). Rounding happens once, at the
end, after the cap: ``half_up_fen`` (default, 四舍五入 to 0.01 CNY, ``ROUND_HALF_UP``),
``half_up_yuan`` (to 1 CNY) or ``down_fen`` (truncate to 0.01 CNY).

No Django: the web app stores clauses and results; this module computes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "ROUNDING_MODES",
    "CLAUSE_KINDS",
    "EXCLUSIVE_POLICIES",
    "Term",
    "Clause",
    "Award",
    "ProjectResult",
    "Invoice",
    "Claim",
    "DuplicateFinding",
    "CapRequest",
    "CapResult",
    "to_decimal",
    "format_cny",
    "round_amount",
    "clause_from_dict",
    "match_eligibility",
    "evaluate_clause",
    "evaluate_project",
    "find_duplicate_claims",
    "apply_caps",
]

#: rounding name -> (quantum [CNY], decimal rounding mode)
ROUNDING_MODES = {
    "half_up_fen": (Decimal("0.01"), ROUND_HALF_UP),
    "half_up_yuan": (Decimal("1"), ROUND_HALF_UP),
    "down_fen": (Decimal("0.01"), ROUND_DOWN),
}
CLAUSE_KINDS = ("formula", "fixed_award")
EXCLUSIVE_POLICIES = ("highest", "sum")
ELIGIBILITY_OPERATORS = ("eq", "ne", "in", "not_in", "contains", "gte", "gt", "lte", "lt", "exists")


# -- decimals ---------------------------------------------------------------------------------
def to_decimal(value, name: str = "amount") -> Decimal:
    """Return ``value`` as an exact Decimal; ``float`` raises TypeError, junk raises ValueError.

    Accepted: ``Decimal``, ``int``, and strings such as ``"12345678.91"``, ``"12,345,678.91"``
    or ``"10%"`` (= 0.10).
    """
    if isinstance(value, bool):
        raise TypeError(f"{name}: bool is not an amount")
    if isinstance(value, float):
        raise TypeError(f"{name}: float {value!r} refused; pass a Decimal, an int or a string")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: {value} is not finite")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        s = value.strip().replace(",", "").replace("，", "")
        pct = s.endswith("%")
        if pct:
            s = s[:-1].strip()
        try:
            d = Decimal(s)
        except InvalidOperation as exc:
            raise ValueError(f"{name}: {value!r} is not a number") from exc
        if not d.is_finite():
            raise ValueError(f"{name}: {value!r} is not finite")
        return d / 100 if pct else d
    raise TypeError(f"{name}: {type(value).__name__} is not an amount; pass a Decimal, an int or a string")


def _plain(d: Decimal) -> str:
    """Decimal as a plain string without exponent and without trailing zeros."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def format_cny(d: Decimal, *, places: int | None = None) -> str:
    """``Decimal('1234567.891')`` -> ``'1,234,567.891'`` (thousands separators, exact digits).

    ``places`` pads to that many decimals (e.g. 2 for fen); otherwise trailing zeros are dropped.
    """
    if places is not None:
        s = format(d, f",.{places}f")
        return s
    s = _plain(d)
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    whole = f"{int(whole):,}"
    return ("-" if neg else "") + whole + ("." + frac if frac else "")


def _format_rate(rate: Decimal) -> str:
    return _plain(rate * 100) + "%"


def round_amount(amount: Decimal, rounding: str = "half_up_fen") -> Decimal:
    """Round ``amount`` [CNY] with a named rule (see :data:`ROUNDING_MODES`)."""
    try:
        quantum, mode = ROUNDING_MODES[rounding]
    except KeyError:
        raise ValueError(f"unknown rounding {rounding!r}; valid: {sorted(ROUNDING_MODES)}") from None
    return to_decimal(amount).quantize(quantum, rounding=mode)


def _check_facts(facts: Mapping[str, Any]) -> None:
    for k, v in facts.items():
        if isinstance(v, float):
            raise TypeError(f"fact {k!r}: float {v!r} refused; pass a Decimal, an int or a string")
        if isinstance(v, (list, tuple, set, frozenset)):
            for x in v:
                if isinstance(x, float):
                    raise TypeError(f"fact {k!r}: float {x!r} refused")


# -- clauses ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One ``base × rate`` term: ``base`` names a fact [CNY], ``rate`` is a fraction (0.10 = 10%)."""

    base: str
    rate: Decimal
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "rate", to_decimal(self.rate, f"rate of {self.base}"))
        if self.rate < 0:
            raise ValueError(f"rate of {self.base} must be >= 0, got {self.rate}")


@dataclass(frozen=True)
class Clause:
    """An incentive clause as data.

    Parameters
    ----------
    code : str
        Stable identifier, e.g. ``"jx-2019-3.2-smart-upgrade"``.
    kind : {"formula", "fixed_award"}
    terms : tuple of Term
        For ``formula``: amount = Σ base × rate [CNY].
    amount : Decimal
        For ``fixed_award``: the award [CNY].
    eligibility : mapping
        ``{fact: expected}``; expected is a scalar (equality), a list/tuple/set (membership) or a
        mapping of operators (``eq ne in not_in contains gte gt lte lt exists``). All must hold.
        A list-valued fact (``level: ["national", "provincial"]``) meets a scalar or list condition when
        any of its values does.
    cap : Decimal, optional
        Maximum per application [CNY], applied to the unrounded sum.
    rounding : str
        A key of :data:`ROUNDING_MODES`.
    exclusive_group, exclusive_policy : str
        Clauses sharing a group pay only the highest award (``"highest"``, default) or all of them
        (``"sum"``).
    valid_from, valid_to : datetime.date, optional
        Inclusive validity window of the clause.
    source : str
        Document clause it comes from.
    """

    code: str
    kind: str
    terms: tuple[Term, ...] = ()
    amount: Decimal | None = None
    eligibility: Mapping[str, Any] = field(default_factory=dict)
    cap: Decimal | None = None
    rounding: str = "half_up_fen"
    exclusive_group: str | None = None
    exclusive_policy: str = "highest"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    title: str = ""
    source: str = ""

    def __post_init__(self):
        if self.kind not in CLAUSE_KINDS:
            raise ValueError(f"clause {self.code}: unknown kind {self.kind!r}; valid: {list(CLAUSE_KINDS)}")
        if self.rounding not in ROUNDING_MODES:
            raise ValueError(
                f"clause {self.code}: unknown rounding {self.rounding!r}; valid: {sorted(ROUNDING_MODES)}"
            )
        if self.exclusive_policy not in EXCLUSIVE_POLICIES:
            raise ValueError(
                f"clause {self.code}: unknown exclusive_policy {self.exclusive_policy!r}; "
                f"valid: {list(EXCLUSIVE_POLICIES)}"
            )
        terms = tuple(t if isinstance(t, Term) else Term(**t) for t in self.terms)
        object.__setattr__(self, "terms", terms)
        if self.kind == "formula":
            if not terms:
                raise ValueError(f"clause {self.code}: a formula needs at least one term")
            if self.amount is not None:
                raise ValueError(f"clause {self.code}: a formula has terms, not an amount")
        else:
            if self.amount is None or terms:
                raise ValueError(f"clause {self.code}: a fixed_award has an amount and no terms")
            object.__setattr__(self, "amount", to_decimal(self.amount, f"amount of {self.code}"))
            if self.amount < 0:
                raise ValueError(f"clause {self.code}: amount must be >= 0")
        if self.cap is not None:
            object.__setattr__(self, "cap", to_decimal(self.cap, f"cap of {self.code}"))
            if self.cap < 0:
                raise ValueError(f"clause {self.code}: cap must be >= 0")
        for name in ("valid_from", "valid_to"):
            v = getattr(self, name)
            if isinstance(v, str):
                object.__setattr__(self, name, dt.date.fromisoformat(v))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"clause {self.code}: valid_to before valid_from")
        for key, cond in self.eligibility.items():
            if isinstance(cond, float):
                raise TypeError(f"clause {self.code}: eligibility {key!r} float refused")
            if isinstance(cond, Mapping):
                bad = [op for op in cond if op not in ELIGIBILITY_OPERATORS]
                if bad:
                    raise ValueError(
                        f"clause {self.code}: unknown eligibility operator(s) {bad}; "
                        f"valid: {list(ELIGIBILITY_OPERATORS)}"
                    )

    def is_valid_on(self, on_date: dt.date) -> bool:
        if self.valid_from and on_date < self.valid_from:
            return False
        return not (self.valid_to and on_date > self.valid_to)


def clause_from_dict(data: Mapping[str, Any]) -> Clause:
    """Build a :class:`Clause` from plain data (e.g. loaded from YAML/JSON); floats are refused.

    Terms are ``{"base": ..., "rate": "10%"}`` mappings; amounts may be strings like
    ``"1500000"`` or ``"1,500,000.00"``.
    """
    known = set(Clause.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown clause field(s) {unknown}; valid: {sorted(known)}")
    d = dict(data)
    d["terms"] = tuple(Term(**t) if isinstance(t, Mapping) else t for t in d.get("terms", ()))
    d["eligibility"] = dict(d.get("eligibility") or {})
    return Clause(**d)


# -- eligibility ------------------------------------------------------------------------------
def _cmp_value(v, name):
    if isinstance(v, (int, Decimal, str)) and not isinstance(v, bool):
        try:
            return to_decimal(v, name)
        except ValueError:
            return v
    return v


def _check_one(key: str, cond, facts: Mapping[str, Any]) -> tuple[bool, str]:
    present = key in facts
    value = facts.get(key)
    if isinstance(cond, Mapping):
        for op, expected in cond.items():
            if op == "exists":
                ok = present == bool(expected)
                if not ok:
                    return False, f"{key}: exists={present}, required {bool(expected)}"
                continue
            if not present:
                return False, f"{key}: fact missing"
            if op == "eq":
                ok = value == expected
            elif op == "ne":
                ok = value != expected
            elif op == "in":
                ok = value in expected
            elif op == "not_in":
                ok = value not in expected
            elif op == "contains":
                ok = isinstance(value, (list, tuple, set, frozenset, str)) and expected in value
            else:
                a, b = _cmp_value(value, key), _cmp_value(expected, key)
                try:
                    ok = {"gte": a >= b, "gt": a > b, "lte": a <= b, "lt": a < b}[op]
                except TypeError:
                    ok = False
            if not ok:
                return False, f"{key}: {value!r} fails {op} {expected!r}"
        return True, f"{key}: {value!r} meets {dict(cond)!r}"
    if not present:
        return False, f"{key}: fact missing"
    if isinstance(value, (list, tuple, set, frozenset)):
        # A multi-valued fact (a pilot recognised at national and provincial level) meets a scalar or a list
        # condition when any of its values does; the exclusive group then decides which award is paid.
        wanted = list(cond) if isinstance(cond, (list, tuple, set, frozenset)) else [cond]
        ok = any(v in wanted for v in value)
        return ok, f"{key}: {list(value)!r} {'includes' if ok else 'has none of'} {wanted!r}"
    if isinstance(cond, (list, tuple, set, frozenset)):
        ok = value in cond
        return ok, f"{key}: {value!r} {'in' if ok else 'not in'} {list(cond)!r}"
    ok = value == cond
    return ok, f"{key}: {value!r} {'==' if ok else '!='} {cond!r}"


def match_eligibility(eligibility: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Match an eligibility mapping against facts; returns (eligible, one line per condition)."""
    lines = []
    ok_all = True
    for key, cond in eligibility.items():
        ok, line = _check_one(key, cond, facts)
        lines.append(("eligible: " if ok else "NOT eligible: ") + line)
        ok_all &= ok
    return ok_all, lines


# -- evaluation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Award:
    """Result of one clause: ``amount`` [CNY] rounded, ``unrounded`` [CNY], and the trace."""

    clause_code: str
    amount: Decimal
    unrounded: Decimal
    eligible: bool
    trace: list[str]
    capped: bool = False
    #: the same steps as data for a page to word in its reader's language: dicts with a ``step`` key and the
    #: step's codes and amounts (amounts as exact decimal strings), e.g. ``{"step": "term", "base":
    #: "equipment_investment", "amount": "12345678.91", "rate": "0.10", "product": "1234567.891"}``
    steps: list[dict] = field(default_factory=list)


def evaluate_clause(clause: Clause, facts: Mapping[str, Any]) -> Award:
    """Compute one clause for one project's facts.

    Order: eligibility; Σ base × rate (formula) or the fixed amount; cap on the unrounded amount;
    rounding. Every step is one line of ``trace``, e.g.
    ``"设备投资 equipment_investment: 12,345,678.91 × 10% = 1,234,567.891"``.
    An ineligible project gets 0.00 and the reasons.
    """
    _check_facts(facts)
    trace = [
        f"clause {clause.code}"
        + (f" ({clause.title})" if clause.title else "")
        + (f" [{clause.source}]" if clause.source else "")
    ]
    steps: list[dict] = [{"step": "clause", "clause": clause.code, "title": clause.title, "source": clause.source}]
    eligible, lines = match_eligibility(clause.eligibility, facts)
    trace += lines
    steps += [{"step": "condition", "fact": key, "met": _check_one(key, cond, facts)[0]}
              for key, cond in clause.eligibility.items()]
    zero = round_amount(Decimal(0), clause.rounding)
    if not eligible:
        trace.append("not eligible: award 0")
        steps.append({"step": "not_eligible"})
        return Award(clause.code, zero, Decimal(0), False, trace, steps=steps)
    if clause.kind == "fixed_award":
        total = clause.amount
        trace.append(f"fixed award = {format_cny(total)}")
        steps.append({"step": "fixed_award", "amount": _plain(total)})
    else:
        parts = []
        for t in clause.terms:
            if t.base not in facts:
                trace.append(f"NOT eligible: base fact {t.base!r} missing")
                steps.append({"step": "base_missing", "base": t.base})
                return Award(clause.code, zero, Decimal(0), False, trace, steps=steps)
            base = to_decimal(facts[t.base], t.base)
            if base < 0:
                raise ValueError(f"fact {t.base!r} must be >= 0, got {base}")
            product = base * t.rate
            parts.append(product)
            label = f"{t.label} {t.base}" if t.label else t.base
            trace.append(f"{label}: {format_cny(base)} × {_format_rate(t.rate)} = {format_cny(product)}")
            steps.append({"step": "term", "base": t.base, "amount": _plain(base), "rate": _plain(t.rate),
                          "product": _plain(product)})
        total = sum(parts, Decimal(0))
        if len(parts) > 1:
            trace.append("sum = " + " + ".join(format_cny(p) for p in parts) + f" = {format_cny(total)}")
            steps.append({"step": "sum", "parts": [_plain(p) for p in parts], "total": _plain(total)})
    unrounded = total
    capped = False
    if clause.cap is not None and total > clause.cap:
        trace.append(
            f"cap per application {format_cny(clause.cap)}: {format_cny(total)} -> {format_cny(clause.cap)}"
        )
        steps.append({"step": "cap", "cap": _plain(clause.cap), "before": _plain(total)})
        total = clause.cap
        capped = True
    amount = round_amount(total, clause.rounding)
    trace.append(
        f"rounding {clause.rounding}: {format_cny(total)} -> {format_cny(amount, places=_places(clause))} CNY"
    )
    steps.append({"step": "rounding", "rounding": clause.rounding, "before": _plain(total),
                  "amount": format(amount, "f")})
    return Award(clause.code, amount, unrounded, True, trace, capped, steps)


def _places(clause: Clause) -> int:
    return max(0, -ROUNDING_MODES[clause.rounding][0].as_tuple().exponent)


@dataclass(frozen=True)
class ProjectResult:
    """Chosen awards, the excluded ones with the reason, the total [CNY] and the whole trace."""

    awards: list[Award]
    excluded: list[tuple[str, str]]
    total: Decimal
    trace: list[str]
    #: the trace as data (see :attr:`Award.steps`)
    steps: list[dict] = field(default_factory=list)


def evaluate_project(clauses: Sequence[Clause], facts: Mapping[str, Any], on_date) -> ProjectResult:
    """Evaluate every clause for one project on ``on_date`` and resolve exclusive groups.

    A clause outside its validity window is not applied; an ineligible one gives nothing. Within an
    exclusive group under ``"highest"`` only the largest award is paid (ties: the first clause in
    ``clauses``); under ``"sum"`` all are paid. Clauses of one group must share one policy.
    """
    on_date = on_date if isinstance(on_date, dt.date) else dt.date.fromisoformat(on_date)
    _check_facts(facts)
    trace: list[str] = []
    steps: list[dict] = []
    excluded: list[tuple[str, str]] = []
    candidates: list[tuple[Clause, Award]] = []
    policies: dict[str, str] = {}
    for c in clauses:
        if c.exclusive_group:
            p = policies.setdefault(c.exclusive_group, c.exclusive_policy)
            if p != c.exclusive_policy:
                raise ValueError(
                    f"exclusive group {c.exclusive_group!r} mixes policies {p!r} and {c.exclusive_policy!r}"
                )
        if not c.is_valid_on(on_date):
            reason = (
                f"not valid on {on_date.isoformat()} (valid {c.valid_from or '…'} to {c.valid_to or '…'})"
            )
            excluded.append((c.code, reason))
            trace.append(f"{c.code}: excluded, {reason}")
            steps.append({"step": "not_valid", "clause": c.code, "on": on_date.isoformat(),
                          "valid_from": c.valid_from.isoformat() if c.valid_from else None,
                          "valid_to": c.valid_to.isoformat() if c.valid_to else None})
            continue
        award = evaluate_clause(c, facts)
        trace += award.trace
        steps += award.steps
        if not award.eligible:
            excluded.append((c.code, "not eligible"))
            continue
        candidates.append((c, award))
    chosen: list[Award] = []
    seen_groups: set[str] = set()
    for c, award in candidates:
        g = c.exclusive_group
        if g is None or policies[g] == "sum":
            chosen.append(award)
            continue
        if g in seen_groups:
            continue
        seen_groups.add(g)
        group = [(cc, aa) for cc, aa in candidates if cc.exclusive_group == g]
        best_clause, best = group[0]
        for cc, aa in group[1:]:
            if aa.amount > best.amount:
                best_clause, best = cc, aa
        chosen.append(best)
        for cc, aa in group:
            if aa is not best:
                reason = (
                    f"exclusive group {g!r} (highest): {format_cny(aa.amount, places=2)} from {cc.code} "
                    f"not paid, {format_cny(best.amount, places=2)} from {best_clause.code} applies"
                )
                excluded.append((cc.code, reason))
                trace.append(reason)
                steps.append({"step": "exclusive", "group": g, "clause": cc.code, "amount": format(aa.amount, "f"),
                              "chosen": best_clause.code, "chosen_amount": format(best.amount, "f")})
    # keep the input order of clauses
    order = {c.code: i for i, c in enumerate(clauses)}
    chosen.sort(key=lambda a: order[a.clause_code])
    total = sum((a.amount for a in chosen), Decimal(0))
    trace.append(
        "total = "
        + (" + ".join(format_cny(a.amount, places=2) for a in chosen) or "0")
        + f" = {format_cny(total, places=2)} CNY"
    )
    steps.append({"step": "total", "amounts": [format(a.amount, "f") for a in chosen], "total": format(total, "f")})
    return ProjectResult(chosen, excluded, total, trace, steps)


# -- controls ---------------------------------------------------------------------------------
def _norm_key(s: str) -> str:
    return "".join(str(s).split()).upper()


@dataclass(frozen=True)
class Invoice:
    """An invoice by the seller's tax id (统一社会信用代码) and its number."""

    seller: str
    number: str


@dataclass(frozen=True)
class Claim:
    """A claim for an award: who, which clause, which year, which project and invoices.

    ``status`` of earlier claims in ``("rejected", "withdrawn")`` does not block a new claim.
    """

    claim_id: str
    enterprise_id: str
    clause_code: str
    year: int
    project_id: str | None = None
    invoices: tuple[Invoice, ...] = ()
    status: str = "submitted"

    def __post_init__(self):
        object.__setattr__(
            self, "invoices", tuple(i if isinstance(i, Invoice) else Invoice(*i) for i in self.invoices)
        )


@dataclass(frozen=True)
class DuplicateFinding:
    """The new claim reuses an invoice or a project of ``earlier_claim_id``."""

    kind: str  # "invoice" | "project"
    key: str
    earlier_claim_id: str
    earlier_clause_code: str
    earlier_year: int
    message: str


_NOT_BLOCKING = ("rejected", "withdrawn")


def find_duplicate_claims(new_claim: Claim, earlier_claims: Sequence[Claim]) -> list[DuplicateFinding]:
    """Duplicate-funding check across clauses and years.

    A finding is raised for every earlier (not rejected or withdrawn) claim that used the same
    invoice (same seller and number, spaces and case ignored) or the same project id. An empty
    list means the claim may proceed.
    """
    findings = []
    new_inv = {(_norm_key(i.seller), _norm_key(i.number)): i for i in new_claim.invoices}
    for old in earlier_claims:
        if old.claim_id == new_claim.claim_id or old.status in _NOT_BLOCKING:
            continue
        for inv in old.invoices:
            key = (_norm_key(inv.seller), _norm_key(inv.number))
            if key in new_inv:
                findings.append(
                    DuplicateFinding(
                        "invoice",
                        f"{inv.seller}/{inv.number}",
                        old.claim_id,
                        old.clause_code,
                        old.year,
                        f"invoice {inv.number} of seller {inv.seller} already claimed in {old.claim_id} "
                        f"(clause {old.clause_code}, {old.year})",
                    )
                )
        if (
            new_claim.project_id
            and old.project_id
            and _norm_key(new_claim.project_id) == _norm_key(old.project_id)
        ):
            findings.append(
                DuplicateFinding(
                    "project",
                    new_claim.project_id,
                    old.claim_id,
                    old.clause_code,
                    old.year,
                    f"project {new_claim.project_id} already claimed in {old.claim_id} "
                    f"(clause {old.clause_code}, {old.year})",
                )
            )
    return findings


@dataclass(frozen=True)
class CapRequest:
    """An amount [CNY] asked for by ``enterprise_id`` under ``clause_code`` in ``year``."""

    claim_id: str
    enterprise_id: str
    clause_code: str
    year: int
    amount: Decimal

    def __post_init__(self):
        object.__setattr__(self, "amount", to_decimal(self.amount, f"amount of {self.claim_id}"))
        if self.amount < 0:
            raise ValueError(f"{self.claim_id}: amount must be >= 0")


@dataclass(frozen=True)
class CapResult:
    claim_id: str
    requested: Decimal
    granted: Decimal
    capped_by: tuple[str, ...]
    trace: list[str]
    #: the trace as data (see :attr:`Award.steps`)
    steps: list[dict] = field(default_factory=list)


def apply_caps(
    requests: Sequence[CapRequest],
    *,
    clause_caps: Mapping[str, Decimal] | None = None,
    clause_year_caps: Mapping[str, Decimal] | None = None,
    enterprise_year_cap: Decimal | None = None,
    granted_before: Sequence[CapRequest] = (),
) -> list[CapResult]:
    """Apply caps to requests, in order (first come, first served).

    Parameters
    ----------
    requests : sequence of CapRequest
        Amounts [CNY] to grant, in order of approval.
    clause_caps : mapping clause code -> Decimal, optional
        Maximum per application under the clause [CNY].
    clause_year_caps : mapping clause code -> Decimal, optional
        Maximum per enterprise, per clause, per year [CNY].
    enterprise_year_cap : Decimal, optional
        Maximum per enterprise per year over all clauses [CNY].
    granted_before : sequence of CapRequest
        Amounts already granted (counted against the yearly caps).

    Returns
    -------
    list of CapResult
        Granted amounts never exceed any cap; ``capped_by`` names the caps that bit.
    """
    clause_caps = {k: to_decimal(v, f"cap {k}") for k, v in (clause_caps or {}).items()}
    clause_year_caps = {k: to_decimal(v, f"year cap {k}") for k, v in (clause_year_caps or {}).items()}
    ent_cap = None if enterprise_year_cap is None else to_decimal(enterprise_year_cap, "enterprise_year_cap")
    used_ent: dict[tuple[str, int], Decimal] = {}
    used_clause: dict[tuple[str, str, int], Decimal] = {}
    for g in granted_before:
        used_ent[(g.enterprise_id, g.year)] = used_ent.get((g.enterprise_id, g.year), Decimal(0)) + g.amount
        k = (g.enterprise_id, g.clause_code, g.year)
        used_clause[k] = used_clause.get(k, Decimal(0)) + g.amount
    out = []
    for r in requests:
        amount = r.amount
        trace = [f"{r.claim_id}: requested {format_cny(amount, places=2)}"]
        steps: list[dict] = [{"step": "requested", "amount": format(amount, "f")}]
        capped_by = []
        if r.clause_code in clause_caps and amount > clause_caps[r.clause_code]:
            amount = clause_caps[r.clause_code]
            capped_by.append("clause")
            trace.append(f"cap per application of {r.clause_code}: {format_cny(amount, places=2)}")
            steps.append({"step": "cap_application", "amount": format(amount, "f")})
        ck = (r.enterprise_id, r.clause_code, r.year)
        if r.clause_code in clause_year_caps:
            room = max(Decimal(0), clause_year_caps[r.clause_code] - used_clause.get(ck, Decimal(0)))
            if amount > room:
                amount = room
                capped_by.append("clause_year")
                trace.append(
                    f"cap of {r.clause_code} per enterprise in {r.year} "
                    f"{format_cny(clause_year_caps[r.clause_code], places=2)}, room left {format_cny(room, places=2)}"
                )
                steps.append({"step": "cap_clause_year", "year": r.year,
                              "cap": format(clause_year_caps[r.clause_code], "f"), "room": format(room, "f")})
        ek = (r.enterprise_id, r.year)
        if ent_cap is not None:
            room = max(Decimal(0), ent_cap - used_ent.get(ek, Decimal(0)))
            if amount > room:
                amount = room
                capped_by.append("enterprise_year")
                trace.append(
                    f"cap per enterprise in {r.year} {format_cny(ent_cap, places=2)}, "
                    f"room left {format_cny(room, places=2)}"
                )
                steps.append({"step": "cap_enterprise_year", "year": r.year, "cap": format(ent_cap, "f"),
                              "room": format(room, "f")})
        used_ent[ek] = used_ent.get(ek, Decimal(0)) + amount
        used_clause[ck] = used_clause.get(ck, Decimal(0)) + amount
        trace.append(f"granted {format_cny(amount, places=2)}")
        steps.append({"step": "granted", "amount": format(amount, "f")})
        out.append(CapResult(r.claim_id, r.amount, amount, tuple(capped_by), trace, steps))
    return out
