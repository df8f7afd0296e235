"""Approval rules as data: the YAML format, its validation, the idempotent loader and the rule engine that says
which items a site needs. The format is documented in docs/approvals.md."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SystemActor
from rollout5g.platform.workflow import authorize_create
from rollout5g.sites.choices import SiteType

from .choices import SITUATION_FLAGS
from .models import ItemRule, ItemType, RuleSet

#: The shipped approval rules: the one ``*-approval-rules.yaml`` of the data folder (a deployment loads its own city's
#: rules with ``rollout5g load-approval-rules FILE``).
DEFAULT_RULES_PATH = sorted((Path(__file__).parent / "data").glob("*-approval-rules.yaml"))[0]
CONDITION_KEYS = ("site_type", *SITUATION_FLAGS)


class RulesError(ValidationError):
    """A rules file that cannot be loaded; the message names the file, the entry and the field."""


@dataclass
class RulesReport:
    ruleset: RuleSet
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    lines: list[str] = field(default_factory=list)


def condition_holds(key: str, expected, situation: dict) -> bool:
    """One condition: the situation's value equals ``expected`` or is in it (a list)."""
    value = situation.get(key)
    if isinstance(expected, list):
        return value in expected
    return value == expected


def rule_applies(when: dict, unless: dict, situation: dict) -> bool:
    """Every ``when`` condition holds and not every ``unless`` condition holds (an empty ``unless`` never exempts)."""
    if not all(condition_holds(k, v, situation) for k, v in when.items()):
        return False
    return not (unless and all(condition_holds(k, v, situation) for k, v in unless.items()))


def items_needed(situation: dict, rules) -> dict[str, list[str]]:
    """Item type code -> codes of the rules that require it, for one site's situation (ordered as the rules)."""
    needed: dict[str, list[str]] = {}
    for rule in rules:
        if rule_applies(rule.when, rule.unless or {}, situation):
            needed.setdefault(rule.item_type.code, []).append(rule.code)
    return needed


def _fail(path: Path, where: str, message: str):
    raise RulesError(f"{path.name}: {where}: {message}")


def _check_conditions(path: Path, where: str, conditions) -> dict:
    if conditions in (None, {}):
        return {}
    if not isinstance(conditions, dict):
        _fail(path, where, "must be a mapping of condition -> value")
    for key, value in conditions.items():
        if key not in CONDITION_KEYS:
            _fail(path, f"{where}.{key}", f"unknown condition; valid: {', '.join(CONDITION_KEYS)}")
        values = value if isinstance(value, list) else [value]
        if key == "site_type":
            wrong = [v for v in values if v not in SiteType.values]
            if wrong:
                _fail(path, f"{where}.site_type", f"unknown site type(s) {wrong}; valid: {', '.join(SiteType.values)}")
        elif any(not isinstance(v, bool) for v in values):
            _fail(path, f"{where}.{key}", f"must be true or false, got {value!r}")
    return dict(conditions)


def _limit(path: Path, where: str, data: dict, name: str, default=None) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365:
        _fail(path, f"{where}.{name}", f"must be a whole number of working days between 1 and 365, got {value!r}")
    return value


def parse_rules(path: Path) -> dict:
    """Read and validate a rules file; returns the clean data (RulesError naming the entry and field)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("ruleset"), dict):
        _fail(path, "ruleset", "missing (the file starts with a 'ruleset:' mapping)")
    rs = data["ruleset"]
    for key in ("code", "name"):
        if not rs.get(key):
            _fail(path, f"ruleset.{key}", "required")
    ruleset = {
        "code": str(rs["code"]), "name": str(rs["name"]), "version": str(rs.get("version", "")),
        "source": str(rs.get("source", "")).strip(),
        "acceptance_limit_days": _limit(path, "ruleset", rs, "acceptance_limit_days", 5),
        "legal_limit_days": _limit(path, "ruleset", rs, "legal_limit_days", 20),
        "promised_limit_days": _limit(path, "ruleset", rs, "promised_limit_days", 10),
    }
    if ruleset["promised_limit_days"] > ruleset["legal_limit_days"]:
        _fail(path, "ruleset.promised_limit_days", "is longer than the legal limit")
    types, seen = [], set()
    for n, raw in enumerate(data.get("item_types") or [], start=1):
        where = f"item_types[{n}]"
        if not isinstance(raw, dict):
            _fail(path, where, "must be a mapping")
        code = raw.get("code")
        if not code:
            _fail(path, f"{where}.code", "required")
        where = f"item_types[{n}] ({code})"
        if code in seen:
            _fail(path, f"{where}.code", "duplicate")
        seen.add(code)
        if not raw.get("name"):
            _fail(path, f"{where}.name", "required")
        dept = raw.get("department")
        if not dept or not Organization.objects.filter(code=dept).exists():
            _fail(path, f"{where}.department", f"unknown organization code {dept!r}")
        legal = _limit(path, where, raw, "legal_limit_days")
        promised = _limit(path, where, raw, "promised_limit_days")
        if promised > legal:
            _fail(path, f"{where}.promised_limit_days", f"{promised} is longer than the legal limit {legal}")
        materials = []
        for m, mat in enumerate(raw.get("materials") or [], start=1):
            if not isinstance(mat, dict) or not mat.get("code") or not mat.get("name"):
                _fail(path, f"{where}.materials[{m}]", "needs a code and a name")
            materials.append({"code": str(mat["code"]), "name": str(mat["name"])})
        types.append({
            "code": str(code), "name": str(raw["name"]), "name_en": str(raw.get("name_en", "")), "department": dept,
            "legal_limit_days": legal, "promised_limit_days": promised,
            "joint_survey": bool(raw.get("joint_survey", False)),
            "community_consultation": bool(raw.get("community_consultation", False)),
            "materials": materials, "order": n,
        })
    if not types:
        _fail(path, "item_types", "at least one item type is required")
    rules, seen_rules = [], set()
    for n, raw in enumerate(data.get("rules") or [], start=1):
        where = f"rules[{n}]"
        if not isinstance(raw, dict) or not raw.get("code"):
            _fail(path, f"{where}.code", "required")
        where = f"rules[{n}] ({raw['code']})"
        if raw["code"] in seen_rules:
            _fail(path, f"{where}.code", "duplicate")
        seen_rules.add(raw["code"])
        if raw.get("item") not in seen:
            _fail(path, f"{where}.item", f"unknown item type {raw.get('item')!r}; defined: {', '.join(sorted(seen))}")
        when = _check_conditions(path, f"{where}.when", raw.get("when"))
        if not when:
            _fail(path, f"{where}.when", "at least one condition is required")
        rules.append({"code": str(raw["code"]), "item": raw["item"], "description": str(raw.get("description", "")),
                      "when": when, "unless": _check_conditions(path, f"{where}.unless", raw.get("unless")),
                      "order": n})
    return {"ruleset": ruleset, "item_types": types, "rules": rules}


#: Who loads the bundled rules (the reference loader, the demo, the CLI): the audit history names it.
RULES_LOADER = SystemActor("approval-rules")


def load_rules(path: Path | str | None = None, *, actor=RULES_LOADER) -> RulesReport:
    """Load a rules file into the database, all or nothing; unchanged entries are left alone (idempotent), every
    change is audited, item types and rules no longer in the file are deactivated or removed. A person loading
    them must be of the programme office."""
    path = Path(path) if path else DEFAULT_RULES_PATH
    authorize_create(actor, RuleSet)
    clean = parse_rules(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    label = "system:approval-rules"
    with transaction.atomic():
        values = {k: v for k, v in clean["ruleset"].items() if k != "code"}
        ruleset = RuleSet.objects.select_for_update().filter(code=clean["ruleset"]["code"]).first()
        report = RulesReport(ruleset=ruleset)
        if ruleset is None:
            ruleset = RuleSet.objects.create(code=clean["ruleset"]["code"], loaded_from=path.name, sha256=digest,
                                             **values)
            record_event(actor=actor, action=AuditAction.CREATE, obj=ruleset, after=snapshot(ruleset),
                         system_label=label)
            report.ruleset, report.created = ruleset, report.created + 1
        else:
            before = snapshot(ruleset, exclude=("updated_at",))
            for k, v in {**values, "loaded_from": path.name, "sha256": digest}.items():
                setattr(ruleset, k, v)
            if record_changes(actor=actor, obj=ruleset, before=before, after=snapshot(ruleset, exclude=("updated_at",)),
                              system_label=label):
                ruleset.save()
                report.updated += 1
            else:
                report.unchanged += 1
        report.ruleset = ruleset
        orgs = {o.code: o for o in Organization.objects.filter(code__in={t["department"] for t in clean["item_types"]})}
        types = {}
        for t in clean["item_types"]:
            fields = {**{k: v for k, v in t.items() if k not in ("code", "department")},
                      "department": orgs[t["department"]], "active": True}
            types[t["code"]] = _upsert(ItemType, actor, report, label, {"ruleset": ruleset, "code": t["code"]}, fields)
        for gone in ItemType.objects.filter(ruleset=ruleset, active=True).exclude(code__in=list(types)):
            before = snapshot(gone)
            gone.active = False
            gone.save(update_fields=["active"])
            record_changes(actor=actor, obj=gone, before=before, system_label=label, note="not in the rules file")
            report.deactivated += 1
        kept = []
        for r in clean["rules"]:
            fields = {"item_type": types[r["item"]], "description": r["description"], "when": r["when"],
                      "unless": r["unless"], "order": r["order"]}
            kept.append(_upsert(ItemRule, actor, report, label, {"ruleset": ruleset, "code": r["code"]}, fields).pk)
        for gone in ItemRule.objects.filter(ruleset=ruleset).exclude(pk__in=kept):
            record_event(actor=actor, action=AuditAction.DELETE, obj=gone, before=snapshot(gone), system_label=label,
                         note="not in the rules file")
            gone.delete()
            report.deactivated += 1
    report.lines.append(f"approval rules {ruleset.code} {ruleset.version}: {report.created} created, "
                        f"{report.updated} updated, {report.unchanged} unchanged, {report.deactivated} removed")
    return report


def _upsert(model, actor, report: RulesReport, label: str, keys: dict, fields: dict):
    obj = model.objects.filter(**keys).first()
    if obj is None:
        obj = model(**keys, **fields)
        obj.full_clean()
        obj.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=obj, after=snapshot(obj), system_label=label)
        report.created += 1
        return obj
    before = snapshot(obj)
    for k, v in fields.items():
        setattr(obj, k, v)
    if record_changes(actor=actor, obj=obj, before=before, after=snapshot(obj), system_label=label):
        obj.full_clean()
        obj.save()
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


# ---------------------------------------------------------------------------------------------------- departments
def city_of(adcode: str | None) -> str | None:
    """The adcode of the city ``adcode`` lies in (itself for a city), or None (a province, no region)."""
    from rollout5g.regions.choices import RegionLevel
    from rollout5g.regions.models import Region
    from rollout5g.regions.services import lineage

    if not adcode:
        return None
    return (Region.objects.filter(pk__in=lineage(adcode), level=RegionLevel.CITY)
            .values_list("adcode", flat=True).first())


def _city_units(city: str):
    from rollout5g.policy.directory import city_table, city_units
    from rollout5g.regions.models import Region

    if city not in city_table()["cities"]:
        return None
    name = Region.objects.filter(pk=city).values_list("name", flat=True).first()
    counties = dict(Region.objects.filter(parent_id=city).values_list("adcode", "name"))
    return city_units(city, name, counties)


class DepartmentResolver:
    """The department that decides an item of a site: the item type's department where the site lies in that
    department's city (or either has no city), otherwise its counterpart in the site's city — the unit of the same
    row of ``policy/data/city_units.yaml`` (Jiaxing's 自然资源和规划局 ``jx-nrp`` -> Huzhou's ``hu-nrp``). One rule set
    thus serves every city of a province deployment and an application goes to its own city's departments.
    Built once per submission (it caches each city's units)."""

    def __init__(self):
        self._units: dict[str, object] = {}
        self._cities: dict[str | None, str | None] = {}

    def _city(self, adcode):
        if adcode not in self._cities:
            self._cities[adcode] = city_of(adcode)
        return self._cities[adcode]

    def _units_of(self, city):
        if city not in self._units:
            self._units[city] = _city_units(city)
        return self._units[city]

    def department(self, item_type: ItemType, region) -> Organization:
        from .services.common import ApprovalError

        department = item_type.department
        site_city = self._city(getattr(region, "pk", region))
        home_city = self._city(department.region_id)
        if site_city is None or home_city is None or site_city == home_city:
            return department
        home_units, site_units = self._units_of(home_city), self._units_of(site_city)
        key = next((k for k, code in (home_units.by_key.items() if home_units else ()) if code == department.code),
                   None)
        code = site_units.by_key.get(key) if site_units is not None and key else None
        counterpart = Organization.objects.filter(code=code, is_active=True).first() if code else None
        if counterpart is None:
            from rollout5g.regions.models import Region

            raise ApprovalError(_("%(item)s: %(city)s has no counterpart of %(department)s to review it; load the "
                                  "city's units first.") % {
                "item": item_type.name, "department": department.short_name or department.name,
                "city": Region.objects.filter(pk=site_city).values_list("name", flat=True).first() or site_city})
        return counterpart


def active_ruleset() -> RuleSet:
    """The rule set new applications use (the most recently updated one); loads the bundled file if none."""
    ruleset = RuleSet.objects.order_by("-updated_at").first()
    return ruleset if ruleset is not None else load_rules().ruleset
