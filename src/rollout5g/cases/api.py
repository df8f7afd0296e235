"""JSON API of this capability, mounted at /api/cases."""

from ninja import Router

router = Router(tags=["Cases"])
