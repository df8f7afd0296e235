"""Load validated policy files into the database: all or nothing, idempotent, audited.

Steps: parse and validate every file (YAML, schema, cross-checks); resolve every unit name against the directory
made of the organizations already in the database plus those the files define; check every region code; then, only
if there is no problem at all, write everything in one transaction. Each created, changed or removed record gets an
audit event; records that already match the file are left alone, so loading the same files twice changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.organizations.models import Organization, OrganizationGroup
from rollout5g.regions.models import Region

from . import schema
from .directory import OrganizationDirectory, check_document
from .models import (
    IncentiveClause,
    Indicator,
    PolicyDocument,
    PolicySection,
    PolicyTask,
)

SYSTEM_LABEL = "system:load-policy"
ROLE_OF_FIELD = {"lead_units": "lead", "supporting_units": "supporting", "responsible_units": "responsible"}


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self) -> list[str]:
        out = [f"Loaded {len(self.files)} file(s): {', '.join(Path(f).name for f in self.files)}"]
        kinds = sorted(set(self.created) | set(self.updated) | set(self.deleted) | set(self.unchanged))
        for kind in kinds:
            out.append(
                f"  {kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
                f"{self.deleted[kind]} removed, {self.unchanged[kind]} unchanged"
            )
        if not self.changes:
            out.append("  nothing changed")
        return out


def _db_directory_entries():
    """Organizations and groups already in the database, as schema objects (no validation: they were valid)."""
    orgs = [
        schema.Organization.model_construct(
            code=o.code, name=o.name, short_name=o.short_name or o.name, aliases=list(o.aliases or []),
            kind=o.kind, region=o.region_id or "", parent=o.parent.code if o.parent_id else None,
            name_en=o.name_en or o.name, notes=None,
        )
        for o in Organization.objects.select_related("parent")
    ]
    groups = [
        schema.Group.model_construct(
            term=g.term, aliases=[], region=g.region_id or "", expand=g.expand,
            members=[m.code for m in g.members.all()], description=g.description or g.term, name_en=None,
        )
        for g in OrganizationGroup.objects.prefetch_related("members")
    ]
    return orgs, groups


def _merge(db_items, file_items, key):
    """File entries replace database entries with the same key."""
    merged = {key(i): i for i in db_items}
    merged.update({key(i): i for i in file_items})
    return list(merged.values())


def _check_regions(parsed: schema.ParsedPolicyFile, known: set[str]) -> list[schema.PolicyProblem]:
    problems = []

    def check(path, code):
        if code and code not in known:
            problems.append(parsed.problem(path, f"region {code!r} is not a known adcode (load the boundaries first)"))

    for i, org in enumerate(parsed.organizations):
        check(("organizations", i, "region"), org.region)
    for i, group in enumerate(parsed.groups):
        check(("groups", i, "region"), group.region)
    if parsed.document is not None:
        check(("document", "region"), parsed.document.region)
    for i, task in enumerate(parsed.tasks):
        for j, target in enumerate(task.targets):
            check(("tasks", i, "targets", j, "region"), target.region)
    for i, indicator in enumerate(parsed.indicators):
        for j, target in enumerate(indicator.targets):
            check(("indicators", i, "targets", j, "region"), target.region)
    return problems


def validate_policy_files(paths) -> tuple[list[schema.ParsedPolicyFile], OrganizationDirectory]:
    """Parse and check files without writing anything. Raises PolicyFileError with every problem."""
    problems: list[schema.PolicyProblem] = []
    parsed = []
    for path in paths:
        try:
            parsed.append(schema.parse_policy_file(path))
        except schema.PolicyFileError as exc:
            problems += exc.problems
    if problems:
        raise schema.PolicyFileError(problems)
    db_orgs, db_groups = _db_directory_entries()
    file_orgs = [o for p in parsed for o in p.organizations]
    file_groups = [g for p in parsed for g in p.groups]
    try:
        directory = OrganizationDirectory(
            # a collective term is one group per region (each city's 各县（市、区）政府 is its own counties)
            _merge(db_orgs, file_orgs, lambda o: o.code),
            _merge(db_groups, file_groups, lambda g: (g.term, g.region or "")),
        )
    except ValueError as exc:
        raise schema.PolicyFileError([schema.PolicyProblem(str(parsed[0].path), 1, "organizations", str(exc))]) from None
    known_regions = set(Region.objects.values_list("adcode", flat=True))
    for p in parsed:
        problems += _check_regions(p, known_regions)
        if p.document is not None:
            problems += check_document(p, directory)
    if problems:
        raise schema.PolicyFileError(problems)
    return parsed, directory


def load_policy_files(paths, *, actor=None) -> LoadReport:
    """Validate ``paths`` together and load them in one transaction (see module docstring)."""
    paths = [Path(p) for p in paths]
    parsed, directory = validate_policy_files(paths)
    report = LoadReport(files=[str(p) for p in paths])
    with transaction.atomic():
        loader = _Loader(actor, report, directory)
        for p in parsed:
            loader.organizations(p)
        for p in parsed:
            loader.groups(p)
        for p in parsed:
            if p.document is not None:
                loader.document(p)
    return report


def _comparable(data):
    """JSON-comparable form: decimals as normalised strings, so 1000 and 1000.0000 (as stored) are equal."""

    def default(value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)

    def normalise(value):
        if isinstance(value, Decimal):
            return default(value)
        if isinstance(value, str):
            try:
                number = Decimal(value)
            except ArithmeticError:
                return value
            return default(number) if value.strip() and number.is_finite() else value
        if isinstance(value, dict):
            return {k: normalise(v) for k, v in value.items()}
        if isinstance(value, list):
            return [normalise(v) for v in value]
        return value

    return normalise(json.loads(json.dumps(data, default=default)))


class _Loader:
    def __init__(self, actor, report: LoadReport, directory: OrganizationDirectory):
        self.actor, self.report, self.directory = actor, report, directory

    # -- generic upsert with audit ------------------------------------------------------------
    def upsert(self, model, lookup: dict, values: dict, *, kind: str):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            record_event(actor=self.actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj),
                         system_label=SYSTEM_LABEL)
            self.report.created[kind] += 1
            return obj
        before = _comparable(snapshot(obj))
        for k, v in values.items():
            setattr(obj, k, v)
        after = _comparable(snapshot(obj))
        if before == after:
            self.report.unchanged[kind] += 1
            return obj
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        record_changes(actor=self.actor, obj=obj, before=before, after=after, system_label=SYSTEM_LABEL)
        self.report.updated[kind] += 1
        return obj

    def remove_missing(self, queryset, keep_ids, *, kind: str):
        for obj in queryset.exclude(pk__in=keep_ids):
            record_event(actor=self.actor, action=AuditAction.DELETE, obj=obj, before=snapshot(obj),
                         note=gettext_noop("No longer in the policy file"), system_label=SYSTEM_LABEL)
            obj.delete()
            self.report.deleted[kind] += 1

    def replace_children(self, owner, related, desired: list[dict], *, kind: str, fields: tuple[str, ...]):
        """Replace ``owner``'s child rows when they differ from ``desired`` (one audit event on the owner)."""
        current = [{f: getattr(row, f) for f in fields} for row in related.all()]
        want = [{f: row[f] for f in fields} for row in desired]
        if _comparable(current) == _comparable(want):
            return
        related.all().delete()
        for row in desired:
            related.create(**row)
        record_event(actor=self.actor, action=AuditAction.UPDATE, obj=owner,
                     before={kind: _comparable(current)}, after={kind: _comparable(want)},
                     system_label=SYSTEM_LABEL)
        self.report.updated[kind] += 1

    # -- organizations and groups --------------------------------------------------------------
    def organizations(self, parsed):
        for org in parsed.organizations:
            self.upsert(
                Organization, {"code": org.code},
                {"name": org.name, "short_name": org.short_name, "name_en": org.name_en, "aliases": list(org.aliases),
                 "kind": org.kind, "region_id": org.region},
                kind="organizations",
            )
        for org in parsed.organizations:  # parents once every organization exists
            parent_id = Organization.objects.get(code=org.parent).pk if org.parent else None
            obj = Organization.objects.get(code=org.code)
            if obj.parent_id != parent_id:
                before = snapshot(obj)
                obj.parent_id = parent_id
                obj.save(update_fields=["parent"])
                record_changes(actor=self.actor, obj=obj, before=before, system_label=SYSTEM_LABEL)

    def groups(self, parsed):
        for group in parsed.groups:
            obj = self.upsert(
                OrganizationGroup, {"term": group.term, "region_id": group.region},
                {"expand": group.expand, "description": group.description}, kind="groups",
            )
            wanted = sorted(Organization.objects.filter(code__in=group.members).values_list("pk", flat=True))
            current = sorted(obj.members.values_list("pk", flat=True))
            if wanted != current:
                obj.members.set(wanted)
                record_event(actor=self.actor, action=AuditAction.UPDATE, obj=obj, before={"members": current},
                             after={"members": wanted}, system_label=SYSTEM_LABEL)

    # -- a document and everything in it ------------------------------------------------------------
    def document(self, parsed):
        d = parsed.document
        document = self.upsert(
            PolicyDocument, {"key": d.key},
            {"title": d.title, "short_title": d.short_title, "doc_number": d.doc_number or "",
             "issued_on": d.issued_on, "implements": d.implements or "", "level": d.level, "region_id": d.region,
             "source_file": d.source_file, "period_start": d.period_start, "period_end": d.period_end,
             "notes": d.notes or "",
             "issuer_id": Organization.objects.get(code=d.issuer).pk if d.issuer else None,
             "loaded_from": Path(parsed.path).name},
            kind="documents",
        )
        sections = {}
        for order, s in enumerate(parsed.sections):
            sections[s.number] = self.upsert(
                PolicySection, {"document": document, "number": s.number},
                {"title": s.title, "sort_order": order, "parent": sections.get(s.parent) if s.parent else None},
                kind="sections",
            )
        for s in parsed.sections:  # parents once every section exists
            if s.parent:
                obj = sections[s.number]
                if obj.parent_id != sections[s.parent].pk:
                    obj.parent = sections[s.parent]
                    obj.save(update_fields=["parent"])
        self.remove_missing(PolicySection.objects.filter(document=document),
                            [s.pk for s in sections.values()], kind="sections")

        indicators = {}
        for order, ind in enumerate(parsed.indicators):
            indicator = self.upsert(
                Indicator, {"key": ind.key},
                {"document": document, "name": ind.name, "name_en": ind.name_en, "unit": ind.unit,
                 "measure": ind.measure, "source": ind.source, "area_type": ind.area_type or "",
                 "clause": ind.clause, "notes": ind.notes or "", "sort_order": order},
                kind="indicators",
            )
            indicators[ind.key] = indicator
            self.replace_children(
                indicator, indicator.targets,
                [{"region_id": t.region, "year": t.year, "comparator": t.comparator, "value": t.value,
                  "due": t.due, "text": t.text, "origin": t.origin} for t in ind.targets],
                kind="indicator targets",
                fields=("region_id", "year", "comparator", "value", "due", "text", "origin"),
            )
        self.remove_missing(Indicator.objects.filter(document=document),
                            [i.pk for i in indicators.values()], kind="indicators")

        tasks = []
        for order, t in enumerate(parsed.tasks):
            task = self.upsert(
                PolicyTask, {"document": document, "number": t.number},
                {"section": sections.get(t.section) if t.section else None, "title": t.title,
                 "title_en": t.title_en, "text": t.text, "deadline": t.deadline,
                 "deadline_text": t.deadline_text or "", "tags": list(t.tags), "sort_order": order},
                kind="tasks",
            )
            tasks.append(task.pk)
            self.replace_children(task, task.units, self._task_units(t, region=d.region), kind="task units",
                                  fields=("role", "organization_id", "group_id", "as_written", "open_ended",
                                          "sort_order"))
            self.replace_children(
                task, task.targets,
                [{"indicator_id": indicators[x.indicator].pk, "region_id": x.region, "year": x.year,
                  "comparator": x.comparator, "value": x.value} for x in t.targets],
                kind="task targets", fields=("indicator_id", "region_id", "year", "comparator", "value"),
            )
        self.remove_missing(PolicyTask.objects.filter(document=document), tasks, kind="tasks")

        clauses = []
        for order, c in enumerate(parsed.incentives):
            clause = self.upsert(
                IncentiveClause, {"key": c.key},
                {"document": document, "name": c.name, "name_en": c.name_en, "clause": c.clause, "text": c.text,
                 "kind": c.kind, "terms": [{"base": x.base, "rate": str(x.rate)} for x in c.terms],
                 "amount": c.amount, "eligibility": dict(c.eligibility), "exclusive_group": c.exclusive_group or "",
                 "exclusive_policy": c.exclusive_policy, "cap": c.cap, "rounding": c.rounding,
                 "valid_from": c.valid_from, "valid_to": c.valid_to, "payer": list(c.payer),
                 "notes": c.notes or "", "sort_order": order},
                kind="incentive clauses",
            )
            clauses.append(clause.pk)
        self.remove_missing(IncentiveClause.objects.filter(document=document), clauses, kind="incentive clauses")

    def _task_units(self, task, *, region: str) -> list[dict]:
        """The task's units as rows; a collective term resolves to the group of the document's ``region`` where
        several cities define it (Huzhou's 各县（市、区）政府 are Huzhou's county governments, not Jiaxing's)."""
        rows, order = [], 0
        for field_name, _, name in schema.iter_task_units(task):
            resolution = self.directory.resolve(name, region=region)  # checked by validate_policy_files
            role = ROLE_OF_FIELD[field_name]
            if resolution.is_named_group:
                group_region = self.directory.group(resolution.group_term, region).region or None
                group = (OrganizationGroup.objects.filter(term=resolution.group_term, region_id=group_region)
                         .order_by("pk").first()
                         or OrganizationGroup.objects.filter(term=resolution.group_term).order_by("pk").first())
                rows.append({"role": role, "organization_id": None, "group_id": group.pk, "as_written": name,
                             "open_ended": resolution.open_ended, "sort_order": order})
                order += 1
                continue
            for code in resolution.codes:
                rows.append({"role": role, "organization_id": Organization.objects.get(code=code).pk,
                             "group_id": None, "as_written": name, "open_ended": resolution.open_ended,
                             "sort_order": order})
                order += 1
        return rows
