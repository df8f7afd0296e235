"""Configuration from the environment: the documented production settings pass `check --deploy` with nothing
reported; each variable reaches its Django setting; the demo's defaults stay plain http on 127.0.0.1."""

import json
import subprocess
import sys

from .conftest import read_env_file

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_AGE", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
         "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL", "MEDIA_ROOT",
         "ROLLOUT5G_MAX_UPLOAD_BYTES", "DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE",
         "ROLLOUT5G_DASK_SCHEDULER", "ROLLOUT5G_METRICS_ALLOW", "DEBUG"]
out = {n: getattr(s, n, None) for n in names}
out["root_level"] = s.LOGGING["root"]["level"]
out["formatter"] = s.LOGGING["handlers"]["console"]["formatter"]
print(json.dumps(out, default=str))
"""


def _production_env(clean_env, tmp_path):
    values = read_env_file()
    for key in list(values):
        if key.endswith("_FILE"):  # secrets kept in files: a file of this test instead
            secret = tmp_path / key.lower()
            secret.write_text("not-the-real-one\n")
            values[key] = str(secret)
    values["ROLLOUT5G_DATA_DIR"] = str(tmp_path / "data")
    values["ROLLOUT5G_MEDIA_DIR"] = str(tmp_path / "media")
    return clean_env(DJANGO_SETTINGS_MODULE="rollout5g.web.settings", **values)


def _settings(env) -> dict:
    result = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_the_documented_production_settings(clean_env, tmp_path):
    env = _production_env(clean_env, tmp_path)
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_does_report_the_demo_defaults(clean_env):
    """The same check fails the demo's plain-http settings, so the test above can fail."""
    env = clean_env(DJANGO_SETTINGS_MODULE="rollout5g.web.settings")
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


def test_every_variable_reaches_its_setting(clean_env, tmp_path):
    s = _settings(_production_env(clean_env, tmp_path))
    assert s["ALLOWED_HOSTS"] == ["rollout5g.example.gov.cn", "127.0.0.1", "localhost"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://rollout5g.example.gov.cn"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"], s["SECURE_HSTS_PRELOAD"]) == \
        (31536000, True, True)
    assert s["SESSION_COOKIE_AGE"] == 28800
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"], s["EMAIL_HOST_USER"]) == ("smtp.example.gov.cn", 587, "rollout5g")
    assert s["EMAIL_HOST_PASSWORD"] == "not-the-real-one" and s["EMAIL_USE_TLS"] and not s["EMAIL_USE_SSL"]
    assert s["DEFAULT_FROM_EMAIL"] == "rollout5g@example.gov.cn"
    assert s["MEDIA_ROOT"] == str(tmp_path / "media")
    assert s["ROLLOUT5G_MAX_UPLOAD_BYTES"] == 20 * 1024 * 1024 == s["DATA_UPLOAD_MAX_MEMORY_SIZE"]
    assert s["ROLLOUT5G_METRICS_ALLOW"] == ["127.0.0.1", "::1"]
    assert (s["root_level"], s["formatter"]) == ("INFO", "json")
    assert s["DEBUG"] is False


def test_defaults_are_the_demos(clean_env):
    s = _settings(clean_env(DJANGO_SETTINGS_MODULE="rollout5g.web.settings"))
    assert s["SECURE_PROXY_SSL_HEADER"] is None  # the forwarded protocol is trusted only when asked
    assert not s["SESSION_COOKIE_SECURE"] and not s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] == 0
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["ROLLOUT5G_MAX_UPLOAD_BYTES"] == 20 * 1024 * 1024
    assert s["ROLLOUT5G_DASK_SCHEDULER"] is None
    assert s["ROLLOUT5G_METRICS_ALLOW"] == [] and s["formatter"] == "text"


def test_smtp_with_implicit_tls_and_a_dask_scheduler(clean_env):
    s = _settings(clean_env(DJANGO_SETTINGS_MODULE="rollout5g.web.settings", ROLLOUT5G_SMTP_HOST="mail.local",
                            ROLLOUT5G_SMTP_SSL="1", ROLLOUT5G_MAX_UPLOAD_MB="5",
                            ROLLOUT5G_DASK_SCHEDULER="tcp://10.0.0.5:8786"))
    assert (s["EMAIL_PORT"], s["EMAIL_USE_SSL"], s["EMAIL_USE_TLS"]) == (465, True, False)
    assert s["ROLLOUT5G_MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024
    assert s["ROLLOUT5G_DASK_SCHEDULER"] == "tcp://10.0.0.5:8786"


def test_json_log_lines():
    import logging

    from rollout5g.ops.logs import JsonFormatter

    record = logging.makeLogRecord({"name": "rollout5g.x", "levelname": "WARNING", "levelno": 30,
                                    "msg": "站址 %s 超期", "args": ("JX-1",), "job": 7})
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"], line["job"]) == ("WARNING", "rollout5g.x", "站址 JX-1 超期", 7)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys as _sys

        record = logging.makeLogRecord({"msg": "failed", "exc_info": _sys.exc_info()})
    assert "ValueError: boom" in json.loads(JsonFormatter().format(record))["exception"]
