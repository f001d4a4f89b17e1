"""Partners' webhooks, managed by owners: made, changed, re-keyed, deleted, their deliveries
listed and sent again.

The schema lets only roles with MANAGE_WEBHOOKS (owners) call these. A webhook of some shops
is within the reach of staff whose shops include all of them; one of every shop only of staff
of every shop. Any other reads as missing (NOT_FOUND), like an id that does not exist, and the
list leaves it out; staff of some shops make webhooks of their own shops only.

The signing secret is made here, kept sealed with GATEHOUSE_SECRET_KEY, and told to the caller
once, in the answer of the call that made it. The audit log keeps of a URL only its scheme,
host and port: a receiver's token often rides in the rest.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from typing import Any
from urllib.parse import urlsplit

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery
from tortoise.query_utils import Prefetch
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth.scopes import ShopScope
from auth.secret_box import SecretBox
from auth.viewer import Caller
from models import Shop, Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent
from models.changes import Changed, announce
from resolvers import audit
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.pagination import Page, decode_cursor, newest_first, page_size
from resolvers.runtime import Runtime
from resolvers.staff import granted_shops
from resolvers.unchanged import UNCHANGED
from webhooks.addresses import target_problem
from webhooks.secrets import new_secret

NO_SUCH_WEBHOOK = "No such webhook."
NO_SUCH_DELIVERY = "No such webhook delivery."
# Told to staff of some shops who ask for a webhook of every shop (OUTSIDE_OWN_SHOPS).
EVERY_SHOP_REFUSED = "A webhook of every shop is for staff of every shop: list your shops by handle."
MAX_DESCRIPTION_LENGTH = 500
# How long the secret before a rotation keeps signing beside the new one, so a receiver can
# switch over without missing a delivery.
ROTATION_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class NewWebhook:
    url: str
    events: list[WebhookEvent]
    # Shop handles; None: every shop.
    shops: list[str] | None
    description: str | None = None


@dataclass(frozen=True)
class WebhookChanges:
    """What updateWebhook changes; UNCHANGED leaves a field as it is."""

    url: Any = UNCHANGED
    events: Any = UNCHANGED
    shops: Any = UNCHANGED
    description: Any = UNCHANGED
    active: Any = UNCHANGED


@dataclass(frozen=True)
class WithSecret:
    """A webhook and its new signing secret in plain text: the one time it is told."""

    webhook: Webhook
    secret: str


# --- reach ------------------------------------------------------------------------------------


def in_reach(scope: ShopScope) -> QuerySet[Webhook]:
    """The webhooks within `scope`: every one for staff of every shop; for staff of some shops,
    those of one or more shops, all of them theirs."""
    if scope.shop_ids is None:
        return Webhook.all()
    own = sorted(scope.shop_ids)
    of_own_shops = Webhook.filter(shops__id__in=own)
    beyond = Webhook.filter(shops__id__not_in=own)
    return Webhook.filter(
        all_shops=False, id__in=Subquery(of_own_shops.values("id"))
    ).exclude(id__in=Subquery(beyond.values("id")))


def _with_shops(rows: QuerySet[Webhook]) -> QuerySet[Webhook]:
    """`rows` read with their shops in handle order, in one more query for all of them."""
    return rows.prefetch_related(Prefetch("shops", queryset=Shop.all().order_by("handle")))


def shops_of(webhook: Webhook) -> list[Shop] | None:
    """The shops of a webhook read by this module; None: every shop."""
    return None if webhook.all_shops else list(webhook.shops)


async def find_webhook(scope: ShopScope, pk: int | None) -> Webhook | None:
    """The webhook `pk` with its shops, if it is within `scope`."""
    if pk is None:
        return None
    return await _with_shops(in_reach(scope).filter(id=pk)).first()


async def find_delivery(scope: ShopScope, pk: int | None) -> tuple[WebhookDelivery, Webhook] | None:
    """The delivery `pk` with its message, and its webhook, if that is within `scope`."""
    if pk is None:
        return None
    delivery = await WebhookDelivery.filter(id=pk).select_related("message").first()
    if delivery is None:
        return None
    webhook = await find_webhook(scope, delivery.webhook_id)
    return (delivery, webhook) if webhook is not None else None


async def _reached(caller: Caller, pk: int | None, problems: Problems) -> Webhook:
    """The webhook `pk` within the caller's reach, with its shops, locked until the transaction
    ends (PostgreSQL) so that two changes of it take turns; NOT_FOUND at `id`, with the call's
    other problems, when there is none."""
    webhook = None
    if pk is not None:
        webhook = await _with_shops(in_reach(caller.scope).filter(id=pk)).select_for_update().first()
    if webhook is None:
        problems.add(ErrorCode.NOT_FOUND, NO_SUCH_WEBHOOK, "id")
        raise problems.error()
    return webhook


async def _as_read(webhook: Webhook) -> Webhook:
    """The webhook read again with its shops, as every use case here answers it."""
    return await _with_shops(Webhook.filter(id=webhook.id)).get()


# --- checks -----------------------------------------------------------------------------------


def _secret_box(runtime: Runtime) -> SecretBox:
    if runtime.secrets is None:
        raise UserInputError.of(
            ErrorCode.WEBHOOKS_UNAVAILABLE,
            "This server has no secret key (GATEHOUSE_SECRET_KEY), so it cannot keep webhook "
            "signing secrets.",
        )
    return runtime.secrets


async def _target(problems: Problems, runtime: Runtime, url: str | None) -> str:
    """The URL trimmed; INVALID at `url` when a delivery may not go there (its name resolved now)."""
    if url is None:
        problems.invalid("A webhook always has a URL.", "url")
        return ""
    url = url.strip()
    problem = await target_problem(url, allow_private=runtime.webhook_allow_private)
    if problem is not None:
        problems.invalid(problem, "url")
    return url


def _events(problems: Problems, events: list[WebhookEvent] | None) -> list[str]:
    """The events' values, in the order given."""
    if not events:
        problems.invalid("Choose at least one event.", "events")
        return []
    if len(set(events)) != len(events):
        problems.invalid("Name each event once.", "events")
    return [event.value for event in events]


def _description(problems: Problems, description: str | None) -> str | None:
    return check.optional_text(problems, description, "description", max_length=MAX_DESCRIPTION_LENGTH)


def _handles(shops: list[Shop] | None) -> list[str] | None:
    return None if shops is None else [shop.handle for shop in shops]


def _audited_url(url: str) -> str:
    """Where `url` points, as the audit log keeps it: scheme, host and port
    ("https://erp.example.com:8443"). Auditors read the log, and a receiver's token often
    rides in the path, the query or the user info."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6, bracketed as in a URL
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # a port out of range: what follows the host is not kept
        port = ""
    return f"{parts.scheme}://{host}{port}"


def _audited_changes(changed: dict[str, Any]) -> dict[str, Any]:
    """`changed` with a URL changed told by _audited_url."""
    if "url" not in changed:
        return changed
    url = changed["url"]
    return {**changed, "url": {"from": _audited_url(url["from"]), "to": _audited_url(url["to"])}}


def _audit_shop(shops: list[Shop] | None) -> int | None:
    """The shop a webhook's audit events belong to: its one shop, or none (then only staff of
    every shop read them)."""
    return shops[0].id if shops is not None and len(shops) == 1 else None


async def _set_shops(webhook: Webhook, shops: list[Shop] | None) -> None:
    """Sets `all_shops` (saved by the caller) and the listed shops (written at once, and
    announced: a change of the shops alone saves no webhook row)."""
    webhook.all_shops = shops is None
    await webhook.shops.clear()
    if shops:
        await webhook.shops.add(*shops)
    await announce(Changed.WEBHOOK, [webhook.id])


def _staff_id(caller: Caller) -> int | None:
    viewer = caller.viewer
    return viewer.admin.id if viewer is not None and viewer.admin is not None else None


# --- the use cases ----------------------------------------------------------------------------


async def create_webhook(runtime: Runtime, caller: Caller, new: NewWebhook) -> WithSecret:
    """A webhook, active at once, and its signing secret (told this once)."""
    box = _secret_box(runtime)
    problems = Problems()
    url = await _target(problems, runtime, new.url)
    events = _events(problems, new.events)
    description = _description(problems, new.description)
    shops = await granted_shops(problems, caller, new.shops, EVERY_SHOP_REFUSED)
    problems.raise_if_any()
    secret = new_secret()
    async with in_transaction():
        webhook = await Webhook.create(
            url=url, description=description, events=events, all_shops=shops is None,
            secret_sealed=box.encrypt(secret), created_by_id=_staff_id(caller),
        )
        await _set_shops(webhook, shops)
        await audit.record(
            caller, "webhook.created", webhook, shop_id=_audit_shop(shops),
            url=_audited_url(url), events=events, shops=_handles(shops), description=description,
        )
        return WithSecret(await _as_read(webhook), secret)


async def update_webhook(
    runtime: Runtime, caller: Caller, pk: int | None, changes: WebhookChanges
) -> Webhook:
    """Changes a webhook's URL, events, shops, description or whether it is active.

    Switching it on (`active: true`) clears why it was switched off and when its deliveries
    began to fail: the owner vouches for the receiver, and the days of failure count afresh.
    Switched on from off, its queued deliveries are due at once (while it was off the delivery
    loop kept putting them off).
    """
    problems = Problems()
    url = UNCHANGED if changes.url is UNCHANGED else await _target(problems, runtime, changes.url)
    events = UNCHANGED if changes.events is UNCHANGED else _events(problems, changes.events)
    description = UNCHANGED
    if changes.description is not UNCHANGED:
        description = _description(problems, changes.description)
    if changes.active is None:
        problems.invalid("A webhook is active or not: true or false.", "active")
    shops = UNCHANGED
    if changes.shops is not UNCHANGED:
        shops = await granted_shops(problems, caller, changes.shops, EVERY_SHOP_REFUSED)
    async with in_transaction():
        webhook = await _reached(caller, pk, problems)
        problems.raise_if_any()
        values = {"url": url, "events": events, "description": description, "active": changes.active}
        given = {name: value for name, value in values.items() if value is not UNCHANGED}
        switched_on = changes.active is True and not webhook.active
        changed = await _apply(webhook, given)
        if switched_on:
            await _queued_due_now(runtime, webhook)
        if shops is not UNCHANGED and (shops_changed := await _apply_shops(webhook, shops)):
            changed.update(shops_changed)
            webhook = await _as_read(webhook)
        await audit.record(
            caller, "webhook.updated", webhook, shop_id=_audit_shop(shops_of(webhook)),
            changed=_audited_changes(changed),
        )
    return webhook


async def _apply(webhook: Webhook, values: dict[str, Any]) -> dict[str, Any]:
    """Writes the fields of `values`; returns each that changed as {"from": …, "to": …}."""
    changed = {
        name: {"from": getattr(webhook, name), "to": value}
        for name, value in values.items()
        if value != getattr(webhook, name)
    }
    webhook.update_from_dict(values)
    if values.get("active"):
        webhook.disabled_reason = None
        webhook.failing_since = None
    if changed or values.get("active"):
        await webhook.save(
            update_fields=["url", "events", "description", "active", "disabled_reason", "failing_since"]
        )
    return changed


async def _queued_due_now(runtime: Runtime, webhook: Webhook) -> None:
    """Its queued deliveries due now, not when the loop put them off to while it was off."""
    await WebhookDelivery.filter(webhook_id=webhook.id, status=WebhookDeliveryStatus.QUEUED).update(
        next_attempt_at=runtime.now()
    )


async def _apply_shops(webhook: Webhook, shops: list[Shop] | None) -> dict[str, Any]:
    """Sets the webhook's shops; {"shops": {"from": …, "to": …}} when they changed, else {}."""
    before = _handles(shops_of(webhook))
    if _handles(shops) == before:
        return {}
    await _set_shops(webhook, shops)
    await webhook.save(update_fields=["all_shops"])
    return {"shops": {"from": before, "to": _handles(shops)}}


async def delete_webhook(caller: Caller, pk: int | None) -> None:
    """Deletes a webhook and its deliveries: nothing more is sent to it, not even what is due."""
    problems = Problems()
    async with in_transaction():
        webhook = await _reached(caller, pk, problems)
        await audit.record(
            caller, "webhook.deleted", webhook, shop_id=_audit_shop(shops_of(webhook)),
            url=_audited_url(webhook.url),
        )
        await webhook.delete()


async def rotate_webhook_secret(runtime: Runtime, caller: Caller, pk: int | None) -> WithSecret:
    """A new signing secret (told this once); the one before keeps signing beside it for
    ROTATION_GRACE, and one rotated away earlier stops at once."""
    box = _secret_box(runtime)
    problems = Problems()
    secret = new_secret()
    async with in_transaction():
        webhook = await _reached(caller, pk, problems)
        grace_until = runtime.now() + ROTATION_GRACE
        webhook.previous_secret_sealed = webhook.secret_sealed
        webhook.previous_secret_until = grace_until
        webhook.secret_sealed = box.encrypt(secret)
        await webhook.save(update_fields=["secret_sealed", "previous_secret_sealed", "previous_secret_until"])
        await audit.record(
            caller, "webhook.secret_rotated", webhook, shop_id=_audit_shop(shops_of(webhook)),
            previous_secret_until=grace_until.isoformat(),
        )
    return WithSecret(webhook, secret)


async def redeliver(runtime: Runtime, caller: Caller, delivery_pk: int | None) -> Webhook:
    """Queues the event of a delivery to its webhook again, due now: a new delivery of the same
    message, so the receiver gets the same `webhook-id` and can tell it has seen it."""
    problems = Problems()
    async with in_transaction():
        found = await find_delivery(caller.scope, delivery_pk)
        if found is None:
            problems.add(ErrorCode.NOT_FOUND, NO_SUCH_DELIVERY, "deliveryId")
            raise problems.error()
        delivery, webhook = found
        again = await WebhookDelivery.create(
            webhook_id=webhook.id, message_id=delivery.message_id,
            status=WebhookDeliveryStatus.QUEUED, next_attempt_at=runtime.now(),
        )
        await audit.record(
            caller, "webhook.redelivered", webhook, shop_id=_audit_shop(shops_of(webhook)),
            delivery_id=delivery.id, new_delivery_id=again.id, event_id=delivery.message.message_id,
        )
    return webhook


async def list_webhooks(caller: Caller, first: int | None, after: str | None) -> Page[Webhook]:
    """The webhooks within the caller's reach, with their shops, newest first."""
    return await newest_first(_with_shops(in_reach(caller.scope)), first, after)


# --- a webhook's deliveries -------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveriesWanted:
    """One page of one webhook's deliveries, newest first."""

    webhook_id: int
    status: WebhookDeliveryStatus | None
    size: int
    # The cursor's delivery: only older ones follow it. None: from the newest.
    before_id: int | None


def deliveries_wanted(
    webhook_id: int, status: WebhookDeliveryStatus | None, first: int | None, after: str | None
) -> DeliveriesWanted:
    """The page asked for; INVALID at `first` or `after` when they are not a page's."""
    problems = Problems()
    size = page_size(problems, first)
    before_id = decode_cursor(problems, after) if after is not None else None
    problems.raise_if_any()
    return DeliveriesWanted(webhook_id, status, size, before_id)


def _all_of(wanted: DeliveriesWanted) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.filter(webhook_id=wanted.webhook_id)
    return rows if wanted.status is None else rows.filter(status=wanted.status)


def _page_rows(wanted: DeliveriesWanted) -> QuerySet[WebhookDelivery]:
    # One more than the page holds, to tell whether another page follows; by the index of
    # (webhook_id, id) or (webhook_id, status, id), so an old page costs what the first does.
    rows = _all_of(wanted)
    if wanted.before_id is not None:
        rows = rows.filter(id__lt=wanted.before_id)
    return rows.order_by("-id").limit(wanted.size + 1)


def _is_in(delivery: WebhookDelivery, wanted: DeliveriesWanted) -> bool:
    return (
        delivery.webhook_id == wanted.webhook_id
        and (wanted.status is None or delivery.status == wanted.status)
        and (wanted.before_id is None or delivery.id < wanted.before_id)
    )


async def deliveries_pages(wanted: Sequence[DeliveriesWanted]) -> list[Page[WebhookDelivery]]:
    """Pages of the deliveries of several webhooks in one statement, with their messages.

    Each page's rows are chosen by a subquery of its own (LIMIT inside), so a page of twenty
    webhooks reads at most twenty pages of rows, not every delivery of those webhooks.
    """
    asked = [page for page in wanted if page.size > 0]
    found: list[WebhookDelivery] = []
    if asked:
        chosen = reduce(operator.or_, (Q(id__in=Subquery(_page_rows(page).values("id"))) for page in asked))
        found = list(await WebhookDelivery.filter(chosen).select_related("message").order_by("-id"))
    return [_page_of(page, found) for page in wanted]


def _page_of(wanted: DeliveriesWanted, found: list[WebhookDelivery]) -> Page[WebhookDelivery]:
    """The page `wanted`, out of the rows of several pages read together (newest first)."""
    size = wanted.size
    rows = [delivery for delivery in found if _is_in(delivery, wanted)][: size + 1] if size else []
    return Page(items=rows[:size], has_next_page=len(rows) > size, filtered=_all_of(wanted))


def deliveries_loader() -> DataLoader[DeliveriesWanted, Page[WebhookDelivery]]:
    """Batches the deliveries pages asked of the webhooks of one answer (a page of webhooks)."""
    return DataLoader(load_fn=deliveries_pages)
