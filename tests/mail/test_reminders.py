"""Rule 11: one digest a day per shop with requests pending longer than its reminder delay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from auth.passwords import PasswordHasher
from models import OutboxMessage, RegistrationRequest, RegistrationStatus
from resolvers.reminders import send_reminder_digests
from resolvers.runtime import Runtime
from tests.factories import make_shop

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def runtime_at(moment: datetime) -> Runtime:
    return Runtime(passwords=PasswordHasher(1, 8, 1), admin_url="http://admin.test", clock=lambda: moment)


async def pending(shop, name: str, hours_ago: float, status=RegistrationStatus.PENDING) -> None:
    request = await RegistrationRequest.create(shop=shop, name=name, email=f"{name}@x.test", language="en", status=status)
    # submitted_at is set on creation; move it into the past as if it had waited.
    await RegistrationRequest.filter(id=request.id).update(submitted_at=NOW - timedelta(hours=hours_ago))


async def test_remind_twice_in_a_day_sends_one_digest_per_shop_with_old_pending_requests(db):
    flora = await make_shop("flora", notification_email="sales@flora.test")
    quiet = await make_shop("quiet", notification_email="staff@quiet.test")
    fresh = await make_shop("fresh", notification_email="staff@fresh.test")
    await pending(flora, "eva", hours_ago=30)
    await pending(flora, "noah", hours_ago=25)
    await pending(flora, "new", hours_ago=2)  # not yet waiting long enough
    await pending(quiet, "done", hours_ago=50, status=RegistrationStatus.APPROVED)
    await pending(fresh, "young", hours_ago=3)

    first = await send_reminder_digests(runtime_at(NOW))
    second = await send_reminder_digests(runtime_at(NOW + timedelta(hours=6)))

    assert (first, second) == (["flora"], [])
    [digest] = await OutboxMessage.all()
    assert (digest.recipient, digest.template) == ("sales@flora.test", "staff_reminder_digest")
    assert [r["name"] for r in digest.context["requests"]] == ["eva", "noah"]
    assert digest.context["count"] == 2


async def test_the_next_day_brings_the_next_digest(db):
    flora = await make_shop("flora", notification_email="sales@flora.test")
    await pending(flora, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == ["flora"]
    assert await send_reminder_digests(runtime_at(NOW + timedelta(days=1))) == ["flora"]
    assert await OutboxMessage.all().count() == 2


async def test_a_shop_without_notification_email_gets_no_digest(db):
    silent = await make_shop("silent")
    await pending(silent, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == []
    assert await OutboxMessage.all().count() == 0


async def test_the_reminder_delay_is_a_shop_setting(db):
    patient = await make_shop("patient", notification_email="s@p.test", reminder_delay_hours=72)
    await pending(patient, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == []


async def test_two_instances_reminding_at_once_on_postgres_send_one_digest(pg_db):


    flora = await make_shop("flora", notification_email="sales@flora.test")
    await pending(flora, "eva", hours_ago=30)
    results = await asyncio.gather(*(send_reminder_digests(runtime_at(NOW)) for _ in range(5)))
    assert sorted(results) == [[], [], [], [], ["flora"]]
    assert await OutboxMessage.all().count() == 1
