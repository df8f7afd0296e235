"""The unit directory: resolve the unit names policy documents write to organization codes.

Documents name units in several ways: the full official name (嘉兴市经济和信息化局), the short
form (市经信局), other spellings (国网嘉兴供电公司), and collective terms (各通信运营商,
市级各有关部门（单位）). :class:`OrganizationDirectory` resolves all of them:

- an organization's ``name``, ``short_name`` or one of its ``aliases`` -> its code;
- a group with ``expand: true`` -> the codes of its members (各县（市、区）政府 -> the seven
  county-level governments of Jiaxing), with the term kept in ``group_term``;
- a group with ``expand: false`` -> no codes, ``group_term`` set: the group itself is the unit;
- a name ending in 等 ("and others", 浙江铁塔等) -> the named unit, ``open_ended`` set.

Names are compared after normalisation: NFKC (full-width brackets and letters become
half-width), 〔〕【】[] become (), and all spaces are dropped, so 各县(市、区)政府 and
各县（市、区）政府 are the same name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from .schema import (
    ORGANIZATIONS_FILE,
    Group,
    Organization,
    ParsedPolicyFile,
    PolicyProblem,
    format_field,
    iter_task_units,
    parse_policy_file,
)

__all__ = [
    "Resolution",
    "UnknownUnit",
    "OrganizationDirectory",
    "normalise_name",
    "check_document",
    "bundled_directory",
]

_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")", "［": "(", "］": ")"}
)


def normalise_name(name):
    """Comparison form of a unit name: NFKC, brackets unified to (), no spaces."""
    text = unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Resolution:
    """What a unit name stands for.

    Attributes
    ----------
    codes : list of str
        Organization codes: one for an organization, the members for an expanded group, none
        for a named group (the group itself is the unit).
    group_term : str or None
        The group's term (as the directory spells it) when the name was a collective term.
    open_ended : bool
        True when the name ended in 等 ("and others"): ``codes`` holds only the unit named.
    """

    codes: list[str]
    group_term: str | None = None
    open_ended: bool = False

    @property
    def is_named_group(self):
        """True for a collective term kept as one unit (``expand: false``)."""
        return self.group_term is not None and not self.codes


class UnknownUnit(ValueError):
    """A unit name that the directory does not know; ``suggestions`` holds close matches."""

    def __init__(self, name, suggestions=()):
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown unit {name!r}{hint}")


@dataclass
class OrganizationDirectory:
    """Organizations and collective terms, indexed by every spelling.

    Parameters
    ----------
    organizations : iterable of Organization or dict
    groups : iterable of Group or dict

    Raises
    ------
    ValueError
        When two entries claim the same code or spelling, a parent is unknown, or a group
        member is unknown; the message lists every such conflict.
    """

    organizations: list = field(default_factory=list)
    groups: list = field(default_factory=list)

    def __post_init__(self):
        self.organizations = [
            o if isinstance(o, Organization) else Organization.model_validate(o) for o in self.organizations
        ]
        self.groups = [g if isinstance(g, Group) else Group.model_validate(g) for g in self.groups]
        errors = []
        self._by_code = {}
        for org in self.organizations:
            if org.code in self._by_code and self._by_code[org.code] != org:
                errors.append(f"organization code {org.code!r} is defined twice, differently")
            self._by_code[org.code] = org
        self.organizations = list(self._by_code.values())
        self._groups = {}
        for group in self.groups:
            if group.term in self._groups and self._groups[group.term] != group:
                errors.append(f"group {group.term!r} is defined twice, differently")
            self._groups[group.term] = group
        self.groups = list(self._groups.values())

        self._index = {}  # normalised spelling -> ("org", code) | ("group", term)
        for org in self.organizations:
            for spelling in dict.fromkeys([org.name, org.short_name, *org.aliases]):
                errors += self._add(spelling, ("org", org.code))
            if org.parent is not None and org.parent not in self._by_code:
                errors.append(f"organization {org.code!r}: parent {org.parent!r} is not in the directory")
        for group in self.groups:
            for spelling in dict.fromkeys([group.term, *group.aliases]):
                errors += self._add(spelling, ("group", group.term))
            for member in group.members:
                if member not in self._by_code:
                    errors.append(f"group {group.term!r}: member {member!r} is not in the directory")
        if errors:
            raise ValueError("invalid organization directory:\n" + "\n".join(errors))

    def _add(self, spelling, target):
        key = normalise_name(spelling)
        if key in self._index and self._index[key] != target:
            return [f"{spelling!r} names both {self._index[key][1]!r} and {target[1]!r}"]
        self._index[key] = target
        return []

    # ----------------------------------------------------------------------------------
    @classmethod
    def from_policy_files(cls, *parsed):
        """Directory of the organizations and groups of several parsed policy files together."""
        orgs, groups = [], []
        for p in parsed:
            orgs += p.data.organizations
            groups += p.data.groups
        return cls(orgs, groups)

    def extended(self, organizations=(), groups=()):
        """A new directory with more organizations and groups (a document's own units)."""
        return OrganizationDirectory([*self.organizations, *organizations], [*self.groups, *groups])

    def organization(self, code):
        """The :class:`Organization` with this code; ``KeyError`` when unknown."""
        return self._by_code[code]

    def group(self, term):
        """The :class:`Group` for a collective term (any spelling); ``KeyError`` when unknown."""
        target = self._index.get(normalise_name(term))
        if target is None or target[0] != "group":
            raise KeyError(term)
        return self._groups[target[1]]

    def __contains__(self, name):
        try:
            self.resolve(name)
        except UnknownUnit:
            return False
        return True

    def spellings(self):
        """Every spelling the directory knows, as written in the data."""
        out = []
        for org in self.organizations:
            out += [org.name, org.short_name, *org.aliases]
        for group in self.groups:
            out += [group.term, *group.aliases]
        return list(dict.fromkeys(out))

    def resolve(self, name):
        """Resolve a unit name as a document writes it.

        Parameters
        ----------
        name : str
            Full name, short name, alias or collective term; bracket widths and spaces do not
            matter. A trailing 等 means "and others" (see :class:`Resolution`).

        Returns
        -------
        Resolution

        Raises
        ------
        UnknownUnit
            With up to five close matches (difflib) as ``suggestions``.
        """
        key = normalise_name(name)
        target = self._index.get(key)
        if target is None and key.endswith("等") and len(key) > 1:
            inner = self._index.get(key[:-1])
            if inner is not None:
                res = self._resolution(inner)
                return Resolution(codes=res.codes, group_term=res.group_term, open_ended=True)
        if target is None:
            spellings = {normalise_name(s): s for s in self.spellings()}
            close = difflib.get_close_matches(key, list(spellings), n=5, cutoff=0.5)
            raise UnknownUnit(name, [spellings[c] for c in close])
        return self._resolution(target)

    def _resolution(self, target):
        kind, ident = target
        if kind == "org":
            return Resolution(codes=[ident])
        group = self._groups[ident]
        return Resolution(codes=list(group.members) if group.expand else [], group_term=group.term)


def bundled_directory():
    """The directory of ``data/organizations.yaml`` shipped with the package."""
    return OrganizationDirectory.from_policy_files(parse_policy_file(ORGANIZATIONS_FILE))


def check_document(parsed_file: ParsedPolicyFile, directory: OrganizationDirectory) -> list[PolicyProblem]:
    """Resolve every unit a document names; return a problem for each one that fails.

    The file's own organizations and groups are added to ``directory`` first. Checked: every
    task's ``lead_units``, ``supporting_units`` and ``responsible_units``, every incentive's
    ``payer``, and the document's ``issuer`` code.

    Returns
    -------
    list of PolicyProblem
        Empty when everything resolves; each problem carries the file, line and field.
    """
    problems = []
    try:
        if parsed_file.organizations or parsed_file.groups:
            directory = directory.extended(parsed_file.organizations, parsed_file.groups)
    except ValueError as exc:
        return [parsed_file.problem(("organizations",), str(exc))]

    def check(path, name):
        try:
            directory.resolve(name)
        except UnknownUnit as exc:
            problems.append(parsed_file.problem(path, str(exc)))

    for i, task in enumerate(parsed_file.tasks):
        for fname, j, unit in iter_task_units(task):
            check(("tasks", i, fname, j), unit)
    for i, incentive in enumerate(parsed_file.incentives):
        for j, unit in enumerate(incentive.payer):
            check(("incentives", i, "payer", j), unit)
    doc = parsed_file.document
    if doc is not None and doc.issuer is not None:
        try:
            directory.organization(doc.issuer)
        except KeyError:
            path = ("document", "issuer")
            problems.append(
                PolicyProblem(
                    str(parsed_file.path),
                    parsed_file.line_of(path),
                    format_field(path),
                    f"issuer {doc.issuer!r} is not an organization code of the directory",
                )
            )
    return problems
