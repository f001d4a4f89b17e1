"""Shops: the type, the settings inputs and payloads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from models import ApprovalMode
from models import RegistrationField as RegistrationFieldModel
from models import Shop as ShopModel
from models.field_types import RegistrationFieldType
from resolvers.localized_text import in_shop_order, pick
from resolvers.registration_fields import field_label
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

REQUIRE_EMAIL_VERIFICATION = (
    "Double opt-in: a submission stays UNVERIFIED until the applicant follows the link mailed to "
    "them (verifyRegistrationEmail); staff hear of it, and AUTOMATIC mode makes the account, only "
    "then. Off by default."
)
BOT_PROTECTION = (
    "Whether submitRegistration needs the formToken of a registrationForm read for this shop 2 "
    "seconds to 24 hours before (INVALID at [\"formToken\"] without one). On for a new shop; "
    "shops made before Gatehouse had it start with it off."
)
DEFAULT_COUNTRY = (
    "ISO 3166-1 alpha-2 code ('NL'): phone and VAT numbers given without a country prefix are "
    "read as this country's, unless the form's COUNTRY answer says otherwise; null: none."
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
REJECTED_REQUEST_RETENTION_DAYS = (
    "How many days a rejected registration request is kept after its rejection (0 to 3650, "
    "default 180); then the daily retention purge deletes it, with its answers and mails. 0: "
    "deleted at the next run."
)


describe_enum(
    RegistrationFieldType,
    name="RegistrationFieldType",
    description="What kind of answer a registration question takes; answers are checked and "
    "stored normalised by type (a refused one: INVALID at [\"answers\", key]).",
    values={
        RegistrationFieldType.TEXT: "One line of text, at most 2,000 characters. The default.",
        RegistrationFieldType.MULTILINE: "Text with line breaks, at most 2,000 characters.",
        RegistrationFieldType.NUMBER: "A decimal number, written as in the form's language "
        "('1,5' in Dutch) or plainly ('1.5'); stored plainly.",
        RegistrationFieldType.EMAIL: "An email address, checked as the form's email is; stored in "
        "lower case.",
        RegistrationFieldType.PHONE: "A phone number, read against the COUNTRY answer or the shop's "
        "defaultCountry when it has no '+'; stored in E.164 ('+31612345678').",
        RegistrationFieldType.URL: "An http or https address with a host.",
        RegistrationFieldType.VAT_NUMBER: "A VAT number, checked by its country's checksum and stored "
        "compact with its country prefix ('NL004495445B01'); matchingDebtors compares these.",
        RegistrationFieldType.COUNTRY: "An ISO 3166-1 alpha-2 country code ('NL'); the storefront "
        "shows countries' names in the form's language.",
        RegistrationFieldType.CHOICE: "One of the question's options (its value).",
        RegistrationFieldType.MULTI_CHOICE: "Some of the question's options, given as AnswerInput.values.",
        RegistrationFieldType.CHECKBOX: "'true' or 'false'. A required checkbox must be ticked "
        "('true'): it asks for consent; an optional one left out is 'false'.",
        RegistrationFieldType.DATE: "A calendar date in ISO 8601, 'YYYY-MM-DD'.",
    },
)


# How every list of LocalizedText is ordered, whatever order staff gave or the database keeps.
IN_SHOP_ORDER = "the shop's languages first, in their order, then any others alphabetically"


@strawberry.type(description="A text in one language.")
class LocalizedText:
    language: str = strawberry.field(description="The language's code, one of the shop's ('nl').")
    text: str = strawberry.field(description="The text in that language.")


def localized(texts: dict[str, str], languages: list[str]) -> list[LocalizedText]:
    """Every language's text, the shop's `languages` first in their order, then any others
    alphabetically."""
    return [LocalizedText(language=language, text=text) for language, text in in_shop_order(texts, languages)]


@strawberry.type(description="One of the answers a CHOICE or MULTI_CHOICE question offers.")
class FieldOption:
    value: str = strawberry.field(description="What an answer gives and what is stored.")
    label: str = strawberry.field(
        description="What the form shows: in the language asked, else the shop's first, else any."
    )
    labels: list[LocalizedText] = strawberry.field(
        description=f"The label in every language given: {IN_SHOP_ORDER}."
    )


@strawberry.type(
    description="An extra question on a shop's registration form, typed, in the shop's languages."
)
class RegistrationField(Node):
    key: str = strawberry.field(
        description="Names the answer (AnswerInput.key): lower-case letters, digits and "
        "underscores, unique within the form."
    )
    label: str = strawberry.field(
        description="The question as the form shows it: in the language asked "
        "(registrationForm(language:)), else the shop's first, else any."
    )
    position: int = strawberry.field(description="Its place in the form, 1 first.")
    type: RegistrationFieldType = strawberry.field(description="What kind of answer it takes.")
    required: bool = strawberry.field(
        description="Whether it must be answered; an optional one may be left out. A required "
        "CHECKBOX must be ticked."
    )
    help_text: str | None = strawberry.field(
        description="A hint shown with the question, in the language as label is; null: none."
    )
    labels: list[LocalizedText] = strawberry.field(
        description=f"The label in every language given: {IN_SHOP_ORDER}."
    )
    help_texts: list[LocalizedText] = strawberry.field(
        description=f"The hint in every language given: {IN_SHOP_ORDER}."
    )
    options: list[FieldOption] = strawberry.field(
        description="What a CHOICE or MULTI_CHOICE offers, in order; empty for other types."
    )

    @classmethod
    def from_model(
        cls, field: RegistrationFieldModel, languages: list[str], language: str | None = None
    ) -> RegistrationField:
        """`field` as shown in `language` (else the first of the shop's `languages`)."""
        return cls(
            id=global_id("RegistrationField", field.id),
            key=field.key,
            label=field_label(field, language, languages),
            position=field.position,
            type=field.type,
            required=field.required,
            help_text=pick(field.help_texts, language, languages),
            labels=localized(field.labels, languages),
            help_texts=localized(field.help_texts, languages),
            options=[
                FieldOption(
                    value=option["value"],
                    label=pick(option["labels"], language, languages) or option["value"],
                    labels=localized(option["labels"], languages),
                )
                for option in field.options
            ],
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
    require_email_verification: bool = strawberry.field(description=REQUIRE_EMAIL_VERIFICATION)
    bot_protection: bool = strawberry.field(description=BOT_PROTECTION)
    default_country: str | None = strawberry.field(description=DEFAULT_COUNTRY)
    rejected_request_retention_days: int = strawberry.field(description=REJECTED_REQUEST_RETENTION_DAYS)
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
            require_email_verification=shop.require_email_verification,
            bot_protection=shop.bot_protection,
            default_country=shop.default_country,
            rejected_request_retention_days=shop.rejected_request_retention_days,
            created_at=shop.created_at,
        )

    @strawberry.field(description="The extra registration questions, in order.")
    async def registration_fields(self, info: GatehouseInfo) -> list[RegistrationField]:
        fields = await info.context.loaders.registration_fields_by_shop.load(self.pk)
        return [RegistrationField.from_model(field, self.languages) for field in fields]


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
    require_email_verification: bool | None = strawberry.field(
        default=strawberry.UNSET, description=REQUIRE_EMAIL_VERIFICATION
    )
    bot_protection: bool | None = strawberry.field(default=strawberry.UNSET, description=BOT_PROTECTION)
    default_country: str | None = strawberry.field(default=strawberry.UNSET, description=DEFAULT_COUNTRY)
    rejected_request_retention_days: int | None = strawberry.field(
        default=strawberry.UNSET, description=REJECTED_REQUEST_RETENTION_DAYS
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
