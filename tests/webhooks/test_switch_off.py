"""A webhook failing for 5 days running is switched off, once, and the owners who may see it get
one mail each."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from auth.sessions import scope_of
from mail.rendering import render
from mail.template_names import MailTemplate
from models import AdminUser, OutboxMessage, Shop, StaffRole, Webhook, WebhookDelivery, WebhookDeliveryStatus
from resolvers.webhooks import in_reach
from tests.factories import make_admin, make_shop
from tests.webhooks.factories import Clock, deliverer, make_webhook, queue_event
from webhooks.delivery import WebhookDeliverer

CONTEXT = {
    "url": "https://erp.bloemen.test/hooks/gatehouse?k=1&j=2", "host": "erp.bloemen.test",
    "description": "ERP <live>", "failing_since": "2026-03-01 10:00 UTC", "days": "5",
    "last_error": "HTTP 503: down for maintenance",
}


async def staff_mails() -> list[OutboxMessage]:
    mails = OutboxMessage.filter(template=MailTemplate.STAFF_WEBHOOK_DISABLED.value)
    return await mails.order_by("recipient")


async def retried_until_settled(webhooks: WebhookDeliverer, clock: Clock, webhook: Webhook) -> None:
    """Every queued delivery of `webhook` retried, the clock moved to each next attempt, until
    none is left queued (given up, or waiting while the webhook is off)."""
    while True:
        await webhooks.deliver_all_due()
        if not (await Webhook.get(id=webhook.id)).active:
            return
        waiting = WebhookDelivery.filter(webhook_id=webhook.id, status=WebhookDeliveryStatus.QUEUED)
        next_one = await waiting.order_by("next_attempt_at").first()
        if next_one is None:
            return
        clock.now = max(clock.now, next_one.next_attempt_at)


async def test_five_days_of_failures_switch_the_webhook_off_and_mail_each_owner_once(db, receiver, clock):
    await make_admin("owner@flora.test")
    await make_admin("second-owner@flora.test")
    await make_admin("manager@flora.test", role=StaffRole.MANAGER)
    await make_admin("owner-of-another-shop@flora.test", shops=[await make_shop("tulip")])
    gone = await make_admin("gone@flora.test")
    gone.is_active = False
    await gone.save()
    receiver.answer("/hook", 503)
    webhook = await make_webhook(receiver.url(), description="ERP")
    webhooks = deliverer(clock)
    await queue_event(webhook, at=clock.now)
    await webhooks.deliver_all_due()
    began = clock.now
    first_failure = await Webhook.get(id=webhook.id)

    # Four days on, three events fail together, and go on failing for a day.
    clock.advance(days=4)
    for _ in range(3):
        await queue_event(webhook, at=clock.now)
    await retried_until_settled(webhooks, clock, webhook)

    assert first_failure.failing_since == began
    switched = await Webhook.get(id=webhook.id)
    assert switched.active is False
    assert switched.failing_since == began
    # Switched off by the attempt that gave the three up, the first after the 5 days.
    assert timedelta(days=5) <= clock.now - began < timedelta(days=5, hours=4, minutes=1)
    assert await WebhookDelivery.filter(status=WebhookDeliveryStatus.FAILED).count() == 4
    assert switched.disabled_reason == (
        f"Deliveries failed for 5 days since {began.astimezone(UTC):%Y-%m-%d %H:%M} UTC."
    )
    mails = await staff_mails()
    assert [mail.recipient for mail in mails] == ["owner@flora.test", "second-owner@flora.test"]
    assert mails[0].language == "en"
    assert mails[0].shop_id is None
    assert mails[0].context["url"] == receiver.url()
    assert mails[0].context["last_error"] == "HTTP 503: no luck, 503"
    # Switched off, it gets nothing more; what is written for it waits.
    later = await queue_event(webhook, at=clock.now)
    sent_before = len(receiver.received)
    assert (await webhooks.deliver_all_due()).handled == 0
    assert len(receiver.received) == sent_before
    assert (await WebhookDelivery.get(id=later.id)).status == WebhookDeliveryStatus.QUEUED
    assert len(await staff_mails()) == 2


async def test_a_failure_5_days_after_another_with_nothing_between_is_not_5_days_of_failing(
    db, receiver, clock
):
    await make_admin("owner@flora.test")
    receiver.answer("/hook", 503)
    webhook = await make_webhook(receiver.url())
    webhooks = deliverer(clock)
    await queue_event(webhook, at=clock.now)
    began = clock.now
    await retried_until_settled(webhooks, clock, webhook)  # given up after a day

    clock.now = began + timedelta(days=5, hours=1)
    await queue_event(webhook, at=clock.now)
    await webhooks.deliver_all_due()
    after_one_failure = await Webhook.get(id=webhook.id)
    mails_after_one_failure = await staff_mails()
    await retried_until_settled(webhooks, clock, webhook)

    assert (after_one_failure.active, after_one_failure.failing_since) == (True, began)
    assert mails_after_one_failure == []
    # A day of failed attempts on, the receiver has been failing for over 5 days running.
    switched = await Webhook.get(id=webhook.id)
    assert switched.active is False
    assert clock.now - began >= timedelta(days=6, hours=1)
    assert [mail.recipient for mail in await staff_mails()] == ["owner@flora.test"]


async def test_one_success_starts_the_five_days_afresh(db, receiver, clock):
    receiver.answer("/hook", 503, 200, 503)
    webhook = await make_webhook(receiver.url())
    webhooks = deliverer(clock)

    await queue_event(webhook, at=clock.now)
    await webhooks.deliver_all_due()
    clock.advance(days=4)
    await webhooks.deliver_all_due()  # its retry is delivered: no longer failing
    recovered = await Webhook.get(id=webhook.id)
    clock.advance(days=1, seconds=1)
    await queue_event(webhook, at=clock.now)
    await webhooks.deliver_all_due()

    assert recovered.failing_since is None
    failing_again = await Webhook.get(id=webhook.id)
    assert (failing_again.active, failing_again.failing_since) == (True, clock.now)
    assert await staff_mails() == []


async def test_a_success_clears_the_failing_mark_a_failure_set_while_it_was_under_way(db, receiver, clock):
    # Both attempts read the webhook (not failing) before either is answered; the failure is
    # answered first, the success after it.
    receiver.stall("/hook", 0.3, 0.8)
    receiver.answer("/hook", 503, 200)
    webhook = await make_webhook(receiver.url())
    for _ in range(2):
        await queue_event(webhook, at=clock.now)

    report = await deliverer(clock).deliver_due()

    assert (report.delivered, report.retrying) == (1, 1)
    assert (await Webhook.get(id=webhook.id)).failing_since is None


async def switched_off_by_a_given_up_delivery(webhook: Webhook, clock: Clock) -> None:
    """`webhook`, failing for 5 days, switched off by a delivery a day old failing once more."""
    await Webhook.filter(id=webhook.id).update(failing_since=clock.now - timedelta(days=5))
    await queue_event(webhook, at=clock.now - timedelta(days=1))
    await deliverer(clock).deliver_all_due()
    assert (await Webhook.get(id=webhook.id)).active is False


async def test_only_owners_within_whose_reach_the_webhook_is_are_mailed_and_no_shop_sees_it(
    db, receiver, clock
):
    flora, tulip, rose = await make_shop("flora"), await make_shop("tulip"), await make_shop("rose")
    await make_admin("everywhere@flora.test")
    await make_admin("flora-owner@flora.test", shops=[flora])
    await make_admin("tulip-owner@flora.test", shops=[tulip])
    await make_admin("flora-tulip-rose-owner@flora.test", shops=[flora, tulip, rose])
    await make_admin("flora-tulip-manager@flora.test", role=StaffRole.MANAGER, shops=[flora, tulip])
    receiver.answer("/hook", 500)
    webhook = await make_webhook(receiver.url(), all_shops=False)
    await webhook.shops.add(flora, tulip)

    await switched_off_by_a_given_up_delivery(webhook, clock)

    mails = await staff_mails()
    # The owner of flora alone may not read the webhook (resolvers/webhooks.py), so is not told.
    assert [mail.recipient for mail in mails] == [
        "everywhere@flora.test", "flora-tulip-rose-owner@flora.test"
    ]
    assert {mail.shop_id for mail in mails} == {None}
    await assert_told_exactly_those_reaching(webhook)


@pytest.mark.parametrize("shops", [["flora"], [], None], ids=["one shop", "no shop", "every shop"])
async def test_the_owners_told_are_exactly_those_the_webhooks_reach_rule_lets_see_it(
    db, receiver, clock, shops
):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await make_admin("everywhere@flora.test")
    await make_admin("flora-owner@flora.test", shops=[flora])
    await make_admin("flora-tulip-owner@flora.test", shops=[flora, tulip])
    await make_admin("tulip-owner@flora.test", shops=[tulip])
    receiver.answer("/hook", 500)
    webhook = await make_webhook(receiver.url(), all_shops=shops is None)
    for handle in shops or []:
        await webhook.shops.add(await Shop.get(handle=handle))

    await switched_off_by_a_given_up_delivery(webhook, clock)

    await assert_told_exactly_those_reaching(webhook)
    # With one shop too, the mail is of none: that shop's other staff read its outbox.
    assert {mail.shop_id for mail in await staff_mails()} == {None}


async def assert_told_exactly_those_reaching(webhook: Webhook) -> None:
    """The mail went to each active owner the management API shows the webhook to, no other."""
    reaching = set()
    for owner in await AdminUser.filter(role=StaffRole.OWNER, is_active=True):
        if await in_reach(await scope_of(owner)).filter(id=webhook.id).exists():
            reaching.add(owner.email)
    assert {mail.recipient for mail in await staff_mails()} == reaching
    assert reaching


@pytest.mark.parametrize("language", ["en", "nl", "de", "fr"])
def test_the_staff_mail_names_the_webhook_and_why_in_every_language(language):
    mail = render(MailTemplate.STAFF_WEBHOOK_DISABLED, language, CONTEXT)

    assert mail.subject.endswith("erp.bloemen.test")
    for body in (mail.text, mail.html.replace("&amp;", "&")):
        assert CONTEXT["url"] in body
        assert "2026-03-01 10:00 UTC" in body
        assert "HTTP 503: down for maintenance" in body
        assert "updateWebhook" in body
    assert "ERP <live>" in mail.text
    assert "ERP &lt;live&gt;" in mail.html


def test_the_staff_mail_is_translated():
    subjects = {render(MailTemplate.STAFF_WEBHOOK_DISABLED, language, CONTEXT).subject for language in (
        "en", "nl", "de", "fr"
    )}

    assert len(subjects) == 4
