"""Clause markers: which test proves which clause (task) of a policy document.

A feature test that proves a clause's obligation says so with a marker::

    @pytest.mark.clause("zj", "7", level="built")      # proves task 7 of the Zhejiang plan
    @pytest.mark.clause("jx", "二(一)3", level="partial")  # proves part of Jiaxing's 二(一)3

- the first argument is the document's key (``jiaxing-2019-5g-opinions``) or its short alias (:data:`ALIASES`);
- the second is the task number exactly as the policy data writes it (the first column of docs/traceability.md);
- ``level`` is ``"built"`` (the test shows the platform does what the clause asks) or ``"partial"`` (a part of
  it); it defaults to ``"built"``. A test may carry several markers; a marker on a class applies to its tests.

A marker naming an unknown document, task or level stops the run at collection. For every test that PASSED (setup,
call and teardown), the recorder keeps its markers; when ``ROLLOUT5G_CLAUSE_REPORT=<path>`` is set it writes them at
the end of the session as JSON (``{"tests": [{"nodeid": ..., "clauses": [[document key, task, level], ...]}]}``,
parametrised cases folded into their test function). ``scripts/traceability.py --results <path>`` turns that file
into docs/traceability.md.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

REPORT_ENV = "ROLLOUT5G_CLAUSE_REPORT"
LEVELS = ("built", "partial")
#: Short names of the bundled policy documents, for the marker's first argument.
ALIASES = {"jx": "jiaxing-2019-5g-opinions", "zj": "zhejiang-2020-5g-action-plan-tasks"}


def document_key(name: str) -> str:
    return ALIASES.get(name, name)


def known_clauses() -> dict[str, set[str]]:
    """Task numbers of every bundled policy document, by document key."""
    from rollout5g.policy.schema import DOCUMENTS_DIR, parse_policy_file

    out = {}
    for path in sorted(DOCUMENTS_DIR.glob("*.yaml")):
        parsed = parse_policy_file(path)
        out[parsed.document.key] = {t.number for t in parsed.tasks}
    return out


def marker_clauses(marker) -> tuple[str, str, str]:
    """``(document key, task number, level)`` of one ``clause`` marker; ValueError when malformed."""
    if len(marker.args) != 2 or set(marker.kwargs) - {"level"}:
        raise ValueError('use @pytest.mark.clause("<document>", "<task number>", level="built"|"partial")')
    level = marker.kwargs.get("level", "built")
    if level not in LEVELS:
        raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    return document_key(str(marker.args[0])), str(marker.args[1]), level


def function_nodeid(nodeid: str) -> str:
    """The node id of a test function: the ``@<group>`` a ``--dist loadgroup`` worker appends and a parametrised
    case's ``[...]`` suffix removed."""
    return re.sub(r"\[.*\]$", "", re.sub(r"@[\w-]+$", "", nodeid))


class ClauseRecorder:
    """Checks the clause markers at collection and records those of the tests that passed."""

    def __init__(self):
        self.marks: dict[str, list[tuple[str, str, str]]] = {}
        self.outcome: dict[str, bool] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        known = None
        problems = []
        for item in items:
            markers = list(item.iter_markers("clause"))
            if not markers:
                continue
            known = known if known is not None else known_clauses()
            clauses = []
            for marker in markers:
                try:
                    doc, number, level = marker_clauses(marker)
                except ValueError as exc:
                    problems.append(f"{item.nodeid}: {exc}")
                    continue
                if doc not in known:
                    problems.append(f"{item.nodeid}: unknown policy document {doc!r} (use {', '.join(ALIASES)} or "
                                    f"a document key)")
                elif number not in known[doc]:
                    problems.append(f"{item.nodeid}: {doc} has no task {number!r}")
                else:
                    clauses.append((doc, number, level))
            self.marks[item.nodeid] = list(dict.fromkeys(clauses))
            # travels with the test's reports, so the controller of a parallel run (pytest-xdist), which collects
            # nothing itself, still knows the clauses of the tests its workers ran
            if hasattr(item, "user_properties"):
                item.user_properties.append(("clauses", self.marks[item.nodeid]))
        if problems:
            raise pytest.UsageError("invalid clause markers:\n" + "\n".join(problems))

    def pytest_runtest_logreport(self, report):
        carried = dict(getattr(report, "user_properties", ())).get("clauses")
        if carried is not None:
            self.marks[report.nodeid] = [tuple(c) for c in carried]
        if report.nodeid not in self.marks:
            return
        if report.failed or (report.when == "call" and not report.passed):
            self.outcome[report.nodeid] = False
        elif report.when == "call":
            self.outcome.setdefault(report.nodeid, True)

    def results(self) -> dict:
        by_function: dict[str, list] = {}
        for nodeid, passed in self.outcome.items():
            if passed:
                clauses = by_function.setdefault(function_nodeid(nodeid), [])
                clauses += [list(c) for c in self.marks[nodeid] if list(c) not in clauses]
        return {"tests": [{"nodeid": n, "clauses": sorted(c)} for n, c in sorted(by_function.items())]}

    def pytest_sessionfinish(self, session):
        if hasattr(getattr(session, "config", None), "workerinput"):  # a pytest-xdist worker: its controller writes it
            return
        path = os.environ.get(REPORT_ENV)
        if path:
            Path(path).write_text(json.dumps(self.results(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def register(config) -> None:
    """Called from tests/conftest.py's ``pytest_configure``."""
    if not config.pluginmanager.has_plugin("rollout5g-clauses"):
        config.pluginmanager.register(ClauseRecorder(), "rollout5g-clauses")
