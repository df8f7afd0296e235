"""gunicorn settings of ``rollout5g serve`` (``gunicorn -c python:rollout5g.ops.gunicorn_conf``), after NetBox's
``contrib/gunicorn.py``. Command-line options (``--bind``, ``--workers``, ``--threads``) given by ``serve`` win.

Environment: ``ROLLOUT5G_BIND`` (default 127.0.0.1:8000), ``ROLLOUT5G_WEB_WORKERS`` (processes),
``ROLLOUT5G_WEB_THREADS`` (threads per process), ``ROLLOUT5G_WEB_TIMEOUT`` (seconds a request may take: PDF
certificates and large imports need more than gunicorn's 30), ``ROLLOUT5G_ACCESS_LOG`` (0 turns the access log
off), ``ROLLOUT5G_LOG_FORMAT=json`` (gunicorn's own lines as JSON too), ``ROLLOUT5G_TRUST_FORWARDED_PROTO``.
"""

import os

bind = os.environ.get("ROLLOUT5G_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ROLLOUT5G_WEB_WORKERS", "2"))
threads = int(os.environ.get("ROLLOUT5G_WEB_THREADS", "4"))
timeout = int(os.environ.get("ROLLOUT5G_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (bounded memory growth), at staggered moments.
max_requests = 5000
max_requests_jitter = 500
wsgi_app = "rollout5g.web.wsgi:application"
proc_name = "rollout5g"
control_socket_disable = True  # gunicorn 24+: no shared ~/.gunicorn socket (several instances on one host)
# gunicorn itself would trust X-Forwarded-Proto from 127.0.0.1 by default; rollout5g leaves that decision to Django's
# SECURE_PROXY_SSL_HEADER, which is opt-in (ROLLOUT5G_TRUST_FORWARDED_PROTO), so the two cannot disagree.
if os.environ.get("ROLLOUT5G_TRUST_FORWARDED_PROTO", "").strip().lower() not in ("1", "true", "yes", "on"):
    secure_scheme_headers = {}
forwarded_allow_ips = os.environ.get("ROLLOUT5G_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None if os.environ.get("ROLLOUT5G_ACCESS_LOG", "1") == "0" else "-"
errorlog = "-"
loglevel = os.environ.get("ROLLOUT5G_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
if os.environ.get("ROLLOUT5G_LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "rollout5g.ops.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server, worker):
    """A worker process ended: its live gauges leave the Prometheus multiprocess files (counters stay summed)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
