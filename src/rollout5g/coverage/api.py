"""JSON API of this capability, mounted at /api/coverage."""

from ninja import Router

router = Router(tags=["Coverage"])
