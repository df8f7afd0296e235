"""Authentication backends: django-axes' lockout check in front of the user table.

:class:`LockoutBackend` is axes' standalone backend (it refuses a login while the user name or the address is
locked out, and never logs anyone in itself) with one difference: a call of ``authenticate()`` without a request
passes through instead of raising. The only such calls are Django's test client ``login()`` and code that checks a
password without an HTTP request; every login form and the admin pass their request and so are throttled.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # no request, no address to throttle: let the next backend decide
        return super().authenticate(request, username=username, password=password, **kwargs)
