"""Work `gatehouse serve` does beside answering requests: mail delivery, reminder digests and
the purge of ended sessions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from mail.backends import ConsoleBackend, MailBackend, SmtpBackend
from mail.delivery import Deliverer
from resolvers.mail_jobs import mail_jobs
from resolvers.reminders import send_reminder_digests
from resolvers.runtime import Runtime
from server.session_purge import purge_periodically
from server.settings import Settings

logger = logging.getLogger("gatehouse.background")

REMINDER_CHECK_SECONDS = 600


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


async def _remind_periodically(runtime: Runtime, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            digested = await send_reminder_digests(runtime)
            if digested:
                logger.info("Reminder digests queued for %s", ", ".join(digested))
        except Exception:
            logger.exception("Reminder round failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=REMINDER_CHECK_SECONDS)


@contextlib.asynccontextmanager
async def background_work(settings: Settings, runtime: Runtime) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(
            deliverer(settings, runtime).run(stop, interval=settings.mail_poll_seconds),
            name="mail delivery",
        ),
        asyncio.create_task(_remind_periodically(runtime, stop), name="reminders"),
        asyncio.create_task(purge_periodically(runtime, stop), name="session purge"),
    ]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
