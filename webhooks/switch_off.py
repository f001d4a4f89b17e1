"""A webhook whose deliveries have failed for days is switched off, once, and its owners told.

Who is told: every active OWNER within whose reach the webhook is, by the rule of
`resolvers.webhooks.in_reach` (mirrored here, as this room sits below the resolvers): for a
webhook of every shop the owners of every shop; for one of listed shops also the owners of
some shops whose shops include all of those. The owners, as only they manage webhooks, and
every one of them, as a mail to one who is away would leave the partner's outage unnoticed.
The mail is of no shop: it names the webhook's URL and last error, which a shop's other staff
may not read (a mail of a shop shows in its staff's outbox).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from mail.outbox import enqueue
from mail.rendering import STAFF_LANGUAGE
from mail.template_names import MailTemplate
from models import AdminUser, StaffRole, Webhook
from models.changes import Changed, announce

logger = logging.getLogger("gatehouse.webhooks")


async def switch_off(webhook: Webhook, *, failing_for: timedelta, last_error: str, now: datetime) -> bool:
    """Switches `webhook` off with the reason why and queues the owners' mail; call inside the
    failed attempt's transaction. False, and nothing done, when it was off already (an attempt
    of another delivery came first) or is no longer failing since `failing_for` ago (a
    delivery succeeded meanwhile)."""
    since = webhook.failing_since or now
    reason = f"Deliveries failed for {_span(failing_for)} since {_moment(since)}."
    switched = await Webhook.filter(
        id=webhook.id, active=True, failing_since__lte=now - failing_for
    ).update(active=False, disabled_reason=reason)
    if not switched:
        return False
    # The events written from now on skip it (resolvers keep the active webhooks in a cache).
    await announce(Changed.WEBHOOK, [webhook.id])
    owners = await owners_reaching(webhook)
    for owner in owners:
        await enqueue(
            recipient=owner.email,
            template=MailTemplate.STAFF_WEBHOOK_DISABLED,
            language=STAFF_LANGUAGE,
            context={
                "url": webhook.url,
                "host": urlsplit(webhook.url).hostname or webhook.url,
                "description": webhook.description,
                "failing_since": _moment(since),
                "days": f"{failing_for / timedelta(days=1):g}",
                "last_error": last_error,
            },
            now=now,
            shop_id=None,
        )
    logger.warning(
        "Webhook %s switched off: %s Told %d owner(s). Last error: %s",
        webhook.id, reason, len(owners), last_error,
    )
    return True


async def owners_reaching(webhook: Webhook) -> list[AdminUser]:
    """The active owners within whose reach `webhook` is, by email."""
    owners = AdminUser.filter(role=StaffRole.OWNER, is_active=True).order_by("email")
    every_shop = await owners.filter(all_shops=True)
    if webhook.all_shops:
        return every_shop
    shop_ids = {shop.id for shop in await webhook.shops.all().only("id")}
    if not shop_ids:  # a webhook of no shop is for staff of every shop only
        return every_shop
    candidates = await owners.filter(all_shops=False, shops__id__in=sorted(shop_ids)).distinct()
    of_all_its_shops = [
        owner for owner in candidates
        if shop_ids <= {shop.id for shop in await owner.shops.all().only("id")}
    ]
    return sorted([*every_shop, *of_all_its_shops], key=lambda owner: owner.email)


def _moment(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _span(span: timedelta) -> str:
    hours = span / timedelta(hours=1)
    return f"{hours / 24:g} days" if hours >= 24 else f"{hours:g} hours"
