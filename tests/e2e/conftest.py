"""Browser tests: the real `rollout5g demo` server in a subprocess (fresh SQLite data directory), driven by
Playwright in Debian's chromium (/usr/bin/chromium; never a downloaded browser)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ROLLOUT5G_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "rollout5g-demo"  # the demo command's password


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    data_dir = tmp_path_factory.mktemp("e2e-demo")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen([sys.executable, "-m", "rollout5g.cli", "demo", "--data-dir", str(data_dir),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    # loading the demo takes about a minute on an idle 2-core machine, several on a busy one
    deadline = time.time() + float(os.environ.get("ROLLOUT5G_E2E_START_S", "900"))
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("demo server did not start:\n" + (data_dir / "server.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """One chromium for the worker's session. Playwright's sync API keeps an asyncio loop running on the main thread
    until the session ends, and Django refuses database work from a thread with a running loop: the worker that
    runs the browser group (``--dist loadgroup``) goes on with database tests afterwards, so those tests would all
    fail at their setup. The browser tests never touch the database of this process (the demo server is a
    subprocess with its own), so Django's guard is lifted for this process while the loop runs."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_demo):
    # bypass_csp: Playwright's wait_for_function evaluates its predicate with eval(), which the platform's
    # Content-Security-Policy forbids; tests/e2e/test_injection.py runs its pages with the policy enforced.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    # The machines are offline: fail loudly if a page tries to reach anything but our server.
    external = []
    pg.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_demo) and not r.url.startswith("data:") else None)
    pg.base_url = live_demo
    yield pg
    context.close()
    assert not external, f"page loaded external resources: {external}"


@pytest.fixture
def screenshots_dir():
    path = Path(os.environ.get("ROLLOUT5G_SCREENSHOTS", Path(__file__).resolve().parents[2] / "out" / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def login(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (``-m e2e`` selects them, ``-m "not e2e"`` leaves them out). In a
    parallel run (``pytest -n auto``, pytest-xdist with ``--dist loadgroup``) they all go to one worker, so one demo
    server serves them while the other workers run the rest of the suite."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("browser"))
