"""The `rollout5g` command as a new user runs it: a fresh data directory, SQLite, separate processes."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run(*args, data_dir, check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "-m", "rollout5g.cli", *args, "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A fresh data directory with the reference data, set up through the commands a production install uses.
    (``rollout5g demo`` itself is run by the browser tests' server and by the API fuzzing in CI; its loader is
    tested in-process in tests/demo.)"""
    data_dir = tmp_path_factory.mktemp("cli")
    run("migrate", data_dir=data_dir)
    first = run("load-reference", data_dir=data_dir)
    assert "organizations: 83 created" in first.stdout
    return data_dir


def test_loading_the_reference_data_twice_is_safe(demo_dir):
    second = run("load-reference", data_dir=demo_dir)
    assert "nothing changed" in second.stdout and " created" not in second.stdout.replace("0 created", "")


def test_serve_refuses_a_database_without_its_schema(tmp_path):
    result = run("serve", "--port", "0", data_dir=tmp_path / "empty", check=False)
    assert result.returncode == 2 and "rollout5g migrate" in result.stderr


def test_tasks_json(demo_dir):
    records = json.loads(run("tasks", "--json", data_dir=demo_dir).stdout)
    zj = [r for r in records if r["document"]["id"] == "zhejiang-2020-5g-action-plan-tasks"]
    assert len(zj) == 35 and sorted(int(r["number"]) for r in zj) == list(range(1, 36))
    t1 = next(r for r in zj if r["number"] == "1")
    assert t1["document"]["title"].startswith("《浙江省加快5G发展行动计划")
    assert t1["lead_units"] == ["浙江省经济和信息化厅"] and len(t1["supporting_units"]) == 6
    deadlines = {r["number"]: r["deadline"] for r in zj if r["deadline"]}
    assert deadlines.items() >= {"3": "2020-08-31", "5": "2020-09-30", "9": "2020-09-30"}.items()
    jx = [r for r in records if r["document"]["id"] == "jiaxing-2019-5g-opinions"]
    assert jx and all(r["responsible_units"] for r in jx)
    only = json.loads(run("tasks", "--json", "--document", "jiaxing-2019-5g-opinions", data_dir=demo_dir).stdout)
    assert len(only) == len(jx)
    assert run("tasks", "--document", "nope", data_dir=demo_dir, check=False).returncode == 2


def test_load_policy_refuses_a_bad_file(demo_dir, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document:\n  key: x\n  title: t\ntasks: [\n", encoding="utf-8")
    result = run("load-policy", str(bad), data_dir=demo_dir, check=False)
    assert result.returncode == 1
    assert "bad.yaml:" in result.stderr and "nothing was changed" in result.stderr


def test_audit_verify_passes_then_names_the_edited_event(demo_dir):
    ok = run("audit", "verify", data_dir=demo_dir)
    assert "chain intact" in ok.stdout
    with sqlite3.connect(demo_dir / "rollout5g.sqlite3") as db:
        db.execute("UPDATE audit_auditevent SET after = '{\"name\": \"forged\"}' WHERE seq = 42")
    broken = run("audit", "verify", data_dir=demo_dir, check=False)
    assert broken.returncode == 1
    assert "event #42" in broken.stderr
