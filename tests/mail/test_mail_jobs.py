"""Mail jobs (mail/jobs.py): a reset request is worked out into its mail once, never twice, never lost.

The job row is deleted in the same transaction that issues the link and queues
the mail, so a deliverer that fails half-way leaves nothing but the job, which
is tried again; and a deliverer that reaches a job another one has worked out
(its lease ran out meanwhile) does nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from auth.viewer import Caller
from mail.backends import SmtpBackend
from mail.delivery import Deliverer, RetryPolicy
from mail.jobs import PASSWORD_RESET_REQUESTED, MailJob, work_out
from mail.outbox import enqueue_job
from models import OneTimeToken, OutboxMessage, OutboxStatus
from resolvers.mail_jobs import mail_jobs
from resolvers.password_resets import request_password_reset
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user
from tests.mail.smtp_server import SmtpServer, deliver
from tests.use_cases import cheap_runtime

RUNTIME = cheap_runtime()
VISITOR = Caller(viewer=None, client_address="203.0.113.7")
REAL_WORK = mail_jobs(RUNTIME)[PASSWORD_RESET_REQUESTED]


class Clock:
    """Starts a second ahead, so a job queued just before counts as due; tests move it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


def job_deliverer(
    work: MailJob = REAL_WORK,
    *,
    smtp: SmtpServer | None = None,
    clock: Callable[[], datetime] | None = None,
    **kwargs,
) -> Deliverer:
    backend = SmtpBackend("127.0.0.1", smtp.port if smtp else 9, timeout=5)
    return Deliverer(
        backend, "shop@flora.test", clock=clock or Clock(), jobs={PASSWORD_RESET_REQUESTED: work}, **kwargs
    )


async def users_asking(count: int) -> list[str]:
    """`count` users of the flora shop, each with a password, each asking for a reset link."""
    shop = await make_shop("flora")
    debtor = await make_debtor()
    emails = [f"user{number}@bloemen.test" for number in range(count)]
    for number, email in enumerate(emails):
        await make_shop_user(shop, await make_contact(debtor, email=email), f"user{number}")
        await request_password_reset(RUNTIME, VISITOR, "flora", email)
    return emails


async def crashing_after_the_work(job: OutboxMessage) -> None:
    await REAL_WORK(job)
    raise RuntimeError("the deliverer died after issuing the link")


async def test_a_crash_half_way_leaves_no_link_and_no_mail_and_the_job_is_tried_again(db, smtp):
    await users_asking(1)
    clock = Clock()

    crashed = await job_deliverer(crashing_after_the_work, smtp=smtp, clock=clock).deliver_all_due()

    assert (crashed.retrying, crashed.worked_out, crashed.sent) == (1, 0, 0)
    assert await OneTimeToken.all().count() == 0
    [job] = await OutboxMessage.all()
    assert (job.template, job.status, job.attempts) == (PASSWORD_RESET_REQUESTED, OutboxStatus.QUEUED, 1)
    assert "RuntimeError" in (job.last_error or "")
    assert smtp.inbox.messages == []

    clock.now += timedelta(minutes=1)  # past the first back-off (30 s)
    retried = await job_deliverer(smtp=smtp, clock=clock).deliver_all_due()

    assert (retried.worked_out, retried.sent) == (1, 1)
    assert [message["To"] for message in smtp.inbox.messages] == ["user0@bloemen.test"]
    assert await OneTimeToken.all().count() == 1
    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.status) == ("password_reset", OutboxStatus.SENT)


async def test_a_deliverer_that_lost_its_lease_does_not_work_the_job_out_again(db):
    await users_asking(1)
    clock = Clock()
    stalled = job_deliverer(clock=clock)
    [job] = await stalled.claim_due_jobs()  # …and then the deliverer stalls past its lease

    later = Clock()
    later.now = clock.now + timedelta(minutes=6)
    assert (await job_deliverer(clock=later).work_out_all_due_jobs()).worked_out == 1
    assert await work_out(job, REAL_WORK) is False  # the stalled one wakes up: nothing left to do

    assert await OneTimeToken.all().count() == 1
    assert await OutboxMessage.filter(template="password_reset").count() == 1
    assert await OutboxMessage.filter(template=PASSWORD_RESET_REQUESTED).count() == 0


async def test_on_postgres_a_second_deliverer_waits_for_the_first_and_then_does_nothing(pg_db):
    await users_asking(1)
    [job] = await job_deliverer().claim_due_jobs()
    working, finish = asyncio.Event(), asyncio.Event()

    async def slow_work(row: OutboxMessage) -> None:
        await REAL_WORK(row)
        working.set()
        await finish.wait()

    first = asyncio.create_task(work_out(job, slow_work))
    await working.wait()
    second = asyncio.create_task(work_out(job, REAL_WORK))
    await asyncio.sleep(0.3)
    assert not second.done(), "the second deliverer should wait on the job row's lock"
    finish.set()

    assert (await first, await second) == (True, False)
    assert await OneTimeToken.all().count() == 1
    assert await OutboxMessage.filter(template="password_reset").count() == 1


def running_clock() -> datetime:
    """Real time a second ahead: working out 40 jobs may take longer than a second on a slow
    machine, and a frozen clock would never find the last mails due."""
    return datetime.now(UTC) + timedelta(seconds=1)


async def test_two_delivery_loops_on_postgres_work_out_each_of_40_requests_once(pg_db, smtp):
    emails = await users_asking(40)
    first = job_deliverer(smtp=smtp, clock=running_clock, batch_size=5)
    second = job_deliverer(smtp=smtp, clock=running_clock, batch_size=5)

    reports = await asyncio.gather(first.deliver_all_due(), second.deliver_all_due())

    assert sum(report.worked_out for report in reports) == 40
    assert sorted(message["To"] for message in smtp.inbox.messages) == sorted(emails)
    assert await OneTimeToken.all().count() == 40
    assert await OutboxMessage.filter(template=PASSWORD_RESET_REQUESTED).count() == 0


async def test_a_deliverer_without_the_work_for_a_job_leaves_it_alone(db, smtp):
    await users_asking(1)

    without_jobs = Deliverer(SmtpBackend("127.0.0.1", smtp.port, timeout=5), "shop@flora.test")
    report = await without_jobs.deliver_all_due()

    assert report.handled == 0
    [job] = await OutboxMessage.all()
    assert (job.template, job.status, job.attempts) == (PASSWORD_RESET_REQUESTED, OutboxStatus.QUEUED, 0)
    await deliver(smtp)  # the delivery loop of `serve` has the work
    assert [message["To"] for message in smtp.inbox.messages] == ["user0@bloemen.test"]


async def test_a_job_that_keeps_failing_is_marked_failed_and_mails_nothing(db):
    await users_asking(1)
    clock = Clock()
    mailer = job_deliverer(crashing_after_the_work, clock=clock, policy=RetryPolicy(max_attempts=2))

    for _ in range(2):
        await mailer.deliver_all_due()
        clock.now += timedelta(hours=2)

    [job] = await OutboxMessage.all()
    assert (job.template, job.status, job.attempts) == (PASSWORD_RESET_REQUESTED, OutboxStatus.FAILED, 2)
    assert await OneTimeToken.all().count() == 0


async def test_a_job_nobody_knows_is_refused():
    with pytest.raises(ValueError, match="unknown mail job"):
        await enqueue_job("nope", recipient="x@x.test", context={}, now=datetime.now(UTC))
    with pytest.raises(ValueError, match="no such mail jobs: nope"):
        Deliverer(SmtpBackend("127.0.0.1", 9), "x@x.test", jobs={"nope": REAL_WORK})
