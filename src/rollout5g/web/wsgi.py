"""WSGI entry point (``gunicorn rollout5g.web.wsgi`` in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
application = get_wsgi_application()
