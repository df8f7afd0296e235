"""Shared fixtures of the whole suite.

**Today is fixed.** Every test runs on :data:`TODAY` (a Monday in the 2026 working-day calendar), with the clock
ticking from there, whatever the machine's date; a test that needs another day says so with
``@pytest.mark.today("2027-03-01")`` (or ``"2027-03-01 15:30"``). ``.ci/run`` proves it by running the suite again
with the system clock moved years ahead (``faketime``).

**Data is small and explicit.** The session database holds the reference data every capability builds on — the
administrative regions, the working-day calendar, both policy documents with their organizations, and the demo
accounts (:func:`reference_accounts`) — nothing else: a test builds its records with services or factories
(``tests/factories.py``), or asks for a *world* fixture of its package. Each test runs in a transaction that is
rolled back. The demo loader has its own tests (``tests/demo/``).

**The data directory is temporary** (``tests/settings.py``): nothing a test does reaches ``~/.rollout5g``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from rollout5g.accounts.choices import Role

from . import clauses

DEMO_PASSWORD = "test-password-1"
TZ = ZoneInfo("Asia/Shanghai")
#: The day every test runs on unless marked otherwise: a Monday, inside the loaded 2026 holiday calendar.
TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=TZ)


def pytest_configure(config):
    config.addinivalue_line("markers", "today(when): run the test on this day (ISO date or 'YYYY-MM-DD HH:MM')")
    clauses.register(config)  # the clause markers (tests/clauses.py)
    config.pluginmanager.register(_XdistGroupIds(), "rollout5g-xdist-group-ids")


class _XdistGroupIds:
    """``--dist loadgroup`` on pytest 9: pytest-xdist (3.8) sends a group's tests to one worker by appending
    ``@<group>`` to each test's id through ``item._nodeid``, which pytest 9 no longer reads (a node's id is
    ``item._id``), so every group was spread over the workers and each worker loaded the demo (and started a browser
    server) for itself. This appends the suffix the way pytest 9 keeps it, after every mark is set (trylast); on a
    pytest that still reads ``_nodeid`` (no ``_id``), xdist's own hook does it."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        if not getattr(config.option, "loadgroup", False):  # set on the workers of a --dist loadgroup run
            return
        for item in items:
            groups = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                      for m in item.iter_markers("xdist_group")}
            if groups and hasattr(item, "_id") and "@" not in item.nodeid:
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")


#: Tests that share one expensive load of the whole demo (a package- or module-scoped fixture): in a parallel run
#: (``pytest -n auto --dist loadgroup``) each group goes to one worker, so the demo is loaded once, not once per worker.
DEMO_GROUPS = {"tests/demo/": "demo", "tests/web/test_language.py": "language-crawl"}


def pytest_collection_modifyitems(items):
    """A package's world is for its tests that use the database in a rolled-back transaction: tests without the
    database (pytest-django runs them last) and transactional tests (they start from empty tables) don't load it."""
    for item in items:
        for prefix, group in DEMO_GROUPS.items():
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
        names = item.fixturenames
        if "world_records" not in names:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in names or (
            marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        if transactional or (marker is None and "db" not in names):
            names.remove("world_records")


def _moment(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(10, 0), tzinfo=TZ)
    text = str(value)
    moment = dt.datetime.fromisoformat(text if " " in text or "T" in text else text + " 10:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request through the test client leaves its language active in the
    thread, so without this a test would read in whatever language the worker's previous test last asked for)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _today(request):
    """Travel to the test's day (``TODAY`` unless ``@pytest.mark.today``) with the clock ticking."""
    if request.node.get_closest_marker("e2e"):
        # Browser tests drive a server in another process, on the real clock; they compute their dates from it.
        yield None
        return
    marker = request.node.get_closest_marker("today")
    moment = _moment(marker.args[0]) if marker else TODAY
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def today(_today) -> dt.date:
    """The date the test runs on."""
    return _today.date()


# --- reference data -------------------------------------------------------------------------------------------

#: Demo accounts a test may log in as: (username, role, organization code, display name). The same people as the
#: demo's (``rollout5g.demo`` and the capability demos), created here without the demo's records.
REFERENCE_ACCOUNTS = [
    ("office", Role.PROGRAM_OFFICE, "jx-dei", "市经信局 5G专班"),
    ("planning", Role.DEPARTMENT, "jx-nrp", "自然资源和规划局 审查员"),
    ("construction", Role.DEPARTMENT, "jx-housing", "建设局 审查员"),
    ("power", Role.DEPARTMENT, "jx-power", "供电公司 审查员"),
    ("police", Role.DEPARTMENT, "jx-police", "公安局 联络员"),
    ("radio", Role.DEPARTMENT, "jx-dei", "无线电管理 审查员"),
    ("ecology", Role.DEPARTMENT, "jx-ecology", "生态环境局 审查员"),
    ("roads", Role.DEPARTMENT, "jx-law-enforcement", "综合执法局（城市道路）审查员"),
    ("urban", Role.DEPARTMENT, "jx-law-enforcement", "综合执法局 联络员"),
    ("market", Role.DEPARTMENT, "jx-amr", "市场监管局 联络员"),
    ("finance", Role.DEPARTMENT, "jx-finance", "市财政局 资金审核"),
    ("mobile", Role.OPERATOR, "jx-mobile", "中国移动嘉兴分公司"),
    ("telecom", Role.OPERATOR, "jx-telecom", "中国电信嘉兴分公司"),
    ("unicom", Role.OPERATOR, "jx-unicom", "中国联通嘉兴市分公司"),
    ("tower", Role.OPERATOR, "jx-tower", "中国铁塔嘉兴市分公司"),
    ("owner", Role.RESOURCE_OWNER, "jx-jiacheng-group", "嘉城集团 资源管理"),
    ("schools", Role.RESOURCE_OWNER, "jx-education", "市教育局 资源管理"),
    ("enterprise", Role.ENTERPRISE, "demo-jiali-electronics", "佳利电子 项目申报"),
]


def load_reference_data() -> None:
    """Regions, calendar, policy documents and organizations, the demo enterprise and the accounts (idempotent)."""
    from rollout5g.accounts.services import ensure_user
    from rollout5g.audit.services import record_event, snapshot
    from rollout5g.demo import DEMO_ENTERPRISE
    from rollout5g.organizations.models import Organization
    from rollout5g.policy.loader import load_policy_files
    from rollout5g.policy.schema import bundled_policy_files
    from rollout5g.regions.services import load_regions
    from rollout5g.workcalendar.services import seed_from_chinese_calendar

    load_regions()
    seed_from_chinese_calendar()
    load_policy_files(bundled_policy_files())
    if not Organization.objects.filter(code=DEMO_ENTERPRISE["code"]).exists():
        org = Organization.objects.create(**DEMO_ENTERPRISE)
        record_event(actor=None, action="create", obj=org, after=snapshot(org), system_label="system:test")
    orgs = {o.code: o for o in Organization.objects.filter(code__in={a[2] for a in REFERENCE_ACCOUNTS})}
    for username, role, code, display in REFERENCE_ACCOUNTS:
        ensure_user(actor=None, username=username, password=DEMO_PASSWORD, role=role, organization=orgs[code],
                    display_name=display)
    ensure_user(actor=None, username="admin", password=DEMO_PASSWORD, is_superuser=True, display_name="系统管理员")


def _ensure_reference_data() -> None:
    """Reload the reference data if a transactional test emptied the tables (pytest-django runs those after the
    others, and tests without the database after them)."""
    from rollout5g.regions.models import Region

    if not Region.objects.exists():
        load_reference_data()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=True):
        load_reference_data()


@pytest.fixture
def reference_data(transactional_db):
    """For ``transaction=True`` tests: the reference data again (a transactional test empties the tables after)."""
    load_reference_data()


# --- people -----------------------------------------------------------------------------------------------------


@pytest.fixture
def users(db):
    from rollout5g.accounts.models import User

    return {u.username: u for u in User.objects.select_related("organization")}


@pytest.fixture
def client_for(db):
    """A logged-in test client for an account: ``client_for("mobile")`` (a session, no password round trip)."""
    from django.test import Client

    from rollout5g.accounts.models import User

    def make(username):
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    return make


@pytest.fixture
def make_user(db):
    from rollout5g.accounts.services import user_create

    def make(username, role=Role.OPERATOR, organization=None):
        return user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, organization=organization)

    return make


# --- worlds: the records a package's tests build on -------------------------------------------------------------

#: Steps a package may ask for, in dependency order: each loads one capability's synthetic records with the same
#: generator the demo uses (idempotent, seeded, marked synthetic).
WORLD_STEPS = ("registry", "open_list", "approvals", "cases", "incentives", "supervision", "coverage")


def _world_step(name):
    from rollout5g import demo

    if name == "registry":
        from rollout5g.sites.services import load_key_areas, load_scenario

        load_key_areas()
        load_scenario(year=demo.DEMO_SCENARIO_YEAR, seed=demo.DEMO_SCENARIO_SEED)
        return
    module = {"open_list": "resources", "approvals": "permits", "cases": "cases", "incentives": "incentives",
              "supervision": "program", "coverage": "coverage"}[name]
    import importlib

    importlib.import_module(f"rollout5g.{module}.demo").load_demo(password=DEMO_PASSWORD)


def world(*steps: str, scope: str = "package"):
    """An autouse fixture that loads ``steps`` (and the steps they depend on) once for a package (or module), inside
    a transaction rolled back at its end, so the next package starts from the reference data again::

        world_records = world("registry", "cases")   # in tests/cases/conftest.py
    """
    unknown = set(steps) - set(WORLD_STEPS)
    if unknown:
        raise ValueError(f"unknown world steps {sorted(unknown)}; valid: {', '.join(WORLD_STEPS)}")
    wanted = [s for s in WORLD_STEPS if s in steps or (s == "registry" and steps)]

    @pytest.fixture(scope=scope, autouse=True, name="world_records")
    def _world(django_db_setup, django_db_blocker):
        with rolled_back(django_db_blocker):
            for step in wanted:
                _world_step(step)
            yield

    return _world


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Database access on ``TODAY`` inside a transaction that is rolled back at the end (the data of a package or
    module's tests), starting from the reference data."""
    from django.db import transaction

    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=True), transaction.atomic():
        try:
            _ensure_reference_data()
            yield
        finally:
            transaction.set_rollback(True)
