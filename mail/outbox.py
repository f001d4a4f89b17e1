"""The outbox: a mail is a row written in the same transaction as the change it tells of.

A use case that rolls back leaves no row, so nothing is sent by mistake; a mail
server that is down delays the row's delivery but loses nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from models import OutboxMessage, OutboxStatus, RegistrationRequest


async def enqueue(
    *,
    recipient: str,
    template: str,
    language: str,
    context: dict[str, Any],
    now: datetime,
    about_request: RegistrationRequest | None = None,
) -> OutboxMessage:
    """Queue `template` for `recipient`; call inside the use case's transaction.

    `context` must be JSON: it is stored and rendered at delivery time, in
    `language` (English when there is no translation). A mail `about_request`
    is deleted with that registration request.
    """
    from mail.rendering import TEMPLATES

    if template not in TEMPLATES:
        raise ValueError(f"unknown mail template {template!r}")
    return await OutboxMessage.create(
        message_id=uuid.uuid4().hex,
        recipient=recipient,
        template=template,
        language=language,
        context=context,
        status=OutboxStatus.QUEUED,
        next_attempt_at=now,
        registration_request=about_request,
    )
