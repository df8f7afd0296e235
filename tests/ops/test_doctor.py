"""rollout5g doctor: every prerequisite with its state; exit 1 on what would break a user."""

import json

import pytest
from typer.testing import CliRunner

from rollout5g.cli import app
from rollout5g.ops.checks import doctor_checks

pytestmark = pytest.mark.django_db


def _run(*args):
    result = CliRunner().invoke(app, ["doctor", "--json", *args])
    return result.exit_code, {c["name"]: c for c in json.loads(result.stdout)}


def test_lists_every_prerequisite(monkeypatch):
    monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: ("Noto Sans CJK SC",))
    code, checks = _run()
    assert {"database", "migrations", "job worker", "calendar", "cjk font", "pango", "data folder", "media folder",
            "deploy settings", "email"} <= set(checks)
    assert checks["migrations"]["state"] == "ok" and checks["cjk font"]["state"] == "ok"
    assert checks["database"]["detail"].startswith(("SQLite", "PostgreSQL"))
    # no worker has run in this test database: a warning (the doctor is often run before the first start)
    assert checks["job worker"]["state"] == "warning"
    assert code == 0, checks


def test_exits_non_zero_without_a_font(monkeypatch):
    monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: ())
    code, checks = _run()
    assert code == 1
    assert checks["cjk font"]["state"] == "error" and "fonts-noto-cjk" in checks["cjk font"]["detail"]


def test_exits_non_zero_on_an_unwritable_media_folder(settings, tmp_path, monkeypatch):
    monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: ("Noto Sans CJK SC",))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    code, checks = _run()
    assert code == 1 and checks["media folder"]["state"] == "error"


@pytest.mark.today("2026-03-02")
def test_this_years_calendar_missing_is_an_error_next_years_a_warning(monkeypatch):
    from rollout5g.workcalendar.models import CalendarYear

    monkeypatch.setattr("rollout5g.platform.fonts.cjk_font_families", lambda **kw: ("Noto Sans CJK SC",))
    by_name = {c.name: c for c in doctor_checks()}
    assert by_name["calendar"].state == "warning" and "2027" in by_name["calendar"].detail
    CalendarYear.objects.filter(year=2026).delete()
    by_name = {c.name: c for c in doctor_checks()}
    assert by_name["calendar"].state == "error" and "2026" in by_name["calendar"].detail


def test_pending_migrations_are_named_with_the_command(monkeypatch):
    monkeypatch.setattr("rollout5g.ops.checks.pending_migrations", lambda: ["accounts.0099_future"])
    from rollout5g.ops.checks import check_migrations

    check = check_migrations()
    assert check.state == "error" and "accounts.0099_future" in check.detail and "rollout5g migrate" in check.detail
