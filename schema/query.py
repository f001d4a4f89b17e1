"""The Query root: thin fields that check permission, call a resolver and map the result."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import PasswordChangeNotPending, staff_only
from models import OutboxStatus, RegistrationStatus, ShopUserStatus
from resolvers import audit, debtors, outbox, registration_fields, registrations, shop_users, shops
from resolvers.debtors import MAX_SEARCH_LENGTH
from schema.accounts import Viewer, viewer_type
from schema.audit import AuditEvent
from schema.context import GatehouseInfo
from schema.customers import Debtor, ShopUser
from schema.errors import GRAPHQL_ERRORS, refusals_as_errors
from schema.node_lookup import resolve_node
from schema.nodes import Node
from schema.outbox import OutboxMessage
from schema.pagination import After, Connection, First, connection
from schema.registrations import RegistrationForm, RegistrationRequest
from schema.shops import Shop

ShopHandle = Annotated[
    str | None,
    strawberry.argument(
        description="Only this shop's, by handle; an unknown handle: a GraphQL error NOT_FOUND."
    ),
]


def search_in(where: str) -> object:
    return strawberry.argument(
        description=f"Text to look for, ignoring case, in {where}; blank lists everything. "
        f"Over {MAX_SEARCH_LENGTH} characters: a GraphQL error INVALID."
    )


@strawberry.type(
    description="Everything there is to read. Each field says who may call it; staff-only "
    "fields refuse others with a GraphQL error.\n\n" + GRAPHQL_ERRORS
)
class Query:
    @strawberry.field(
        description="Who is signed in (anyone may ask): an AdminUser, a ShopUser, or null when "
        "the request carries no live session."
    )
    def viewer(self, info: GatehouseInfo) -> Viewer | None:
        return viewer_type(info.context.viewer)

    @strawberry.field(
        permission_classes=[PasswordChangeNotPending],
        description="Any object by global id. Staff see all; a shop user sees only its own user, "
        "contact person, debtor and shop; anything else, and anonymous callers, read null, "
        "exactly like an id that does not exist.",
    )
    async def node(
        self,
        info: GatehouseInfo,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id, as `id` gives it.")],
    ) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        description="A shop's registration form (anyone may ask): open or not, the approval mode, "
        "the ordered extra questions, the languages. An unknown shop: a GraphQL error NOT_FOUND."
    )
    @refusals_as_errors
    async def registration_form(
        self, shop: Annotated[str, strawberry.argument(description="The shop's handle.")]
    ) -> RegistrationForm:
        return RegistrationForm.from_value(await registration_fields.registration_form(shop))

    @strawberry.field(
        permission_classes=staff_only(),
        description="Registration requests, newest first (staff only).",
    )
    @refusals_as_errors
    async def registration_requests(
        self,
        shop: ShopHandle = None,
        status: Annotated[
            RegistrationStatus | None, strawberry.argument(description="Only requests in this status.")
        ] = None,
        search: Annotated[str | None, search_in("the name, email and company")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[RegistrationRequest]:
        page = await registrations.search_registration_requests(shop, status, search, first, after)
        return connection(page, RegistrationRequest.from_model)

    @strawberry.field(permission_classes=staff_only(), description="All shops (staff only).")
    async def shops(self) -> list[Shop]:
        return [Shop.from_model(shop) for shop in await shops.list_shops()]

    @strawberry.field(
        permission_classes=staff_only(), description="Debtors, newest first (staff only)."
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
        permission_classes=staff_only(), description="Shop users, newest first (staff only)."
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
        page = await shop_users.search_shop_users(
            info.context.runtime, shop, status, search, first, after
        )
        return connection(page, ShopUser.from_model)

    @strawberry.field(
        permission_classes=staff_only(),
        description="The audit log of staff actions and sign-ins, newest first (staff only).",
    )
    @refusals_as_errors
    async def audit_events(self, first: First = None, after: After = None) -> Connection[AuditEvent]:
        return connection(await audit.audit_events(first, after), AuditEvent.from_model)

    @strawberry.field(
        permission_classes=staff_only(),
        description="Mail queued, sent and failed, newest first (staff only).",
    )
    @refusals_as_errors
    async def outbox_messages(
        self,
        status: Annotated[
            OutboxStatus | None, strawberry.argument(description="Only mail in this status.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[OutboxMessage]:
        return connection(
            await outbox.outbox_messages(status, first, after), OutboxMessage.from_model
        )
