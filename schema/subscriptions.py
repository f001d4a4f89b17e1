"""Live events over WebSocket (graphql-transport-ws at /graphql): what a dashboard watches."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import strawberry

from auth.permissions import may
from auth.roles import Capability
from auth.session_watch import SessionWatch
from models import RegistrationRequest as RegistrationRequestModel
from models import WebhookEvent
from resolvers.errors import UserInputError
from resolvers.live_events import LIVE, REGISTRATION_EVENTS, LiveEvent
from resolvers.registrations.bulk import requests_of
from resolvers.shops import shop_by_handle
from schema.context import GatehouseInfo
from schema.errors import ClientInputError
from schema.nodes import global_id
from schema.query import ShopHandle
from schema.registrations import RegistrationRequest

# How often a quiet subscription checks that its session still lives (an idle or absolute end
# is no change anyone announces); a sign-out, exclusion or deactivation wakes it at once.
SESSION_CHECK_SECONDS = 30.0


@strawberry.type(description="Something that happened to a registration request, as it happened.")
class RegistrationRequestEvent:
    event: WebhookEvent = strawberry.field(
        description="What happened: one of the REGISTRATION_ events."
    )
    registration_request_id: strawberry.ID = strawberry.field(
        description="The request's global id, also when it is gone (REGISTRATION_DELETED)."
    )
    registration_request: RegistrationRequest | None = strawberry.field(
        description="The request as it is now; null when it was deleted."
    )


@strawberry.type(
    description="Live events, over the graphql-transport-ws protocol at /graphql. The connection "
    "signs in at connect: a staff token as `{\"authorization\": \"Bearer …\"}` in connection_init's "
    "payload, or the session cookie from a page of an allowed origin; without one the socket is "
    "closed with code 4403. A subscription completes when its session ends."
)
class Subscription:
    @strawberry.subscription(
        permission_classes=may(Capability.READ_REQUESTS),
        description="Every event of the registration requests of the caller's shops (staff who "
        "may read requests: OWNER, MANAGER, REVIEWER, AUDITOR), from now until the subscription "
        "or the session ends. Events happen once committed, on any instance; one missed while "
        "not subscribed is not sent later (webhooks are what never miss one).",
    )
    async def registration_request_events(
        self, info: GatehouseInfo, shop: ShopHandle = None
    ) -> AsyncGenerator[RegistrationRequestEvent, None]:
        context = info.context
        if context.viewer is None:
            return
        try:
            shop_id = (await shop_by_handle(shop, scope=context.viewer.scope)).id if shop else None
        except UserInputError as refusal:
            raise ClientInputError(refusal) from None
        watch = SessionWatch(context.viewer)
        with LIVE.subscription() as events:
            while True:
                live = await _next_event(events, watch)
                if not await context.signed_in_still() or context.viewer is None:
                    return
                if not context.viewer.may(Capability.READ_REQUESTS):
                    return
                if live is None or (shop_id is not None and live.shop_id != shop_id):
                    continue
                if not context.viewer.scope.allows(live.shop_id):
                    continue
                shown = await _shown(live, info)
                if shown is not None:
                    yield shown


async def _next_event(events: asyncio.Queue[LiveEvent], watch: SessionWatch) -> LiveEvent | None:
    """The next event, or None when the session may have changed or a check is due."""
    waiting = asyncio.ensure_future(events.get())
    woken = asyncio.ensure_future(watch.changed.wait())
    try:
        await asyncio.wait(
            {waiting, woken}, timeout=SESSION_CHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        woken.cancel()
        if not waiting.done():
            waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await woken
    watch.changed.clear()
    return waiting.result() if waiting.done() and not waiting.cancelled() else None


async def _shown(live: LiveEvent, info: GatehouseInfo) -> RegistrationRequestEvent | None:
    """The event as the subscriber sees it, if what it reads confirms the event."""
    if live.event not in REGISTRATION_EVENTS:
        return None
    request: RegistrationRequestModel | None = await requests_of(
        info.context.caller, id=live.request_id
    ).first()
    if not live.confirmed_by(request):
        return None
    return RegistrationRequestEvent(
        event=live.event,
        registration_request_id=global_id("RegistrationRequest", live.request_id),
        registration_request=RegistrationRequest.from_model(request) if request is not None else None,
    )
