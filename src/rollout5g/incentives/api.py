"""JSON API of this capability, mounted at /api/industry."""

from ninja import Router

router = Router(tags=["Industry"])
