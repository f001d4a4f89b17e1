"""Delivery through a real SMTP server: every template in every language, outages, rollbacks."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from mail.backends import SmtpBackend, message_id_header
from mail.delivery import Deliverer, RetryPolicy
from mail.outbox import enqueue
from mail.rendering import render
from mail.template_names import MailTemplate
from models import OutboxMessage, OutboxStatus
from tests.mail.smtp_server import SmtpServer
from tests.pg_cluster import free_port

SENDER = "shop@flora.test"
LANGUAGES = ["nl", "en", "de", "fr"]
LINK = "http://shop.test/account/invitation?token=tok-123"
RESET = "http://shop.test/account/reset-password?token=tok-456"
SIGN_IN = "http://shop.test/account/login"

# Each template with a context such as its use case gives it, and the link it must carry.
CONTEXTS: dict[str, tuple[dict[str, Any], str | None]] = {
    "staff_new_request": ({
        "shop_name": "Flora", "name": "Eva", "email": "eva@x.test", "company": "Visser",
        "request_language": "nl", "answers": [{"label": "KvK", "value": "123"}],
        "review_url": "http://admin.test/shops/flora/registration-requests/UmVx",
    }, "http://admin.test/shops/flora/registration-requests/UmVx"),
    "staff_account_created": ({
        "shop_name": "Flora", "name": "Eva", "email": "eva@x.test", "company": None,
        "answers": [], "account_url": "http://admin.test/shop-users/U2hvcA",
    }, "http://admin.test/shop-users/U2hvcA"),
    "staff_account_activated": ({"shop_name": "Flora", "name": "Eva", "username": "eva@x.test"}, None),
    "staff_reminder_digest": ({
        "shop_name": "Flora", "count": 1, "delay_hours": 24,
        "requests": [
            {"name": "Eva", "email": "eva@x.test", "company": None, "submitted_at": "2026-11-20 10:00 UTC"}
        ],
        "review_url": "http://admin.test/shops/flora/registration-requests?status=PENDING",
    }, "http://admin.test/shops/flora/registration-requests?status=PENDING"),
    "invitation": ({"shop_name": "Flora", "name": "Eva", "invitation_url": LINK, "valid_days": 7}, LINK),
    "request_received": ({"shop_name": "Flora", "name": "Eva"}, None),
    "rejection": ({"shop_name": "Flora", "name": "Eva", "reason": "Outside our region"}, None),
    "password_reset": ({"shop_name": "Flora", "name": "Eva", "reset_url": RESET, "valid_minutes": 60}, RESET),
    "welcome": ({
        "shop_name": "Flora", "name": "Eva", "username": "eva@x.test", "sign_in_url": SIGN_IN,
    }, SIGN_IN),
    "already_registered": ({
        "shop_name": "Flora", "name": "Eva", "sign_in_url": SIGN_IN, "reset_url": RESET,
    }, RESET),
}


class Clock:
    """Starts a second ahead, so mail queued just before it counts as due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


def deliverer(port: int, clock: Clock | None = None, **kwargs) -> Deliverer:
    return Deliverer(SmtpBackend("127.0.0.1", port, timeout=5), SENDER, clock=clock or Clock(), **kwargs)


async def queue(template: str, language: str, recipient: str = "eva@x.test") -> OutboxMessage:
    context, _ = CONTEXTS[template]
    return await enqueue(
        recipient=recipient, template=MailTemplate(template), language=language, context=context,
        now=datetime.now(UTC),
    )


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


async def test_every_template_in_every_language_arrives_with_subject_recipient_id_and_link(db, smtp):
    queued = {}
    for template in CONTEXTS:
        for language in LANGUAGES:
            row = await queue(template, language, recipient=f"{template}.{language}@x.test")
            queued[(template, language)] = row

    report = await deliverer(smtp.port).deliver_all_due()

    assert report.sent == len(CONTEXTS) * len(LANGUAGES) == len(smtp.inbox.messages)
    subjects_by_template: dict[str, set[str]] = {}
    for (template, language), row in queued.items():
        [message] = smtp.inbox.to(f"{template}.{language}@x.test")
        context, link = CONTEXTS[template]
        expected = render(template, language, context)
        assert message["Subject"] == expected.subject
        assert "Flora" in message["Subject"]
        assert message["From"] == SENDER
        assert message["Message-ID"] == f"<{row.message_id}@flora.test>"
        text, html = parts(message)
        if link:
            assert link in text
            assert f'href="{link.replace("&", "&amp;")}"' in html
        subjects_by_template.setdefault(template, set()).add(message["Subject"])
    # Four languages, four different subjects: the catalogs really are translated.
    assert all(len(subjects) == 4 for subjects in subjects_by_template.values())
    assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == report.sent


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("template", "url_key"), [
    ("staff_new_request", "review_url"),
    ("staff_account_created", "account_url"),
    ("staff_reminder_digest", "review_url"),
])
def test_staff_mail_without_a_dashboard_says_so_instead_of_linking(template, url_key, language):
    context = {**CONTEXTS[template][0], url_key: None}

    mail = render(template, language, context)

    for body in (mail.text, mail.html):
        assert "GATEHOUSE_ADMIN_URL" in body
        assert "None" not in body
        assert "http" not in body.replace("<!doctype html>", "")
    assert "href" not in mail.html


async def test_unknown_language_falls_back_to_english_and_regional_to_base(db, smtp):
    await queue("request_received", "sv")
    await queue("request_received", "de-AT", recipient="at@x.test")
    await deliverer(smtp.port).deliver_all_due()
    assert smtp.inbox.to("eva@x.test")[0]["Subject"] == "We received your registration at Flora"
    assert smtp.inbox.to("at@x.test")[0]["Subject"] == "Wir haben Ihre Registrierung bei Flora erhalten"


async def test_html_part_escapes_a_name_like_script(db, smtp):
    await enqueue(
        recipient="eva@x.test", template=MailTemplate.REQUEST_RECEIVED, language="en",
        context={"shop_name": "Flora", "name": "<script>alert(1)</script>"}, now=datetime.now(UTC),
    )
    await deliverer(smtp.port).deliver_all_due()
    text, html = parts(smtp.inbox.messages[0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in text  # plain text is not HTML


async def test_a_name_with_a_line_break_cannot_forge_headers(db, smtp):
    await enqueue(
        recipient="eva@x.test", template=MailTemplate.WELCOME, language="en",
        context={"shop_name": "Flora\r\nBcc: victim@x.test", "name": "Eva", "username": "eva", "sign_in_url": "http://s.test"},
        now=datetime.now(UTC),
    )
    await deliverer(smtp.port).deliver_all_due()
    [message] = smtp.inbox.messages
    assert message["Bcc"] is None
    assert message["X-Envelope-To"] == "eva@x.test"


async def test_mail_waits_while_the_server_is_down_and_then_arrives_exactly_once(db):
    port = free_port()  # nothing listens here yet
    clock = Clock()
    for index in range(5):
        await queue("request_received", "en", recipient=f"r{index}@x.test")

    down = await deliverer(port, clock).deliver_all_due()
    assert (down.sent, down.retrying) == (0, 5)
    rows = await OutboxMessage.all()
    assert all(row.status == OutboxStatus.QUEUED and row.attempts == 1 and row.last_error for row in rows)

    server = SmtpServer(port).start()
    try:
        too_early = await deliverer(port, clock).deliver_all_due()
        assert too_early.handled == 0  # the retry waits for its back-off
        clock.now += timedelta(seconds=31)
        up = await deliverer(port, clock).deliver_all_due()
        again = await deliverer(port, clock).deliver_all_due()
    finally:
        server.stop()
    assert (up.sent, again.handled) == (5, 0)
    assert sorted(m["To"] for m in server.inbox.messages) == [f"r{i}@x.test" for i in range(5)]
    assert await OutboxMessage.filter(status=OutboxStatus.SENT, last_error__isnull=True).count() == 5


async def test_mail_that_keeps_failing_is_marked_failed_after_the_last_attempt(db):
    clock = Clock()
    await queue("request_received", "en")
    mailer = deliverer(free_port(), clock, policy=RetryPolicy(max_attempts=3))
    for _ in range(3):
        await mailer.deliver_all_due()
        clock.now += timedelta(hours=2)
    row = await OutboxMessage.get()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert "Error" in (row.last_error or "")


async def test_a_use_case_that_fails_after_enqueuing_sends_nothing(db, smtp):
    async def approval_failing_half_way() -> None:
        async with in_transaction():
            await queue("invitation", "en")
            raise RuntimeError("the approval failed half-way")

    with pytest.raises(RuntimeError):
        await approval_failing_half_way()
    assert await OutboxMessage.all().count() == 0
    assert (await deliverer(smtp.port).deliver_all_due()).handled == 0
    assert smtp.inbox.messages == []


async def test_two_delivery_loops_on_postgres_deliver_each_of_200_mails_once(pg_db, smtp):
    now = datetime.now(UTC)
    await OutboxMessage.bulk_create([
        OutboxMessage(
            message_id=f"m{index:03d}", recipient=f"r{index}@x.test", template=MailTemplate.REQUEST_RECEIVED,
            language="en", context={"shop_name": "Flora", "name": "Eva"}, next_attempt_at=now,
        )
        for index in range(200)
    ])
    first, second = deliverer(smtp.port, batch_size=10), deliverer(smtp.port, batch_size=10)

    reports = await asyncio.gather(first.deliver_all_due(), second.deliver_all_due())

    assert sum(report.sent for report in reports) == 200
    assert all(report.sent > 0 for report in reports), "both loops took part"
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == len(set(ids)) == 200


def test_smtp_credentials_without_starttls_are_refused():
    with pytest.raises(ValueError, match="STARTTLS"):
        SmtpBackend("mail.test", 587, username="shop", password="secret", starttls=False)


def test_message_ids_stay_the_same_across_retries():
    assert re.fullmatch(r"<abc@flora\.test>", message_id_header("abc", SENDER))
