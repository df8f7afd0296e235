"""The Django project: settings, URLs, base templates and vendored static assets."""
