"""Notifications of the logged-in user, mounted at /api/notifications."""

from datetime import datetime

from ninja import Router, Schema

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import Updated

from .models import Notification
from .services import mark_read

router = Router(tags=["Notifications"], auth=session_or_token)


class NotificationOut(Schema):
    """A notification in the caller's language (``Accept-Language``); ``message``/``params`` are its untranslated
    key and parameters (empty for a notification stored as text)."""

    id: int
    level: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    message: str
    params: dict

    @staticmethod
    def resolve_subject(obj):
        return obj.subject_text

    @staticmethod
    def resolve_body(obj):
        return obj.body_text


@router.get("/", response=list[NotificationOut])
def my_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:200])


@router.post("/{notification_id}/read", response=Updated)
def read_one(request, notification_id: int):
    return {"updated": mark_read(request.user, [notification_id])}
