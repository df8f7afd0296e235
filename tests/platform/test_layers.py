"""The one-way layers of docs/architecture.md, as CI checks them (``lint-imports``, pyproject.toml).

The contract must pass on the tree, and it must break when a module adds an import that points up — also when the
import hides inside a function body, which is how the old import cycle stayed invisible.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def _copy_sources(tmp_path: Path) -> Path:
    """The Python files of the package and the project's configuration, in a scratch tree."""
    src = ROOT / "src" / "rollout5g"
    for path in src.rglob("*.py"):
        target = tmp_path / "src" / "rollout5g" / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT, "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(tree / "src"), "PATH": str(Path(sys.executable).parent),
                               "HOME": str(tree)})


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return _copy_sources(tmp_path_factory.mktemp("layers"))


def test_the_tree_keeps_every_contract(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "code", "arrow"), [
    # an engine that reaches for a Django app
    ("core/radio/_probe.py", "from rollout5g.sites import models\n", "rollout5g.core is not allowed to import rollout5g.sites"),
    # a foundation app importing a capability inside a function body (the old lazy-import cycle)
    ("accounts/_probe.py", "def f():\n    from rollout5g.permits import services\n    return services\n",
     "rollout5g.accounts is not allowed to import rollout5g.permits"),
    # a capability importing the command line (the old setup_django import)
    ("sites/_probe.py", "def f():\n    import rollout5g.cli\n", "rollout5g.sites is not allowed to import rollout5g.cli"),
    # the platform importing an app
    ("platform/_probe.py", "from rollout5g.audit.services import record_event\n",
     "rollout5g.platform is not allowed to import rollout5g.audit"),
])
def test_an_upward_import_breaks_the_build(tree, module, code, arrow):
    probe = tree / "src" / "rollout5g" / module
    probe.write_text(code)
    try:
        result = _lint(tree)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert arrow in result.stdout, result.stdout


def test_core_never_imports_django(tree):
    probe = tree / "src" / "rollout5g" / "core" / "_probe.py"
    probe.write_text("def f():\n    from django.db import models\n")
    try:
        result = _lint(tree)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "rollout5g.core._probe -> django" in result.stdout, result.stdout
