"""JSON API of this capability, mounted at /api/approvals."""

from ninja import Router

router = Router(tags=["Approvals"])
