"""JSON API of this capability, mounted at /api/supervision."""

from ninja import Router

router = Router(tags=["Supervision"])
