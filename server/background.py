"""Work `gatehouse serve` does beside answering requests: mail and webhook delivery, reminder
digests, the retention purges (rejected requests, ended sessions, spent links, old mail bodies:
server/retention_purge.py), that of registration requests never confirmed and that of finished
webhook deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from mail.backends import ConsoleBackend, MailBackend, SmtpBackend
from mail.delivery import Deliverer
from resolvers.mail_jobs import mail_jobs
from resolvers.registrations.verification import purge_unverified_requests
from resolvers.reminders import send_reminder_digests
from resolvers.runtime import Runtime
from server.periodic import periodically
from server.retention_purge import retention_tasks
from server.settings import Settings
from webhooks.delivery import WebhookDeliverer
from webhooks.retention import purge_finished_deliveries

logger = logging.getLogger("gatehouse.background")

REMINDER_CHECK_SECONDS = 600
UNVERIFIED_PURGE_SECONDS = 600
WEBHOOK_PURGE_SECONDS = 3600


class PollUnusable(Exception):
    """`serve` must not start with this GATEHOUSE_MAIL_POLL_SECONDS or
    GATEHOUSE_WEBHOOK_POLL_SECONDS; the message says which and why."""


def verify_webhook_poll(settings: Settings) -> None:
    """Raises PollUnusable unless the webhook loop waits some time between its looks: at 0 or
    less it would look without pause, a busy loop on one core and the database."""
    _verify_poll("GATEHOUSE_WEBHOOK_POLL_SECONDS", settings.webhook_poll_seconds)


def verify_poll_intervals(settings: Settings) -> None:
    """The same for both loops `serve` runs: the mail's and the webhooks'."""
    _verify_poll("GATEHOUSE_MAIL_POLL_SECONDS", settings.mail_poll_seconds)
    verify_webhook_poll(settings)


def _verify_poll(name: str, seconds: float) -> None:
    if not seconds > 0:  # NaN too
        raise PollUnusable(f"{name} must be a number above 0.")


def mail_backend(settings: Settings) -> MailBackend:
    if settings.mail_backend == "smtp":
        return SmtpBackend(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    if settings.mail_backend == "console":
        return ConsoleBackend()
    raise ValueError(f"GATEHOUSE_MAIL_BACKEND must be 'console' or 'smtp', not {settings.mail_backend!r}")


def deliverer(settings: Settings, runtime: Runtime) -> Deliverer:
    return Deliverer(mail_backend(settings), settings.mail_from, clock=runtime.now, jobs=mail_jobs(runtime))


def webhook_deliverer(
    runtime: Runtime, *, gives_way_to: Callable[[], bool] | None = None
) -> WebhookDeliverer | None:
    """The webhook delivery loop, giving way while `gives_way_to()` (the process is answering
    requests); None without GATEHOUSE_SECRET_KEY, which seals every webhook's signing secret:
    without it no webhook can be made, so none has anything to deliver."""
    if runtime.secrets is None:
        return None
    return WebhookDeliverer(
        runtime.secrets, allow_private=runtime.webhook_allow_private, clock=runtime.now,
        gives_way_to=gives_way_to,
    )


async def _remind(runtime: Runtime) -> None:
    digested = await send_reminder_digests(runtime)
    if digested:
        logger.info("Reminder digests queued for %s", ", ".join(digested))


async def _purge_unverified(runtime: Runtime) -> None:
    purged = await purge_unverified_requests(runtime)
    if purged:
        logger.info("Deleted %d registration requests never confirmed", purged)


async def _purge_webhook_deliveries(runtime: Runtime) -> None:
    purged = await purge_finished_deliveries(runtime.now())
    if purged.deliveries or purged.messages:
        logger.info(
            "Deleted %d finished webhook deliveries and %d webhook events",
            purged.deliveries, purged.messages,
        )


@contextlib.asynccontextmanager
async def background_work(
    settings: Settings, runtime: Runtime, *, gives_way_to: Callable[[], bool] | None = None
) -> AsyncIterator[None]:
    """The loops below, until the block ends; the webhooks' gives way while `gives_way_to()`."""
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(
            deliverer(settings, runtime).run(stop, interval=settings.mail_poll_seconds),
            name="mail delivery",
        ),
        asyncio.create_task(
            periodically(stop, REMINDER_CHECK_SECONDS, lambda: _remind(runtime), "Reminder round"),
            name="reminders",
        ),
        *retention_tasks(runtime, stop),
        asyncio.create_task(
            periodically(
                stop, UNVERIFIED_PURGE_SECONDS, lambda: _purge_unverified(runtime),
                "Purge of unverified registrations",
            ),
            name="unverified registration purge",
        ),
        asyncio.create_task(
            periodically(
                stop, WEBHOOK_PURGE_SECONDS, lambda: _purge_webhook_deliveries(runtime),
                "Purge of finished webhook deliveries",
            ),
            name="webhook delivery purge",
        ),
    ]
    if (webhooks := webhook_deliverer(runtime, gives_way_to=gives_way_to)) is not None:
        tasks.append(asyncio.create_task(
            webhooks.run(stop, interval=settings.webhook_poll_seconds), name="webhook delivery"
        ))
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
