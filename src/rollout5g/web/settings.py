"""Django settings for rollout5g.

Everything that differs between a laptop demo and production comes from the environment:

- ``DATABASE_URL`` selects PostgreSQL (``postgres://user@host:5432/db``); without it rollout5g uses SQLite in WAL
  mode inside the data directory.
- ``ROLLOUT5G_DATA_DIR`` (or ``--data-dir`` on every command) is where the SQLite database, uploads and coverage
  rasters live; default ``~/.rollout5g``.
- ``ROLLOUT5G_SECRET_KEY``, ``ROLLOUT5G_DEBUG``, ``ROLLOUT5G_ALLOWED_HOSTS`` as usual.
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


def _secret_key() -> str:
    """Secret from the environment, else one generated once per data directory (never a constant in code)."""
    if os.environ.get("ROLLOUT5G_SECRET_KEY"):
        return os.environ["ROLLOUT5G_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ROLLOUT5G_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ROLLOUT5G_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "rollout5g.program",
    "rollout5g.incentives",
    "rollout5g.web",
]

MIDDLEWARE = [
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
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
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
MEDIA_ROOT = DATA_DIR / "media"

# The address the platform is reached at from outside: links in emails and the QR code of approval certificates.
ROLLOUT5G_BASE_URL = os.environ.get("ROLLOUT5G_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = os.environ.get("ROLLOUT5G_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "rollout5g.web.pagination.BoundedLimitOffsetPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ROLLOUT5G_LOG_LEVEL", "WARNING")},
}
