"""Schema of policy data files, and a parser that reports every problem with file, line and field.

A policy file is YAML with any of the top-level keys ``organizations``, ``groups``, ``document``,
``sections``, ``tasks``, ``indicators``, ``incentives``. ``data/organizations.yaml`` holds the unit
directory (the first two); each file under ``data/documents/`` encodes one policy document and
may carry organizations and groups of its own (that is how another city loads its document).

Every model forbids unknown keys, so a misspelt key is an error, not silently ignored. Money
and rates are quoted decimal strings (``rate: "0.10"``, ``amount: "1500000"``) and become
:class:`decimal.Decimal`; a YAML float is refused because it cannot hold 0.10 exactly.

:func:`parse_policy_file` validates a file and raises :class:`PolicyFileError` listing *all*
problems at once, each as ``FILE:LINE: FIELD: MESSAGE``: YAML syntax, pydantic validation, and
cross-checks inside the file (duplicate keys and numbers, undefined indicators and sections,
a ``deadline`` that contradicts its ``deadline_text``, targets that disagree with their
indicator). Unit names are resolved against the directory by
:func:`rollout5g.policy.directory.check_document`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .deadlines import parse_deadline

__all__ = [
    "DATA_DIR",
    "ORGANIZATIONS_FILE",
    "DOCUMENTS_DIR",
    "TAGS",
    "ORGANIZATION_KINDS",
    "INDICATOR_SOURCES",
    "Organization",
    "Group",
    "Document",
    "Section",
    "TaskTarget",
    "Task",
    "IndicatorTarget",
    "Indicator",
    "FormulaTerm",
    "Incentive",
    "PolicyFile",
    "PolicyProblem",
    "PolicyFileError",
    "ParsedPolicyFile",
    "parse_policy_file",
    "parse_policy_text",
    "bundled_policy_files",
    "format_field",
    "iter_task_units",
    "UNIT_FIELDS",
]

#: Folder of the data files shipped with the package.
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The unit directory shared by all documents.
ORGANIZATIONS_FILE = DATA_DIR / "organizations.yaml"
#: One YAML file per policy document.
DOCUMENTS_DIR = DATA_DIR / "documents"

#: Kinds of organization.
ORGANIZATION_KINDS = (
    "government",
    "government_department",
    "party_department",
    "coordination_body",
    "development_zone",
    "operator",
    "tower_company",
    "broadcaster",
    "utility",
    "state_owned_enterprise",
    "enterprise",
    "institute",
    "university",
    "association",
)
OrganizationKind = Literal[
    "government",
    "government_department",
    "party_department",
    "coordination_body",
    "development_zone",
    "operator",
    "tower_company",
    "broadcaster",
    "utility",
    "state_owned_enterprise",
    "enterprise",
    "institute",
    "university",
    "association",
]

#: Task tags, used to link tasks to the platform's features.
TAGS = (
    "approval",  # one-stop approval of sites (一件事)
    "planning",  # site special plans, reserving space in construction projects
    "standards",  # technical standards and design guides
    "open-list",  # free opening of public facilities for sites
    "smart-pole",  # shared smart poles (多杆合一、智慧杆塔)
    "power",  # power supply, direct supply, electricity price, power connection
    "land",  # land for sites
    "relocation",  # relocation and compensation of demolished sites
    "coverage",  # network coverage goals
    "industry",  # industry development, firms, parks, clusters
    "innovation",  # research, innovation centres, technology transfer
    "pilot",  # application pilots and demonstrations
    "application",  # 5G applications in sectors
    "talent",  # education, training, talent
    "incentive",  # subsidies, awards, preferential treatment
    "finance",  # funds, investment, listing
    "security",  # network and infrastructure security, spectrum, protection of sites
    "organization",  # programme organisation and coordination
    "evaluation",  # assessment of regions
    "promotion",  # summits, exhibitions, case collection
)
Tag = Literal[
    "approval",
    "planning",
    "standards",
    "open-list",
    "smart-pole",
    "power",
    "land",
    "relocation",
    "coverage",
    "industry",
    "innovation",
    "pilot",
    "application",
    "talent",
    "incentive",
    "finance",
    "security",
    "organization",
    "evaluation",
    "promotion",
]

#: Where an indicator's observed values come from. ``entered`` means typed in by the programme office.
INDICATOR_SOURCES = (
    "registry.on_air_base_stations",
    "coverage.share",
    "industry.leading_firms",
    "industry.clusters",
    "industry.joint_innovation_centres",
    "industry.parks",
    "industry.smart_manufacturing_demos",
    "entered",
)

CODE_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Adcode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Text = Annotated[str, StringConstraints(pattern=r"\S")]
Comparator = Literal["gt", "ge", "eq", "le", "lt"]
Year = Annotated[int, Field(ge=1949, le=2199)]


def _decimal_string(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f'must be a quoted decimal string such as "0.10" or "1500000", not the YAML '
            f"{type(value).__name__} {value!r} (binary floats cannot hold decimal money exactly)"
        )
    text = value.strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f'{value!r} is not a plain decimal number such as "0.10" or "1500000"')
    return Decimal(text)


def _number(value):
    """Target values: YAML int, float or numeric string -> Decimal (floats via their shortest repr)."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return Decimal(value.strip())
    raise ValueError(f"must be a number, not {value!r}")


DecimalString = Annotated[Decimal, BeforeValidator(_decimal_string)]
Number = Annotated[Decimal, BeforeValidator(_number)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_duplicates(values, what):
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v)


class Organization(_Model):
    """One organization (unit) that policy documents name."""

    code: Code
    name: Text  # full official name, e.g. 嘉兴市经济和信息化局
    short_name: Text  # as seeds write it, e.g. 市经信局
    aliases: list[Text] = []
    kind: OrganizationKind
    region: Adcode  # 330000 province, 330400 Jiaxing, 3304xx counties
    parent: Code | None = None
    name_en: Text
    notes: str | None = None

    @model_validator(mode="after")
    def _check(self):
        _no_duplicates(self.aliases, "alias")
        if self.parent == self.code:
            raise ValueError(f"organization {self.code!r} cannot be its own parent")
        return self


class Group(_Model):
    """A collective term a document writes instead of naming units (各通信运营商).

    ``expand: true`` — the term stands for its ``members`` (organization codes).
    ``expand: false`` — a named group kept as one unit (市级各有关部门（单位）); ``members`` is
    normally empty.
    """

    term: Text  # exactly as the seed writes it
    aliases: list[Text] = []
    region: Adcode
    expand: bool
    members: list[Code] = []
    description: Text
    name_en: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.expand and not self.members:
            raise ValueError("a group with expand: true needs at least one member")
        _no_duplicates(self.members, "member")
        return self


class Document(_Model):
    """The policy document a file encodes."""

    key: Code
    title: Text
    short_title: Text
    title_en: str | None = None
    issuer: Code | None = None
    doc_number: str | None = None
    issued_on: dt.date | None = None
    implements: str | None = None
    level: Literal["province", "city"]
    region: Adcode
    source_file: Text
    period_start: Year
    period_end: Year
    notes: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.period_end < self.period_start:
            raise ValueError(f"period_end {self.period_end} is before period_start {self.period_start}")
        return self


class Section(_Model):
    """A numbered heading of the document (二(一) 加快5G网络基础设施建设)."""

    number: Text
    title: Text
    title_en: str | None = None
    parent: str | None = None


class TaskTarget(_Model):
    """A quantified target of a task, pointing at an indicator of the same file."""

    indicator: Code
    comparator: Comparator
    value: Number
    year: Year
    region: Adcode


class Task(_Model):
    """One task: its text, the units responsible, deadline, targets and tags."""

    number: Text
    section: str | None = None
    title: Text
    title_en: Text
    text: Text  # verbatim, without the unit list
    lead_units: list[Text] = []
    supporting_units: list[Text] = []
    responsible_units: list[Text] = []
    deadline: dt.date | None = None
    deadline_text: str | None = None
    targets: list[TaskTarget] = []
    tags: list[Tag] = []

    @model_validator(mode="after")
    def _check(self):
        if not self.lead_units and not self.responsible_units:
            raise ValueError("a task needs lead_units or responsible_units")
        if self.supporting_units and not self.lead_units:
            raise ValueError("supporting_units without lead_units")
        for name in ("lead_units", "supporting_units", "responsible_units", "tags"):
            _no_duplicates(getattr(self, name), name.rstrip("s").replace("_", " "))
        return self


class IndicatorTarget(_Model):
    """A goal of an indicator for one region and year."""

    region: Adcode
    year: Year
    comparator: Comparator
    value: Number
    due: dt.date
    text: Text  # the seed's words
    #: ``document``: the number is the document's; ``office``: the document names no number and the programme
    #: office of this platform set one (a placeholder, shown as 本平台设定, never as the document's).
    origin: Literal["document", "office"] = "document"

    @model_validator(mode="after")
    def _check(self):
        if self.due.year != self.year:
            raise ValueError(f"due {self.due} is not in year {self.year}")
        return self


class Indicator(_Model):
    """A measured quantity with targets per region and year."""

    key: Code
    name: Text
    name_en: Text
    unit: Text  # 个, 家, 亿元, share
    measure: Literal["cumulative", "incremental", "share", "count"]
    source: Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)*$")]
    area_type: str | None = None
    clause: Text
    targets: list[IndicatorTarget] = Field(min_length=1)
    notes: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.measure == "share":
            for t in self.targets:
                if not Decimal(0) <= t.value <= Decimal(1):
                    raise ValueError(f"a share target must lie in [0, 1], not {t.value}")
        seen = set()
        for t in self.targets:
            if (t.region, t.year) in seen:
                raise ValueError(f"two targets for region {t.region} in {t.year}")
            seen.add((t.region, t.year))
        return self


class FormulaTerm(_Model):
    """One term of a formula incentive: ``rate`` x the applicant's ``base`` amount."""

    base: Literal["equipment_investment", "technology_it_investment"]
    rate: DecimalString

    @model_validator(mode="after")
    def _check(self):
        if not Decimal(0) < self.rate <= Decimal(1):
            raise ValueError(f"rate {self.rate} must lie in (0, 1]")
        return self


class Incentive(_Model):
    """An incentive clause: a formula subsidy or a fixed award, as dated data."""

    key: Code
    name: Text
    name_en: Text
    clause: Text
    text: Text  # verbatim sentence
    kind: Literal["formula", "fixed_award"]
    terms: list[FormulaTerm] = []
    amount: DecimalString | None = None  # CNY, fixed awards
    eligibility: dict[str, str] = {}
    exclusive_group: Code | None = None
    exclusive_policy: Literal["highest", "sum"] = "highest"
    cap: DecimalString | None = None  # CNY
    rounding: Literal["half_up_fen", "half_up_yuan", "down_fen", "down_yuan"] = "half_up_fen"
    valid_from: dt.date
    valid_to: dt.date | None = None
    payer: list[Text] = Field(min_length=1)
    notes: str | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.kind == "formula":
            if not self.terms:
                raise ValueError("a formula incentive needs terms")
            if self.amount is not None:
                raise ValueError("a formula incentive has terms, not an amount")
            _no_duplicates([t.base for t in self.terms], "base")
        else:
            if self.amount is None:
                raise ValueError("a fixed_award needs an amount")
            if self.terms:
                raise ValueError("a fixed_award has an amount, not terms")
            if self.amount <= 0:
                raise ValueError(f"amount {self.amount} must be positive")
        if self.cap is not None and self.cap <= 0:
            raise ValueError(f"cap {self.cap} must be positive")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self


class PolicyFile(_Model):
    """The content of one policy data file."""

    organizations: list[Organization] = []
    groups: list[Group] = []
    document: Document | None = None
    sections: list[Section] = []
    tasks: list[Task] = []
    indicators: list[Indicator] = []
    incentives: list[Incentive] = []

    @model_validator(mode="after")
    def _check(self):
        if self.document is None and (self.sections or self.tasks or self.indicators or self.incentives):
            raise ValueError("sections, tasks, indicators and incentives need a document")
        return self


# --------------------------------------------------------------------------------------------
# problems and errors


@dataclass(frozen=True)
class PolicyProblem:
    """One problem of a policy file: where (file, 1-based line, dotted field) and what."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class PolicyFileError(ValueError):
    """A policy file is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self):
        return "\n".join(str(p) for p in self.problems)


def format_field(path):
    """Dotted field path of a node path: ``("tasks", 3, "deadline")`` -> ``tasks[3].deadline``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<file>"


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as strings, so pydantic (not PyYAML) reports a bad date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _walk(node, path, lines, duplicates, depth=0):
    """Record the 1-based line of every node path; a mapping entry is placed on its key's line."""
    if depth > 100:
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            child = (*path, key)
            key_line = key_node.start_mark.line + 1
            if key in seen:
                duplicates.append((child, key_line, seen[key]))
                _walk(value_node, child, {}, duplicates, depth + 1)
                continue
            seen[key] = key_line
            lines[child] = key_line
            _walk(value_node, child, lines, duplicates, depth + 1)
            lines[child] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, duplicates, depth + 1)


@dataclass
class ParsedPolicyFile:
    """A validated policy file with the line of every node, for error messages."""

    path: Path
    data: PolicyFile
    lines: dict[tuple, int] = field(default_factory=dict, repr=False)

    def line_of(self, path):
        """1-based line of the node at ``path`` (e.g. ``("tasks", 3, "lead_units", 0)``).

        Falls back to the nearest enclosing node that exists in the file (a missing field is
        reported on the line of its parent), and to line 1.
        """
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path, message):
        """A :class:`PolicyProblem` at ``path`` of this file."""
        return PolicyProblem(str(self.path), self.line_of(path), format_field(path), message)

    @property
    def document(self):
        return self.data.document

    @property
    def organizations(self):
        return self.data.organizations

    @property
    def groups(self):
        return self.data.groups

    @property
    def sections(self):
        return self.data.sections

    @property
    def tasks(self):
        return self.data.tasks

    @property
    def indicators(self):
        return self.data.indicators

    @property
    def incentives(self):
        return self.data.incentives


def _line_lookup(lines):
    def line_of(path):
        path = tuple(path)
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get((), 1)

    return line_of


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pydantic_problems(exc, file, line_of):
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if err["type"] not in ("missing", "extra_forbidden", "value_error") and "input" in err:
            inp = err["input"]
            if not isinstance(inp, dict | list):
                message += f" (got {_short(inp)})"
        if err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r} (extra keys are not permitted; check the spelling)"
        problems.append(PolicyProblem(file, line_of(loc), format_field(loc), message))
    return problems


# --------------------------------------------------------------------------------------------
# cross-checks on the raw data (run even when pydantic finds problems, so all are reported)


def _items(data, key):
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _duplicates(data, key, ident, what):
    out = []
    first = {}
    for i, item in _items(data, key):
        value = item.get(ident)
        if value is None or not isinstance(value, str | int):
            continue
        if value in first:
            out.append(((key, i, ident), f"duplicate {what} {value!r} (first at {key}[{first[value]}])"))
        else:
            first[value] = i
    return out


def _cross_checks(data):
    """Problems as (path, message) found by comparing parts of one file."""
    out = []
    out += _duplicates(data, "organizations", "code", "organization code")
    out += _duplicates(data, "groups", "term", "group term")
    out += _duplicates(data, "sections", "number", "section number")
    out += _duplicates(data, "tasks", "number", "task number")
    out += _duplicates(data, "indicators", "key", "indicator key")
    out += _duplicates(data, "incentives", "key", "incentive key")

    sections = {s.get("number") for _, s in _items(data, "sections")}
    task_numbers = {t.get("number") for _, t in _items(data, "tasks")}
    for i, s in _items(data, "sections"):
        parent = s.get("parent")
        if parent is not None and parent not in sections:
            out.append((("sections", i, "parent"), f"section {parent!r} is not defined in this file"))
        if parent is not None and parent == s.get("number"):
            out.append((("sections", i, "parent"), "a section cannot be its own parent"))

    indicators = {}
    for _, ind in _items(data, "indicators"):
        if isinstance(ind.get("key"), str):
            indicators[ind["key"]] = ind

    for i, t in _items(data, "tasks"):
        section = t.get("section")
        if section is not None and section not in sections:
            out.append((("tasks", i, "section"), f"section {section!r} is not defined in this file"))
        text = t.get("text")
        dl_text = t.get("deadline_text")
        dl = t.get("deadline")
        if dl_text is not None:
            try:
                parsed = parse_deadline(str(dl_text))
            except ValueError as exc:
                out.append((("tasks", i, "deadline_text"), str(exc)))
            else:
                if parsed is None:
                    out.append((("tasks", i, "deadline_text"), f"{dl_text!r} names no date"))
                elif dl is None:
                    out.append(
                        (("tasks", i, "deadline"), f"missing: deadline_text {dl_text!r} gives {parsed}")
                    )
                else:
                    try:
                        given = dt.date.fromisoformat(str(dl))
                    except ValueError:
                        given = None  # pydantic reports the bad date
                    if given is not None and given != parsed:
                        out.append(
                            (
                                ("tasks", i, "deadline"),
                                f"{given} contradicts deadline_text {dl_text!r}, which gives {parsed}",
                            )
                        )
            if isinstance(text, str) and isinstance(dl_text, str):
                if _squash(dl_text) not in _squash(text):
                    out.append(
                        (("tasks", i, "deadline_text"), f"{dl_text!r} does not occur in the task's text")
                    )
        targets = t.get("targets")
        for j, target in enumerate(targets if isinstance(targets, list) else []):
            if not isinstance(target, dict):
                continue
            key = target.get("indicator")
            if key is None:
                continue
            if key not in indicators:
                out.append(
                    (
                        ("tasks", i, "targets", j, "indicator"),
                        f"indicator {key!r} is not defined in this file",
                    )
                )
                continue
            out += _target_agrees(target, indicators[key], ("tasks", i, "targets", j))

    clauses = sections | task_numbers
    for coll in ("indicators", "incentives"):
        for i, item in _items(data, coll):
            clause = item.get("clause")
            if clause is not None and clauses - {None} and clause not in clauses:
                out.append(
                    ((coll, i, "clause"), f"clause {clause!r} is neither a section nor a task of this file")
                )

    policies = {}
    for i, inc in _items(data, "incentives"):
        group = inc.get("exclusive_group")
        if group is None:
            continue
        policy = inc.get("exclusive_policy", "highest")
        if group in policies and policies[group][1] != policy:
            out.append(
                (
                    ("incentives", i, "exclusive_policy"),
                    f"{policy!r} differs from {policies[group][1]!r} of incentives[{policies[group][0]}] "
                    f"in exclusive_group {group!r}",
                )
            )
        policies.setdefault(group, (i, policy))
    return out


def _squash(text):
    return re.sub(r"\s+", "", str(text))


def _target_agrees(target, indicator, path):
    """A task target must repeat one of its indicator's targets (same region, year, comparator, value)."""
    try:
        value = _number(target.get("value"))
    except ValueError:
        return []
    goals = indicator.get("targets")
    for goal in goals if isinstance(goals, list) else []:
        if not isinstance(goal, dict):
            continue
        if str(goal.get("region")) == str(target.get("region")) and goal.get("year") == target.get("year"):
            try:
                goal_value = _number(goal.get("value"))
            except ValueError:
                return []
            if goal.get("comparator") != target.get("comparator") or goal_value != value:
                return [
                    (
                        path,
                        f"{target.get('comparator')} {value} disagrees with indicator "
                        f"{indicator.get('key')!r}: {goal.get('comparator')} {goal_value} "
                        f"for {goal.get('region')} in {goal.get('year')}",
                    )
                ]
            return []
    return [
        (
            path,
            f"indicator {indicator.get('key')!r} has no target for region {target.get('region')} "
            f"in {target.get('year')}",
        )
    ]


# --------------------------------------------------------------------------------------------
# entry points


def parse_policy_text(text, file="<string>"):
    """Parse and validate policy YAML given as text; ``file`` names it in problems.

    Returns
    -------
    ParsedPolicyFile

    Raises
    ------
    PolicyFileError
        With every problem found (YAML syntax, schema, cross-checks).
    """
    file = str(file)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        raw = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or str(exc)
        raise PolicyFileError(
            [PolicyProblem(file, line, "<yaml>", f"YAML syntax error: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyFileError([PolicyProblem(file, 1, "<yaml>", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()

    if node is None or raw is None:
        raise PolicyFileError([PolicyProblem(file, 1, "<file>", "the file is empty")])
    if not isinstance(raw, dict):
        raise PolicyFileError(
            [
                PolicyProblem(
                    file, node.start_mark.line + 1, "<file>", "the top level must be a mapping of keys"
                )
            ]
        )

    lines = {}
    duplicate_keys = []
    _walk(node, (), lines, duplicate_keys)
    line_of = _line_lookup(lines)

    problems = [
        PolicyProblem(file, line, format_field(path), f"duplicate key {path[-1]!r} (first on line {first})")
        for path, line, first in duplicate_keys
    ]
    model = None
    try:
        model = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, file, line_of)
    problems += [
        PolicyProblem(file, line_of(path), format_field(path), msg) for path, msg in _cross_checks(raw)
    ]
    if problems:
        problems.sort(key=lambda p: p.line)
        raise PolicyFileError(problems)
    return ParsedPolicyFile(path=Path(file), data=model, lines=lines)


def parse_policy_file(path):
    """Parse and validate one policy YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file.

    Returns
    -------
    ParsedPolicyFile
        The validated content (``.data``) and ``line_of(path_tuple)`` for later messages.

    Raises
    ------
    PolicyFileError
        Listing every problem as ``FILE:LINE: FIELD: MESSAGE``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyFileError([PolicyProblem(str(path), 1, "<file>", f"cannot read: {exc}")]) from None
    return parse_policy_text(text, file=path)


def bundled_policy_files() -> list[Path]:
    """The data files shipped with the package: the unit directory first, then each document."""
    return [ORGANIZATIONS_FILE, *sorted(DOCUMENTS_DIR.glob("*.yaml"))]


UNIT_FIELDS = ("lead_units", "supporting_units", "responsible_units")


def iter_task_units(task: Task) -> Iterable[tuple[str, int, str]]:
    """``(field, index, unit name)`` for every unit a task names, in file order."""
    for name in UNIT_FIELDS:
        for j, unit in enumerate(getattr(task, name)):
            yield name, j, unit
