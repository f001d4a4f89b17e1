"""Rule 11 of docs/api.md: one digest a day per shop with requests pending longer than its delay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from models import OutboxMessage, RegistrationRequest, RegistrationStatus, Shop
from resolvers.reminders import send_reminder_digests
from resolvers.runtime import Runtime
from tests.factories import make_shop, pending_request
from tests.use_cases import cheap_runtime

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def runtime_at(moment: datetime) -> Runtime:
    return cheap_runtime(admin_url="http://admin.test", clock=lambda: moment)


async def submitted(
    shop: Shop, name: str, hours_ago: float, status: RegistrationStatus = RegistrationStatus.PENDING
) -> None:
    """A request of `name` (mail `name`@x.test) that came in `hours_ago` hours before NOW."""
    request = await pending_request(shop, name, f"{name}@x.test", None, status=status, answers={})
    # submitted_at is set on creation; move it into the past as if it had waited.
    await RegistrationRequest.filter(id=request.id).update(submitted_at=NOW - timedelta(hours=hours_ago))


async def test_remind_twice_in_a_day_sends_one_digest_per_shop_with_old_pending_requests(db):
    flora = await make_shop("flora", notification_email="sales@flora.test")
    quiet = await make_shop("quiet", notification_email="staff@quiet.test")
    fresh = await make_shop("fresh", notification_email="staff@fresh.test")
    await submitted(flora, "eva", hours_ago=30)
    await submitted(flora, "noah", hours_ago=25)
    await submitted(flora, "new", hours_ago=2)  # not yet waiting long enough
    await submitted(quiet, "done", hours_ago=50, status=RegistrationStatus.APPROVED)
    await submitted(fresh, "young", hours_ago=3)

    first = await send_reminder_digests(runtime_at(NOW))
    second = await send_reminder_digests(runtime_at(NOW + timedelta(hours=6)))

    assert (first, second) == (["flora"], [])
    [digest] = await OutboxMessage.all()
    assert (digest.recipient, digest.template) == ("sales@flora.test", "staff_reminder_digest")
    assert [r["name"] for r in digest.context["requests"]] == ["eva", "noah"]
    assert digest.context["count"] == 2


async def test_the_next_day_brings_the_next_digest(db):
    flora = await make_shop("flora", notification_email="sales@flora.test")
    await submitted(flora, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == ["flora"]
    assert await send_reminder_digests(runtime_at(NOW + timedelta(days=1))) == ["flora"]
    assert await OutboxMessage.all().count() == 2


async def test_a_shop_without_notification_email_gets_no_digest(db):
    silent = await make_shop("silent")
    await submitted(silent, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == []
    assert await OutboxMessage.all().count() == 0


async def test_the_reminder_delay_is_a_shop_setting(db):
    patient = await make_shop("patient", notification_email="s@p.test", reminder_delay_hours=72)
    await submitted(patient, "eva", hours_ago=30)
    assert await send_reminder_digests(runtime_at(NOW)) == []


async def test_two_instances_reminding_at_once_on_postgres_send_one_digest(pg_db):


    flora = await make_shop("flora", notification_email="sales@flora.test")
    await submitted(flora, "eva", hours_ago=30)
    results = await asyncio.gather(*(send_reminder_digests(runtime_at(NOW)) for _ in range(5)))
    assert sorted(results) == [[], [], [], [], ["flora"]]
    assert await OutboxMessage.all().count() == 1
