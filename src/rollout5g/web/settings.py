"""Django settings for rollout5g.

Everything that differs between a laptop demo and production comes from the environment:

- ``DATABASE_URL`` selects PostgreSQL (``postgres://user@host:5432/db``); without it rollout5g uses SQLite in WAL
  mode inside the data directory.
- ``ROLLOUT5G_DATA_DIR`` (or ``--data-dir`` on every command) is where the SQLite database, uploads and coverage
  rasters live; default ``~/.rollout5g``.
- ``ROLLOUT5G_SECRET_KEY``, ``ROLLOUT5G_DEBUG``, ``ROLLOUT5G_ALLOWED_HOSTS`` as usual.

Every variable (HTTPS behind a proxy, cookies, HSTS, SMTP, logging, uploads, metrics, Dask…) is listed in one table
in ``docs/deploy.md``; ``deploy/rollout5g.env`` is the production example that ``check --deploy`` passes with.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ROLLOUT5G_DATA_DIR", Path.home() / ".rollout5g")).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)  # whitenoise serves the package assets; this stays for collectstatic


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_secret(name: str) -> str:
    """``NAME`` or the content of the file ``NAME_FILE`` (systemd credentials, Docker secrets)."""
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    return os.environ.get(name, "")


def _secret_key() -> str:
    """Secret from the environment, else one generated once per data directory (never a constant in code)."""
    if _env_secret("ROLLOUT5G_SECRET_KEY"):
        return _env_secret("ROLLOUT5G_SECRET_KEY")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ROLLOUT5G_DEBUG", "0") == "1"
ALLOWED_HOSTS = _env_list("ROLLOUT5G_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files (offline), not from a CDN
    "axes",  # throttling and lockout of repeated failed logins (per account and per address)
    "rollout5g.platform.writes",  # counters behind generated codes, idempotency keys
    "rollout5g.accounts",
    "rollout5g.audit",
    "rollout5g.regions",
    "rollout5g.organizations",
    "rollout5g.policy",
    "rollout5g.sites",
    "rollout5g.workcalendar",
    "rollout5g.notifications",
    "rollout5g.jobs",
    "rollout5g.coverage",
    "rollout5g.resources",
    "rollout5g.permits",
    "rollout5g.cases",
    "rollout5g.construction",
    "rollout5g.grid",
    "rollout5g.emf",
    "rollout5g.poles",
    "rollout5g.spectrum",
    "rollout5g.safeguard",
    "rollout5g.cascade",
    "rollout5g.program",
    "rollout5g.incentives",
    "rollout5g.ops",  # health, readiness, metrics, worker heartbeat
    "rollout5g.web",
]

MIDDLEWARE = [
    "rollout5g.ops.metrics.RequestMetricsMiddleware",  # first: counts and times every response, errors included
    "django.middleware.security.SecurityMiddleware",
    "rollout5g.web.middleware.ContentSecurityPolicyMiddleware",
    "rollout5g.web.middleware.UploadLimitMiddleware",
    "rollout5g.web.middleware.ApiVersionMiddleware",  # /api/... is version 1 (/api/v1/...)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rollout5g.platform.api_auth.ApiTokenMiddleware",  # Authorization: Bearer on /api/ acts as the token's user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rollout5g.accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

# Lockout first (django-axes), then the user table. A call of authenticate() without a request (Django's test
# client login) skips the lockout check, see rollout5g.accounts.backends.
AUTHENTICATION_BACKENDS = [
    "rollout5g.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "rollout5g.web.urls"
WSGI_APPLICATION = "rollout5g.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rollout5g.web.context_processors.navigation",
            ],
            # percent, yuan, thousands, long_date, long_datetime in every template (rollout5g.platform.formats)
            # {% datacache %}: a page's part rendered once per data version (rollout5g.policy.templatetags.datacache)
            "builtins": ["rollout5g.platform.writes.templatetags.formats", "rollout5g.policy.templatetags.datacache"],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60,
                                                  conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "rollout5g.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
                # writers queue instead of failing half-way ("database is locked") in the audit chain.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

# Values computed from the data (dashboard panels, indicators: rollout5g.policy.cache) are shared by the server's
# processes through this cache. Default: files in the data directory (every worker of one host shares them; no
# service to run). Several hosts: ROLLOUT5G_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache and
# ROLLOUT5G_CACHE_LOCATION=redis://host:6379/1 (or PyMemcacheCache with host:11211), see docs/deploy.md.
if os.environ.get("ROLLOUT5G_CACHE_BACKEND"):
    CACHES = {"default": {"BACKEND": os.environ["ROLLOUT5G_CACHE_BACKEND"],
                          "LOCATION": os.environ.get("ROLLOUT5G_CACHE_LOCATION", ""), "TIMEOUT": 600}}
else:
    CACHES = {"default": {"BACKEND": "rollout5g.policy.cache.FileCache", "TIMEOUT": 600,
                          "LOCATION": os.environ.get("ROLLOUT5G_CACHE_LOCATION") or str(DATA_DIR / "cache"),
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# A session lasts ROLLOUT5G_SESSION_AGE seconds (default 8 hours, one working day) and ends with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("ROLLOUT5G_SESSION_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# An uploaded import file waiting for its preview to be confirmed is deleted after this many hours.
ROLLOUT5G_UPLOAD_KEEP_HOURS = float(os.environ.get("ROLLOUT5G_UPLOAD_KEEP_HOURS", "24"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one user name, or from one address, further
# attempts are refused for the cool-off time; a success resets the count. Every login, failure, lockout and logout
# is in the audit history (rollout5g.accounts.signals).
AXES_FAILURE_LIMIT = int(os.environ.get("ROLLOUT5G_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ROLLOUT5G_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Second factor (TOTP, RFC 6238): optional for everyone; the roles listed here must enrol before they can work.
ROLLOUT5G_TOTP_REQUIRED_ROLES = [r for r in os.environ.get("ROLLOUT5G_TOTP_REQUIRED_ROLES", "").split(",") if r]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The package ships its assets; whitenoise serves them straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("ROLLOUT5G_MEDIA_DIR") or DATA_DIR / "media").expanduser()

# The address the platform is reached at from outside: links in emails and the QR code of approval certificates.
ROLLOUT5G_BASE_URL = os.environ.get("ROLLOUT5G_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- HTTPS, cookies, proxies (all off by default: the demo runs on plain http://127.0.0.1) -------------------------
# Origins a browser may post forms from, with scheme: "https://rollout5g.example.gov.cn". Needed behind a proxy
# whose public name or port differs from what the application sees.
CSRF_TRUSTED_ORIGINS = _env_list("ROLLOUT5G_CSRF_TRUSTED_ORIGINS")
# Opt-in: trust X-Forwarded-Proto from the reverse proxy (only when the proxy sets it and clients cannot reach the
# application directly), so Django knows the request came over HTTPS.
if _env_flag("ROLLOUT5G_TRUST_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("ROLLOUT5G_SECURE_COOKIES")
SECURE_SSL_REDIRECT = _env_flag("ROLLOUT5G_SSL_REDIRECT")
# Probes and the metrics scraper call these over plain http on the loopback address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("ROLLOUT5G_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("ROLLOUT5G_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_flag("ROLLOUT5G_HSTS_PRELOAD")

# --- Uploads ---------------------------------------------------------------------------------------------------------
# The largest file (or request body) accepted, in MB; nginx's client_max_body_size should match it.
ROLLOUT5G_MAX_UPLOAD_MB = float(os.environ.get("ROLLOUT5G_MAX_UPLOAD_MB", "20"))
ROLLOUT5G_MAX_UPLOAD_BYTES = int(ROLLOUT5G_MAX_UPLOAD_MB * 1024 * 1024)
# Request bodies other than files (JSON, form fields) up to the same size; files above 2.5 MB go to a temporary
# file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = ROLLOUT5G_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("ROLLOUT5G_UPLOAD_MEMORY_MB", "2.5")) * 1024 * 1024)

# --- Email: console by default; an SMTP server when ROLLOUT5G_SMTP_HOST is set --------------------------------------
EMAIL_HOST = os.environ.get("ROLLOUT5G_SMTP_HOST", "")
EMAIL_BACKEND = os.environ.get("ROLLOUT5G_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
EMAIL_USE_SSL = _env_flag("ROLLOUT5G_SMTP_SSL")  # implicit TLS (port 465)
EMAIL_USE_TLS = _env_flag("ROLLOUT5G_SMTP_STARTTLS")  # STARTTLS (port 587)
EMAIL_PORT = int(os.environ.get("ROLLOUT5G_SMTP_PORT") or (465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25))
EMAIL_HOST_USER = os.environ.get("ROLLOUT5G_SMTP_USER", "")
EMAIL_HOST_PASSWORD = _env_secret("ROLLOUT5G_SMTP_PASSWORD")
EMAIL_TIMEOUT = int(os.environ.get("ROLLOUT5G_SMTP_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ.get("ROLLOUT5G_EMAIL_FROM", "rollout5g@localhost")

# --- Coverage at province scale: a Dask scheduler ("tcp://10.0.0.5:8786"); None computes in the job worker ------
ROLLOUT5G_DASK_SCHEDULER = os.environ.get("ROLLOUT5G_DASK_SCHEDULER") or None
# The home region (adcode of the city or province this deployment serves) and its policy document keys (empty: every
# document of the region and the regions above it). Unset: the data directory's home.json (written by
# `rollout5g demo --region`), else the shipped default (rollout5g.platform.home).
ROLLOUT5G_HOME = {"region": os.environ.get("ROLLOUT5G_HOME_REGION", "").strip(),
                  "documents": _env_list("ROLLOUT5G_HOME_DOCUMENTS")}

# --- Base maps under every map (rollout5g.platform.basemaps, docs/base-maps.md) -------------------------------------
# ROLLOUT5G_BASEMAPS: preset names ("tianditu-vec,amap"), a JSON list, or a JSON file; unset: the offline default
# (the county boundaries are the base map, no tile is requested). 天地图 needs ROLLOUT5G_TIANDITU_KEY.
from rollout5g.platform.basemaps import from_env as _basemaps_from_env  # noqa: E402

ROLLOUT5G_BASEMAPS = _basemaps_from_env(os.environ.get("ROLLOUT5G_BASEMAPS"))

# --- Operations: /metrics is off unless a token or an address list is set; readiness wants a worker this recent ---
ROLLOUT5G_METRICS_TOKEN = _env_secret("ROLLOUT5G_METRICS_TOKEN")
ROLLOUT5G_METRICS_ALLOW = _env_list("ROLLOUT5G_METRICS_ALLOW")  # addresses or networks: 127.0.0.1, 10.0.0.0/8
ROLLOUT5G_WORKER_MAX_SILENCE = int(os.environ.get("ROLLOUT5G_WORKER_MAX_SILENCE", "60"))  # seconds

# --- Audit checkpoints (signed chain heads outside the database) and idempotent writes -------------------------------
# Empty paths mean "in the data directory" (audit-checkpoints.jsonl, audit_checkpoint_key beside secret_key).
ROLLOUT5G_AUDIT_CHECKPOINT_FILE = os.environ.get("ROLLOUT5G_AUDIT_CHECKPOINT_FILE", "")
ROLLOUT5G_AUDIT_KEY_FILE = os.environ.get("ROLLOUT5G_AUDIT_KEY_FILE", "")
ROLLOUT5G_AUDIT_KEY = _env_secret("ROLLOUT5G_AUDIT_KEY")
ROLLOUT5G_AUDIT_CHECKPOINT_HOURS = float(os.environ.get("ROLLOUT5G_AUDIT_CHECKPOINT_HOURS", "24"))
ROLLOUT5G_IDEMPOTENCY_HOURS = float(os.environ.get("ROLLOUT5G_IDEMPOTENCY_HOURS", "24"))

# --- Hooks the platform layer calls without importing the apps above it (like AUTHENTICATION_BACKENDS) -----------
ROLLOUT5G_API_TOKEN_CHECK = "rollout5g.accounts.tokens.check_token"  # raw bearer value -> TokenCheck
ROLLOUT5G_API_TOKEN_ALLOWS = "rollout5g.accounts.tokens.allows_method"  # (token, HTTP method) -> bool
ROLLOUT5G_AUDIT_RECORDER = "rollout5g.audit.services.record_changes"  # platform.workflow.transition writes through it
ROLLOUT5G_AUDIT_SNAPSHOT = "rollout5g.audit.services.snapshot"
ROLLOUT5G_AFTER_MIGRATE = ["rollout5g.workcalendar.services.seed_from_chinese_calendar"]  # run by migrate_database

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "rollout5g.platform.pagination.BoundedLimitOffsetPagination"

# Logs go to standard error (the journal under systemd); one JSON object per line with ROLLOUT5G_LOG_FORMAT=json;
# also to a file (reopened after logrotate) with ROLLOUT5G_LOG_FILE.
_LOG_FORMAT = "json" if os.environ.get("ROLLOUT5G_LOG_FORMAT", "text").strip().lower() == "json" else "text"
_LOG_HANDLERS = {"console": {"class": "logging.StreamHandler", "formatter": _LOG_FORMAT}}
if os.environ.get("ROLLOUT5G_LOG_FILE"):
    _LOG_HANDLERS["file"] = {"class": "logging.handlers.WatchedFileHandler", "formatter": _LOG_FORMAT,
                             "filename": os.environ["ROLLOUT5G_LOG_FILE"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
        "json": {"()": "rollout5g.ops.logs.JsonFormatter"},
    },
    "handlers": _LOG_HANDLERS,
    "root": {"handlers": list(_LOG_HANDLERS), "level": os.environ.get("ROLLOUT5G_LOG_LEVEL", "INFO").upper()},
    # WeasyPrint logs every unsupported CSS property and missing glyph at WARNING: keep its noise out of INFO logs
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"},
                # django-axes logs every login at INFO; the audit history has them (rollout5g.accounts.signals)
                "axes": {"level": "WARNING"}},
}
