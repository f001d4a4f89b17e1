"""Registration requests never confirmed (double opt-in) go after 7 days, with their answers
and mails: by `serve`'s timer and by `gatehouse purge-unverified-registrations`."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import (
    ActorKind,
    AuditEvent,
    OutboxMessage,
    OutboxStatus,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
)
from resolvers.registrations.verification import purge_unverified_requests
from server.background import background_work
from server.database import apply_migrations, database
from tests.factories import make_shop, pending_request
from tests.server.command import rows, run_gatehouse
from tests.use_cases import cheap_runtime


async def submitted(
    shop: Shop, email: str, days_ago: float, status: RegistrationStatus = RegistrationStatus.UNVERIFIED
) -> RegistrationRequest:
    """A request of `email` with one answer and its verification mail (sent), `days_ago` old."""
    request = await pending_request(shop, "Eva Jansen", email, status=status)
    await enqueue(
        recipient=email, template=MailTemplate.VERIFY_REGISTRATION, language="en",
        context={"shop_name": shop.name, "name": "Eva Jansen"}, now=datetime.now(UTC),
        about_request=request,
    )
    await OutboxMessage.filter(registration_request_id=request.id).update(status=OutboxStatus.SENT)
    # submitted_at is set on creation; move it into the past as if it had waited.
    await RegistrationRequest.filter(id=request.id).update(
        submitted_at=datetime.now(UTC) - timedelta(days=days_ago)
    )
    return request


async def kept(*requests: RegistrationRequest) -> list[str]:
    """The emails of those of `requests` still stored, each with its answer and its mail."""
    emails = []
    for request in requests:
        if await RegistrationRequest.exists(id=request.id):
            assert await RegistrationAnswer.filter(request_id=request.id).count() == 1
            assert await OutboxMessage.filter(registration_request_id=request.id).count() == 1
            emails.append(request.email)
    return emails


async def test_the_purge_deletes_only_unverified_requests_older_than_7_days(db):
    shop = await make_shop("flora")
    expired = await submitted(shop, "old@x.test", days_ago=8)
    young = await submitted(shop, "young@x.test", days_ago=6)
    pending = await submitted(shop, "pending@x.test", days_ago=30, status=RegistrationStatus.PENDING)

    purged = await purge_unverified_requests(cheap_runtime())

    assert purged == 1
    assert await kept(expired, young, pending) == ["young@x.test", "pending@x.test"]
    assert await RegistrationAnswer.all().count() == 2
    assert await OutboxMessage.filter(registration_request_id__isnull=True).count() == 0
    [event] = await AuditEvent.all()
    assert (event.action, event.object_type, event.object_id) == (
        "registration.unverified_expired", "RegistrationRequest", expired.id,
    )
    assert (event.actor_kind, event.shop_id) == (ActorKind.SYSTEM, shop.id)
    assert event.details == {"name": "Eva Jansen", "email": "old@x.test"}


async def test_a_second_purge_finds_nothing_and_audits_nothing(db):
    shop = await make_shop("flora")
    await submitted(shop, "old@x.test", days_ago=8)
    await purge_unverified_requests(cheap_runtime())

    assert await purge_unverified_requests(cheap_runtime()) == 0
    assert await AuditEvent.all().count() == 1


async def test_the_runtime_clock_decides_what_is_old(db):
    shop = await make_shop("flora")
    request = await submitted(shop, "eva@x.test", days_ago=1)
    a_week_on = cheap_runtime(clock=lambda: datetime.now(UTC) + timedelta(days=7))

    assert await purge_unverified_requests(a_week_on) == 1
    assert not await RegistrationRequest.exists(id=request.id)


async def test_serves_background_work_purges_unverified_requests(db, settings):
    shop = await make_shop("flora")
    request = await submitted(shop, "old@x.test", days_ago=8)

    async with background_work(replace(settings, mail_poll_seconds=3600), cheap_runtime()):
        for _ in range(250):
            if not await RegistrationRequest.exists(id=request.id):
                break
            await asyncio.sleep(0.02)

    assert not await RegistrationRequest.exists(id=request.id)
    assert await AuditEvent.filter(action="registration.unverified_expired").count() == 1


def test_the_command_purges_and_says_how_many(database_file: Path):
    url = f"sqlite://{database_file.resolve()}"

    async def seed() -> None:
        await apply_migrations(url)
        async with database(url, global_fallback=False):
            shop = await make_shop("flora")
            await submitted(shop, "old@x.test", days_ago=8)
            await submitted(shop, "older@x.test", days_ago=9)
            await submitted(shop, "young@x.test", days_ago=1)

    asyncio.run(seed())

    first = run_gatehouse(database_file, "purge-unverified-registrations")
    second = run_gatehouse(database_file, "purge-unverified-registrations")

    assert first.exit_code == 0, first.output
    assert first.output == "Deleted 2 unverified registration request(s).\n"
    assert second.output == "Deleted 0 unverified registration request(s).\n"
    assert rows(database_file, "SELECT email FROM registration_request") == [("young@x.test",)]
    assert rows(database_file, "SELECT action, actor_kind FROM audit_event ORDER BY id") == [
        ("registration.unverified_expired", "SYSTEM"),
    ] * 2
