"""Rule 11: staff get one digest per shop of the requests left pending too long."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mail.outbox import enqueue
from models import RegistrationRequest, RegistrationStatus, Shop
from resolvers.runtime import Runtime

# "At most once a day", with an hour of slack so a daily cron that runs a little
# early is not skipped; the claim below holds across instances.
DIGEST_INTERVAL = timedelta(hours=23)


def review_url(runtime: Runtime, shop: Shop) -> str:
    return f"{runtime.admin_url}/shops/{shop.handle}/registration-requests?status=PENDING"


async def send_reminder_digests(runtime: Runtime) -> list[str]:
    """Queue the due digests; returns the handles of the shops that got one."""
    now = runtime.now()
    digested = []
    for shop in await Shop.filter(notification_email__isnull=False):
        waiting_since = now - timedelta(hours=shop.reminder_delay_hours)
        pending = (
            await RegistrationRequest.filter(
                shop_id=shop.id, status=RegistrationStatus.PENDING, submitted_at__lte=waiting_since
            )
            .order_by("id")
            .limit(200)
        )
        if not pending:
            continue
        async with in_transaction():
            claimed = await Shop.filter(
                Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lte=now - DIGEST_INTERVAL),
                id=shop.id,
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            await enqueue(
                recipient=shop.notification_email,
                template="staff_reminder_digest",
                language=shop.default_language,
                context={
                    "shop_name": shop.name,
                    "count": len(pending),
                    "delay_hours": shop.reminder_delay_hours,
                    "requests": [
                        {
                            "name": request.name,
                            "email": request.email,
                            "company": request.company,
                            "submitted_at": request.submitted_at.strftime("%Y-%m-%d %H:%M UTC"),
                        }
                        for request in pending
                    ],
                    "review_url": review_url(runtime, shop),
                },
                now=now,
            )
        digested.append(shop.handle)
    return digested
