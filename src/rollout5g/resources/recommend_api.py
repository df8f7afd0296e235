"""Site recommendation API, mounted at /api/open-list/recommend."""

from ninja import Router

router = Router(tags=["Site recommendation"])
