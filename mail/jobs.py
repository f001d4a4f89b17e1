"""Mail jobs: outbox rows that ask for mail to be worked out later, not mails themselves.

`requestPasswordReset` must take as long whether or not the email has an
account, so while the caller waits it cannot look the account up, issue a link
or queue a mail. It writes one job row instead, the same for every email, and
the delivery loop works the job out after the answer has gone: it looks the
users up and queues the mails (or none).

A job is worked out in one transaction that deletes the job row first and then
queues the mails it makes. So it happens once or not at all: a deliverer that
dies halfway rolls back, and the job is tried again when its lease ends; a
second deliverer that reaches the same job finds the row gone (on PostgreSQL
it waits on the first one's row lock, then deletes nothing) and does nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from models import OutboxMessage, OutboxStatus

# A reset request: context {"shop_id": …, "email": … or None when it can match no one}.
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105 (a job, not a password)
# A staff reset request (requestAdminPasswordReset): context {"email": … or None}.
ADMIN_PASSWORD_RESET_REQUESTED = "admin_password_reset_requested"  # noqa: S105 (a job, not a password)
JOBS = frozenset({PASSWORD_RESET_REQUESTED, ADMIN_PASSWORD_RESET_REQUESTED})

# Queues the mails a job makes (with mail.outbox.enqueue), inside the job's transaction.
MailJob = Callable[[OutboxMessage], Awaitable[None]]


async def work_out(job: OutboxMessage, work: MailJob) -> bool:
    """Deletes the job row and runs `work`, in one transaction; False when the row was gone."""
    async with in_transaction():
        # Deleted before any work: the row lock this takes (PostgreSQL) makes a second
        # deliverer wait here and then find nothing, so the work is never done twice.
        if not await OutboxMessage.filter(id=job.id, status=OutboxStatus.QUEUED).delete():
            return False
        await work(job)
    return True
