"""WSGI entry point (``gunicorn rollout5g.web.wsgi`` in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollout5g.web.settings")
application = get_wsgi_application()

# Import the URL configuration (the API's ninja/pydantic schemas, ~3.7 s) when the worker boots, not on its first
# request.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
