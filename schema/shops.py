"""Shops: the type, the settings inputs and payloads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from models import ApprovalMode
from models import RegistrationField as RegistrationFieldModel
from models import Shop as ShopModel
from resolvers.shops import ShopSettings
from schema.context import GatehouseInfo
from schema.enums import describe_enum
from schema.errors import USER_ERRORS, UserError
from schema.inputs import given_fields
from schema.nodes import Node, global_id

describe_enum(
    ApprovalMode,
    name="ApprovalMode",
    description="How a shop decides on self-registrations.",
    values={
        ApprovalMode.MANUAL: "Staff approve or reject each request; the customer is invited to "
        "choose a password once approved. The default.",
        ApprovalMode.AUTOMATIC: "The customer chooses a password in the form and can sign in at "
        "once; staff are told of the new account.",
    },
)

HANDLE = "The shop's handle: 1 to 64 lower-case letters, digits and hyphens, unique."
NAME = "The shop's name as customers see it (at most 200 characters)."
REGISTRATION_ENABLED = "Whether the registration form takes submissions; off by default."
APPROVAL_MODE = "How registrations are decided; MANUAL by default."
DEFAULT_PRICE_LIST_TAGS = "Price-list tags every approved customer's debtor gets (1 to 64 characters each)."
MINIMUM_ORDER_AMOUNT = (
    "Orders below this amount are refused, unless the debtor overrides it; null: no minimum."
)
CHECKOUT_PAYMENT_LIMIT = (
    "Orders above this amount become draft orders, unless the debtor overrides it; null: no limit. "
    "Never below the minimum order amount."
)
CURRENCY = "The shop's currency, a three-letter ISO 4217 code; EUR by default."
LANGUAGES = (
    "Languages offered, as codes such as 'nl' or 'de-AT' (1 to 20); the first is the default. "
    "A new shop offers nl, en, de and fr."
)
NOTIFICATION_EMAIL = "Where staff notifications of the shop go (new requests, reminders, new accounts)."
NOTIFY_CUSTOMER_ON_REJECTION = "Whether a rejected applicant gets a mail; on by default, reject may override."
STOREFRONT_URL = (
    "Base of the links in customer mails (http or https), e.g. https://shop.example; null: the "
    "server's public URL."
)
REMINDER_DELAY_HOURS = (
    "Pending requests older than this many hours (1 to 720, default 24) are sent to staff in a daily digest."
)


@strawberry.type(description="An extra question on a shop's registration form; every one is required.")
class RegistrationField(Node):
    key: str = strawberry.field(
        description="Names the answer (AnswerInput.key): lower-case letters, digits and "
        "underscores, unique within the form."
    )
    label: str = strawberry.field(description="The question as the form shows it.")
    position: int = strawberry.field(description="Its place in the form, 1 first.")

    @classmethod
    def from_model(cls, field: RegistrationFieldModel) -> RegistrationField:
        return cls(
            id=global_id("RegistrationField", field.id),
            key=field.key,
            label=field.label,
            position=field.position,
        )


@strawberry.type(
    description="One online shop and its customer-account settings. Staff read their shops (every "
    "shop, or those of their account); a shop user reads only its own."
)
class Shop(Node):
    pk: strawberry.Private[int]
    handle: str = strawberry.field(description=HANDLE + " Inputs name a shop by it.")
    name: str = strawberry.field(description=NAME)
    registration_enabled: bool = strawberry.field(description=REGISTRATION_ENABLED)
    approval_mode: ApprovalMode = strawberry.field(description=APPROVAL_MODE)
    default_price_list_tags: list[str] = strawberry.field(description=DEFAULT_PRICE_LIST_TAGS)
    minimum_order_amount: Decimal | None = strawberry.field(description=MINIMUM_ORDER_AMOUNT)
    checkout_payment_limit: Decimal | None = strawberry.field(description=CHECKOUT_PAYMENT_LIMIT)
    currency: str = strawberry.field(description=CURRENCY)
    languages: list[str] = strawberry.field(description=LANGUAGES)
    notification_email: str | None = strawberry.field(description=NOTIFICATION_EMAIL)
    notify_customer_on_rejection: bool = strawberry.field(description=NOTIFY_CUSTOMER_ON_REJECTION)
    storefront_url: str | None = strawberry.field(description=STOREFRONT_URL)
    reminder_delay_hours: int = strawberry.field(description=REMINDER_DELAY_HOURS)
    created_at: datetime = strawberry.field(description="When the shop was made.")

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
    async def registration_fields(self, info: GatehouseInfo) -> list[RegistrationField]:
        fields = await info.context.loaders.registration_fields_by_shop.load(self.pk)
        return [RegistrationField.from_model(field) for field in fields]


@strawberry.input(
    description="Settings to change: a field left out keeps its value; null empties an optional "
    "setting and is refused (INVALID) for the others."
)
class ShopSettingsInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description=NAME)
    registration_enabled: bool | None = strawberry.field(
        default=strawberry.UNSET, description=REGISTRATION_ENABLED
    )
    approval_mode: ApprovalMode | None = strawberry.field(default=strawberry.UNSET, description=APPROVAL_MODE)
    default_price_list_tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=DEFAULT_PRICE_LIST_TAGS
    )
    minimum_order_amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=MINIMUM_ORDER_AMOUNT + " Kept to the cent."
    )
    checkout_payment_limit: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=CHECKOUT_PAYMENT_LIMIT + " Kept to the cent."
    )
    currency: str | None = strawberry.field(default=strawberry.UNSET, description=CURRENCY)
    languages: list[str] | None = strawberry.field(default=strawberry.UNSET, description=LANGUAGES)
    notification_email: str | None = strawberry.field(
        default=strawberry.UNSET, description=NOTIFICATION_EMAIL
    )
    notify_customer_on_rejection: bool | None = strawberry.field(
        default=strawberry.UNSET, description=NOTIFY_CUSTOMER_ON_REJECTION
    )
    storefront_url: str | None = strawberry.field(default=strawberry.UNSET, description=STOREFRONT_URL)
    reminder_delay_hours: int | None = strawberry.field(
        default=strawberry.UNSET, description=REMINDER_DELAY_HOURS
    )

    def to_settings(self) -> ShopSettings:
        return ShopSettings(**given_fields(self, leave_out=("handle", "shop")))


@strawberry.input(description="A new shop: a unique handle, a name, and any settings.")
class CreateShopInput(ShopSettingsInput):
    handle: str = strawberry.field(description=HANDLE)
    name: str = strawberry.field(description=NAME)


@strawberry.input(description="The shop (by handle) and the settings to change.")
class UpdateShopSettingsInput(ShopSettingsInput):
    shop: str = strawberry.field(description="The handle of the shop to change; it cannot be changed.")


@strawberry.type(description="What createShop and updateShopSettings answer.")
class ShopPayload:
    shop: Shop | None = strawberry.field(
        default=None, description="The shop as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)
