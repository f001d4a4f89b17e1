"""The delivery loop against a real receiver: signed, retried on its schedule, given up after a day,
never held back by a slow receiver, and never sent where it may not go."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from auth.secret_box import SecretBox
from models import Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookMessage
from tests.db_triggers import updates_skipped, writes_refused
from tests.query_counter import count_queries
from tests.webhooks.factories import BOX, deliverer, make_webhook, queue_event
from tests.webhooks.receiver import Received, hand_signature
from webhooks.delivered import DeliveredLedger
from webhooks.delivery import DeliveryReport, RetryPolicy
from webhooks.secrets import new_secret


async def reloaded(delivery: WebhookDelivery) -> WebhookDelivery:
    return await WebhookDelivery.get(id=delivery.id)


def verified_by_hand(request: Received, secret: str) -> bool:
    """Whether one of the request's signatures is the one `secret` makes (at any timestamp)."""
    expected = hand_signature(
        secret, request.headers["webhook-id"], request.headers["webhook-timestamp"], request.body
    )
    return expected in request.headers["webhook-signature"].split(" ")


async def test_a_delivery_arrives_as_stored_and_signed_so_the_receiver_can_check_it(db, receiver, clock):
    secret = new_secret()
    delivery = await queue_event(await make_webhook(receiver.url(), secret))
    message = await WebhookMessage.get(id=delivery.message_id)

    report = await deliverer(clock).deliver_all_due()

    assert report == DeliveryReport(delivered=1)
    [request] = receiver.received
    assert request.body == message.body.encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == message.message_id
    assert request.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert request.headers["webhook-signature"] == hand_signature(
        secret, message.message_id, int(clock.now.timestamp()), message.body
    )
    assert StandardWebhook(secret).verify(request.body, request.headers) == json.loads(message.body)
    row = await reloaded(delivery)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        WebhookDeliveryStatus.DELIVERED, 1, 200, None
    )
    assert row.delivered_at == clock.now
    assert (await deliverer(clock).deliver_all_due()).handled == 0


async def test_a_retry_carries_the_same_id_and_body_signed_anew_after_30_seconds(db, receiver, clock):
    secret = new_secret()
    receiver.answer("/hook", 500, 200)
    delivery = await queue_event(await make_webhook(receiver.url(), secret))
    webhooks = deliverer(clock)

    first = await webhooks.deliver_all_due()
    failed = await reloaded(delivery)
    clock.advance(seconds=29)
    too_early = await webhooks.deliver_all_due()
    clock.advance(seconds=1)
    second = await webhooks.deliver_all_due()

    assert (first, too_early, second) == (
        DeliveryReport(retrying=1), DeliveryReport(), DeliveryReport(delivered=1)
    )
    assert (failed.status, failed.attempts, failed.last_status_code) == (
        WebhookDeliveryStatus.QUEUED, 1, 500
    )
    assert failed.last_error == "HTTP 500: no luck, 500"
    before, after = receiver.received
    assert before.headers["webhook-id"] == after.headers["webhook-id"]
    assert before.body == after.body
    assert int(after.headers["webhook-timestamp"]) - int(before.headers["webhook-timestamp"]) == 30
    assert before.headers["webhook-signature"] != after.headers["webhook-signature"]
    assert verified_by_hand(before, secret)
    assert verified_by_hand(after, secret)
    delivered = await reloaded(delivery)
    assert (delivered.status, delivered.attempts, delivered.last_status_code, delivered.last_error) == (
        WebhookDeliveryStatus.DELIVERED, 2, 200, None
    )


async def test_retries_double_from_30_seconds_to_4_hours_and_stop_once_a_day_has_passed(db, receiver, clock):
    receiver.answer("/hook", 503)
    delivery = await queue_event(await make_webhook(receiver.url()))
    webhooks = deliverer(clock)
    delays = []

    while (row := await reloaded(delivery)).status == WebhookDeliveryStatus.QUEUED:
        await webhooks.deliver_all_due()
        row = await reloaded(delivery)
        if row.status == WebhookDeliveryStatus.QUEUED:
            delays.append(row.next_attempt_at - clock.now)
            clock.now = row.next_attempt_at

    minutes = [timedelta(minutes=n) for n in (0.5, 1, 2, 4, 8, 16, 32, 64, 128)]
    assert delays == [*minutes, *[timedelta(hours=4)] * 5]
    # The last attempt is the first made a day or more after the delivery was written.
    assert clock.now - row.created_at >= timedelta(days=1)
    assert clock.now - delays[-1] - row.created_at < timedelta(days=1)
    assert (row.status, row.attempts, row.last_status_code) == (WebhookDeliveryStatus.FAILED, 15, 503)
    assert len(receiver.received) == 15
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 1


async def test_a_stalling_receiver_holds_back_no_other_webhook_and_its_timeout_is_a_retry(
    db, receiver, clock
):
    receiver.stall("/slow", 30)
    slow = await queue_event(await make_webhook(receiver.url("/slow")))
    fast = await queue_event(await make_webhook(receiver.url("/fast")))
    started = time.monotonic()

    one_round = asyncio.create_task(deliverer(clock, timeout=1).deliver_due())
    while (await reloaded(fast)).status != WebhookDeliveryStatus.DELIVERED:
        assert time.monotonic() - started < 1, "the fast receiver's delivery waited for the slow one"
        await asyncio.sleep(0.01)
    fast_took = time.monotonic() - started
    assert not one_round.done()
    report = await one_round
    took = time.monotonic() - started

    assert fast_took < 1 <= took < 5
    assert report == DeliveryReport(delivered=1, retrying=1)  # both claimed in the one round
    stalled = await reloaded(slow)
    assert (stalled.status, stalled.attempts, stalled.last_status_code) == (
        WebhookDeliveryStatus.QUEUED, 1, None
    )
    assert stalled.last_error == "No answer within 1 s."
    assert stalled.next_attempt_at == clock.now + timedelta(seconds=30)
    assert len(receiver.to("/slow")) == 1


async def test_the_running_loop_claims_new_deliveries_while_a_slow_one_is_under_way(db, receiver):
    receiver.stall("/slow", 30)
    slow = await queue_event(await make_webhook(receiver.url("/slow")))
    fast_webhook = await make_webhook(receiver.url("/fast"))
    stop = asyncio.Event()
    running = asyncio.create_task(
        deliverer(lambda: datetime.now(UTC) + timedelta(seconds=1), timeout=2).run(stop, interval=0.05)
    )
    try:
        while not receiver.to("/slow"):  # noqa: ASYNC110 -- polls the receiver's thread
            await asyncio.sleep(0.01)
        fast = await queue_event(fast_webhook)
        queued_at = time.monotonic()
        while (await reloaded(fast)).status != WebhookDeliveryStatus.DELIVERED:
            assert time.monotonic() - queued_at < 1, "the loop waited for the slow delivery"
            await asyncio.sleep(0.01)
        assert (await reloaded(slow)).last_error is None  # still under way
    finally:
        stop.set()
        await running

    assert (await reloaded(slow)).last_error == "No answer within 2 s."


@pytest.mark.parametrize(("url", "error"), [
    ("http://127.0.0.1:{port}/hook", r"Use an https URL\."),
    ("https://127.0.0.1:{port}/hook", r"127\.0\.0\.1 is this machine\."),
    ("https://localhost:{port}/hook", r"localhost resolves to (127\.0\.0\.1|::1): \S+ is this machine\."),
    ("https://10.1.2.3/hook", r"10\.1\.2\.3 is a private address\."),
    ("https://169.254.169.254/latest/meta-data/", r"169\.254\.169\.254 is a link-local address\."),
    ("https://[::1]:{port}/hook", r"::1 is this machine\."),
    ("https://[::ffff:127.0.0.1]:{port}/hook", r"127\.0\.0\.1 is this machine\."),
])
async def test_a_target_inside_the_network_is_a_failed_attempt_that_sends_nothing(
    db, receiver, clock, url, error
):
    delivery = await queue_event(await make_webhook(url.format(port=receiver.port)))

    report = await deliverer(clock, allow_private=False).deliver_all_due()

    assert report == DeliveryReport(retrying=1)
    row = await reloaded(delivery)
    assert (row.status, row.attempts, row.last_status_code) == (WebhookDeliveryStatus.QUEUED, 1, None)
    assert re.fullmatch(f"Not sent: {error}", row.last_error or ""), row.last_error
    assert receiver.received == []


async def test_a_redirect_is_a_failed_attempt_and_is_not_followed(db, receiver, clock):
    receiver.redirect("/hook", receiver.url("/elsewhere"))
    delivery = await queue_event(await make_webhook(receiver.url("/hook")))

    report = await deliverer(clock).deliver_all_due()

    assert report == DeliveryReport(retrying=1)
    row = await reloaded(delivery)
    assert row.last_status_code == 302
    assert row.last_error == f"HTTP 302: a redirect to {receiver.url('/elsewhere')}, which is not followed."
    assert receiver.to("/elsewhere") == []


async def test_while_rotating_both_secrets_sign_and_after_the_grace_only_the_new_one(db, receiver, clock):
    new, old = new_secret(), new_secret()
    webhook = await make_webhook(
        receiver.url(), new, previous_secret_sealed=BOX.encrypt(old),
        previous_secret_until=clock.now + timedelta(minutes=1),
    )
    await queue_event(webhook)
    await deliverer(clock).deliver_all_due()
    clock.advance(minutes=2)
    await queue_event(webhook)
    await deliverer(clock).deliver_all_due()

    during, after = receiver.received
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verified_by_hand(during, new)
    assert verified_by_hand(during, old)
    StandardWebhook(old).verify(during.body, during.headers)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert verified_by_hand(after, new)
    assert not verified_by_hand(after, old)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(old).verify(after.body, after.headers)


async def test_each_attempt_reads_its_webhook_afresh(db, receiver, clock):
    webhook = await make_webhook(receiver.url("/before"))
    delivery = await queue_event(webhook)
    webhook.url = receiver.url("/after")
    await webhook.save()

    await deliverer(clock).deliver_all_due()

    assert [request.path for request in receiver.received] == ["/after"]
    assert (await reloaded(delivery)).status == WebhookDeliveryStatus.DELIVERED


async def test_deliveries_of_a_webhook_that_is_off_wait_and_go_out_once_it_is_on(db, receiver, clock):
    webhook = await make_webhook(receiver.url(), active=False)
    delivery = await queue_event(webhook)

    while_off = await deliverer(clock).deliver_all_due()
    waiting = await reloaded(delivery)
    webhook.active = True
    await webhook.save()
    clock.advance(hours=1)
    once_on = await deliverer(clock).deliver_all_due()

    assert (while_off.handled, waiting.status, waiting.attempts) == (0, WebhookDeliveryStatus.QUEUED, 0)
    assert once_on == DeliveryReport(delivered=1)
    assert len(receiver.received) == 1


async def test_the_backlog_of_a_webhook_that_is_off_is_parked_an_hour_not_walked_by_every_claim(
    db, receiver, clock
):
    off = await make_webhook(receiver.url("/off"), active=False)
    backlog = [await queue_event(off, at=clock.now - timedelta(minutes=5)) for _ in range(30)]
    live = await queue_event(await make_webhook(receiver.url("/live")), at=clock.now)
    webhooks = deliverer(clock, batch_size=10)
    first_round_at = clock.now

    first = await webhooks.deliver_due()
    parked = [await reloaded(delivery) for delivery in backlog]
    clock.advance(minutes=59)
    within_the_hour = await webhooks.claim_due(100)
    clock.advance(minutes=1)
    after_the_hour = await webhooks.claim_due(100)

    # Met at the head of the queue, the backlog is moved out of the way at once, whole, and
    # the claim goes on past it to what is due behind.
    assert first == DeliveryReport(delivered=1)
    assert (await reloaded(live)).status == WebhookDeliveryStatus.DELIVERED
    assert {(row.status, row.attempts) for row in parked} == {(WebhookDeliveryStatus.QUEUED, 0)}
    assert {row.next_attempt_at for row in parked} == {first_round_at + timedelta(hours=1)}
    assert within_the_hour == []
    # An hour on it is looked at once more, and parked again.
    assert after_the_hour == []
    again = {(await reloaded(delivery)).next_attempt_at for delivery in backlog}
    assert again == {clock.now + timedelta(hours=1)}
    assert receiver.to("/off") == []


async def test_a_secret_no_key_opens_is_a_failed_attempt_that_sends_nothing(db, receiver, clock):
    webhook = await make_webhook(receiver.url())
    webhook.secret_sealed = SecretBox(SecretBox.new_key()).encrypt(new_secret())
    await webhook.save()
    delivery = await queue_event(webhook)

    await deliverer(clock).deliver_all_due()

    assert (await reloaded(delivery)).last_error == (
        "Not sent: no key of GATEHOUSE_SECRET_KEY opens the webhook's secret."
    )
    assert receiver.received == []


async def test_two_deliverers_on_postgres_send_each_of_200_deliveries_once(pg_db, receiver):
    webhooks = [await make_webhook(receiver.url(f"/hook{index}")) for index in range(4)]
    for index in range(200):
        await queue_event(webhooks[index % 4], {"n": index}, message_id=f"msg_{index:03d}")
    first, second = deliverer(batch_size=10), deliverer(batch_size=10)

    reports = await asyncio.gather(first.deliver_all_due(), second.deliver_all_due())

    assert sum(report.delivered for report in reports) == 200
    assert all(report.delivered > 0 for report in reports), "both deliverers took part"
    ids = [request.headers["webhook-id"] for request in receiver.received]
    assert len(ids) == len(set(ids)) == 200
    assert await WebhookDelivery.filter(status=WebhookDeliveryStatus.DELIVERED, attempts=1).count() == 200



async def test_a_claim_of_40_deliveries_costs_the_statements_of_a_claim_of_5(db, receiver, clock):
    webhook = await make_webhook(receiver.url())
    queued = [await queue_event(webhook) for _ in range(45)]
    webhooks = deliverer(clock)

    with count_queries() as for_five:
        five = await webhooks.claim_due(5)
    with count_queries() as for_forty:
        forty = await webhooks.claim_due(40)

    assert (len(five), len(forty)) == (5, 40)
    assert len(for_five) == len(for_forty) <= 4  # the read with its locks, the lease (and BEGIN/COMMIT)
    assert {delivery.id for delivery in five + forty} == {delivery.id for delivery in queued}
    leased = await WebhookDelivery.filter(webhook_id=webhook.id).values_list("attempts", "next_attempt_at")
    assert set(leased) == {(1, clock.now + RetryPolicy().lease)}


async def test_a_claim_that_loses_one_of_its_deliveries_to_another_deliverer_takes_none(db, receiver, clock):
    webhook = await make_webhook(receiver.url())
    taken = (await queue_event(webhook), await queue_event(webhook), await queue_event(webhook))[0]
    webhooks = deliverer(clock)

    # another deliverer's claim changed one of the rows between this claim's read and its lease
    async with updates_skipped(WebhookDelivery._meta.db, "webhook_delivery", when=f"OLD.id = {taken.id}"):
        lost = await webhooks.claim_due(10)

    assert lost == []
    assert {row.attempts for row in await WebhookDelivery.filter(webhook_id=webhook.id)} == {0}
    assert len(await webhooks.claim_due(10)) == 3  # nothing of the lost claim was left behind
    assert receiver.received == []


async def test_successes_are_written_down_together_each_as_it_was_answered(db, receiver, clock):
    webhook = await make_webhook(receiver.url(), failing_since=clock.now - timedelta(hours=1))
    deliveries = [await queue_event(webhook) for _ in range(20)]
    ledger = DeliveredLedger(clock)
    started = clock.now

    with count_queries() as statements:
        for index, delivery in enumerate(deliveries):
            clock.advance(seconds=1)
            ledger.note(delivery, 204 if index % 2 else 200)
        await ledger.flush()

    assert len(statements) == 2  # the deliveries, and their webhook no longer failing
    rows = await WebhookDelivery.filter(webhook_id=webhook.id).order_by("id")
    assert [(row.status, row.last_status_code, row.delivered_at, row.last_error) for row in rows] == [
        (WebhookDeliveryStatus.DELIVERED, 204 if n % 2 else 200, started + timedelta(seconds=n + 1), None)
        for n in range(20)
    ]
    assert (await Webhook.get(id=webhook.id)).failing_since is None


async def test_a_success_whose_writing_fails_goes_again_with_its_id_once_the_lease_ends(db, receiver, clock):
    delivery = await queue_event(await make_webhook(receiver.url()))
    webhooks = deliverer(clock)

    async with writes_refused(
        WebhookDelivery._meta.db, "webhook_delivery", "UPDATE", when="NEW.status = 'DELIVERED'"
    ):
        answered = await webhooks.deliver_due()
    left = await reloaded(delivery)
    clock.advance(seconds=RetryPolicy().lease.total_seconds() - 1)
    before_the_lease_ends = await webhooks.deliver_all_due()
    clock.advance(seconds=1)
    again = await webhooks.deliver_all_due()

    assert answered == DeliveryReport(delivered=1)  # the receiver answered; it was not written down
    assert (left.status, left.attempts) == (WebhookDeliveryStatus.QUEUED, 1)
    assert before_the_lease_ends.handled == 0
    assert again == DeliveryReport(delivered=1)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert (await reloaded(delivery)).status == WebhookDeliveryStatus.DELIVERED


async def test_while_it_gives_way_the_loop_starts_one_attempt_at_a_time_at_its_rate(db, receiver):
    webhook = await make_webhook(receiver.url())
    for _ in range(30):
        await queue_event(webhook)
    answering_requests = True
    stop = asyncio.Event()
    webhooks = deliverer(
        lambda: datetime.now(UTC) + timedelta(seconds=1),
        gives_way_to=lambda: answering_requests, rate_while_giving_way=10,
    )
    running = asyncio.create_task(webhooks.run(stop, interval=0.05))
    try:
        await asyncio.sleep(0.5)
        while_giving_way = len(receiver.received)
        answering_requests = False
        started = time.monotonic()
        while len(receiver.received) < 30:
            assert time.monotonic() - started < 10, "the loop went on giving way"
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await running

    assert 1 <= while_giving_way <= 6  # the first at once, then 10 a second
    assert await WebhookDelivery.filter(status=WebhookDeliveryStatus.DELIVERED).count() == 30


async def test_a_failure_marked_after_a_success_that_waits_to_be_written_keeps_its_mark(db, receiver, clock):
    webhook = await make_webhook(receiver.url())
    delivery = await queue_event(webhook)
    # another delivery of the webhook failed a second after this one's answer, before it was written
    failed_at = clock.now + timedelta(seconds=1)
    await Webhook.filter(id=webhook.id).update(failing_since=failed_at)
    ledger = DeliveredLedger(clock)

    ledger.note(delivery, 200)
    await ledger.flush()

    assert (await reloaded(delivery)).status == WebhookDeliveryStatus.DELIVERED
    assert (await Webhook.get(id=webhook.id)).failing_since == failed_at
