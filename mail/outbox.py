"""The outbox: a mail is a row written in the same transaction as the change it tells of.

A use case that rolls back leaves no row, so nothing is sent by mistake; a mail
server that is down delays the row's delivery but loses nothing. A job
(mail/jobs.py) is a row too: the request for mail the delivery loop works out later.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from mail.jobs import JOBS
from mail.template_names import MailTemplate, mail_template
from models import OutboxMessage, OutboxStatus, RegistrationRequest


async def enqueue(
    *,
    recipient: str,
    template: MailTemplate,
    language: str,
    context: dict[str, Any],
    now: datetime,
    about_request: RegistrationRequest | None = None,
    shop_id: int | None = None,
) -> OutboxMessage:
    """Queue `template` for `recipient`; call inside the use case's transaction.

    `context` must be JSON: it is stored and rendered at delivery time, in
    `language` (English when there is no translation). A mail `about_request`
    is deleted with that registration request. A mail of a shop (`shop_id`, else
    the request's) is listed only to staff of that shop; one of none, to staff of
    every shop.
    """
    return await OutboxMessage.create(
        message_id=uuid.uuid4().hex,
        recipient=recipient,
        # Checked here too: a caller the type checker does not see may pass any string.
        template=mail_template(template).value,
        language=language,
        context=context,
        status=OutboxStatus.QUEUED,
        next_attempt_at=now,
        registration_request=about_request,
        shop_id=shop_id if shop_id is not None or about_request is None else about_request.shop_id,
    )


async def enqueue_job(
    job: str, *, recipient: str, context: dict[str, Any], now: datetime, shop_id: int | None = None
) -> OutboxMessage:
    """Queue `job` (one of mail.jobs.JOBS) for the delivery loop to work out; call inside the
    use case's transaction. `context` must be JSON and hold no link or token: staff (of the
    job's shop, `shop_id`) list the row until it is worked out, and a worked-out job row is
    deleted."""
    if job not in JOBS:
        raise ValueError(f"unknown mail job {job!r}")
    return await OutboxMessage.create(
        message_id=uuid.uuid4().hex,
        recipient=recipient,
        template=job,
        # A job is written in no language; the mails it makes are, in each user's.
        language="",
        context=context,
        status=OutboxStatus.QUEUED,
        next_attempt_at=now,
        shop_id=shop_id,
    )
