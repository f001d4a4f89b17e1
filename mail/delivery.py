"""The delivery loop: claim due outbox rows, render, send, mark sent or retry later.

Claiming takes the rows with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL;
Tortoise leaves it out on SQLite) and moves each row's next attempt past a
lease with a conditional UPDATE, so two deliverers never send one mail twice.
A deliverer that dies mid-send leaves its rows to be retried once the lease ends.

Each round first works out the due jobs it has work for (mail/jobs.py), claimed
the same way, so the mails they queue go out in the same round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from mail.backends import MailBackend, build_message
from mail.jobs import JOBS, MailJob, work_out
from mail.rendering import render
from models import OutboxMessage, OutboxStatus

logger = logging.getLogger("gatehouse.mail")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    # How long a claimed row is left alone while it is being sent.
    lease: timedelta = timedelta(minutes=5)

    def delay_after(self, attempts: int) -> timedelta:
        """30 s, 1 min, 2 min, … doubling up to an hour."""
        return min(self.first_delay * (1 << max(attempts - 1, 0)), self.max_delay)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Jobs worked out into the mails they make (counted apart: a job is no mail).
    worked_out: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.worked_out

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.worked_out += other.worked_out


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


class Deliverer:
    def __init__(
        self,
        backend: MailBackend,
        sender: str,
        *,
        policy: RetryPolicy | None = None,
        batch_size: int = 50,
        clock: Callable[[], datetime] = _utc_now,
        jobs: Mapping[str, MailJob] | None = None,
    ) -> None:
        self.backend = backend
        self.sender = sender
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.clock = clock
        # The work for each kind of job; a job without any here waits for a deliverer that has it.
        self.jobs = dict(jobs or {})
        if unknown := set(self.jobs) - JOBS:
            raise ValueError(f"no such mail jobs: {', '.join(sorted(unknown))}")

    async def claim_due(self) -> list[OutboxMessage]:
        """Due mails, never jobs, each leased to this deliverer."""
        return await self._claim(OutboxMessage.exclude(template__in=sorted(JOBS)))

    async def claim_due_jobs(self) -> list[OutboxMessage]:
        """Due jobs that this deliverer has work for, each leased to it."""
        if not self.jobs:
            return []
        return await self._claim(OutboxMessage.filter(template__in=sorted(self.jobs)))

    async def _claim(self, rows: QuerySet[OutboxMessage]) -> list[OutboxMessage]:
        now = self.clock()
        claimed = []
        async with in_transaction():
            due = (
                await rows.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
                .order_by("id")
                .limit(self.batch_size)
                .select_for_update(skip_locked=True)
            )
            for row in due:
                won = await OutboxMessage.filter(
                    id=row.id, status=OutboxStatus.QUEUED, next_attempt_at__lte=now
                ).update(attempts=F("attempts") + 1, next_attempt_at=now + self.policy.lease)
                if won:
                    row.attempts += 1
                    claimed.append(row)
        return claimed

    async def work_out_due_jobs(self) -> DeliveryReport:
        """Work out one batch of due jobs into the mails they make (sending none)."""
        report = DeliveryReport()
        for job in await self.claim_due_jobs():
            try:
                done = await work_out(job, self.jobs[job.template])
            except Exception as error:  # rolled back: nothing of it happened, so try again later
                logger.exception("Mail job %s (%s) failed", job.id, job.template)
                if await self._failed_attempt(job, error):
                    report.failed += 1
                else:
                    report.retrying += 1
                continue
            if done:
                report.worked_out += 1
        return report

    async def deliver_due(self) -> DeliveryReport:
        """Work out one batch of due jobs, then send one batch of due mail; returns what
        became of them."""
        report = await self.work_out_due_jobs()
        for row in await self.claim_due():
            try:
                mail = render(row.template, row.language, row.context)
                message = build_message(
                    mail, sender=self.sender, recipient=row.recipient,
                    message_id=row.message_id, created_at=row.created_at,
                )
            except Exception as error:  # a mail that cannot be rendered never will be
                logger.exception("Mail %s (%s) cannot be rendered", row.id, row.template)
                await self._give_up(row, error)
                report.failed += 1
                continue
            try:
                await self.backend.send(message)
            except Exception as error:  # the server is down, refuses, times out: try later
                if await self._failed_attempt(row, error):
                    report.failed += 1
                else:
                    report.retrying += 1
                continue
            await OutboxMessage.filter(id=row.id).update(
                status=OutboxStatus.SENT, sent_at=self.clock(), last_error=None
            )
            await _forget_if_asked(row)
            report.sent += 1
        return report

    async def _failed_attempt(self, row: OutboxMessage, error: BaseException) -> bool:
        """Schedules the next attempt after the back-off, or gives up after the last one;
        True when it gave up."""
        if row.attempts >= self.policy.max_attempts:
            logger.error(
                "Mail %s (%s) failed %s times, giving up: %s",
                row.id, row.template, row.attempts, _describe(error),
            )
            await self._give_up(row, error)
            return True
        await OutboxMessage.filter(id=row.id).update(
            next_attempt_at=self.clock() + self.policy.delay_after(row.attempts),
            last_error=_describe(error),
        )
        return False

    async def _give_up(self, row: OutboxMessage, error: BaseException) -> None:
        await OutboxMessage.filter(id=row.id).update(
            status=OutboxStatus.FAILED, last_error=_describe(error)
        )
        await _forget_if_asked(row)

    async def deliver_all_due(self) -> DeliveryReport:
        """Batches until nothing is due (for `gatehouse send-mail --once` and tests)."""
        total = DeliveryReport()
        while True:
            report = await self.deliver_due()
            total.add(report)
            if report.handled == 0:
                return total

    async def work_out_all_due_jobs(self) -> DeliveryReport:
        """Batches of jobs until none is due, sending nothing (for tests that read the mails)."""
        total = DeliveryReport()
        while True:
            report = await self.work_out_due_jobs()
            total.add(report)
            if report.handled == 0:
                return total

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver until `stop` is set; a full batch is followed at once by the next."""
        while not stop.is_set():
            try:
                report = await self.deliver_due()
            except Exception:
                logger.exception("Mail delivery round failed; trying again shortly")
                report = DeliveryReport()
            if report.handled < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)


async def _forget_if_asked(row: OutboxMessage) -> None:
    """Deletes a finished mail whose request was deleted meanwhile (rule 6 of docs/api.md).

    Read from the row, not from the copy claimed before sending: the request may have
    been deleted while the mail was on the wire. A mail still queued when that happened
    was flagged; one already finished was deleted with the request.
    """
    await OutboxMessage.filter(id=row.id, forget_once_sent=True).delete()
