"""Generate docs/traceability.md from the policy data files and the clause markers of the tests that passed.

    ROLLOUT5G_CLAUSE_REPORT=/tmp/clauses.json pytest -m "not e2e"
    python scripts/traceability.py --results /tmp/clauses.json            # writes docs/traceability.md
    python scripts/traceability.py --results /tmp/clauses.json --check    # fails when the file differs

A test names the clause (task) it proves with ``@pytest.mark.clause("zj", "7", level="built")`` (tests/clauses.py);
the recorder writes, for every test that passed, its markers. A task's row says

- *built* when at least one passing test is marked ``built`` for it,
- *partial* when only passing tests marked ``partial`` name it,
- *supervised only* when no passing test names it: the platform holds the task (text, units, deadline, targets)
  and tracks it with milestones and progress reports in /supervision/, and nothing more is claimed.

The tests are listed by node id. Nothing here is written by hand per task: the status comes from the results only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rollout5g.policy.directory import bundled_directory  # noqa: E402
from rollout5g.policy.schema import bundled_policy_files, parse_policy_file  # noqa: E402

OUT = ROOT / "docs" / "traceability.md"
BUILT, PARTIAL, SUPERVISED = "built", "partial", "supervised only"


def load_results(path) -> dict[tuple[str, str], dict[str, list[str]]]:
    """``{(document key, task number): {"built": [node ids], "partial": [node ids]}}`` from a results file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    for test in data.get("tests", []):
        for doc, number, level in test["clauses"]:
            tests = out.setdefault((doc, number), {BUILT: [], PARTIAL: []})[level]
            if test["nodeid"] not in tests:
                tests.append(test["nodeid"])
    for levels in out.values():
        for tests in levels.values():
            tests.sort()
    return out


def status_of(tests: dict[str, list[str]] | None) -> str:
    if tests and tests[BUILT]:
        return BUILT
    if tests and tests[PARTIAL]:
        return PARTIAL
    return SUPERVISED


def _tests_cell(tests: dict[str, list[str]] | None) -> str:
    if not tests:
        return "—"
    cells = [f"`{n}`" for n in tests[BUILT]]
    cells += [f"`{n}` (partial)" for n in tests[PARTIAL] if n not in tests[BUILT]]
    return "<br>".join(cells) or "—"


def build(results: dict[tuple[str, str], dict[str, list[str]]]) -> str:
    documents = [parse_policy_file(p) for p in bundled_policy_files()[1:]]
    directory = bundled_directory()
    counts = {BUILT: 0, PARTIAL: 0, SUPERVISED: 0}
    sections = []
    for parsed in documents:
        doc = parsed.document
        units = directory.extended(parsed.organizations, parsed.groups)
        office_targets = {
            (ind.key, t.region, t.year) for ind in parsed.indicators for t in ind.targets if t.origin == "office"
        }
        lines = [f"## {doc.title}", "", f"Source: `shared/seeds/{doc.source_file}` · data: `{parsed.path.name}` · "
                 f"key `{doc.key}`", "", "| clause | task | status | tests | records |", "| --- | --- | --- | --- | --- |"]
        for task in parsed.tasks:
            tests = results.get((doc.key, task.number))
            status = status_of(tests)
            counts[status] += 1
            records = [f"task `{task.number}`"]
            for t in task.targets:
                mark = " (set by the programme office, not the document)" if (
                    t.indicator, t.region, t.year) in office_targets else ""
                records.append(f"target → `{t.indicator}`{mark}")
            for field, label in (("lead_units", "lead"), ("supporting_units", "supporting"),
                                 ("responsible_units", "responsible")):
                if any(units.resolve(u).open_ended for u in getattr(task, field)):
                    records.append(f"{label} units end in 等 (and others): stored as open-ended")
            deadline = f"; deadline {task.deadline}" if task.deadline else ""
            lines.append(f"| {task.number} | {task.title}{deadline} | **{status}** | {_tests_cell(tests)} | "
                         f"{'; '.join(records)} |")
        if parsed.indicators:
            lines += ["", "Quantified goals (a target the document does not give is marked as the programme "
                      "office's own):", "", "| clause | indicator | targets | set by | actual values from |",
                      "| --- | --- | --- | --- | --- |"]
            for ind in parsed.indicators:
                targets = ", ".join(f"{t.year}: {t.comparator} {t.value.normalize()} {ind.unit} ({t.region})"
                                    for t in ind.targets)
                origins = sorted({t.origin for t in ind.targets})
                set_by = " and ".join("the programme office (本平台设定, a placeholder)" if o == "office"
                                      else "the document" for o in origins)
                lines.append(f"| {ind.clause} | `{ind.key}` {ind.name} | {targets} | {set_by} | `{ind.source}` |")
        if parsed.incentives:
            lines += ["", "Incentive clauses (data for the engine `rollout5g.core.incentives`):", "",
                      "| clause | key | rule |", "| --- | --- | --- |"]
            for inc in parsed.incentives:
                rule = (" + ".join(f"{t.rate} × {t.base}" for t in inc.terms) if inc.kind == "formula"
                        else f"{inc.amount} CNY")
                group = f"; exclusive group `{inc.exclusive_group}` ({inc.exclusive_policy})" if inc.exclusive_group else ""
                lines.append(f"| {inc.clause} | `{inc.key}` | {rule}{group} |")
        lines.append("")
        sections.append(lines)
    total = sum(counts.values())
    head = [
        "# Traceability: seed clauses → tests → records",
        "",
        "Generated by `scripts/traceability.py` from the policy data files in `src/rollout5g/policy/data/` and the",
        "clause markers of the tests that passed (`@pytest.mark.clause(document, task, level=...)`, see",
        "`tests/clauses.py`); CI regenerates it after the SQLite test run and fails when it differs. Do not edit by",
        "hand. A row says",
        "",
        "- **built** when at least one passing test is marked as proving the clause;",
        "- **partial** when the passing tests that name it prove only a part of it;",
        "- **supervised only** when no test proves it: the task is loaded (text, units, deadline, targets) and the",
        "  programme office tracks it with milestones and progress reports in `/supervision/`; nothing more is",
        "  claimed.",
        "",
        f"Of {total} tasks: {counts[BUILT]} built, {counts[PARTIAL]} partial, {counts[SUPERVISED]} supervised only.",
        "",
    ]
    return "\n".join(head + [line for lines in sections for line in lines])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", required=True, help="the JSON written by a test run with ROLLOUT5G_CLAUSE_REPORT")
    parser.add_argument("--check", action="store_true", help="fail when docs/traceability.md differs")
    args = parser.parse_args(argv)
    text = build(load_results(args.results))
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       "docs/traceability.md (committed)", "from the test results"))
            print("\ndocs/traceability.md is stale: regenerate it with scripts/traceability.py --results ...")
            return 1
        print("docs/traceability.md matches the test results")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
