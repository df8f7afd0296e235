"""docs/traceability.md is generated from the policy data; it must match the data (run scripts/traceability.py)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module():
    spec = importlib.util.spec_from_file_location("traceability", ROOT / "scripts" / "traceability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_traceability_document_is_current():
    module = _module()
    if not module.OUT.exists():
        pytest.fail("docs/traceability.md is missing: run python scripts/traceability.py")
    assert module.OUT.read_text(encoding="utf-8") == module.build(), "stale: run python scripts/traceability.py"


def test_every_task_of_both_seeds_is_traced():
    text = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    for number in range(1, 36):
        assert f"| {number} |" in text
    for clause in ("二(一)1", "二(二)2(5)", "二(三)6", "二(四)4", "三(一)", "三(五)"):
        assert f"| {clause} |" in text
