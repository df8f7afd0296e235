import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token

from .models import AuditEvent

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any = None
    after: Any = None
    note: str
    hash: str


@router.get("/events", response=list[AuditEventOut], auth=session_or_token,
            summary="Audit history (programme office only)")
@paginate
def list_events(request, object_type: str = "", object_id: str = ""):
    qs = AuditEvent.objects.restrict(request.user).order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs
