"""Reading the mails a use case queued in the outbox, before any delivery."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from mail.backends import ConsoleBackend
from mail.delivery import Deliverer, DeliveryReport
from models import OutboxMessage
from resolvers.mail_jobs import mail_jobs
from resolvers.runtime import Runtime


def job_worker(runtime: Runtime, **kwargs) -> Deliverer:
    """A deliverer with the jobs of `serve`, its clock a second ahead so that a job queued just
    before is due (the backend is never used by work_out_all_due_jobs)."""
    return Deliverer(
        ConsoleBackend(), "shop@flora.test", jobs=mail_jobs(runtime),
        clock=lambda: runtime.now() + timedelta(seconds=1), **kwargs,
    )


async def work_out_jobs(runtime: Runtime) -> DeliveryReport:
    """What the delivery loop does first: turn the queued jobs (reset requests) into the mails
    they make, sending none, so a test can read their links from the outbox."""
    return await job_worker(runtime).work_out_all_due_jobs()


def link_token(message: OutboxMessage | None, key: str) -> str:
    """The `token=` of the link that `message`'s context holds under `key` (e.g. "reset_url")."""
    assert message is not None, f"no mail with a {key}"
    [token] = parse_qs(urlsplit(message.context[key]).query)["token"]
    return token
