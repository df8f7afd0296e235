"""JSON API of this capability, mounted at /api/calendar."""

from ninja import Router

router = Router(tags=["Calendar"])
