"""Retention (rule 18 of docs/api.md): what Gatehouse stops keeping once it is no longer needed.

Four purges, each a plain function that returns how many rows it removed or emptied:

- rejected registration requests decided longer ago than their shop's
  `rejected_request_retention_days`, deleted as rule 6 deletes a request;
- sessions past their absolute or idle end;
- one-time links (invitations, resets, MFA challenges) used, superseded or expired;
- the bodies of mails sent more than MAIL_BODY_RETENTION ago.

Each works in batches: a batch's ids are selected (in id order, after the last batch's), then
removed by id under the same conditions, in one short transaction. So no table is locked for
long, and several instances purging at once do no harm: a row one of them removed is not
counted again by another, which finds it gone (a conditional DELETE or UPDATE), and a request
another instance holds is skipped (SKIP LOCKED) and left to it.

A run that removed anything writes one audit event for its kind, with the counts: the event
says how much went, never who (it holds no name or address, which is what retention is for).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import (
    OneTimeToken,
    OutboxMessage,
    OutboxStatus,
    RegistrationRequest,
    RegistrationStatus,
    Session,
    Shop,
)
from resolvers import audit, webhook_events
from resolvers.registrations.deletion import forget_mails_about
from resolvers.runtime import Runtime

M = TypeVar("M", bound=Model)

# Who the audit log names for every purge, from `serve`'s timers or `gatehouse purge`.
PURGE = Caller.system("retention purge")
# Rows per batch: one short transaction each, and well within both engines' limits on a
# statement's parameters.
BATCH_SIZE = 500
# A sent mail's body (what it was rendered from) is kept this long, so staff can still ask
# what a recent mail said; its row (recipient, template, status, times) stays.
MAIL_BODY_RETENTION = timedelta(days=30)
# The audit actions, one per kind of purge.
REJECTED_REQUESTS_PURGED = "retention.rejected_requests_deleted"
SESSIONS_PURGED = "retention.sessions_deleted"
LINKS_PURGED = "retention.links_deleted"
MAIL_BODIES_PURGED = "retention.mail_bodies_emptied"


@dataclass
class Tally:
    """What a purge did: rows removed (or emptied) and the batches it took."""

    rows: int = 0
    batches: int = 0

    def add(self, other: Tally) -> None:
        self.rows += other.rows
        self.batches += other.batches


@dataclass(frozen=True)
class PurgeCounts:
    """What `purge_everything` removed, for `gatehouse purge` to print."""

    rejected_requests: int
    sessions: int
    links: int
    mail_bodies: int


async def purge_everything(runtime: Runtime, *, batch_size: int = BATCH_SIZE) -> PurgeCounts:
    """Every purge once, as `gatehouse purge` runs them."""
    return PurgeCounts(
        rejected_requests=await purge_rejected_requests(runtime, batch_size=batch_size),
        sessions=await purge_ended_sessions(runtime, batch_size=batch_size),
        links=await purge_used_links(runtime, batch_size=batch_size),
        mail_bodies=await purge_mail_bodies(runtime, batch_size=batch_size),
    )


async def purge_rejected_requests(runtime: Runtime, *, batch_size: int = BATCH_SIZE) -> int:
    """Deletes the REJECTED requests decided at least their shop's retention ago (0 days: every
    one), with their answers and mails as rule 6 deletes a request; each is told to webhooks
    and dashboards as REGISTRATION_DELETED. Returns how many went."""
    now = runtime.now()
    total = Tally()
    by_shop: dict[str, int] = {}
    for shop in await Shop.all().only("id", "handle", "rejected_request_retention_days"):
        cutoff = now - timedelta(days=shop.rejected_request_retention_days)
        expired = RegistrationRequest.filter(
            shop_id=shop.id, status=RegistrationStatus.REJECTED, decided_at__lte=cutoff
        )
        tally = await _in_batches(
            expired, partial(_delete_rejected, runtime, shop, expired), batch_size
        )
        total.add(tally)
        if tally.rows:
            by_shop[shop.handle] = tally.rows
    await _audit(REJECTED_REQUESTS_PURGED, total, deleted=total.rows, shops=by_shop)
    return total.rows


async def purge_ended_sessions(runtime: Runtime, *, batch_size: int = BATCH_SIZE) -> int:
    """Deletes the sessions past their absolute or idle end (they sign nobody in already:
    this only keeps the table small). Returns how many went."""
    ended = Session.filter(runtime.sessions.ended(runtime.now()))
    tally = await _in_batches(ended, partial(_delete_ids, ended), batch_size)
    await _audit(SESSIONS_PURGED, tally, deleted=tally.rows)
    return tally.rows


async def purge_used_links(runtime: Runtime, *, batch_size: int = BATCH_SIZE) -> int:
    """Deletes the one-time links used (redeemed or superseded) or past their end. Nothing
    reads a used one: every redemption asks for an unused, unexpired row, so a used one is
    deleted at once, with no grace. Returns how many went."""
    spent = OneTimeToken.filter(Q(used_at__isnull=False) | Q(expires_at__lte=runtime.now()))
    tally = await _in_batches(spent, partial(_delete_ids, spent), batch_size)
    await _audit(LINKS_PURGED, tally, deleted=tally.rows)
    return tally.rows


async def purge_mail_bodies(runtime: Runtime, *, batch_size: int = BATCH_SIZE) -> int:
    """Empties what the mails SENT more than MAIL_BODY_RETENTION ago were rendered from (their
    `context`: names, addresses, the digest's list of applicants). Nothing needs it after
    sending: only a queued mail is rendered, and striking a deleted request from a digest finds
    nothing to strike in an emptied one. The rows stay, so outboxMessages still lists them
    (it never shows a body). QUEUED and FAILED mail is left alone. Returns how many."""
    with_body = OutboxMessage.filter(
        status=OutboxStatus.SENT, sent_at__lte=runtime.now() - MAIL_BODY_RETENTION
    ).exclude(context={})
    tally = await _in_batches(with_body, partial(_empty_bodies, with_body), batch_size)
    await _audit(MAIL_BODIES_PURGED, tally, emptied=tally.rows)
    return tally.rows


async def _in_batches(
    rows: QuerySet[M], remove: Callable[[list[int]], Awaitable[int]], batch_size: int
) -> Tally:
    """Selects the ids of `rows`, `batch_size` at a time, and hands each batch to `remove`.

    Each batch starts after the last id of the one before, so rows a batch left (changed or
    taken by another instance meanwhile) are not looked at again, and a long table is read
    once per run."""
    tally = Tally()
    after = 0
    while True:
        batch = rows.filter(id__gt=after).order_by("id").limit(batch_size)
        ids = [pk for (pk,) in await batch.values_list("id")]
        if not ids:
            return tally
        tally.rows += await remove(ids)
        tally.batches += 1
        if len(ids) < batch_size:
            return tally
        after = ids[-1]


async def _delete_ids(rows: QuerySet[M], ids: list[int]) -> int:
    """One DELETE, conditions checked again: a row that no longer meets them stays."""
    return await rows.filter(id__in=ids).delete()


async def _empty_bodies(with_body: QuerySet[OutboxMessage], ids: list[int]) -> int:
    return await with_body.filter(id__in=ids).update(context={})


async def _delete_rejected(
    runtime: Runtime, shop: Shop, expired: QuerySet[RegistrationRequest], ids: list[int]
) -> int:
    """Deletes the batch's requests that are still expired, in one transaction."""
    async with in_transaction():
        # Locked, so a staff deletion at this moment waits and then finds them gone; rows
        # another instance (or staff) holds are skipped and left to it (PostgreSQL; SQLite
        # runs one transaction at a time).
        requests = await expired.filter(id__in=ids).order_by("id").select_for_update(skip_locked=True)
        if not requests:
            return 0
        await forget_mails_about(requests)
        # The answers go with them (ON DELETE CASCADE); the owed mails are unlinked (SET NULL).
        await RegistrationRequest.filter(id__in=[request.id for request in requests]).delete()
        for request in requests:
            request.shop = shop  # read once for the batch, for the webhook body's handle
            await webhook_events.registration_deleted(runtime, request)
    return len(requests)


async def _audit(action: str, tally: Tally, **counts: Any) -> None:
    """One event for the run, when it removed anything; of no one shop (staff of every shop
    read it), since one run spans them all."""
    if tally.rows:
        await audit.record(PURGE, action, batches=tally.batches, **counts)
