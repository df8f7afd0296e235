"""Write load through HTTP: N concurrent clients doing the real write flows against gunicorn, optionally killing
the server with SIGKILL in the middle and starting it again.

Flows (each client picks one at random, again and again, for ``--seconds``):

- **approval application**: create a draft, add a new rooftop site, upload every required material, submit;
- **site request** to the free open list (the nearest open resource within 800 m of a listed one);
- **incident report** (theft, vandalism, obstruction, interference) routed to its department;
- **progress report** of a unit on one of its supervised tasks (create or replace the month's report).

Every write carries an ``Idempotency-Key``; when the connection fails (the server was killed) or the answer is 409 or
503, the client sends the same request with the same key again until the server answers (bounded). A share of the
successful writes (``--resend``, 5 %) is sent once more with the same key, as a client that timed out would: the
answer must be the first one (``Idempotent-Replayed``) and nothing new may be written. After the run the
database is read: every acknowledged write (a 2xx answer) must be there ("found"), and no write may exist twice
(the run's unique markers counted in the database: "duplicates").

Goal (issue 18): 0 × 5xx, 0 lost, 0 duplicates with 16 clients on PostgreSQL and on SQLite, with and without the
kill. Prints a table and writes ``benchmarks/results/load_writes.json``.

    python benchmarks/load_writes.py                        # SQLite and PostgreSQL, with and without the kill
    python benchmarks/load_writes.py --db sqlite --clients 16 --seconds 60 --kill
    python benchmarks/load_writes.py --db postgres --database-url postgres://postgres@127.0.0.1:5432/rollout5g_load

The SQLite data directory is made once with ``rollout5g demo --no-serve`` (kept between runs, ``--fresh`` to start
again); PostgreSQL gets the same demo in the database of ``--database-url`` (created when missing). Loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "load_writes.json"
HOST = "127.0.0.1"
PASSWORD = "rollout5g-demo"
OPERATORS = ["mobile", "telecom", "unicom", "tower"]
RETRY_STATUSES = {409, 503}
GRACE_S = 90  # how long a client keeps retrying one request after the run's end (server restart included)


# ---------------------------------------------------------------------------------------------- the database side
# (run in a subprocess with the scenario's environment: one Django per database)


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
    import django

    django.setup()


def internal_prepare() -> dict:
    """What the clients need: resource coordinates, incident kinds with a department, reporters and their tasks."""
    _django()
    from rollout5g.accounts.models import User
    from rollout5g.cases.choices import IncidentKind
    from rollout5g.cases.models import ClockRule
    from rollout5g.program.services import task_unit_ids
    from rollout5g.program.views import visible_tasks
    from rollout5g.resources.models import PublicResource

    points = list(PublicResource.objects.filter(availability="open").values_list("lon", "lat")[:400])
    kinds = [k for k in IncidentKind.values if k != IncidentKind.FEES
             and ClockRule.objects.filter(key=f"incident.{k}", organization__isnull=False).exists()]
    reporters = {}
    for user in User.objects.filter(role="department", is_active=True).select_related("organization"):
        tasks = [t.pk for t in visible_tasks(user) if user.organization_id in task_unit_ids(t)]
        if tasks:
            reporters[user.username] = tasks[:20]
    return {"points": points, "incident_kinds": kinds, "reporters": reporters}


def internal_verify(path: Path) -> dict:
    """Count acknowledged writes found in the database, and the run's records that exist more than once."""
    _django()
    from django.db.models import Count

    from rollout5g.cases.models import IncidentCase
    from rollout5g.permits.models import Application, ApplicationSite
    from rollout5g.program.models import ProgressReport
    from rollout5g.resources.models import SiteRequest

    data = json.loads(path.read_text())
    run, acked = data["run"], data["acked"]
    found = {}
    apps = {a["code"]: a for a in Application.objects.filter(title__startswith=run).values("code", "title", "state")}
    site_names = set(ApplicationSite.objects.filter(site__name__startswith=run).values_list("site__name", flat=True))
    requests_ = set(SiteRequest.objects.filter(purpose__startswith=run).values_list("code", flat=True))
    incidents = set(IncidentCase.objects.filter(description__startswith=run).values_list("number", flat=True))
    reports = set(ProgressReport.objects.filter(pk__in=[a["ref"] for a in acked if a["kind"] == "report"])
                  .values_list("pk", flat=True))
    for op in acked:
        kind, ref, marker = op["kind"], op["ref"], op["marker"]
        if kind == "application":
            ok = ref in apps and apps[ref]["title"] == marker
        elif kind == "add_site":
            ok = marker in site_names
        elif kind == "submit":
            ok = ref in apps and apps[ref]["state"] != "draft"
        elif kind == "site_request":
            ok = ref in requests_
        elif kind == "incident":
            ok = ref in incidents
        elif kind == "report":
            ok = ref in reports
        else:  # uploads are not verified one by one
            ok = True
        found[kind] = found.get(kind, 0) + int(ok)

    def dups(qs, field):
        return sum(row["n"] - 1 for row in qs.values(field).annotate(n=Count("pk")).filter(n__gt=1))

    duplicates = {
        "application": dups(Application.objects.filter(title__startswith=run), "title"),
        "add_site": dups(ApplicationSite.objects.filter(site__name__startswith=run), "site__name"),
        "site_request": dups(SiteRequest.objects.filter(purpose__startswith=run), "purpose"),
        "incident": dups(IncidentCase.objects.filter(description__startswith=run), "description"),
        "report": dups(ProgressReport.objects.filter(text__startswith=run), "text"),
    }
    return {"found": found, "duplicates": duplicates}


def internal_audit() -> dict:
    _django()
    from rollout5g.audit.services import verify_chain

    try:
        result = verify_chain(checkpoints=False)  # the chain itself; checkpoints are the operator's business
    except TypeError:  # a version before the checkpoints (to compare with)
        result = verify_chain()
    return {"ok": result.ok, "events": result.events_checked, "reason": result.reason}


# ---------------------------------------------------------------------------------------------- HTTP


class ConnectionLost(Exception):
    pass


class Client:
    """One browser-like session on one keep-alive connection (stdlib only)."""

    def __init__(self, port: int, timeout: float = 120.0):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.last_replayed = False

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as exc:
                self.close()
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: open a new one (same key)
                raise ConnectionLost(str(exc)) from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise ConnectionLost(str(exc)) from exc
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        self.last_replayed = response.headers.get("Idempotent-Replayed") == "true"
        return response.status, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self, username: str) -> None:
        status, _ = self.request("GET", "/accounts/login/")
        body = (f"csrfmiddlewaretoken={self.cookies.get('csrftoken', '')}&username={username}&password={PASSWORD}"
                .encode())
        status, data = self.request("POST", "/accounts/login/", body,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {status} {data[:200]!r}")


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------------------------------------- the load


@dataclass
class Stats:
    requests: int = 0
    by_class: dict = field(default_factory=lambda: {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0})
    status: dict = field(default_factory=dict)
    locked: int = 0
    connection_errors: int = 0
    retries: int = 0
    replayed: int = 0
    resent: int = 0
    resend_mismatch: int = 0
    gave_up: int = 0
    latencies: list = field(default_factory=list)
    acked: list = field(default_factory=list)
    attempted: dict = field(default_factory=dict)
    errors_5xx: list = field(default_factory=list)
    samples_4xx: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, status: int, seconds: float, body: bytes):
        with self.lock:
            self.requests += 1
            self.by_class[f"{status // 100}xx"] = self.by_class.get(f"{status // 100}xx", 0) + 1
            self.status[status] = self.status.get(status, 0) + 1
            self.latencies.append(seconds)
            if b"database is locked" in body:
                self.locked += 1
            if status >= 500 and len(self.errors_5xx) < 20:
                self.errors_5xx.append(body[:300].decode("utf-8", "replace"))
            if 400 <= status < 500 and len(self.samples_4xx) < 200:
                self.samples_4xx.add(body[:160].decode("utf-8", "replace"))


class Worker(threading.Thread):
    def __init__(self, index: int, port: int, run: str, prep: dict, stats: Stats, deadline: float, seed: int,
                 resend: float = 0.0):
        super().__init__(daemon=True)
        self.resend = resend
        self.index, self.port, self.run_id, self.prep, self.stats, self.deadline = index, port, run, prep, stats, deadline
        self.rng = random.Random(seed * 1000 + index)
        self.operator_name = OPERATORS[index % len(OPERATORS)]
        reporters = sorted(prep["reporters"])
        self.reporter_name = reporters[index % len(reporters)] if reporters else None
        self.n = 0
        self.failure: str | None = None

    # one write, retried with the same key until it is answered (bounded)
    def send(self, client: Client, method: str, path: str, payload=None, files=None) -> tuple[int, dict | None]:
        key = str(uuid.uuid4())
        if files is not None:
            body, content_type = _multipart(payload or {}, files)
        else:
            body, content_type = json.dumps(payload or {}).encode(), "application/json"
        headers = {"Content-Type": content_type, "Idempotency-Key": key}
        give_up_at = max(self.deadline, time.monotonic()) + GRACE_S
        pause = 0.2
        while True:
            started = time.monotonic()
            try:
                status, data = client.request(method, path, body, headers)
            except ConnectionLost:
                with self.stats.lock:
                    self.stats.connection_errors += 1
                if time.monotonic() > give_up_at:
                    with self.stats.lock:
                        self.stats.gave_up += 1
                    return 0, None
                time.sleep(pause)
                pause = min(pause * 1.5, 2.0)
                with self.stats.lock:
                    self.stats.retries += 1
                continue
            self.stats.note(status, time.monotonic() - started, data)
            if status in RETRY_STATUSES and time.monotonic() < give_up_at:
                with self.stats.lock:
                    self.stats.retries += 1
                time.sleep(0.1 + self.rng.random() * 0.3)
                continue
            with self.stats.lock:
                self.stats.replayed += int(client.last_replayed)
            if 200 <= status < 300 and self.rng.random() < self.resend:
                # a client that timed out and sends the same request again: the first answer, no second record
                resent_at = time.monotonic()
                try:
                    again_status, again = client.request(method, path, body, headers)
                except ConnectionLost:
                    again_status, again = None, b""
                if again_status is not None:
                    self.stats.note(again_status, time.monotonic() - resent_at, again)
                    with self.stats.lock:
                        self.stats.resent += 1
                        self.stats.replayed += int(client.last_replayed)
                        if again_status != status or again != data or not client.last_replayed:
                            self.stats.resend_mismatch += 1
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return status, parsed

    def ack(self, kind: str, ref, marker: str):
        with self.stats.lock:
            self.stats.acked.append({"kind": kind, "ref": ref, "marker": marker})

    def attempt(self, kind: str):
        with self.stats.lock:
            self.stats.attempted[kind] = self.stats.attempted.get(kind, 0) + 1

    def marker(self) -> str:
        self.n += 1
        return f"{self.run_id}-{self.index:02d}-{self.n:05d}"

    def point(self, jitter=0.002):
        lon, lat = self.rng.choice(self.prep["points"])
        return lon + self.rng.uniform(-jitter, jitter), lat + self.rng.uniform(-jitter, jitter)

    def flow_application(self, client: Client):
        mark = self.marker()
        self.attempt("application")
        status, app = self.send(client, "POST", "/api/approvals/", {"title": mark})
        if not (200 <= status < 300 and app):
            return
        code = app["application_code"]
        self.ack("application", code, mark)
        lon, lat = self.point()
        site = {"new_site": {"name": f"{mark}-s", "site_type": "rooftop", "lon": lon, "lat": lat},
                "on_existing_building": True, "antenna_height_m": 30}
        self.attempt("add_site")
        status, app = self.send(client, "POST", f"/api/approvals/{code}/sites", site)
        if not (200 <= status < 300 and app):
            return
        self.ack("add_site", code, f"{mark}-s")
        for material in sorted(m["code"] for m in app.get("required_materials", []) if not m.get("uploaded")):
            status, _ = self.send(client, "POST", f"/api/approvals/{code}/materials", {"material": material},
                                  {"file": (f"{material}.pdf", b"%PDF-1.4 " + mark.encode())})
            if not 200 <= status < 300:
                return
        self.attempt("submit")
        status, app = self.send(client, "POST", f"/api/approvals/{code}/submit", {})
        if 200 <= status < 300 and app:
            self.ack("submit", code, mark)

    def flow_site_request(self, client: Client):
        mark = self.marker()
        lon, lat = self.point(0.001)
        self.attempt("site_request")
        status, body = self.send(client, "POST", "/api/open-list/requests",
                                 {"lon": lon, "lat": lat, "radius_m": 800, "band": "n78", "purpose": mark,
                                  "planned_year": dt.date.today().year})
        if 200 <= status < 300 and body:
            self.ack("site_request", body["code"], mark)

    def flow_incident(self, client: Client):
        mark = self.marker()
        kinds = self.prep["incident_kinds"]
        self.attempt("incident")
        status, body = self.send(client, "POST", "/api/cases/incident",
                                 {"kind": self.rng.choice(kinds), "description": mark,
                                  "location": "负载测试地点", "occurred_on": dt.date.today().isoformat()})
        if 200 <= status < 300 and body:
            self.ack("incident", body["number"], mark)

    def flow_report(self, client: Client):
        mark = self.marker()
        task = self.rng.choice(self.prep["reporters"][self.reporter_name])
        month = dt.date.today().replace(day=1) - dt.timedelta(days=31 * self.rng.randrange(0, 12))
        self.attempt("report")
        status, body = self.send(client, "POST", f"/api/supervision/tasks/{task}/reports",
                                 {"period": month.strftime("%Y-%m"), "text": mark})
        if 200 <= status < 300 and body:
            self.ack("report", body["id"], mark)

    def run(self):
        try:
            operator = Client(self.port)
            operator.login(self.operator_name)
            reporter = None
            if self.reporter_name:
                reporter = Client(self.port)
                reporter.login(self.reporter_name)
            flows = [(self.flow_application, operator, 35), (self.flow_site_request, operator, 20),
                     (self.flow_incident, operator, 25)]
            if reporter is not None:
                flows.append((self.flow_report, reporter, 20))
            weights = [w for _, _, w in flows]
            for _ in range(1_000_000):  # bounded; the deadline ends it long before
                if time.monotonic() >= self.deadline:
                    break
                flow, client, _ = self.rng.choices(flows, weights)[0]
                flow(client)
        except Exception as exc:  # noqa: BLE001 - reported in the summary
            self.failure = f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int, workers: int, threads: int, log: Path):
        self.env, self.port, self.workers, self.threads, self.log = env, port, workers, threads, log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> None:
        cmd = [sys.executable, "-m", "gunicorn", "rollout5g.web.wsgi:application", "-w", str(self.workers),
               "--threads", str(self.threads), "-b", f"{HOST}:{self.port}", "--timeout", "120",
               "--graceful-timeout", "5"]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL to the master and every worker (the process group): no graceful shutdown at all."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


# ---------------------------------------------------------------------------------------------- scenarios


def _run(cmd: list[str], env: dict, timeout: int = 1800) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout[-2000:]}\n"
                           f"{result.stderr[-4000:]}")
    return result


def _internal(what: str, env: dict, *args: str) -> dict:
    out = _run([sys.executable, __file__, "--internal", what, *args], env).stdout
    return json.loads(out.strip().splitlines()[-1])


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(db: str, base: Path, database_url: str, fresh: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    data_dir = base / db
    if fresh and data_dir.exists():
        subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    env["ROLLOUT5G_DATA_DIR"] = str(data_dir)
    env["ROLLOUT5G_LOG_LEVEL"] = "ERROR"
    if db == "postgres":
        if urlparse(database_url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("loopback databases only")
        _ensure_postgres_database(database_url)
        env["DATABASE_URL"] = database_url
    marker = data_dir / ".demo-loaded"
    if not marker.exists():
        print(f"[{db}] loading the demo (rollout5g demo --no-serve) …", flush=True)
        _run([sys.executable, "-m", "rollout5g.cli", "demo", "--no-serve", "--data-dir", str(data_dir)], env)
        marker.write_text(dt.datetime.now().isoformat())
    else:
        _run([sys.executable, "-m", "rollout5g.cli", "migrate", "--data-dir", str(data_dir)], env)
    return env


def scenario(db: str, env: dict, *, clients: int, seconds: float, kill: bool, workers: int, threads: int,
             seed: int, resend: float) -> dict:
    prep = _internal("prepare", env)
    if not prep["points"] or not prep["incident_kinds"]:
        raise RuntimeError(f"the demo data lacks open resources or incident rules: {prep}")
    run = f"LW{dt.datetime.now():%m%d%H%M%S}{'K' if kill else 'N'}{db[0].upper()}"
    port = _free_port()
    log = Path(env["ROLLOUT5G_DATA_DIR"]) / f"gunicorn-{run}.log"
    server = Server(env, port, workers, threads, log)
    server.start()
    stats = Stats()
    started = time.monotonic()
    deadline = started + seconds
    pool = [Worker(i, port, run, prep, stats, deadline, seed, resend) for i in range(clients)]
    kill_info = None
    try:
        for w in pool:
            w.start()
        if kill:
            time.sleep(seconds / 2)
            t0 = time.monotonic()
            server.kill()
            down = time.monotonic()
            server.start()
            kill_info = {"at_s": round(t0 - started, 1), "restart_s": round(time.monotonic() - down, 1)}
        for w in pool:
            w.join(timeout=seconds + GRACE_S + 120)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    ack_file = Path(env["ROLLOUT5G_DATA_DIR"]) / f"acked-{run}.json"
    ack_file.write_text(json.dumps({"run": run, "acked": stats.acked}))
    verified = _internal("verify", env, str(ack_file))
    audit = _internal("audit", env)
    log_text = log.read_text(errors="replace") if log.exists() else ""
    acked_by_kind: dict[str, int] = {}
    for op in stats.acked:
        acked_by_kind[op["kind"]] = acked_by_kind.get(op["kind"], 0) + 1
    checked = {k: v for k, v in acked_by_kind.items() if k != "upload"}
    found = sum(verified["found"].get(k, 0) for k in checked)
    lat = sorted(stats.latencies) or [0.0]
    return {
        "db": db, "clients": clients, "seconds": seconds, "kill": kill, "kill_info": kill_info,
        "gunicorn": {"workers": workers, "threads": threads}, "elapsed_s": round(elapsed, 1),
        "requests": stats.requests, "2xx": stats.by_class.get("2xx", 0), "4xx": stats.by_class.get("4xx", 0),
        "5xx": stats.by_class.get("5xx", 0), "status": {str(k): v for k, v in sorted(stats.status.items())},
        "database_is_locked": stats.locked + log_text.count("database is locked"),
        "server_tracebacks": log_text.count("Traceback"),
        "connection_errors": stats.connection_errors, "retries": stats.retries, "gave_up": stats.gave_up,
        "resent_after_success": stats.resent, "replayed": stats.replayed, "resend_mismatch": stats.resend_mismatch,
        "acknowledged_writes": sum(checked.values()), "writes_found": found,
        "lost": sum(checked.values()) - found, "duplicates": sum(verified["duplicates"].values()),
        "acknowledged_by_kind": checked, "found_by_kind": verified["found"],
        "duplicates_by_kind": verified["duplicates"], "attempted_by_kind": stats.attempted,
        "writes_per_s": round(stats.by_class.get("2xx", 0) / elapsed, 1) if elapsed else 0,
        "latency_ms": {"p50": round(statistics.median(lat) * 1000, 1),
                       "p95": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
                       "max": round(lat[-1] * 1000, 1)},
        "audit_chain": audit, "client_failures": [w.failure for w in pool if w.failure],
        "sample_5xx": stats.errors_5xx[:5], "sample_4xx": sorted(stats.samples_4xx)[:5], "run": run,
    }


def print_table(rows: list[dict]) -> None:
    cols = [("db", "db"), ("kill", "kill"), ("clients", "clients"), ("s", "seconds"), ("requests", "requests"),
            ("2xx", "2xx"), ("4xx", "4xx"), ("5xx", "5xx"), ("locked", "database_is_locked"),
            ("conn err", "connection_errors"), ("acked", "acknowledged_writes"), ("found", "writes_found"),
            ("lost", "lost"), ("dup", "duplicates"), ("replayed", "replayed"), ("w/s", "writes_per_s"),
            ("p95 ms", None)]
    header = " | ".join(f"{c:>9}" for c, _ in cols)
    print(header)
    print("-" * len(header))
    for r in rows:
        cells = []
        for _, key in cols:
            value = r["latency_ms"]["p95"] if key is None else r[key]
            cells.append(f"{'yes' if value is True else 'no' if value is False else value:>9}")
        print(" | ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill", choices=["no", "yes", "both"], default="both",
                        help="SIGKILL the server in the middle of the run and start it again")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_WRITES_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/rollout5g_load"))
    parser.add_argument("--base-dir", type=Path, default=Path("/tmp/rollout5g-load-writes"))
    parser.add_argument("--fresh", action="store_true", help="load the demo again (SQLite data directory)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--resend", type=float, default=0.05,
                        help="share of successful writes sent once more with the same key (a client retry after a "
                             "timeout): each must be answered with the first answer and create nothing")
    parser.add_argument("--internal", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal:
        sys.path.insert(0, str(ROOT / "src"))
        result = {"prepare": lambda: internal_prepare(), "verify": lambda: internal_verify(Path(args.rest[0])),
                  "audit": lambda: internal_audit()}[args.internal]()
        print(json.dumps(result, default=str))
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    kills = [False, True] if args.kill == "both" else [args.kill == "yes"]
    rows = []
    for db in dbs:
        env = prepare_database(db, args.base_dir, args.database_url, args.fresh)
        for kill in kills:
            print(f"[{db}] {args.clients} clients, {args.seconds:.0f} s, kill={'yes' if kill else 'no'} …", flush=True)
            rows.append(scenario(db, env, clients=args.clients, seconds=args.seconds, kill=kill,
                                 workers=args.workers, threads=args.threads, seed=args.seed, resend=args.resend))
            print_table(rows[-1:])
    print()
    print_table(rows)
    load = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "load_writes", "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_at_end": [round(x, 2) for x in load],
                    "note": "2-core development machine shared with other sessions at the time"},
        "goal": "0 x 5xx, 0 lost, 0 duplicates with 16 clients on PostgreSQL and SQLite, with and without the kill",
        "met": all(r["5xx"] == 0 and r["lost"] == 0 and r["duplicates"] == 0 and r["resend_mismatch"] == 0
                   for r in rows),
        "rows": rows,
    }, indent=2, ensure_ascii=False))
    print(f"\nwritten {RESULTS.relative_to(ROOT)}; goal met: {json.loads(RESULTS.read_text())['met']}")


if __name__ == "__main__":
    main()
