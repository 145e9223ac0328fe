"""``GET /api/v1/me/notifications``: the citizen's inbox for the mobile app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema

from kagazsyz.accounts.models import User
from kagazsyz.notifications.selectors import notice_wording, notices_for_user, unread_count

router = Router(tags=["notifications"])


class NoticeOut(Schema):
    id: str
    ref: str
    kind: str
    language: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read: bool


class InboxOut(Schema):
    unread: int
    notices: list[NoticeOut]


@router.get("/me/notifications", response=InboxOut)
def my_notifications(request: HttpRequest) -> dict[str, Any]:
    """Newest first, worded in the request's language (``Accept-Language``: ky, ru or en)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    language = (translation.get_language() or "ky")[:2]
    notices = []
    for notice in notices_for_user(user=user)[:200]:
        subject, body = notice_wording(notice, language)
        notices.append(
            {
                "id": str(notice.pk),
                "ref": notice.ref,
                "kind": notice.kind,
                "language": language,
                "subject": subject,
                "body": body,
                "link": notice.link,
                "created_at": notice.created_at,
                "read": notice.read_at is not None,
            }
        )
    return {"unread": unread_count(user=user), "notices": notices}
