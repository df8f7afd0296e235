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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ROLLOUT5G_LOG_LEVEL", "WARNING")},
}
