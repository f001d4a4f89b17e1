"""Debtors, their contact persons and shop users, and the order rules they sign in under."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from auth.permissions import PasswordChangeNotPending
from models import ContactPerson as ContactPersonModel
from models import Debtor as DebtorModel
from models import ShopUser as ShopUserModel
from models import ShopUserStatus as ShopUserStatusValue
from resolvers import orders
from resolvers.errors import ErrorCode, UserInputError
from schema.errors import ClientInputError
from schema.nodes import Node, global_id
from schema.visibility import visible_contacts, visible_shop_users

ShopUserStatus = strawberry.enum(ShopUserStatusValue, name="ShopUserStatus")
OrderRoute = strawberry.enum(
    orders.OrderRoute,
    name="OrderRoute",
    description="Where an order of a given amount goes: refused, checkout, or draft order.",
)
ShopRef = Annotated["Shop", strawberry.lazy("schema.shops")]


@strawberry.type(description="The order rules that apply to a shop user, and the route they give.")
class OrderPolicy:
    route: OrderRoute
    minimum_order_amount: Decimal | None
    checkout_payment_limit: Decimal | None
    currency: str


@strawberry.type(description="A customer company.")
class Debtor(Node):
    pk: strawberry.Private[int]
    number: str
    name: str
    email: str | None
    phone: str | None
    vat_number: str | None
    address: str | None
    price_list_tags: list[str]
    minimum_order_amount: Decimal | None = strawberry.field(
        description="Overrides the shop's minimum order amount when set."
    )
    checkout_payment_limit: Decimal | None = strawberry.field(
        description="Overrides the shop's checkout payment limit when set."
    )

    @classmethod
    def from_model(cls, debtor: DebtorModel) -> Debtor:
        return cls(
            id=global_id("Debtor", debtor.id),
            pk=debtor.id,
            number=debtor.number,
            name=debtor.name,
            email=debtor.email,
            phone=debtor.phone,
            vat_number=debtor.vat_number,
            address=debtor.address,
            price_list_tags=list(debtor.price_list_tags),
            minimum_order_amount=debtor.minimum_order_amount,
            checkout_payment_limit=debtor.checkout_payment_limit,
        )

    @strawberry.field(description="Contact persons; a customer sees only its own.")
    async def contacts(self, info: Info) -> list[ContactPerson]:
        rows = await info.context.loaders.contacts_by_debtor.load(self.pk)
        return [ContactPerson.from_model(row) for row in visible_contacts(info, rows)]


@strawberry.type(description="A person of a debtor.")
class ContactPerson(Node):
    pk: strawberry.Private[int]
    debtor_pk: strawberry.Private[int]
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    language: str

    @classmethod
    def from_model(cls, contact: ContactPersonModel) -> ContactPerson:
        return cls(
            id=global_id("ContactPerson", contact.id),
            pk=contact.id,
            debtor_pk=contact.debtor_id,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            phone=contact.phone,
            language=contact.language,
        )

    @strawberry.field
    async def debtor(self, info: Info) -> Debtor:
        return Debtor.from_model(await info.context.loaders.debtor_by_id.load(self.debtor_pk))

    @strawberry.field(description="Logins of this person; a customer sees only its own.")
    async def shop_users(self, info: Info) -> list[ShopUser]:
        rows = await info.context.loaders.shop_users_by_contact.load(self.pk)
        return [ShopUser.from_model(row) for row in visible_shop_users(info, rows)]


@strawberry.type(description="A customer's login to one shop.")
class ShopUser(Node):
    model: strawberry.Private[ShopUserModel]
    username: str
    language: str
    may_be_excluded: bool
    must_change_password: bool = strawberry.field(
        description="Set when staff chose the password; the user must change it before anything else."
    )
    created_at: datetime
    activated_at: datetime | None = strawberry.field(description="When a password was first set.")
    last_login_at: datetime | None

    @classmethod
    def from_model(cls, user: ShopUserModel) -> ShopUser:
        return cls(
            id=global_id("ShopUser", user.id),
            model=user,
            username=user.username,
            language=user.language,
            may_be_excluded=user.may_be_excluded,
            must_change_password=user.must_change_password,
            created_at=user.created_at,
            activated_at=user.activated_at,
            last_login_at=user.last_login_at,
        )

    def _excluded_now(self, info: Info) -> bool:
        return self.model.is_excluded_at(info.context.runtime.now())

    @strawberry.field(description="Excluded now; false again once a temporary exclusion has lifted.")
    def excluded(self, info: Info) -> bool:
        return self._excluded_now(info)

    @strawberry.field
    def exclusion_reason(self, info: Info) -> str | None:
        return self.model.exclusion_reason if self._excluded_now(info) else None

    @strawberry.field
    def excluded_since(self, info: Info) -> datetime | None:
        return self.model.excluded_since if self._excluded_now(info) else None

    @strawberry.field(description="When a temporary exclusion lifts by itself.")
    def excluded_until(self, info: Info) -> datetime | None:
        return self.model.excluded_until if self._excluded_now(info) else None

    @strawberry.field(description="INVITED until a password is set, EXCLUDED while excluded.")
    def status(self, info: Info) -> ShopUserStatus:
        return self.model.status_at(info.context.runtime.now())

    @strawberry.field(permission_classes=[PasswordChangeNotPending])
    async def contact(self, info: Info) -> ContactPerson:
        row = await info.context.loaders.contact_person_by_id.load(self.model.contact_id)
        return ContactPerson.from_model(row)

    @strawberry.field(permission_classes=[PasswordChangeNotPending])
    async def debtor(self, info: Info) -> Debtor:
        return Debtor.from_model(await self._debtor_model(info))

    @strawberry.field(permission_classes=[PasswordChangeNotPending])
    async def shop(self, info: Info) -> ShopRef:
        from schema.shops import Shop

        return Shop.from_model(await info.context.loaders.shop_by_id.load(self.model.shop_id))

    @strawberry.field(
        permission_classes=[PasswordChangeNotPending],
        description="Where an order of `amount` goes under this user's effective order rules.",
    )
    async def order_policy(self, info: Info, amount: Decimal) -> OrderPolicy:
        if not amount.is_finite() or amount < 0:
            raise ClientInputError(
                UserInputError.of(ErrorCode.INVALID, "Use an amount of 0 or more.", "amount")
            )
        loaders = info.context.loaders
        shop = await loaders.shop_by_id.load(self.model.shop_id)
        policy = orders.order_policy(shop, await self._debtor_model(info), amount)
        return OrderPolicy(
            route=policy.route,
            minimum_order_amount=policy.minimum_order_amount,
            checkout_payment_limit=policy.checkout_payment_limit,
            currency=policy.currency,
        )

    async def _debtor_model(self, info: Info) -> DebtorModel:
        loaders = info.context.loaders
        contact = await loaders.contact_person_by_id.load(self.model.contact_id)
        return await loaders.debtor_by_id.load(contact.debtor_id)
