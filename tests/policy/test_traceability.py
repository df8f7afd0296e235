"""docs/traceability.md is generated from the policy data and the clause markers of the tests that passed.

CI regenerates it from the SQLite run's results (``scripts/traceability.py --results ... --check``). Here, without a
full run, the markers are read from the test files themselves: the committed document must equal what the
generator gives when every marked test passes, and no row may say *built* without a test marked built for it.
"""

import ast
import importlib.util
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import clauses

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def _module():
    spec = importlib.util.spec_from_file_location("traceability", ROOT / "scripts" / "traceability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _clause_marks(decorators) -> list[tuple[str, str, str]]:
    """``(document key, task, level)`` of every ``pytest.mark.clause(...)`` among decorator expressions."""
    out = []
    for dec in decorators:
        if isinstance(dec, ast.Call) and ast.unparse(dec.func) == "pytest.mark.clause":
            args = [ast.literal_eval(a) for a in dec.args]
            level = next((ast.literal_eval(k.value) for k in dec.keywords if k.arg == "level"), "built")
            out.append((clauses.document_key(args[0]), args[1], level))
    return out


def _module_marks(tree) -> list[tuple[str, str, str]]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            value = node.value
            return _clause_marks(value.elts if isinstance(value, ast.List | ast.Tuple) else [value])
    return []


def scanned_results() -> dict:
    """The results a run gives when every marked test passes, read from the test files' source."""
    tests = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_marks = _module_marks(tree)
        rel = path.relative_to(ROOT).as_posix()

        def visit(body, prefix, inherited):
            for node in body:
                if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                    visit(node.body, f"{prefix}::{node.name}", inherited + _clause_marks(node.decorator_list))
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                    marks = list(dict.fromkeys(inherited + _clause_marks(node.decorator_list)))
                    if marks:
                        tests.append({"nodeid": f"{prefix}::{node.name}", "clauses": sorted(list(m) for m in marks)})

        visit(tree.body, rel, module_marks)
    return {"tests": sorted(tests, key=lambda t: t["nodeid"])}


@pytest.fixture(scope="module")
def module():
    return _module()


def test_document_equals_what_the_marked_tests_give(module, tmp_path):
    """What CI checks after the full run, here with every marked test taken as passing."""
    path = tmp_path / "clauses.json"
    path.write_text(json.dumps(scanned_results(), ensure_ascii=False), encoding="utf-8")
    assert module.OUT.read_text(encoding="utf-8") == module.build(module.load_results(path)), (
        "stale: run the marked tests with ROLLOUT5G_CLAUSE_REPORT=<file>, then "
        "python scripts/traceability.py --results <file>")


def test_no_row_says_built_without_a_test_marked_built(module):
    text = module.OUT.read_text(encoding="utf-8")
    marked = {}
    for test in scanned_results()["tests"]:
        for doc, number, level in test["clauses"]:
            marked.setdefault((doc, number, level), set()).add(test["nodeid"])
    doc_key = None
    rows = 0
    for line in text.splitlines():
        if line.startswith("Source: "):
            doc_key = re.search(r"key `([^`]+)`", line).group(1)
        cells = [c.strip() for c in line.strip("|").split("|")] if line.startswith("| ") else []
        if len(cells) == 5 and cells[2].startswith("**"):
            rows += 1
            status = cells[2].strip("*")
            named = re.findall(r"`(tests/[^`]+)`", cells[3])
            if status == "built":
                assert set(named) & marked.get((doc_key, cells[0], "built"), set()), cells[:3]
            elif status == "partial":
                assert named and set(named) <= marked.get((doc_key, cells[0], "partial"), set()), cells[:3]
            else:
                assert status == "supervised only" and not named, cells[:3]
    assert rows == 65  # 30 tasks of the Jiaxing opinions, 35 of the Zhejiang plan


def test_every_task_of_both_seeds_is_traced(module):
    text = module.OUT.read_text(encoding="utf-8")
    for number in range(1, 36):
        assert f"| {number} |" in text
    for clause in ("二(一)1", "二(二)2(5)", "二(三)6", "二(四)4", "三(一)", "三(五)"):
        assert f"| {clause} |" in text
    assert "landed" not in text


def test_status_comes_from_the_results_only(module, tmp_path):
    results = {"tests": [
        {"nodeid": "tests/x/test_a.py::test_built", "clauses": [["zhejiang-2020-5g-action-plan-tasks", "7", "built"]]},
        {"nodeid": "tests/x/test_a.py::test_part", "clauses": [["zhejiang-2020-5g-action-plan-tasks", "7", "partial"],
                                                               ["zhejiang-2020-5g-action-plan-tasks", "31", "partial"]]},
    ]}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    rows = {line.split(" | ")[0]: line for line in module.build(module.load_results(path)).splitlines()
            if line.startswith("| ")}
    assert "**built** | `tests/x/test_a.py::test_built`<br>`tests/x/test_a.py::test_part` (partial)" in rows["| 7"]
    assert "**partial** | `tests/x/test_a.py::test_part` (partial)" in rows["| 31"]
    assert "**supervised only** | —" in rows["| 32"]
    assert "Of 65 tasks: 1 built, 1 partial, 63 supervised only." in module.build(module.load_results(path))
    # The invented target of task 10 is shown as the programme office's, the 等 of task 9 as open-ended.
    text = module.build({})
    assert "the programme office (本平台设定, a placeholder)" in next(
        line for line in text.splitlines() if "zj-5g-direct-supply-share" in line)
    assert "supporting units end in 等" in rows["| 9"]


def test_check_mode_fails_on_a_stale_document(module, tmp_path, monkeypatch, capsys):
    path = tmp_path / "r.json"
    path.write_text('{"tests": []}', encoding="utf-8")
    out = tmp_path / "traceability.md"
    monkeypatch.setattr(module, "OUT", out)
    out.write_text("old\n", encoding="utf-8")
    assert module.main(["--results", str(path), "--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert module.main(["--results", str(path)]) == 0
    assert module.main(["--results", str(path), "--check"]) == 0


def _marker(*args, **kwargs):
    return SimpleNamespace(args=args, kwargs=kwargs)


def _item(nodeid, *markers):
    return SimpleNamespace(nodeid=nodeid, iter_markers=lambda name: iter(markers))


def _report(nodeid, when, outcome):
    return SimpleNamespace(nodeid=nodeid, when=when, passed=outcome == "passed", failed=outcome == "failed")


def test_recorder_keeps_the_markers_of_passed_tests_only(tmp_path, monkeypatch):
    recorder = clauses.ClauseRecorder()
    recorder.pytest_collection_modifyitems([
        _item("tests/a.py::test_ok[1]", _marker("zj", "7")),
        _item("tests/a.py::test_ok[2]", _marker("zj", "7")),
        _item("tests/a.py::test_fails", _marker("jx", "二(一)3", level="partial")),
        _item("tests/a.py::test_teardown_fails", _marker("zj", "1")),
        _item("tests/a.py::test_skipped", _marker("zj", "2")),
        _item("tests/a.py::test_unmarked"),
    ])
    for nodeid, outcomes in {
        "tests/a.py::test_ok[1]": ("passed", "passed", "passed"),
        "tests/a.py::test_ok[2]": ("passed", "passed", "passed"),
        "tests/a.py::test_fails": ("passed", "failed", "passed"),
        "tests/a.py::test_teardown_fails": ("passed", "passed", "failed"),
        "tests/a.py::test_skipped": ("skipped", None, "passed"),
        "tests/a.py::test_unmarked": ("passed", "passed", "passed"),
    }.items():
        for when, outcome in zip(("setup", "call", "teardown"), outcomes, strict=True):
            if outcome:
                recorder.pytest_runtest_logreport(_report(nodeid, when, outcome))
    report = tmp_path / "clauses.json"
    monkeypatch.setenv(clauses.REPORT_ENV, str(report))
    recorder.pytest_sessionfinish(None)
    assert json.loads(report.read_text(encoding="utf-8")) == {"tests": [
        {"nodeid": "tests/a.py::test_ok", "clauses": [["zhejiang-2020-5g-action-plan-tasks", "7", "built"]]},
    ]}


@pytest.mark.parametrize("marker, message", [
    (_marker("sh", "1"), "unknown policy document 'sh'"),
    (_marker("zj", "36"), "has no task '36'"),
    (_marker("zj", "7", level="landed"), "level 'landed'"),
    (_marker("zj"), "use @pytest.mark.clause"),
])
def test_a_wrong_marker_stops_the_run(marker, message):
    with pytest.raises(pytest.UsageError, match=re.escape(message)):
        clauses.ClauseRecorder().pytest_collection_modifyitems([_item("tests/a.py::test_x", marker)])
