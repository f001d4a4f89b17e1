"""Partners' webhooks as owners manage them: the types, the inputs and payload, the mutations
and the `webhooks` list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader

from auth.permissions import may
from auth.roles import Capability
from models import Webhook as WebhookModel
from models import WebhookDelivery as WebhookDeliveryModel
from models import WebhookDeliveryStatus, WebhookEvent
from resolvers import webhooks
from resolvers.pagination import Page
from resolvers.webhooks import MAX_DESCRIPTION_LENGTH, DeliveriesWanted
from schema.context import GatehouseInfo
from schema.enums import describe_enum
from schema.errors import USER_ERRORS, UserError, refusals_as, refusals_as_errors
from schema.inputs import INPUT, given_fields
from schema.nodes import Node, global_id, pk_of
from schema.pagination import After, Connection, First, connection
from schema.shops import Shop

_WHAT_HAPPENED = {
    WebhookEvent.REGISTRATION_SUBMITTED: "A registration form was sent and made a new request.",
    WebhookEvent.REGISTRATION_VERIFIED: "An applicant confirmed their email (double opt-in).",
    WebhookEvent.REGISTRATION_APPROVED: "A request was approved, by staff or automatically.",
    WebhookEvent.REGISTRATION_REJECTED: "Staff rejected a request.",
    WebhookEvent.REGISTRATION_DELETED: (
        "A request is gone: deleted by staff, never confirmed, or rejected longer ago than the "
        "shop keeps rejected requests."
    ),
    WebhookEvent.SHOP_USER_CREATED: "A shop user was made, by staff or by an approval.",
    WebhookEvent.SHOP_USER_ACTIVATED: "An invited shop user set a first password and is ACTIVE now.",
    WebhookEvent.SHOP_USER_EXCLUDED: "Staff excluded a shop user, or changed the exclusion.",
    WebhookEvent.SHOP_USER_READMITTED: "Staff readmitted an excluded shop user.",
    WebhookEvent.DEBTOR_CREATED: "A debtor was made.",
    WebhookEvent.DEBTOR_UPDATED: "A debtor's fields changed.",
    WebhookEvent.DEBTORS_MERGED: "Debtors were merged into one (mergeDebtors): the debtor that "
    "remains, and the numbers of those merged into it, which are gone.",
}

describe_enum(
    WebhookEvent,
    name="WebhookEvent",
    description="What a webhook can be told of. A delivery's JSON body names it in `type`, in "
    "lower case with a dot: REGISTRATION_APPROVED is `registration.approved`. Each event's body "
    "is in the event catalogue (docs/webhook-events.md).",
    values={
        event: f"{what} Its deliveries' `type`: `{event.type_name}`."
        for event, what in _WHAT_HAPPENED.items()
    },
)

describe_enum(
    WebhookDeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where the delivery of one event to one webhook stands.",
    values={
        WebhookDeliveryStatus.QUEUED: "Waiting for its next attempt: the first, or a retry after a "
        "failed one (after 30 seconds, then 1, 2, 4 … minutes).",
        WebhookDeliveryStatus.DELIVERED: "The receiver answered with a 2xx status.",
        WebhookDeliveryStatus.FAILED: "Given up on after about a day of failed attempts; "
        "redeliverWebhook queues it again.",
    },
)

WEBHOOK_ID = (
    "The webhook's global id. An unknown one is NOT_FOUND, and so is one outside your reach: for "
    "an owner of some shops, a webhook of a shop not among its own, or of every shop."
)
URL = (
    "Where the events are POSTed: an https URL of at most 2,048 characters whose host resolves "
    "to public addresses only (no loopback, private, link-local or multicast ones; checked now "
    "and at every delivery). Refused: INVALID at [\"url\"], the message says why. A server with "
    "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE allows http and private addresses too."
)
EVENTS = (
    "The events to deliver, at least one, each once (else INVALID at [\"events\"]), kept in the "
    "order given."
)
SHOPS = (
    "Whose events: the shops by handle; null: every shop, today's and tomorrow's. An unknown "
    "handle, or one outside your own shops, is NOT_FOUND at [\"shops\", \"<index>\"]; an empty "
    "list is INVALID. Only owners of every shop may ask for every shop (else OUTSIDE_OWN_SHOPS)."
)
DESCRIPTION = (
    f"A note for colleagues: what the webhook is for, at most {MAX_DESCRIPTION_LENGTH} characters; "
    "blank or null: none."
)
SECRET = (
    "The signing secret, `whsec_` and base64, told by createWebhook and rotateWebhookSecret and "  # noqa: S105 (a description)
    "never again (null in every other answer). A receiver verifies each delivery's "
    "`webhook-signature` with it, as the Standard Webhooks specification says."
)


@strawberry.type(
    description="One event on its way to one webhook: attempted until the receiver takes it or "
    "about a day has passed. Every attempt, and a redelivery, carries the same event id."
)
class WebhookDelivery(Node):
    webhook: Webhook = strawberry.field(description="The webhook it goes to.")
    event: WebhookEvent = strawberry.field(description="What happened.")
    event_id: str = strawberry.field(
        description="The event's id (`msg_…`), sent as the `webhook-id` header: the same on every "
        "attempt and every redelivery, so a receiver can ignore one it has seen."
    )
    status: WebhookDeliveryStatus = strawberry.field(description="Queued, delivered or failed.")
    attempts: int = strawberry.field(description="How many times sending was tried.")
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt's answer; null before one, or when the "
        "last attempt got no answer (see lastError)."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed: the answer's status, a timeout, a refused "
        "address; null before an attempt failed."
    )
    created_at: datetime = strawberry.field(description="When the delivery was queued.")
    delivered_at: datetime | None = strawberry.field(
        description="When the receiver took it; null until DELIVERED."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due, while QUEUED; null once DELIVERED or FAILED."
    )

    @classmethod
    def from_model(cls, row: WebhookDeliveryModel, webhook: Webhook) -> WebhookDelivery:
        """`row`, read with its message (resolvers/webhooks.py)."""
        queued = row.status is WebhookDeliveryStatus.QUEUED
        return cls(
            id=global_id("WebhookDelivery", row.id),
            webhook=webhook,
            event=row.message.event,
            event_id=row.message.message_id,
            status=row.status,
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
            next_attempt_at=row.next_attempt_at if queued else None,
        )


@strawberry.type(
    description="A partner's endpoint that Gatehouse POSTs events to, signed as the Standard "
    "Webhooks specification says (owners only)."
)
class Webhook(Node):
    model: strawberry.Private[WebhookModel]
    # Shared by the webhooks of one answer, so a page of them reads its deliveries together.
    deliveries_loader: strawberry.Private[DataLoader[DeliveriesWanted, Page[WebhookDeliveryModel]]]
    url: str = strawberry.field(description="Where the events are POSTed.")
    description: str | None = strawberry.field(description="The note for colleagues; null: none.")
    events: list[WebhookEvent] = strawberry.field(description="The events delivered, in the order given.")
    shops: list[Shop] | None = strawberry.field(
        description="The shops whose events it gets, in handle order; null: every shop, today's "
        "and tomorrow's. Debtors belong to no one shop: their events go to every webhook that "
        "asks for them."
    )
    active: bool = strawberry.field(
        description="Whether events are delivered. Off once the deliveries failed for 5 days "
        "running (see disabledReason), or when an owner switched it off; updateWebhook switches it on."
    )
    disabled_reason: str | None = strawberry.field(
        description="Why Gatehouse switched it off; null while active, and when an owner did."
    )
    created_at: datetime = strawberry.field(description="When the webhook was made.")

    @strawberry.field(description="The deliveries to this webhook, newest first.")
    @refusals_as_errors
    async def deliveries(
        self,
        status: Annotated[
            WebhookDeliveryStatus | None,
            strawberry.argument(description="Only deliveries in this status; null: all."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[WebhookDelivery]:
        wanted = webhooks.deliveries_wanted(self.model.id, status, first, after)
        page = await self.deliveries_loader.load(wanted)
        return connection(page, lambda row: WebhookDelivery.from_model(row, self))

    @classmethod
    def from_model(
        cls,
        row: WebhookModel,
        deliveries: DataLoader[DeliveriesWanted, Page[WebhookDeliveryModel]] | None = None,
    ) -> Webhook:
        """`row`, read with its shops (resolvers/webhooks.py)."""
        shops = webhooks.shops_of(row)
        return cls(
            id=global_id("Webhook", row.id),
            model=row,
            deliveries_loader=deliveries or webhooks.deliveries_loader(),
            url=row.url,
            description=row.description,
            events=[WebhookEvent(event) for event in row.events],
            shops=None if shops is None else [Shop.from_model(shop) for shop in shops],
            active=row.active,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )


@strawberry.input(description="A new webhook, active at once.")
class CreateWebhookInput:
    url: str = strawberry.field(description=URL)
    events: list[WebhookEvent] = strawberry.field(description=EVENTS)
    shops: list[str] | None = strawberry.field(default=None, description=SHOPS + " Left out: null.")
    description: str | None = strawberry.field(default=None, description=DESCRIPTION)


@strawberry.input(description="Changes to a webhook: a field left out keeps its value.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description=WEBHOOK_ID)
    url: str | None = strawberry.field(default=strawberry.UNSET, description=URL + " Null is INVALID.")
    events: list[WebhookEvent] | None = strawberry.field(
        default=strawberry.UNSET, description=EVENTS + " Null is INVALID."
    )
    shops: list[str] | None = strawberry.field(default=strawberry.UNSET, description=SHOPS)
    description: str | None = strawberry.field(default=strawberry.UNSET, description=DESCRIPTION)
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="True switches it on, clearing disabledReason, and its days of failed "
        "deliveries count afresh; switched on from off, its queued deliveries go out at once. "
        "False switches it off. Null is INVALID.",
    )


@strawberry.input(description="The webhook to delete, with its deliveries.")
class DeleteWebhookInput:
    id: strawberry.ID = strawberry.field(description=WEBHOOK_ID)


@strawberry.input(description="The webhook to give a new signing secret.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description=WEBHOOK_ID)


@strawberry.input(description="The delivery whose event to send again.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID = strawberry.field(
        description="The WebhookDelivery's global id; an unknown one, or one of a webhook outside "
        "your reach, is NOT_FOUND."
    )


@strawberry.type(
    description="What createWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret and "
    "redeliverWebhook answer."
)
class WebhookPayload:
    webhook: Webhook | None = strawberry.field(
        default=None,
        description="The webhook as it is now; null when userErrors refused the call, and after "
        "deleteWebhook.",
    )
    secret: str | None = strawberry.field(default=None, description=SECRET)
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_WEBHOOKS),
        description="Make a webhook (owners: MANAGE_WEBHOOKS); its signing `secret` is in this "
        "answer and in no other. A server without GATEHOUSE_SECRET_KEY refuses "
        "(WEBHOOKS_UNAVAILABLE).",
    )
    @refusals_as(WebhookPayload)
    async def create_webhook(
        self, info: GatehouseInfo, input: Annotated[CreateWebhookInput, INPUT]
    ) -> WebhookPayload:
        ctx = info.context
        new = webhooks.NewWebhook(
            url=input.url, events=input.events, shops=input.shops, description=input.description
        )
        made = await webhooks.create_webhook(ctx.runtime, ctx.caller, new)
        return WebhookPayload(webhook=Webhook.from_model(made.webhook), secret=made.secret)

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_WEBHOOKS),
        description="Change a webhook's URL, events, shops or description, or switch it on or "
        "off (owners: MANAGE_WEBHOOKS).",
    )
    @refusals_as(WebhookPayload)
    async def update_webhook(
        self, info: GatehouseInfo, input: Annotated[UpdateWebhookInput, INPUT]
    ) -> WebhookPayload:
        ctx = info.context
        changes = webhooks.WebhookChanges(**given_fields(input, leave_out=("id",)))
        webhook = await webhooks.update_webhook(ctx.runtime, ctx.caller, pk_of(input.id, "Webhook"), changes)
        return WebhookPayload(webhook=Webhook.from_model(webhook))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_WEBHOOKS),
        description="Delete a webhook and its deliveries (owners: MANAGE_WEBHOOKS): nothing more "
        "is sent to it, not even what was queued. The answer's `webhook` is null.",
    )
    @refusals_as(WebhookPayload)
    async def delete_webhook(
        self, info: GatehouseInfo, input: Annotated[DeleteWebhookInput, INPUT]
    ) -> WebhookPayload:
        await webhooks.delete_webhook(info.context.caller, pk_of(input.id, "Webhook"))
        return WebhookPayload()

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_WEBHOOKS),
        description="Give a webhook a new signing secret (owners: MANAGE_WEBHOOKS), in this answer "
        "only. For 24 hours deliveries are signed with the one before too (two signatures in "
        "`webhook-signature`), so the receiver can switch over; a secret rotated away earlier "
        "stops at once. A server without GATEHOUSE_SECRET_KEY refuses (WEBHOOKS_UNAVAILABLE).",
    )
    @refusals_as(WebhookPayload)
    async def rotate_webhook_secret(
        self, info: GatehouseInfo, input: Annotated[RotateWebhookSecretInput, INPUT]
    ) -> WebhookPayload:
        ctx = info.context
        rotated = await webhooks.rotate_webhook_secret(ctx.runtime, ctx.caller, pk_of(input.id, "Webhook"))
        return WebhookPayload(webhook=Webhook.from_model(rotated.webhook), secret=rotated.secret)

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_WEBHOOKS),
        description="Send a delivery's event again (owners: MANAGE_WEBHOOKS): a new QUEUED delivery "
        "of the same event to the same webhook, due at once, with the same event id "
        "(`webhook-id`) so the receiver can tell it has seen it. The answer gives the webhook.",
    )
    @refusals_as(WebhookPayload)
    async def redeliver_webhook(
        self, info: GatehouseInfo, input: Annotated[RedeliverWebhookInput, INPUT]
    ) -> WebhookPayload:
        ctx = info.context
        delivery_pk = pk_of(input.delivery_id, "WebhookDelivery")
        webhook = await webhooks.redeliver(ctx.runtime, ctx.caller, delivery_pk)
        return WebhookPayload(webhook=Webhook.from_model(webhook))


@refusals_as_errors
async def _webhooks(info: GatehouseInfo, first: First = None, after: After = None) -> Connection[Webhook]:
    page = await webhooks.list_webhooks(info.context.caller, first, after)
    deliveries = webhooks.deliveries_loader()
    return connection(page, lambda row: Webhook.from_model(row, deliveries))


# The Query root's `webhooks` field (schema/query.py names it).
WEBHOOKS = strawberry.field(
    resolver=_webhooks,
    permission_classes=may(Capability.MANAGE_WEBHOOKS),
    description="Partners' webhooks, newest first (owners: MANAGE_WEBHOOKS), never with their "
    "secrets. An owner of some shops sees only webhooks whose shops are all among its own.",
)
