"""The Query root: thin fields that check permission, call a resolver and map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff, PasswordChangeNotPending
from resolvers import audit, debtors, outbox, registration_fields, registrations, shop_users, shops
from schema.accounts import Viewer, viewer_type
from schema.audit import AuditEvent
from schema.customers import Debtor, ShopUser, ShopUserStatus
from schema.errors import refusals_as_errors
from schema.node_lookup import resolve_node
from schema.nodes import Node
from schema.outbox import OutboxMessage, OutboxStatus
from schema.pagination import Connection, connection
from schema.registrations import RegistrationForm, RegistrationRequest, RegistrationStatus
from schema.shops import Shop


@strawberry.type
class Query:
    @strawberry.field(description="Who is signed in: staff, a shop user, or null when anonymous.")
    def viewer(self, info: Info) -> Viewer | None:
        return viewer_type(info.context.viewer)

    @strawberry.field(
        permission_classes=[PasswordChangeNotPending],
        description="Any object by global id. A customer sees only its own user, contact, "
        "debtor and shop; anything else reads as null, like a missing id.",
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        description="A shop's registration form (anyone): open or not, the mode, the ordered "
        "extra questions, the languages."
    )
    @refusals_as_errors
    async def registration_form(self, shop: str) -> RegistrationForm:
        return RegistrationForm.from_value(await registration_fields.registration_form(shop))

    @strawberry.field(
        permission_classes=[IsStaff],
        description="Registration requests, optionally of one shop and status; `search` looks in "
        "name, email and company. Newest first.",
    )
    @refusals_as_errors
    async def registration_requests(
        self,
        shop: str | None = None,
        status: RegistrationStatus | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RegistrationRequest]:
        page = await registrations.search_registration_requests(shop, status, search, first, after)
        return connection(page, RegistrationRequest.from_model)

    @strawberry.field(permission_classes=[IsStaff], description="All shops (staff).")
    async def shops(self) -> list[Shop]:
        return [Shop.from_model(shop) for shop in await shops.list_shops()]

    @strawberry.field(
        permission_classes=[IsStaff],
        description="Debtors whose number, name, email or VAT number contains `search`, newest first.",
    )
    @refusals_as_errors
    async def debtors(
        self, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Debtor]:
        return connection(await debtors.search_debtors(search, first, after), Debtor.from_model)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="Shop users, optionally of one shop (by handle) and status; `search` looks in "
        "usernames, contact names and emails, debtor names and numbers. Newest first.",
    )
    @refusals_as_errors
    async def shop_users(
        self,
        info: Info,
        shop: str | None = None,
        status: ShopUserStatus | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ShopUser]:
        page = await shop_users.search_shop_users(
            info.context.runtime, shop, status, search, first, after
        )
        return connection(page, ShopUser.from_model)

    @strawberry.field(permission_classes=[IsStaff], description="The audit log, newest first.")
    @refusals_as_errors
    async def audit_events(
        self, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEvent]:
        return connection(await audit.audit_events(first, after), AuditEvent.from_model)

    @strawberry.field(
        permission_classes=[IsStaff], description="Mail queued, sent and failed, newest first."
    )
    @refusals_as_errors
    async def outbox_messages(
        self,
        status: OutboxStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OutboxMessage]:
        return connection(
            await outbox.outbox_messages(status, first, after), OutboxMessage.from_model
        )
