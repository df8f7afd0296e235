"""The rules and weights the office keeps as data: the status colour rules and the evaluation indicators."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.core.status_rules import rules_from_data
from rollout5g.platform.access import CHANGE
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import authorize
from rollout5g.policy.models import Indicator

from ..models import EvaluationIndicator, StatusRule
from .common import DATA_DIR


def load_status_rules(path: Path | None = None, *, actor=SYSTEM, replace: bool = False) -> int:
    """Load the colour rules from YAML (validated first: a bad rule loads nothing). Existing rules the office edited
    are kept unless ``replace``. Returns the number of rules created or changed."""
    path = path or DATA_DIR / "status_rules.yaml"
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    rules_from_data(rows)  # raises ValueError naming the bad row
    changed = 0
    with transaction.atomic():
        for order, row in enumerate(rows, start=1):
            fields = {"order": order * 10, "colour": row["colour"], "kind": row["kind"],
                      "params": row.get("params") or {}, "message": row.get("message", ""),
                      "message_zh": row.get("message_zh", "")}
            rule = StatusRule.objects.filter(code=row["code"]).first()
            if rule is None:
                rule = StatusRule.objects.create(code=row["code"], **fields)
                record_event(actor=actor, action="create", obj=rule, after=snapshot(rule), system_label="system:load")
                changed += 1
            elif replace:
                before = snapshot(rule)
                for k, v in fields.items():
                    setattr(rule, k, v)
                rule.save()
                changed += record_changes(actor=actor, obj=rule, before=before, system_label="system:load") is not None
    return changed


def status_rule_update(*, actor, rule: StatusRule, **fields) -> StatusRule:
    authorize(actor, CHANGE, rule)
    allowed = {"order", "colour", "params", "message", "message_zh", "active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({"fields": f"cannot change {sorted(unknown)}"})
    with transaction.atomic():
        before = snapshot(rule)
        for k, v in fields.items():
            setattr(rule, k, v)
        rules_from_data([{"code": rule.code, "colour": rule.colour, "kind": rule.kind, "params": rule.params}])
        rule.full_clean()
        rule.save()
        record_changes(actor=actor, obj=rule, before=before)
    return rule


#: The evaluation configuration file of each level (indicators, weights, targets, cap, tiers).
EVALUATION_FILES = {"county": "evaluation.yaml", "city": "evaluation-city.yaml"}


def evaluation_config(path: Path | None = None, *, level: str = "county") -> dict:
    """The evaluation configuration of ``level`` (``county``: a city's county-level regions; ``city``: a province's
    cities), read from ``path`` or the shipped file of the level."""
    if path is None and level not in EVALUATION_FILES:
        raise ValueError(f"unknown evaluation level {level!r}: use one of {sorted(EVALUATION_FILES)}")
    return yaml.safe_load(Path(path or DATA_DIR / EVALUATION_FILES[level]).read_text(encoding="utf-8"))


def load_evaluation_indicators(path: Path | None = None, *, actor=SYSTEM) -> int:
    """Load the evaluation indicators, weights and targets from YAML (all or nothing): ``path``, or the shipped file
    of every level. A file names its ``level`` (default ``county``). Rows already loaded are kept (the office may
    have changed their weights)."""
    if path is None:
        return sum(load_evaluation_indicators(DATA_DIR / name, actor=actor) for name in EVALUATION_FILES.values())
    config = evaluation_config(path)
    level = config.get("level", "county")
    if level not in EVALUATION_FILES:
        raise ValueError(f"{Path(path).name}: unknown evaluation level {level!r}")
    rows = config["indicators"]
    total = sum(Decimal(str(r["weight"])) for r in rows)
    if total != 1:
        raise ValueError(f"evaluation weights must sum to 1, they sum to {total}")
    created = 0
    with transaction.atomic():
        for n, row in enumerate(rows):
            indicator = Indicator.objects.filter(key=row["indicator"]).first()
            if indicator is None:
                raise ValueError(f"evaluation indicator {row['code']}: unknown policy indicator {row['indicator']!r}")
            fields = {"name": row["name"], "weight": Decimal(str(row["weight"])), "direction": row["direction"],
                      "indicator": indicator, "year": int(row.get("year", config["year"])),
                      "targets": {str(k): float(v) for k, v in row["targets"].items()}, "unit": row.get("unit", ""),
                      "source_note": row.get("source_note", ""), "sort_order": n}
            obj, was_created = EvaluationIndicator.objects.get_or_create(level=level, code=row["code"],
                                                                         defaults=fields)
            if was_created:
                created += 1
                record_event(actor=actor, action="create", obj=obj, after=snapshot(obj), system_label="system:load")
    return created


def evaluation_weights_set(*, actor, weights: dict[str, Decimal], level: str = "county") -> None:
    """Set the published weights of ``level`` (``{code: weight}``, all of them, summing to 1) in one audited
    change."""
    rows = {e.code: e for e in EvaluationIndicator.objects.filter(level=level)}
    for row in rows.values():
        authorize(actor, CHANGE, row)
    if set(weights) != set(rows):
        raise ValidationError({"weights": f"give a weight for each of {sorted(rows)}"})
    values = {k: Decimal(str(v)) for k, v in weights.items()}
    if any(v < 0 for v in values.values()) or sum(values.values()) != 1:
        raise ValidationError({"weights": f"weights must be >= 0 and sum to 1 (they sum to {sum(values.values())})"})
    with transaction.atomic():
        for code, value in values.items():
            before = snapshot(rows[code])
            rows[code].weight = value
            rows[code].save(update_fields=["weight"])
            record_changes(actor=actor, obj=rows[code], before=before)
