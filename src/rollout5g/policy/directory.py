"""The unit directory: resolve the unit names policy documents write to organization codes.

Documents name units in several ways: the full official name (嘉兴市经济和信息化局), the short
form (市经信局), other spellings (国网嘉兴供电公司), and collective terms (各通信运营商,
市级各有关部门（单位）). :class:`OrganizationDirectory` resolves all of them:

- an organization's ``name``, ``short_name`` or one of its ``aliases`` -> its code;
- a group with ``expand: true`` -> the codes of its members (各县（市、区）政府 -> the seven
  county-level governments of Jiaxing), with the term kept in ``group_term``; several cities may each define
  the same term (each city's 各县（市、区）政府): ``resolve(name, region=…)`` takes the region's own group, and
  without a region (or for a region with none) the one defined first;
- a group with ``expand: false`` -> no codes, ``group_term`` set: the group itself is the unit;
- a name ending in 等 ("and others", 浙江铁塔等) -> the named unit, ``open_ended`` set.

Names are compared after normalisation: NFKC (full-width brackets and letters become
half-width), 〔〕【】[] become (), and all spaces are dropped, so 各县(市、区)政府 and
各县（市、区）政府 are the same name.

:func:`city_units` generates a city's counterpart units and collective terms from the table
``data/city_units.yaml`` (the province's cities beyond the hand-checked Jiaxing entries), and
:func:`counterpart` finds a provincial unit's counterpart in a city.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from .schema import (
    DATA_DIR,
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
    "CITY_UNITS_FILE",
    "GENERATED_NOTE",
    "CityUnits",
    "city_table",
    "city_units",
    "counterpart",
    "city_units_document",
]

#: The table of a city's counterpart units and collective terms.
CITY_UNITS_FILE = DATA_DIR / "city_units.yaml"
#: The note every generated unit carries.
GENERATED_NOTE = ("Generated from city_units.yaml: the name follows the common naming pattern of the province's cities "
                  "and has not been checked against the unit's registered name; confirm it before publishing.")

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
        self._groups = {}  # (term, region) -> Group
        self._regions_of_term = {}  # term -> regions in the order the groups were defined
        for group in self.groups:
            key = (group.term, group.region)
            if key in self._groups and self._groups[key] != group:
                errors.append(f"group {group.term!r} of region {group.region} is defined twice, differently")
            self._groups[key] = group
            regions = self._regions_of_term.setdefault(group.term, [])
            if group.region not in regions:
                regions.append(group.region)
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

    def group(self, term, region=None):
        """The :class:`Group` for a collective term (any spelling): the one of ``region`` when it has its own, else
        the one defined first; ``KeyError`` when unknown."""
        target = self._index.get(normalise_name(term))
        if target is None or target[0] != "group":
            raise KeyError(term)
        return self._pick_group(target[1], region)

    def groups_of_term(self, term):
        """Every region's :class:`Group` for a collective term (any spelling), in definition order."""
        target = self._index.get(normalise_name(term))
        if target is None or target[0] != "group":
            raise KeyError(term)
        return [self._groups[(target[1], r)] for r in self._regions_of_term[target[1]]]

    def _pick_group(self, term, region):
        regions = self._regions_of_term[term]
        return self._groups[(term, region if region in regions else regions[0])]

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

    def resolve(self, name, region=None):
        """Resolve a unit name as a document writes it.

        Parameters
        ----------
        name : str
            Full name, short name, alias or collective term; bracket widths and spaces do not
            matter. A trailing 等 means "and others" (see :class:`Resolution`).
        region : str, optional
            Adcode of the document's region: a collective term several cities define resolves
            to that region's group (default: the group defined first).

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
                res = self._resolution(inner, region)
                return Resolution(codes=res.codes, group_term=res.group_term, open_ended=True)
        if target is None:
            spellings = {normalise_name(s): s for s in self.spellings()}
            close = difflib.get_close_matches(key, list(spellings), n=5, cutoff=0.5)
            raise UnknownUnit(name, [spellings[c] for c in close])
        return self._resolution(target, region)

    def _resolution(self, target, region=None):
        kind, ident = target
        if kind == "org":
            return Resolution(codes=[ident])
        group = self._pick_group(ident, region)
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
    region = parsed_file.document.region if parsed_file.document is not None else None
    try:
        if parsed_file.organizations or parsed_file.groups:
            directory = directory.extended(parsed_file.organizations, parsed_file.groups)
    except ValueError as exc:
        return [parsed_file.problem(("organizations",), str(exc))]

    def check(path, name):
        try:
            directory.resolve(name, region=region)
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


# -- the province's cities: counterpart units generated from a table -------------------------------------------
@dataclass(frozen=True)
class CityUnits:
    """A city's units and collective terms: ``organizations`` and ``groups`` (schema objects, hand-checked
    entries of the base directory where it has them, the others generated and marked with
    :data:`GENERATED_NOTE`), ``by_key`` (table key -> code; county rows as ``"<county adcode>:<key>"``) and
    ``generated`` (the codes that were generated)."""

    adcode: str
    organizations: list
    groups: list
    by_key: dict
    generated: frozenset
    generated_terms: frozenset = frozenset()


@lru_cache(maxsize=1)
def city_table():
    """The parsed ``data/city_units.yaml`` (cities, units, county_units, groups)."""
    with open(CITY_UNITS_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _bundled_for_cities():
    """The shipped directory, parsed once per process for :func:`city_units` (the file does not change while the
    process runs). Its hand-checked entries are shared by every :class:`CityUnits` built from it: read them, do not
    change them."""
    return bundled_directory()


def _fill(text, values):
    return text.format(**values) if isinstance(text, str) else text


def _county_full(city, county):
    return f"{city}{county}" if county.endswith("区") else county


def city_units(adcode, city_name, counties, *, base=None):
    """The units and collective terms of the city ``adcode`` generated from the table.

    Parameters
    ----------
    adcode : str
        A city of the table's ``cities``.
    city_name : str
        Its name as the boundaries write it (湖州市).
    counties : dict
        County adcode -> name of the city's county-level regions.
    base : OrganizationDirectory, optional
        The hand-checked directory (default :func:`bundled_directory`): an entry with the generated code, or for a
        county unit the same region and kind, is taken as it is instead of the generated one; so is a group of the
        same term and region.

    Returns
    -------
    CityUnits
    """
    table = city_table()
    if adcode not in table["cities"]:
        raise KeyError(f"city {adcode!r} is not in {CITY_UNITS_FILE.name}")
    base = _bundled_for_cities() if base is None else base
    city = table["cities"][adcode]
    values = {"prefix": city["prefix"], "city": city_name, "short": city_name.removesuffix("市"),
              "city_en": city["name_en"]}
    by_region_kind = {(o.region, o.kind): o for o in reversed(base.organizations)}
    orgs, by_key, generated = [], {}, set()

    def unit(row, region, vals, key):
        code = _fill(row["code"], vals)
        existing = base._by_code.get(code) or (by_region_kind.get((region, row["kind"])) if region != adcode else None)
        if existing is not None:
            orgs.append(existing)
            by_key[key] = existing.code
            return
        parent = row.get("parent")
        parent = by_key.get(parent, parent) if parent else None
        orgs.append(Organization(
            code=code, name=_fill(row["name"], vals), short_name=_fill(row["short_name"], vals),
            aliases=[_fill(a, vals) for a in row.get("aliases", [])], kind=row["kind"], region=region,
            parent=parent, name_en=_fill(row["name_en"], vals), notes=GENERATED_NOTE,
        ))
        by_key[key] = code
        generated.add(code)

    for row in table["units"]:
        unit(row, adcode, values, row["key"])
    for county_adcode, county in sorted(counties.items()):
        vals = {**values, "county": county, "county_adcode": county_adcode, "county_en": county_adcode,
                "county_full": _county_full(city_name, county)}
        for row in table["county_units"]:
            unit(row, county_adcode, vals, f"{county_adcode}:{row['key']}")

    groups, terms = [], set()
    for row in table["groups"]:
        existing = next((g for g in base.groups if g.term == row["term"] and g.region == adcode), None)
        if existing is not None:
            groups.append(existing)
            continue
        terms.add(row["term"])
        members = []
        for member in row.get("members", []):
            if member.startswith("county:"):
                members += [by_key[f"{c}:{member.removeprefix('county:')}"] for c in sorted(counties)]
            else:
                members.append(by_key[member])
        groups.append(Group(term=row["term"], aliases=list(row.get("aliases", [])), region=adcode,
                            expand=row["expand"], members=members, description=row["description"],
                            name_en=_fill(row.get("name_en"), values)))
    return CityUnits(adcode=adcode, organizations=orgs, groups=groups, by_key=by_key, generated=frozenset(generated),
                     generated_terms=frozenset(terms))


def counterpart(provincial_code, units):
    """The code of the unit of the city (``units``: :class:`CityUnits`) that answers to the provincial unit
    ``provincial_code`` in a task carried down to the cities (省经信厅 -> the city's 经信局); None when the table
    names none."""
    for row in city_table()["units"]:
        if row.get("counterpart") == provincial_code:
            return units.by_key.get(row["key"])
    return None


def city_units_document(units):
    """A policy data file's content (``organizations`` and ``groups``) holding the generated units of ``units``
    (the hand-checked ones are in ``organizations.yaml`` already), for :func:`rollout5g.policy.loader.
    load_policy_files`."""
    orgs = [o.model_dump(exclude_none=True) for o in units.organizations if o.code in units.generated]
    groups = [g.model_dump(exclude_none=True) for g in units.groups if g.term in units.generated_terms]
    return {"organizations": orgs, "groups": groups}


def boundary_cities(path=None):
    """``{city adcode: (name, {county adcode: name})}`` of the shipped boundaries (``regions/data/*_admin.geojson``,
    properties only), for generating units without a database."""
    import json
    from pathlib import Path

    # the shipped boundary file: the one *_admin.geojson of the regions' data folder (as regions.services reads it)
    path = Path(path) if path else sorted((Path(__file__).resolve().parents[1] / "regions" / "data")
                                          .glob("*_admin.geojson"))[0]
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    props = [f["properties"] for f in features]
    out = {str(p["adcode"]): (p["name"], {}) for p in props if p.get("level") == "city"}
    for p in props:
        if p.get("level") == "county" and str(p.get("parent_adcode")) in out:
            out[str(p["parent_adcode"])][1][str(p["adcode"])] = p["name"]
    return {k: (name, dict(sorted(counties.items()))) for k, (name, counties) in out.items()}


def main(argv=None):
    """``python -m rollout5g.policy.directory <city adcode>``: print the policy data file of the city's generated
    units (load it with ``rollout5g load-policy FILE``; one file per city, as a file holds a term once)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    cities = boundary_cities()
    if len(args) != 1 or args[0] not in cities:
        sys.stderr.write(f"usage: python -m rollout5g.policy.directory CITY_ADCODE (one of {', '.join(cities)})\n")
        return 2
    name, counties = cities[args[0]]
    sys.stdout.write(f"# {name}: units generated from {CITY_UNITS_FILE.name}; names follow the common pattern, "
                     "confirm them before publishing.\n")
    sys.stdout.write(yaml.safe_dump(city_units_document(city_units(args[0], name, counties)), allow_unicode=True,
                                    sort_keys=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
