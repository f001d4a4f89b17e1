"""Shops: the type, the settings inputs and payloads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from models import ApprovalMode as ApprovalModeValue
from models import RegistrationField as RegistrationFieldModel
from models import Shop as ShopModel
from resolvers.shops import ShopSettings
from schema.errors import UserError
from schema.inputs import given_fields
from schema.nodes import Node, global_id

ApprovalMode = strawberry.enum(ApprovalModeValue, name="ApprovalMode")


@strawberry.type(description="An extra question on a shop's registration form; all are required.")
class RegistrationField(Node):
    key: str
    label: str
    position: int

    @classmethod
    def from_model(cls, field: RegistrationFieldModel) -> RegistrationField:
        return cls(
            id=global_id("RegistrationField", field.id),
            key=field.key,
            label=field.label,
            position=field.position,
        )


@strawberry.type(description="One online shop and its customer-account settings.")
class Shop(Node):
    pk: strawberry.Private[int]
    handle: str
    name: str
    registration_enabled: bool
    approval_mode: ApprovalMode
    default_price_list_tags: list[str]
    minimum_order_amount: Decimal | None
    checkout_payment_limit: Decimal | None = strawberry.field(
        description="Orders above this amount become draft orders."
    )
    currency: str
    languages: list[str] = strawberry.field(description="Offered languages; the first is the default.")
    notification_email: str | None = strawberry.field(description="Where staff notifications go.")
    notify_customer_on_rejection: bool
    storefront_url: str | None = strawberry.field(description="Base of links in customer emails.")
    reminder_delay_hours: int = strawberry.field(
        description="Pending requests older than this are sent to staff in a daily digest."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, shop: ShopModel) -> Shop:
        return cls(
            id=global_id("Shop", shop.id),
            pk=shop.id,
            handle=shop.handle,
            name=shop.name,
            registration_enabled=shop.registration_enabled,
            approval_mode=shop.approval_mode,
            default_price_list_tags=list(shop.default_price_list_tags),
            minimum_order_amount=shop.minimum_order_amount,
            checkout_payment_limit=shop.checkout_payment_limit,
            currency=shop.currency,
            languages=list(shop.languages),
            notification_email=shop.notification_email,
            notify_customer_on_rejection=shop.notify_customer_on_rejection,
            storefront_url=shop.storefront_url,
            reminder_delay_hours=shop.reminder_delay_hours,
            created_at=shop.created_at,
        )

    @strawberry.field(description="The extra registration questions, in order.")
    async def registration_fields(self, info: Info) -> list[RegistrationField]:
        fields = await info.context.loaders.registration_fields_by_shop.load(self.pk)
        return [RegistrationField.from_model(field) for field in fields]


@strawberry.input(description="Settings to change; a field left out keeps its value.")
class ShopSettingsInput:
    name: str | None = strawberry.UNSET
    registration_enabled: bool | None = strawberry.UNSET
    approval_mode: ApprovalMode | None = strawberry.UNSET
    default_price_list_tags: list[str] | None = strawberry.UNSET
    minimum_order_amount: Decimal | None = strawberry.UNSET
    checkout_payment_limit: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    languages: list[str] | None = strawberry.UNSET
    notification_email: str | None = strawberry.UNSET
    notify_customer_on_rejection: bool | None = strawberry.UNSET
    storefront_url: str | None = strawberry.UNSET
    reminder_delay_hours: int | None = strawberry.UNSET

    def to_settings(self) -> ShopSettings:
        return ShopSettings(**given_fields(self, leave_out=("handle", "shop")))


@strawberry.input(description="A new shop: a unique handle, a name, and any settings.")
class CreateShopInput(ShopSettingsInput):
    handle: str
    name: str


@strawberry.input(description="The shop (by handle) and the settings to change.")
class UpdateShopSettingsInput(ShopSettingsInput):
    shop: str


@strawberry.type
class ShopPayload:
    shop: Shop | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
