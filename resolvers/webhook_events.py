"""Writing an event for the webhooks that want it, in the transaction of the change it reports.

Each use case calls one of these where it audits the change. When no active webhook wants the
event (for that shop) nothing is built, read or written: the process's WebhookCache answers
without SQL. When some do, one WebhookMessage (the body exactly as it will be signed) and one
QUEUED WebhookDelivery per webhook are written in the caller's transaction, so a rolled-back
change sends nothing; webhooks/ delivers them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from tortoise.models import Model

from models import (
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationRequest,
    Shop,
    ShopUser,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookMessage,
)
from resolvers import live_events
from resolvers.runtime import Runtime
from resolvers.webhook_cache import WebhookCache, read_active_webhooks, webhooks_wanting
from resolvers.webhook_payloads import (
    Data,
    debtor_data,
    debtors_merged_data,
    deleted_registration_data,
    envelope,
    registration_data,
    shop_user_data,
)

M = TypeVar("M", bound=Model)
# Rows an INSERT (or a look-up by message id) takes at most when an import writes many events:
# well within both engines' limits on a statement's parameters.
BATCH = 1000


def new_message_id() -> str:
    """The `webhook-id` of an event: the same on every attempt, for receivers to drop repeats."""
    return "msg_" + secrets.token_urlsafe(18)


async def registration_event(
    runtime: Runtime,
    event: WebhookEvent,
    request: RegistrationRequest,
    *,
    answers: Sequence[RegistrationAnswer] | None = None,
) -> None:
    """`request` as it is now; pass its `answers` when the use case has them read. Dashboards
    watching the shop's requests are told too (resolvers/live_events.py)."""
    await live_events.publish(event, request)
    wanting = await runtime.webhook_cache.wanting(event, request.shop_id)
    if not wanting:
        return
    if answers is None:
        answers = await RegistrationAnswer.filter(request_id=request.id)
    data = registration_data(
        request,
        shop_handle=await _shop_handle(runtime, request.shop_id, request.shop),
        answers=answers,
        debtor=await _debtor_of(request),
        shop_user_id=request.shop_user_id,
    )
    await _write(runtime.now(), event, request.shop_id, [data], wanting)


async def registration_deleted(runtime: Runtime, request: RegistrationRequest) -> None:
    """REGISTRATION_DELETED: the request as it was, read before it went."""
    event = WebhookEvent.REGISTRATION_DELETED
    await live_events.publish(event, request)
    wanting = await runtime.webhook_cache.wanting(event, request.shop_id)
    if not wanting:
        return
    shop_handle = await _shop_handle(runtime, request.shop_id, request.shop)
    data = deleted_registration_data(request, shop_handle=shop_handle)
    await _write(runtime.now(), event, request.shop_id, [data], wanting)


async def shop_user_event(
    runtime: Runtime,
    event: WebhookEvent,
    user: ShopUser,
    *,
    contact: ContactPerson | None = None,
    debtor: Debtor | None = None,
) -> None:
    """`user` as it reads now; pass its contact and debtor when the use case has them read."""
    wanting = await runtime.webhook_cache.wanting(event, user.shop_id)
    if not wanting:
        return
    contact = contact or _loaded(user.contact, ContactPerson) or await ContactPerson.get(id=user.contact_id)
    debtor = debtor or _loaded(contact.debtor, Debtor) or await Debtor.get(id=contact.debtor_id)
    now = runtime.now()
    data = shop_user_data(
        user, shop_handle=await _shop_handle(runtime, user.shop_id, user.shop),
        contact=contact, debtor=debtor, now=now,
    )
    await _write(now, event, user.shop_id, [data], wanting)


async def debtor_event(runtime: Runtime, event: WebhookEvent, debtor: Debtor) -> None:
    """DEBTOR_CREATED or DEBTOR_UPDATED: `debtor` as it is now."""
    await debtor_events(runtime.webhook_cache, event, [debtor], now=runtime.now())


async def debtor_events(
    webhooks: WebhookCache | None, event: WebhookEvent, debtors: Sequence[Debtor], *, now: datetime
) -> None:
    """One event per debtor, written in a few statements however many there are (an import).

    Debtors are no one shop's: their events go to every webhook that asks for them."""
    if not debtors:
        return
    wanting = await _wanting(webhooks, event, None)
    if wanting:
        await _write(now, event, None, [debtor_data(debtor) for debtor in debtors], wanting)


async def debtors_merged(runtime: Runtime, target: Debtor, merged_numbers: Sequence[str]) -> None:
    """DEBTORS_MERGED: the debtor that remains, as it is now, and the numbers merged into it."""
    event = WebhookEvent.DEBTORS_MERGED
    wanting = await runtime.webhook_cache.wanting(event, None)
    if wanting:
        await _write(runtime.now(), event, None, [debtors_merged_data(target, merged_numbers)], wanting)


async def _wanting(webhooks: WebhookCache | None, event: WebhookEvent, shop_id: int | None) -> list[int]:
    # No cache: a command that hears no change of a webhook (the CSV import) reads them afresh
    # at each call.
    if webhooks is None:
        return webhooks_wanting(await read_active_webhooks(), event, shop_id)
    return await webhooks.wanting(event, shop_id)


def _loaded(related: object, model: type[M]) -> M | None:
    """The related row when the use case read it with its subject; None when it is unread
    (Tortoise then hands out a query instead)."""
    return related if isinstance(related, model) else None


async def _shop_handle(runtime: Runtime | None, shop_id: int, related: object) -> str:
    """From the shop read with the subject, else the process's shop cache, else one query."""
    if (shop := _loaded(related, Shop)) is not None:
        return shop.handle
    if runtime is not None and (kept := runtime.shop_cache.known([shop_id]).get(shop_id)) is not None:
        return kept.handle
    shop = await Shop.get(id=shop_id).only("id", "handle")
    return shop.handle


async def _debtor_of(request: RegistrationRequest) -> Debtor | None:
    if request.debtor_id is None:
        return None
    return _loaded(request.debtor, Debtor) or await Debtor.get(id=request.debtor_id)


async def _write(
    now: datetime, event: WebhookEvent, shop_id: int | None, datas: Sequence[Data], webhook_ids: list[int]
) -> None:
    """A message per `data`, and its delivery to each webhook, due at once."""
    messages = [
        WebhookMessage(
            message_id=new_message_id(), event=event, shop_id=shop_id,
            body=envelope(event.type_name, now, data),
        )
        for data in datas
    ]
    await _insert_messages(messages)
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                webhook_id=webhook_id, message_id=message.id,
                status=WebhookDeliveryStatus.QUEUED, next_attempt_at=now,
            )
            for message in messages
            for webhook_id in webhook_ids
        ],
        batch_size=BATCH,
    )


async def _insert_messages(messages: list[WebhookMessage]) -> None:
    """Inserts `messages` and gives each its id: one by one it is a plain INSERT; many go in
    bulk, whose ids neither engine hands back, so they are read again by message id."""
    if len(messages) == 1:
        await messages[0].save()
        return
    await WebhookMessage.bulk_create(messages, batch_size=BATCH)
    by_message_id = {message.message_id: message for message in messages}
    names = list(by_message_id)
    for start in range(0, len(names), BATCH):
        found = WebhookMessage.filter(message_id__in=names[start : start + BATCH])
        for message_id, pk in await found.values_list("message_id", "id"):
            by_message_id[message_id].id = pk
