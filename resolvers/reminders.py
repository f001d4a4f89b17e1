"""Rule 11 of docs/api.md: staff get one digest per shop of the requests left pending too long."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import OutboxMessage, RegistrationRequest, RegistrationStatus, Shop
from resolvers.links import review_url
from resolvers.runtime import Runtime

# "At most once a day", with an hour of slack so a daily cron that runs a little
# early is not skipped; the claim below holds across instances.
DIGEST_INTERVAL = timedelta(hours=23)


async def send_reminder_digests(runtime: Runtime) -> list[str]:
    """Queue the due digests; returns the handles of the shops that got one."""
    now = runtime.now()
    digested = []
    for shop in await Shop.filter(notification_email__isnull=False):
        recipient = shop.notification_email
        if recipient is None:  # not after that filter; the type checker cannot know
            continue
        waiting_since = now - timedelta(hours=shop.reminder_delay_hours)
        async with in_transaction():
            # Read under lock, in the digest's transaction: a request deleted meanwhile is either
            # gone here or waits, and then strikes itself from this digest (strike_from_digests).
            pending = (
                await RegistrationRequest.filter(
                    shop_id=shop.id, status=RegistrationStatus.PENDING, submitted_at__lte=waiting_since
                )
                .order_by("id")
                .limit(200)
                .select_for_update()
            )
            if not pending:
                continue
            claimed = await Shop.filter(
                Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lte=now - DIGEST_INTERVAL),
                id=shop.id,
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            await enqueue(
                recipient=recipient,
                template=MailTemplate.STAFF_REMINDER_DIGEST,
                language=shop.default_language,
                context={
                    "shop_name": shop.name,
                    "count": len(pending),
                    "delay_hours": shop.reminder_delay_hours,
                    "requests": [
                        {
                            "id": request.id,  # so a deleted request can be struck out again
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
                shop_id=shop.id,
            )
        digested.append(shop.handle)
    return digested


async def strike_from_digests(requests: Sequence[RegistrationRequest]) -> None:
    """Rule 6 of docs/api.md for digests: deleted requests leave the digests that listed them
    (sent or not); a digest that listed nothing else goes."""
    if not requests:
        return
    ids = {request.id for request in requests}
    # A digest lists requests pending when it was written, so only those written since the
    # oldest of these came in can list one; an emptied body (the retention purge) lists none.
    digests = (
        OutboxMessage.filter(
            template=MailTemplate.STAFF_REMINDER_DIGEST,
            created_at__gte=min(request.submitted_at for request in requests),
        )
        .exclude(context={})
        .order_by("id")
        .select_for_update()  # two deletions must not undo each other's striking
    )
    for digest in await digests:
        listed = digest.context.get("requests", [])
        kept = [entry for entry in listed if entry.get("id") not in ids]
        if len(kept) == len(listed):
            continue
        if kept:
            digest.context = {**digest.context, "requests": kept, "count": len(kept)}
            await digest.save(update_fields=["context"])
        else:
            await digest.delete()
