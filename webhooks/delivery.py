"""The webhook delivery loop: claim due deliveries, sign them, POST them, then delivered or retried.

Claiming is mail/delivery.py's: `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; Tortoise
leaves it out on SQLite) and, for each delivery, a conditional UPDATE that counts the attempt
and moves its next one past a lease, so two deliverers never make one attempt twice. A
deliverer that dies mid-send leaves the delivery to be tried again when the lease ends: a
delivery arrives at least once, and a receiver drops a repeat by its `webhook-id`.

Claimed deliveries are sent concurrently, `concurrency` at most, each within `timeout`
seconds, so a slow receiver takes one slot and holds back no other delivery. Every attempt
uses its webhook as its claim read it a moment before (its URL, its secrets mid-rotation) and
checks the URL again; the transport checks the addresses it connects to
(webhooks/transport.py).

A failed attempt is retried after 30 s, 1, 2, 4 … minutes (doubling, at most 4 hours apart)
until the delivery is a day old; the attempt that fails after that is its last (FAILED). A
webhook failing for 5 days running is switched off (webhooks/switch_off.py): it began to fail
5 days ago or more, nothing was delivered to it since, and a delivery has just been given up
after a day of failed attempts, so the last of those days was a failing one throughout (two
failures 5 days apart with nothing sent between are not 5 days of failing).

Deliveries of a webhook that is off stay QUEUED and are not claimed. A claim that meets them
at the head of the queue parks all of that webhook's due deliveries an hour ahead, so a large
backlog of a webhook that is off is looked at once an hour, not by every claim. Switching it
on again (resolvers/webhooks.py) makes its queued deliveries due at once; one over a day old
gets a single attempt.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import httpx
from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from auth.secret_box import SecretBox
from models import Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookMessage
from webhooks import signing
from webhooks.addresses import RefusedTarget, url_problem
from webhooks.delivered import DeliveredLedger
from webhooks.secrets import signing_secrets
from webhooks.switch_off import switch_off
from webhooks.transport import guarded_client

logger = logging.getLogger("gatehouse.webhooks")

TIMEOUT_SECONDS = 10.0
CONCURRENCY = 16
# Enough of a refusal's answer to say why; the rest of it is never read.
MAX_ANSWER_BYTES = 4096
ANSWER_EXCERPT_CHARS = 200
MAX_ERROR_CHARS = 500
USER_AGENT = "Gatehouse-Webhooks"
# Attempts started a second while the process answers requests (`serve`): at a few ms of CPU
# each, about 1 % of one core (20 a second still lifted the form's p99 by half, bench.webhooks),
# and still 18,000 an hour; idle instances of a fleet take the rest.
RATE_WHILE_GIVING_WAY = 5.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _never() -> bool:
    return False


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=4)
    # An attempt that fails this long after its delivery was written is the last one.
    give_up_after: timedelta = timedelta(days=1)
    # A webhook whose deliveries have failed this long, without one success, is switched off.
    switch_off_after: timedelta = timedelta(days=5)
    # How long the due deliveries of a webhook that is off are left alone before a claim
    # looks at them again.
    parked_for: timedelta = timedelta(hours=1)
    # How long a claimed delivery is left alone while it is sent: more than a batch takes.
    lease: timedelta = timedelta(minutes=5)

    def delay_after(self, attempts: int) -> timedelta:
        """30 s, 1 min, 2 min, … doubling up to 4 hours."""
        doublings = min(max(attempts - 1, 0), 20)  # beyond 20 the cap has long been reached
        return min(self.first_delay * (1 << doublings), self.max_delay)

    def gives_up(self, delivery: WebhookDelivery, now: datetime) -> bool:
        return now - delivery.created_at >= self.give_up_after


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> DeliveryReport:
        report = cls()
        for outcome in outcomes:
            setattr(report, outcome.value, getattr(report, outcome.value) + 1)
        return report

    @property
    def handled(self) -> int:
        return self.delivered + self.retrying + self.failed

    def add(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.failed += other.failed


@dataclass(frozen=True)
class _Pause:
    """What the loop waits for before its next claim: a slot, else `seconds` (or being stopped)."""

    for_a_slot: bool = False
    seconds: float = 0.0


class _ClaimLost(Exception):
    """Another deliverer took some of a claim's deliveries first: the claim is rolled back."""


@dataclass(frozen=True)
class Failure:
    """Why an attempt failed, as the delivery's last_error shows it (never a secret)."""

    error: str
    status_code: int | None = None


class WebhookDeliverer:
    def __init__(
        self,
        box: SecretBox,
        *,
        allow_private: bool = False,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = _utc_now,
        timeout: float = TIMEOUT_SECONDS,
        concurrency: int = CONCURRENCY,
        batch_size: int = 4 * CONCURRENCY,
        ssl_context: ssl.SSLContext | None = None,
        gives_way_to: Callable[[], bool] | None = None,
        rate_while_giving_way: float = RATE_WHILE_GIVING_WAY,
    ) -> None:
        self.box = box
        self.allow_private = allow_private
        self.policy = policy or RetryPolicy()
        self.clock = clock
        # Seconds an attempt may take in all: resolving, connecting, sending and the answer.
        self.timeout = timeout
        self.concurrency = concurrency
        self.batch_size = batch_size
        # None: the public certificate authorities (certifi's), as any https client trusts.
        self.ssl_context = ssl_context
        self._ledger = DeliveredLedger(clock)
        # While this says so (`serve`: requests are being answered), attempts start one at a
        # time, at most `rate_while_giving_way` a second, so that they take little of the event
        # loop the requests share; an instance without requests delivers at full speed.
        self.gives_way = gives_way_to or _never
        self.rate_while_giving_way = rate_while_giving_way
        self._next_start_giving_way = 0.0  # time.monotonic()'s

    def _client(self) -> httpx.AsyncClient:
        return guarded_client(
            allow_private=self.allow_private, timeout=self.timeout, ssl_context=self.ssl_context
        )

    async def claim_due(self, limit: int) -> list[WebhookDelivery]:
        """Up to `limit` due deliveries of active webhooks (with their messages), each leased
        to this deliverer and its attempt counted. Those of webhooks that are off, met on
        the way, are parked, and the claim is made again past them."""
        while True:
            now = self.clock()
            claimed, idle_webhook_ids = await self._claim_head(limit, now)
            for webhook_id in idle_webhook_ids:
                await self._park(webhook_id, now)
            if claimed or not idle_webhook_ids:
                return claimed

    async def _claim_head(self, limit: int, now: datetime) -> tuple[list[WebhookDelivery], set[int]]:
        """The first `limit` due deliveries claimed, but for those of webhooks that are off:
        theirs are left as they are, and the webhooks' ids returned."""
        try:
            async with in_transaction():
                due = await self._due_locked(limit, now)
                active = {delivery.webhook_id for delivery in due if delivery.webhook.active}
                claimed = [delivery for delivery in due if delivery.webhook_id in active]
                if claimed:
                    await self._lease(claimed, now)
        except _ClaimLost:
            return [], set()
        for delivery in claimed:
            delivery.attempts += 1
        return claimed, {delivery.webhook_id for delivery in due} - active

    @staticmethod
    async def _due_locked(limit: int, now: datetime) -> list[WebhookDelivery]:
        # No join with the webhooks: the walk along the (status, next_attempt_at) index ends
        # after `limit` rows, whatever waits behind them.
        return await (
            WebhookDelivery.filter(status=WebhookDeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .limit(limit)
            # Its webhook as it is now: the attempt that follows at once sends to its URL.
            .select_related("message", "webhook")
            # The deliveries only: a webhook's row stays free for its other deliveries' claims.
            .select_for_update(skip_locked=True, of=(WebhookDelivery._meta.db_table,))
        )

    async def _lease(self, due: list[WebhookDelivery], now: datetime) -> None:
        """Counts the attempt of each of `due` and moves its next one past the lease, in one
        statement. On PostgreSQL that takes all of them, the rows being locked by the claim. On
        SQLite nothing is locked, and another deliverer's claim (a `gatehouse deliver-webhooks`
        beside `serve`) may have taken some since they were read; which ones is not told, so
        _ClaimLost rolls the claim back and none is taken this time."""
        won = await WebhookDelivery.filter(
            id__in=[delivery.id for delivery in due], status=WebhookDeliveryStatus.QUEUED,
            next_attempt_at__lte=now,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + self.policy.lease)
        if won != len(due):
            raise _ClaimLost

    async def _park(self, webhook_id: int, now: datetime) -> None:
        """Moves every due delivery of a webhook that is off `parked_for` ahead, in one
        statement after the claim's transaction (whose row locks it would otherwise meet in
        another deliverer's claim); none when the webhook was switched on meanwhile."""
        still_off = Webhook.filter(id=webhook_id, active=False).values("id")
        await WebhookDelivery.filter(
            webhook_id__in=Subquery(still_off), status=WebhookDeliveryStatus.QUEUED,
            next_attempt_at__lte=now,
        ).update(next_attempt_at=now + self.policy.parked_for)

    async def deliver_due(self) -> DeliveryReport:
        """Claim one batch of due deliveries and send them, `concurrency` at a time; returns
        what became of them."""
        async with self._client() as client:
            claimed = await self.claim_due(self.batch_size)
            slots = asyncio.Semaphore(self.concurrency)

            async def in_a_slot(delivery: WebhookDelivery) -> Outcome:
                async with slots:
                    return await self._attempt_safely(client, delivery)

            outcomes = await asyncio.gather(*(in_a_slot(d) for d in claimed))
            await self._ledger.flush()
            return DeliveryReport.of(outcomes)

    async def deliver_all_due(self) -> DeliveryReport:
        """Batches until nothing is due (for `gatehouse deliver-webhooks --once` and tests)."""
        total = DeliveryReport()
        while True:
            report = await self.deliver_due()
            total.add(report)
            if report.handled == 0:
                return total

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Deliver until `stop` is set, looking for due deliveries every `interval` seconds.

        Deliveries are claimed as slots free up, not in rounds: while a slow receiver keeps
        one slot, the others go on claiming and sending. While attempts are under way, a claim
        waits until a quarter of the slots are free, so that one claim's two statements serve
        several deliveries; a claim that got all it asked for is followed by the next as soon
        as that many are free again, and only one that found less waits `interval`. While the
        deliverer gives way (requests are being answered), a claim takes one delivery and the
        next comes `1 / rate_while_giving_way` seconds later.
        """
        sending: set[asyncio.Task[Outcome]] = set()
        stopping = asyncio.create_task(stop.wait())
        async with self._client() as client:
            try:
                while not stop.is_set():
                    wanted = self._claimable(len(sending))
                    if isinstance(wanted, _Pause):
                        waited_for = {stopping, *sending} if wanted.for_a_slot else {stopping}
                        timeout = interval if wanted.for_a_slot else wanted.seconds
                        await asyncio.wait(waited_for, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                        continue
                    claimed = await self._claim_safely(wanted)
                    self._next_start_giving_way = time.monotonic() + 1 / self.rate_while_giving_way
                    for delivery in claimed:
                        attempt = asyncio.create_task(self._attempt_safely(client, delivery))
                        sending.add(attempt)
                        attempt.add_done_callback(sending.discard)
                    if len(claimed) < wanted:
                        await asyncio.wait({stopping}, timeout=interval)  # nothing more is due now
            finally:
                stopping.cancel()
                # Each ends within its timeout; cut off, it would be sent again after its lease.
                if sending:
                    await asyncio.wait(sending)
                await self._ledger.flush()

    def _claimable(self, under_way: int) -> int | _Pause:
        """How many deliveries to claim now, or how to wait before the next claim."""
        free = self.concurrency - under_way
        if self.gives_way():
            if (pause := self._next_start_giving_way - time.monotonic()) > 0:
                return _Pause(seconds=pause)
            return 1 if free > 0 else _Pause(for_a_slot=True)
        if free <= 0 or (under_way and free < max(1, self.concurrency // 4)):
            return _Pause(for_a_slot=True)
        return free

    async def _claim_safely(self, limit: int) -> list[WebhookDelivery]:
        if limit <= 0:
            return []
        try:
            return await self.claim_due(limit)
        except Exception:
            logger.exception("Claiming due webhook deliveries failed; trying again shortly")
            return []

    async def _attempt_safely(self, client: httpx.AsyncClient, delivery: WebhookDelivery) -> Outcome:
        try:
            return await self._attempt(client, delivery)
        except Exception:  # the database, say: the lease ends and the attempt is made again
            logger.exception("Webhook delivery %s failed unexpectedly", delivery.id)
            return Outcome.RETRYING

    async def _attempt(self, client: httpx.AsyncClient, delivery: WebhookDelivery) -> Outcome:
        webhook = delivery.webhook  # read with the claim, a moment ago
        at = self.clock()
        sent = await self._send(client, webhook, delivery.message, at)
        if isinstance(sent, Failure):
            return await self._failed(delivery, webhook, sent)
        return self._delivered(delivery, sent)

    async def _send(
        self, client: httpx.AsyncClient, webhook: Webhook, message: WebhookMessage, at: datetime
    ) -> int | Failure:
        """The receiver's 2xx status, or why the attempt failed."""
        if (problem := url_problem(webhook.url, allow_private=self.allow_private)) is not None:
            return Failure(f"Not sent: {problem}")
        secrets = signing_secrets(webhook, self.box, at)
        if not secrets:
            return Failure("Not sent: no key of GATEHOUSE_SECRET_KEY opens the webhook's secret.")
        headers = {
            **signing.headers(message.message_id, message.body, secrets, at),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            # The answer is read for an error's excerpt only: unpacked, a little could be a lot.
            "accept-encoding": "identity",
        }
        try:
            async with (
                asyncio.timeout(self.timeout),
                client.stream("POST", webhook.url, content=message.body.encode(), headers=headers) as answer,
            ):
                excerpt = await _read_at_most(answer, MAX_ANSWER_BYTES)
        except (TimeoutError, httpx.TimeoutException):
            return Failure(f"No answer within {self.timeout:g} s.")
        except RefusedTarget as refused:
            return Failure(f"Not sent: {refused}")
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return Failure(_shortened(f"{type(error).__name__}: {error}"))
        if answer.is_success:
            return answer.status_code
        return Failure(_refusal(answer, excerpt), status_code=answer.status_code)

    def _delivered(self, delivery: WebhookDelivery, status_code: int) -> Outcome:
        self._ledger.note(delivery, status_code)
        return Outcome.DELIVERED

    async def _failed(self, delivery: WebhookDelivery, webhook: Webhook, failure: Failure) -> Outcome:
        now = self.clock()
        gives_up = self.policy.gives_up(delivery, now)
        next_attempt_at = now + self.policy.delay_after(delivery.attempts)
        what_next = (
            {"status": WebhookDeliveryStatus.FAILED} if gives_up else {"next_attempt_at": next_attempt_at}
        )
        async with in_transaction():
            await WebhookDelivery.filter(id=delivery.id).update(
                last_status_code=failure.status_code, last_error=failure.error, **what_next
            )
            await self._note_failing(webhook, failure, now, gave_up=gives_up)
        if gives_up:
            logger.warning(
                "Webhook %s: delivery %s given up after %d attempts: %s",
                webhook.id, delivery.id, delivery.attempts, failure.error,
            )
            return Outcome.FAILED
        logger.info(
            "Webhook %s: delivery %s failed (attempt %d), next at %s: %s",
            webhook.id, delivery.id, delivery.attempts, f"{next_attempt_at:%H:%M:%S}", failure.error,
        )
        return Outcome.RETRYING

    async def _note_failing(
        self, webhook: Webhook, failure: Failure, now: datetime, *, gave_up: bool
    ) -> None:
        """Marks when the webhook began to fail; or, when it has failed since `switch_off_after`
        ago and this delivery has just been given up after a day of failed attempts, switches
        it off (webhooks/switch_off.py checks again that it is still failing since then)."""
        if webhook.failing_since is None:
            await Webhook.filter(id=webhook.id, failing_since__isnull=True).update(failing_since=now)
        elif gave_up and now - webhook.failing_since >= self.policy.switch_off_after:
            await switch_off(
                webhook, failing_for=self.policy.switch_off_after, last_error=failure.error, now=now
            )


async def _read_at_most(answer: httpx.Response, limit: int) -> bytes:
    read = bytearray()
    async for part in answer.aiter_raw():
        read += part
        if len(read) >= limit:
            break
    return bytes(read[:limit])


def _refusal(answer: httpx.Response, body: bytes) -> str:
    if answer.is_redirect:
        location = answer.headers.get("location", "")
        return _shortened(f"HTTP {answer.status_code}: a redirect to {location}, which is not followed.")
    excerpt = " ".join(body.decode("utf-8", "replace").split())[:ANSWER_EXCERPT_CHARS]
    return _shortened(f"HTTP {answer.status_code}: {excerpt}" if excerpt else f"HTTP {answer.status_code}")


def _shortened(error: str) -> str:
    return error if len(error) <= MAX_ERROR_CHARS else error[: MAX_ERROR_CHARS - 1] + "…"
