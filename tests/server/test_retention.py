"""Retention (rule 18 of docs/api.md): rejected requests past their shop's retention, ended
sessions, spent links and the bodies of old sent mail go, in batches, each run audited with its
counts; by `serve`'s timers and by `gatehouse purge`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auth import one_time_tokens
from auth.sessions import start_session
from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import (
    ActorKind,
    AuditEvent,
    OneTimeToken,
    OutboxMessage,
    OutboxStatus,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Session,
    Shop,
    TokenPurpose,
    Webhook,
    WebhookEvent,
    WebhookMessage,
)
from resolvers import retention
from resolvers.runtime import Runtime
from schema.nodes import global_id
from server.background import background_work
from server.database import apply_migrations, database
from tests.factories import make_admin, make_customer, make_shop, pending_request
from tests.query_counter import count_queries
from tests.server.command import rows, run_gatehouse
from tests.use_cases import cheap_runtime

DAY = timedelta(days=1)


def at(moment: datetime) -> Runtime:
    """A runtime whose clock stands at `moment`."""
    return cheap_runtime(clock=lambda: moment)


async def rejected(
    shop: Shop, email: str, *, days_ago: float, now: datetime | None = None, **values: Any
) -> RegistrationRequest:
    """A request of `email` rejected `days_ago` days before `now`, with one answer and its
    rejection mail, sent."""
    now = now or datetime.now(UTC)
    request = await pending_request(
        shop, "Eva Jansen", email, status=RegistrationStatus.REJECTED,
        decided_at=now - timedelta(days=days_ago), **values,
    )
    await mail_about(request, MailTemplate.REJECTION, status=OutboxStatus.SENT)
    return request


async def mail_about(
    request: RegistrationRequest, template: MailTemplate, *, status: OutboxStatus = OutboxStatus.QUEUED
) -> OutboxMessage:
    mail = await enqueue(
        recipient=request.email, template=template, language="en",
        context={"shop_name": "Flora", "name": request.name}, now=datetime.now(UTC),
        about_request=request,
    )
    await OutboxMessage.filter(id=mail.id).update(status=status)
    return mail


async def kept(*requests: RegistrationRequest) -> list[str]:
    """The emails of those of `requests` still stored, each with its answer."""
    emails = []
    for request in requests:
        if await RegistrationRequest.exists(id=request.id):
            assert await RegistrationAnswer.filter(request_id=request.id).count() == 1
            emails.append(request.email)
    return emails


async def events(action: str) -> list[AuditEvent]:
    return await AuditEvent.filter(action=action).order_by("id")


# --- rejected requests --------------------------------------------------------------------------


async def test_rejected_requests_go_after_180_days_by_default_and_nothing_else_does(db):
    # given, with the default retention: requests rejected 181 and 179 days ago, and requests
    # pending, approved and unconfirmed for longer than that
    shop = await make_shop("flora")
    assert shop.rejected_request_retention_days == 180
    old = await rejected(shop, "old@x.test", days_ago=181)
    young = await rejected(shop, "young@x.test", days_ago=179)
    long_ago = datetime.now(UTC) - 400 * DAY
    pending = await pending_request(shop, "P", "pending@x.test")
    approved = await pending_request(
        shop, "A", "approved@x.test", status=RegistrationStatus.APPROVED, decided_at=long_ago
    )
    unverified = await pending_request(shop, "U", "unverified@x.test", status=RegistrationStatus.UNVERIFIED)
    await RegistrationRequest.filter(id__in=[pending.id, approved.id, unverified.id]).update(
        submitted_at=long_ago
    )

    # when the purge runs
    purged = await retention.purge_rejected_requests(cheap_runtime())

    # then only the request rejected 181 days ago is gone, with its answer and its mail
    assert purged == 1
    assert await kept(old, young, pending, approved, unverified) == [
        "young@x.test", "pending@x.test", "approved@x.test", "unverified@x.test",
    ]
    assert await RegistrationAnswer.all().count() == 4
    assert await OutboxMessage.filter(recipient="old@x.test").count() == 0
    assert await OutboxMessage.filter(recipient="young@x.test").count() == 1


async def test_each_shop_keeps_its_rejected_requests_as_long_as_its_own_retention_says(db):
    flora = await make_shop("flora", rejected_request_retention_days=30)
    greenhouse = await make_shop("greenhouse", rejected_request_retention_days=365)
    flora_old = await rejected(flora, "f@x.test", days_ago=31)
    greenhouse_young = await rejected(greenhouse, "g@x.test", days_ago=200)
    greenhouse_old = await rejected(greenhouse, "g-old@x.test", days_ago=366)

    assert await retention.purge_rejected_requests(cheap_runtime()) == 2

    assert await kept(flora_old, greenhouse_young, greenhouse_old) == ["g@x.test"]


async def test_a_retention_of_0_deletes_a_request_rejected_a_moment_ago_at_the_next_run(db):
    now = datetime.now(UTC)
    shop = await make_shop("flora", rejected_request_retention_days=0)
    just_rejected = await rejected(shop, "now@x.test", days_ago=0, now=now)
    pending = await pending_request(shop, "P", "pending@x.test")

    assert await retention.purge_rejected_requests(at(now + timedelta(seconds=1))) == 1

    assert await kept(just_rejected, pending) == ["pending@x.test"]


async def test_the_runtimes_clock_decides_what_is_old(db):
    shop = await make_shop("flora")
    request = await rejected(shop, "eva@x.test", days_ago=1)

    assert await retention.purge_rejected_requests(at(datetime.now(UTC) + 178 * DAY)) == 0
    assert await retention.purge_rejected_requests(at(datetime.now(UTC) + 180 * DAY)) == 1
    assert not await RegistrationRequest.exists(id=request.id)


async def test_a_purged_request_takes_its_mails_as_a_deletion_does_but_an_owed_one_is_still_sent(db):
    # given a request rejected long ago whose rejection notice is still queued (rule 6 owes it)
    # and a staff notice about it
    shop = await make_shop("flora")
    request = await pending_request(
        shop, "Eva", "eva@x.test", status=RegistrationStatus.REJECTED,
        decided_at=datetime.now(UTC) - 200 * DAY,
    )
    owed = await mail_about(request, MailTemplate.REJECTION)
    notice = await mail_about(request, MailTemplate.STAFF_NEW_REQUEST)

    # when the purge runs
    assert await retention.purge_rejected_requests(cheap_runtime()) == 1

    # then the notice is gone; the rejection stays queued, unlinked, to be forgotten once sent
    assert not await OutboxMessage.exists(id=notice.id)
    stored = await OutboxMessage.get(id=owed.id)
    assert (stored.status, stored.forget_once_sent, stored.registration_request_id) == (
        OutboxStatus.QUEUED, True, None,
    )


async def test_a_purged_request_is_struck_from_the_digests_that_listed_it(db):
    # given two digests: one listing the purged request and another, one listing it alone
    shop = await make_shop("flora")
    gone = await rejected(shop, "gone@x.test", days_ago=181)
    other = await pending_request(shop, "Other", "other@x.test")
    await RegistrationRequest.filter(id=gone.id).update(submitted_at=datetime.now(UTC) - 200 * DAY)

    def entry(request: RegistrationRequest) -> dict[str, Any]:
        return {"id": request.id, "name": request.name, "email": request.email}

    async def digest(*listed: RegistrationRequest) -> OutboxMessage:
        return await enqueue(
            recipient="sales@flora.test", template=MailTemplate.STAFF_REMINDER_DIGEST, language="en",
            context={"shop_name": "Flora", "count": len(listed), "requests": [entry(r) for r in listed]},
            now=datetime.now(UTC), shop_id=shop.id,
        )

    both = await digest(gone, other)
    alone = await digest(gone)

    # when the purge runs
    assert await retention.purge_rejected_requests(cheap_runtime()) == 1

    # then the first lists only the other request, and the second is gone
    stored = await OutboxMessage.get(id=both.id)
    assert (stored.context["count"], stored.context["requests"]) == (1, [entry(other)])
    assert not await OutboxMessage.exists(id=alone.id)


async def test_a_purged_request_is_sent_to_webhooks_as_deleted(db):
    shop = await make_shop("flora")
    await Webhook.create(
        url="http://127.0.0.1:9/hook", events=[WebhookEvent.REGISTRATION_DELETED.value],
        all_shops=True, secret_sealed="x",
    )
    request = await rejected(shop, "old@x.test", days_ago=181)

    await retention.purge_rejected_requests(cheap_runtime())

    [message] = await WebhookMessage.filter(event=WebhookEvent.REGISTRATION_DELETED)
    assert message.shop_id == shop.id
    assert json.loads(message.body)["data"] == {
        "id": global_id("RegistrationRequest", request.id), "shop": "flora",
        "email": "old@x.test", "status": "REJECTED",
    }


async def test_one_audit_event_counts_the_run_per_shop_and_names_nobody(db):
    # given requests past their retention in two shops
    flora = await make_shop("flora")
    greenhouse = await make_shop("greenhouse")
    await rejected(flora, "a@x.test", days_ago=200)
    await rejected(flora, "b@x.test", days_ago=300)
    await rejected(greenhouse, "c@x.test", days_ago=200)

    # when the purge runs twice
    assert await retention.purge_rejected_requests(cheap_runtime()) == 3
    assert await retention.purge_rejected_requests(cheap_runtime()) == 0

    # then one event tells of the first run (the second removed nothing), with no address in it
    [event] = await events(retention.REJECTED_REQUESTS_PURGED)
    assert (event.actor_kind, event.actor_label, event.shop_id) == (ActorKind.SYSTEM, "retention purge", None)
    assert (event.object_type, event.object_id) == (None, None)
    assert event.details == {"deleted": 3, "batches": 2, "shops": {"flora": 2, "greenhouse": 1}}
    assert await AuditEvent.all().count() == 1


# --- sessions and links -------------------------------------------------------------------------


async def test_sessions_past_their_absolute_or_idle_end_go_and_live_ones_stay(db):
    # given a staff session signed in 13 hours ago (past its 12 hours), one idle for 61 minutes
    # (past its 60), and one signed in an hour ago but seen a minute ago
    runtime = cheap_runtime()
    now = runtime.now()
    admin = await make_admin()
    await start_session(now=now - timedelta(hours=13), policy=runtime.sessions, admin=admin)
    await start_session(now=now - timedelta(minutes=61), policy=runtime.sessions, admin=admin)
    _, live = await start_session(now=now - timedelta(hours=1), policy=runtime.sessions, admin=admin)
    await Session.filter(id=live.id).update(last_seen_at=now - timedelta(minutes=1))

    # when the purge runs
    purged = await retention.purge_ended_sessions(runtime)

    # then the two ended ones are gone, and one event counts them
    assert purged == 2
    assert [session.id for session in await Session.all()] == [live.id]
    [event] = await events(retention.SESSIONS_PURGED)
    assert event.details == {"deleted": 2, "batches": 1}


async def test_used_and_expired_links_go_and_a_valid_one_still_works(db):
    # given a used invitation, an expired unused reset link, and a valid reset link
    now = datetime.now(UTC)
    user = await make_customer(await make_shop("flora"))
    used = await one_time_tokens.issue(user, TokenPurpose.INVITATION, now=now - DAY, lifetime=7 * DAY)
    used_row = await one_time_tokens.redeemable(used, TokenPurpose.INVITATION, now=now)
    assert used_row is not None
    assert await one_time_tokens.redeem(used_row, now=now)
    await one_time_tokens.issue(user, TokenPurpose.PASSWORD_RESET, now=now - 2 * DAY, lifetime=DAY)  # unused
    admin = await make_admin()
    valid = await one_time_tokens.issue(
        admin, TokenPurpose.PASSWORD_RESET, now=now, lifetime=timedelta(hours=1)
    )

    # when the purge runs
    purged = await retention.purge_used_links(at(now))

    # then only the valid link is left, and it can still be redeemed
    assert purged == 2
    assert await OneTimeToken.all().count() == 1
    assert await one_time_tokens.redeemable(valid, TokenPurpose.PASSWORD_RESET, now=now) is not None
    [event] = await events(retention.LINKS_PURGED)
    assert event.details == {"deleted": 2, "batches": 1}


async def test_a_link_expires_for_the_purge_exactly_when_it_stops_working(db):
    now = datetime.now(UTC)
    admin = await make_admin()
    await one_time_tokens.issue(admin, TokenPurpose.INVITATION, now=now, lifetime=DAY)

    assert await retention.purge_used_links(at(now + DAY - timedelta(seconds=1))) == 0
    assert await retention.purge_used_links(at(now + DAY)) == 1


# --- mail bodies --------------------------------------------------------------------------------


async def mail(
    status: OutboxStatus, *, sent_days_ago: float | None, recipient: str = "a@x.test"
) -> OutboxMessage:
    """An invitation mail in `status`, sent `sent_days_ago` days ago (None: not sent)."""
    message = await enqueue(
        recipient=recipient, template=MailTemplate.INVITATION, language="en",
        context={"shop_name": "Flora", "name": "Anna"}, now=datetime.now(UTC),
    )
    sent_at = datetime.now(UTC) - timedelta(days=sent_days_ago) if sent_days_ago is not None else None
    await OutboxMessage.filter(id=message.id).update(status=status, sent_at=sent_at)
    return message


async def test_the_bodies_of_mails_sent_over_30_days_ago_are_emptied_and_nothing_else(db):
    # given mails sent 31 and 29 days ago, and old mail queued and failed
    old = await mail(OutboxStatus.SENT, sent_days_ago=31)
    recent = await mail(OutboxStatus.SENT, sent_days_ago=29)
    queued = await mail(OutboxStatus.QUEUED, sent_days_ago=None)
    failed = await mail(OutboxStatus.FAILED, sent_days_ago=None)
    await OutboxMessage.filter(id__in=[queued.id, failed.id]).update(
        next_attempt_at=datetime.now(UTC) - 60 * DAY
    )

    # when the purge runs, twice
    assert await retention.purge_mail_bodies(cheap_runtime()) == 1
    assert await retention.purge_mail_bodies(cheap_runtime()) == 0

    # then only the old sent mail lost its body; its row, and every other mail, are as they were
    bodies = dict(await OutboxMessage.all().values_list("id", "context"))
    assert bodies == {
        old.id: {},
        recent.id: {"shop_name": "Flora", "name": "Anna"},
        queued.id: {"shop_name": "Flora", "name": "Anna"},
        failed.id: {"shop_name": "Flora", "name": "Anna"},
    }
    stored = await OutboxMessage.get(id=old.id)
    assert (stored.status, stored.recipient, stored.template) == (OutboxStatus.SENT, "a@x.test", "invitation")
    [event] = await events(retention.MAIL_BODIES_PURGED)
    assert event.details == {"emptied": 1, "batches": 1}


async def test_a_request_deleted_after_its_digests_body_was_emptied_leaves_the_digest(db):
    # given a digest sent 31 days ago, its body emptied, that listed a request deleted now
    shop = await make_shop("flora", rejected_request_retention_days=0)
    request = await rejected(shop, "eva@x.test", days_ago=0)
    await RegistrationRequest.filter(id=request.id).update(submitted_at=datetime.now(UTC) - 40 * DAY)
    digest = await enqueue(
        recipient="sales@flora.test", template=MailTemplate.STAFF_REMINDER_DIGEST, language="en",
        context={"count": 1, "requests": [{"id": request.id}]}, now=datetime.now(UTC), shop_id=shop.id,
    )
    await OutboxMessage.filter(id=digest.id).update(
        status=OutboxStatus.SENT, sent_at=datetime.now(UTC) - 31 * DAY
    )
    assert await retention.purge_mail_bodies(cheap_runtime()) == 1

    # when the request is purged
    assert await retention.purge_rejected_requests(cheap_runtime()) == 1

    # then the digest (nothing left in it to strike) stays, as sent
    assert (await OutboxMessage.get(id=digest.id)).status is OutboxStatus.SENT


# --- batches ------------------------------------------------------------------------------------


async def five_of_each() -> Runtime:
    """Five rows each purge takes (apart: none takes another's), and a runtime whose clock
    makes them due."""
    runtime = cheap_runtime()
    now = runtime.now()
    shop = await make_shop("flora", rejected_request_retention_days=0)
    admin = await make_admin()
    for number in range(5):
        await pending_request(
            shop, "Eva", f"r{number}@x.test", status=RegistrationStatus.REJECTED, decided_at=now - DAY
        )
        await start_session(now=now - timedelta(hours=13), policy=runtime.sessions, admin=admin)
        await OneTimeToken.create(
            purpose=TokenPurpose.PASSWORD_RESET, token_hash=f"{number:064d}", admin=admin,
            expires_at=now - DAY,
        )
        await mail(OutboxStatus.SENT, sent_days_ago=31, recipient=f"m{number}@x.test")
    return runtime


PURGES = [
    pytest.param(
        retention.purge_rejected_requests, retention.REJECTED_REQUESTS_PURGED, "registration_request",
        id="rejected-requests",
    ),
    pytest.param(retention.purge_ended_sessions, retention.SESSIONS_PURGED, "session", id="sessions"),
    pytest.param(retention.purge_used_links, retention.LINKS_PURGED, "one_time_token", id="links"),
    pytest.param(
        retention.purge_mail_bodies, retention.MAIL_BODIES_PURGED, "outbox_message", id="mail-bodies"
    ),
]


@pytest.mark.parametrize(("purge", "action", "table"), PURGES)
async def test_a_batch_size_of_2_purges_all_5_rows_in_3_batches(db, purge, action, table):
    runtime = await five_of_each()

    with count_queries() as statements:
        assert await purge(runtime, batch_size=2) == 5

    # each batch removes its rows with one statement on the table, by id
    removing = [
        sql for sql in statements
        if sql.lstrip().upper().startswith(("DELETE", "UPDATE")) and f'"{table}"' in sql
        and "forget_once_sent" not in sql
    ]
    assert len(removing) == 3, removing
    [event] = await events(action)
    assert event.details["batches"] == 3
    assert await purge(runtime, batch_size=2) == 0


async def test_two_purges_at_once_remove_each_row_once_and_count_it_once(db):
    # given five rows of each kind, and two instances purging them at the same moment
    runtime = await five_of_each()

    counts = await asyncio.gather(
        retention.purge_everything(runtime, batch_size=2), retention.purge_everything(runtime, batch_size=2)
    )

    # then everything went, and between them they counted each row once
    assert [sum(getattr(count, kind) for count in counts) for kind in (
        "rejected_requests", "sessions", "links", "mail_bodies",
    )] == [5, 5, 5, 5]
    assert await RegistrationRequest.all().count() == 0
    assert await Session.all().count() == 0
    assert await OneTimeToken.all().count() == 0
    for action, key in [
        (retention.REJECTED_REQUESTS_PURGED, "deleted"), (retention.SESSIONS_PURGED, "deleted"),
        (retention.LINKS_PURGED, "deleted"), (retention.MAIL_BODIES_PURGED, "emptied"),
    ]:
        assert sum(event.details[key] for event in await events(action)) == 5


# --- serve and the command ----------------------------------------------------------------------


async def test_serves_background_work_purges_at_once(db, settings):
    # given a rejected request past its retention, a spent link and an old sent mail
    runtime = await five_of_each()

    # when the work `serve` runs beside answering requests starts
    async with background_work(replace(settings, mail_poll_seconds=3600), runtime):
        for _ in range(250):
            done = (
                not await RegistrationRequest.exists()
                and not await Session.exists()
                and not await OneTimeToken.exists()
                and not await OutboxMessage.exclude(context={}).exists()
            )
            if done:
                break
            await asyncio.sleep(0.02)

    # then every purge ran
    assert done
    assert {event.action for event in await AuditEvent.all()} == {
        retention.REJECTED_REQUESTS_PURGED, retention.SESSIONS_PURGED,
        retention.LINKS_PURGED, retention.MAIL_BODIES_PURGED,
    }


def test_the_command_runs_every_purge_once_and_prints_the_counts(database_file: Path):
    url = f"sqlite://{database_file.resolve()}"

    async def seed() -> None:
        await apply_migrations(url)
        async with database(url, global_fallback=False):
            await five_of_each()
            shop = await make_shop("greenhouse")
            await rejected(shop, "young@x.test", days_ago=10)

    asyncio.run(seed())

    first = run_gatehouse(database_file, "purge")
    second = run_gatehouse(database_file, "purge")

    assert first.exit_code == 0, first.output
    assert first.output == (
        "Deleted 5 rejected registration request(s).\n"
        "Deleted 5 ended session(s).\n"
        "Deleted 5 used or expired link(s).\n"
        "Emptied the bodies of 5 mail(s) sent more than 30 days ago.\n"
    )
    assert second.exit_code == 0, second.output
    assert second.output == (
        "Deleted 0 rejected registration request(s).\n"
        "Deleted 0 ended session(s).\n"
        "Deleted 0 used or expired link(s).\n"
        "Emptied the bodies of 0 mail(s) sent more than 30 days ago.\n"
    )
    assert rows(database_file, "SELECT email FROM registration_request") == [("young@x.test",)]
    assert rows(database_file, "SELECT action, actor_kind FROM audit_event ORDER BY id") == [
        (retention.REJECTED_REQUESTS_PURGED, "SYSTEM"), (retention.SESSIONS_PURGED, "SYSTEM"),
        (retention.LINKS_PURGED, "SYSTEM"), (retention.MAIL_BODIES_PURGED, "SYSTEM"),
    ]
