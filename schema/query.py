"""The Query root: thin fields that check permission, call a resolver and map the result."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from auth.permissions import may, unrestricted
from auth.roles import Capability
from models import ActorKind, OutboxStatus, RegistrationStatus, ShopUserStatus
from resolvers import audit, debtors, outbox, registration_fields, registrations, shop_users, shops
from resolvers.audit import UNREADABLE_ID, AuditFilter
from resolvers.debtors import MAX_SEARCH_LENGTH
from resolvers.registrations.page_reads import load_request_page
from schema.accounts import Viewer, viewer_type
from schema.audit import AuditEvent
from schema.context import GatehouseInfo
from schema.customers import Debtor, ShopUser
from schema.errors import GRAPHQL_ERRORS, refusals_as_errors
from schema.node_lookup import resolve_node
from schema.nodes import Node, parse_global_id
from schema.outbox import OutboxMessage
from schema.pagination import After, Connection, First, connection
from schema.registrations import RegistrationForm, RegistrationRequest, request_page_needs
from schema.shops import Shop
from schema.staff import STAFF
from schema.webhooks import WEBHOOKS

ShopHandle = Annotated[
    str | None,
    strawberry.argument(
        description="Only this shop's, by handle; an unknown handle, or a shop outside the "
        "caller's shops: a GraphQL error NOT_FOUND."
    ),
]


WITH_OFFSET = ", given with its UTC offset (without one: a GraphQL error INVALID)"


def only(description: str) -> object:
    return strawberry.argument(description=f"Only {description}.")


def key_of(value: str | None) -> tuple[str, int] | None:
    """(type name, key) of a global id argument; UNREADABLE_ID for one that is not ours."""
    if value is None:
        return None
    return parse_global_id(value) or UNREADABLE_ID


def search_in(where: str) -> object:
    return strawberry.argument(
        description=f"Text to look for, ignoring case, in {where}; blank lists everything. "
        f"Over {MAX_SEARCH_LENGTH} characters: a GraphQL error INVALID."
    )


@strawberry.type(
    description="Everything there is to read. Each field says who may call it; staff fields "
    "refuse others with a GraphQL error: UNAUTHENTICATED when not signed in, FORBIDDEN for a "
    "customer or a staff role short of the permission. Staff of some shops read only what "
    "belongs to those shops; another shop's objects are left out of lists and read as null, "
    "exactly like ids that do not exist.\n\n" + GRAPHQL_ERRORS
)
class Query:
    @strawberry.field(
        description="Who is signed in (anyone may ask): an AdminUser, a ShopUser, or null when "
        "the request carries no live session."
    )
    def viewer(self, info: GatehouseInfo) -> Viewer | None:
        return viewer_type(info.context.viewer)

    @strawberry.field(
        permission_classes=unrestricted(),
        description="Any object by global id (anyone may ask). Staff read what their role may "
        "read (a shop user needs the right to read shop users, and so on), of their shops; "
        "their own AdminUser, and colleagues' with the right to manage staff. A shop user "
        "reads only its own user, contact person, debtor and shop. Anything else, and "
        "anonymous callers, read null, exactly like an id that does not exist.",
    )
    async def node(
        self,
        info: GatehouseInfo,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id, as `id` gives it.")],
    ) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        permission_classes=unrestricted(),
        description="A shop's registration form (anyone may ask): open or not, the approval mode, "
        "the ordered extra questions, the languages. An unknown shop: a GraphQL error NOT_FOUND.",
    )
    @refusals_as_errors
    async def registration_form(
        self,
        info: GatehouseInfo,
        shop: Annotated[str, strawberry.argument(description="The shop's handle.")],
        language: Annotated[
            str | None,
            strawberry.argument(
                description="The language to show labels, help and options in ('nl'); one the shop "
                "does not offer, or null, gives the shop's first."
            ),
        ] = None,
    ) -> RegistrationForm:
        form = await registration_fields.registration_form(shop, language)
        runtime = info.context.runtime
        tokens = runtime.form_tokens
        token = tokens.mint(form.shop.id, runtime.now()) if tokens is not None else ""
        return RegistrationForm.from_value(form, token)

    @strawberry.field(
        permission_classes=may(Capability.READ_REQUESTS),
        description="Registration requests of the caller's shops, newest first (staff who may "
        "read requests: OWNER, MANAGER, REVIEWER, AUDITOR).",
    )
    @refusals_as_errors
    async def registration_requests(
        self,
        info: GatehouseInfo,
        shop: ShopHandle = None,
        status: Annotated[
            RegistrationStatus | None, strawberry.argument(description="Only requests in this status.")
        ] = None,
        search: Annotated[str | None, search_in("the name, email and company")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[RegistrationRequest]:
        page = await registrations.search_registration_requests(
            info.context.caller.scope, shop, status, search, first, after
        )
        await load_request_page(info.context.loaders, page.items, request_page_needs(info))
        return connection(page, RegistrationRequest.from_model)

    @strawberry.field(
        permission_classes=may(Capability.READ_SHOPS),
        description="The caller's shops: every shop for staff of every shop (any staff role).",
    )
    async def shops(self, info: GatehouseInfo) -> list[Shop]:
        return [Shop.from_model(shop) for shop in await shops.list_shops(info.context.caller.scope)]

    @strawberry.field(
        permission_classes=may(Capability.READ_CUSTOMERS),
        description="Debtors, newest first (any staff role). Debtors are shared by every shop: "
        "staff of some shops read them all.",
    )
    @refusals_as_errors
    async def debtors(
        self,
        search: Annotated[str | None, search_in("the number, name, email and VAT number")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Debtor]:
        return connection(await debtors.search_debtors(search, first, after), Debtor.from_model)

    @strawberry.field(
        permission_classes=may(Capability.READ_SHOP_USERS),
        description="Shop users of the caller's shops, newest first (staff who may read shop "
        "users: OWNER, MANAGER, SUPPORT, AUDITOR).",
    )
    @refusals_as_errors
    async def shop_users(
        self,
        info: GatehouseInfo,
        shop: ShopHandle = None,
        status: Annotated[
            ShopUserStatus | None,
            strawberry.argument(description="Only users in this status now (see ShopUser.status)."),
        ] = None,
        search: Annotated[
            str | None,
            search_in("usernames, contact persons' names and emails, debtors' names and numbers"),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[ShopUser]:
        ctx = info.context
        page = await shop_users.search_shop_users(
            ctx.runtime, ctx.caller.scope, shop, status, search, first, after
        )
        return connection(page, ShopUser.from_model)

    @strawberry.field(
        permission_classes=may(Capability.READ_AUDIT),
        description="The audit log of staff actions and sign-ins, newest first (OWNER and "
        "AUDITOR). Staff of some shops read the events of those shops; events of no one shop "
        "(staff sign-ins, debtor changes) only staff of every shop read. Every filter given "
        "must hold.",
    )
    @refusals_as_errors
    async def audit_events(
        self,
        info: GatehouseInfo,
        action: Annotated[str | None, only("events of this action, e.g. 'registration.approved'")] = None,
        actor_kind: Annotated[ActorKind | None, only("events of this kind of actor")] = None,
        actor_id: Annotated[
            strawberry.ID | None,
            only("events by this actor, the global id of an AdminUser or a ShopUser (deleted "
                 "since or not); any other id: a GraphQL error INVALID"),
        ] = None,
        object_type: Annotated[
            str | None, only("events on objects of this GraphQL type, e.g. 'RegistrationRequest'")
        ] = None,
        object_id: Annotated[
            strawberry.ID | None,
            only("events on this object, by global id (deleted since or not); a value that is "
                 "no global id: a GraphQL error INVALID"),
        ] = None,
        since: Annotated[
            datetime | None, only(f"events that occurred at or after this moment{WITH_OFFSET}")
        ] = None,
        until: Annotated[
            datetime | None, only(f"events that occurred before this moment{WITH_OFFSET}")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[AuditEvent]:
        conditions = AuditFilter(
            action=action, actor_kind=actor_kind, actor=key_of(actor_id),
            object_type=object_type, object=key_of(object_id), since=since, until=until,
        )
        page = await audit.audit_events(info.context.caller.scope, first, after, conditions)
        return connection(page, AuditEvent.from_model)

    @strawberry.field(
        permission_classes=may(Capability.READ_MAIL),
        description="Mail queued, sent and failed, newest first (staff who may read mail: "
        "OWNER, MANAGER, SUPPORT, AUDITOR). Staff of some shops read the mail of those shops; "
        "mail of no one shop only staff of every shop read. Every filter given must hold.",
    )
    @refusals_as_errors
    async def outbox_messages(
        self,
        info: GatehouseInfo,
        status: Annotated[
            OutboxStatus | None, strawberry.argument(description="Only mail in this status.")
        ] = None,
        recipient: Annotated[
            str | None, only("mail to this address, exactly as written (case included)")
        ] = None,
        template: Annotated[str | None, only("mail of this template, e.g. 'invitation'")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[OutboxMessage]:
        page = await outbox.outbox_messages(
            info.context.caller.scope, status, first, after, recipient, template
        )
        return connection(page, OutboxMessage.from_model)

    staff = STAFF
    webhooks = WEBHOOKS
