"""`serve`'s retention timers (rule 18 of docs/api.md): rejected requests and mail bodies daily,
ended sessions and spent links hourly.

Every instance runs them, unclaimed: each purge works in short batches whose deletes and updates
check their conditions again, so two instances at once remove each row once and count it once
(resolvers/retention.py). A claim, as the reminder digests have, would only save an instance
a round that finds little; each round that removed anything writes its own audit event.
"""

from __future__ import annotations

import asyncio
import logging

from resolvers import retention
from resolvers.runtime import Runtime
from server.periodic import periodically

logger = logging.getLogger("gatehouse.background")

DAILY_SECONDS = 24 * 3600
HOURLY_SECONDS = 3600


async def purge_rejected_requests(runtime: Runtime) -> None:
    purged = await retention.purge_rejected_requests(runtime)
    if purged:
        logger.info("Deleted %d rejected registration requests past their shop's retention", purged)


async def purge_sign_ins(runtime: Runtime) -> None:
    """Ended sessions and spent links: they let no one in already; purging keeps their tables small."""
    sessions = await retention.purge_ended_sessions(runtime)
    links = await retention.purge_used_links(runtime)
    if sessions or links:
        logger.info("Deleted %d ended sessions and %d used or expired links", sessions, links)


async def purge_mail_bodies(runtime: Runtime) -> None:
    emptied = await retention.purge_mail_bodies(runtime)
    if emptied:
        logger.info("Emptied the bodies of %d mails sent more than 30 days ago", emptied)


async def purge_sign_ins_periodically(
    runtime: Runtime, stop: asyncio.Event, *, interval: float = HOURLY_SECONDS
) -> None:
    await periodically(stop, interval, lambda: purge_sign_ins(runtime), "Purge of sessions and links")


def retention_tasks(runtime: Runtime, stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """The timers, each running at once and then at its interval until `stop` is set."""
    return [
        asyncio.create_task(
            periodically(
                stop, DAILY_SECONDS, lambda: purge_rejected_requests(runtime),
                "Purge of rejected registration requests",
            ),
            name="rejected registration purge",
        ),
        asyncio.create_task(purge_sign_ins_periodically(runtime, stop), name="session and link purge"),
        asyncio.create_task(
            periodically(stop, DAILY_SECONDS, lambda: purge_mail_bodies(runtime), "Purge of mail bodies"),
            name="mail body purge",
        ),
    ]
