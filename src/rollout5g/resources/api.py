"""JSON API of this capability, mounted at /api/open-list."""

from ninja import Router

router = Router(tags=["Open list"])
