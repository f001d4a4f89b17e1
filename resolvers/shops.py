"""Shops and their settings (staff)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.scopes import EVERY_SHOP, ShopScope
from auth.viewer import Caller
from models import ApprovalMode, Shop
from resolvers import audit
from resolvers import validation as check
from resolvers.answer_types import country_code
from resolvers.errors import ErrorCode, Problems
from resolvers.unchanged import UNCHANGED

# Rejected requests are kept at most ten years (rule 18 of docs/api.md); 0 deletes them at the
# retention purge's next run.
MAX_RETENTION_DAYS = 3650


@dataclass
class ShopSettings:
    """Changes to a shop's settings; UNCHANGED leaves a setting as it is."""

    name: Any = UNCHANGED
    registration_enabled: Any = UNCHANGED
    approval_mode: Any = UNCHANGED
    default_price_list_tags: Any = UNCHANGED
    minimum_order_amount: Any = UNCHANGED
    checkout_payment_limit: Any = UNCHANGED
    currency: Any = UNCHANGED
    languages: Any = UNCHANGED
    notification_email: Any = UNCHANGED
    notify_customer_on_rejection: Any = UNCHANGED
    storefront_url: Any = UNCHANGED
    reminder_delay_hours: Any = UNCHANGED
    require_email_verification: Any = UNCHANGED
    bot_protection: Any = UNCHANGED
    default_country: Any = UNCHANGED
    rejected_request_retention_days: Any = UNCHANGED

    def changes(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNCHANGED
        }


_NOT_NULL = {
    "name", "registration_enabled", "approval_mode", "default_price_list_tags", "currency",
    "languages", "notify_customer_on_rejection", "reminder_delay_hours",
    "require_email_verification", "bot_protection", "rejected_request_retention_days",
}


def _setting(problems: Problems, name: str, value: Any) -> Any:
    field = check.camel_case(name)
    if value is None and name in _NOT_NULL:
        problems.invalid("This setting cannot be empty.", field)
        return value
    match name:
        case "name":
            return check.required_text(problems, value, field, max_length=200)
        case "approval_mode":
            return ApprovalMode(value)
        case "default_price_list_tags":
            return check.tag_list(problems, value, field)
        case "minimum_order_amount" | "checkout_payment_limit":
            return check.money(problems, value, field)
        case "currency":
            return check.currency_code(problems, value, field)
        case "languages":
            return check.language_list(problems, value, field)
        case "notification_email":
            return check.optional_email_address(problems, value, field)
        case "storefront_url":
            return check.web_url(problems, value, field)
        case "reminder_delay_hours" if not 1 <= value <= 24 * 30:
            problems.invalid("Use 1 to 720 hours.", field)
        case "default_country" if value is not None:
            return country_code(problems, value, field)
        case "rejected_request_retention_days" if not 0 <= value <= MAX_RETENTION_DAYS:
            problems.invalid(f"Use 0 to {MAX_RETENTION_DAYS} days.", field)
    return value


def _validated(problems: Problems, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes checked and normalised; what is wrong goes to `problems`."""
    return {name: _setting(problems, name, value) for name, value in changes.items()}


def offered_language(problems: Problems, shop: Shop, language: str) -> str:
    """LANGUAGE_NOT_OFFERED, naming what the shop does offer, unless `language` is one of them."""
    if language not in shop.languages:
        problems.add(
            ErrorCode.LANGUAGE_NOT_OFFERED, f"The shop offers {', '.join(shop.languages)}.", "language"
        )
    return language


async def list_shops(scope: ShopScope) -> list[Shop]:
    return await scope.applied(Shop.all(), "id")


async def find_shop(handle: str, *, scope: ShopScope) -> Shop | None:
    """The shop of `handle` if it is in `scope`: one outside reads as missing, like a handle
    that names nothing. Anyone's forms and sign-ins pass EVERY_SHOP."""
    if not check.fits_column(Shop, "handle", handle):
        return None
    return await scope.applied(Shop.filter(handle=handle), "id").first()


async def shop_by_handle(handle: str, problems: Problems | None = None, *, scope: ShopScope) -> Shop:
    """The shop in `scope`, or NOT_FOUND, reported with the call's other `problems` found so far."""
    problems = Problems() if problems is None else problems
    shop = await shop_if_any(handle, problems, scope=scope)
    if shop is None:
        raise problems.error()
    return shop


async def shop_if_any(handle: str, problems: Problems, *, scope: ShopScope) -> Shop | None:
    """The shop in `scope`; None, with NOT_FOUND at `shop` among `problems`, when there is none."""
    shop = await find_shop(handle, scope=scope)
    if shop is None:
        problems.add(ErrorCode.NOT_FOUND, f"No shop '{handle[:64]}'.", "shop")
    return shop


async def shop_id_of(handle: str) -> int | None:
    """The id of the shop of `handle`, or None: whose an anonymous action (a failed sign-in) is."""
    shop = await find_shop(handle, scope=EVERY_SHOP)
    return shop.id if shop is not None else None


async def create_shop(caller: Caller, handle: str, settings: ShopSettings) -> Shop:
    problems = Problems()
    handle = check.shop_handle(problems, handle)
    values = _validated(problems, settings.changes())
    if "name" not in values:
        problems.add(ErrorCode.FIELD_REQUIRED, "This field is required.", "name")
    check.check_limits_agree(
        problems, values.get("minimum_order_amount"), values.get("checkout_payment_limit")
    )
    problems.raise_if_any()
    try:
        async with in_transaction():
            shop = await Shop.create(handle=handle, **values)
            await audit.record(caller, "shop.created", shop, handle=handle)
    except IntegrityError:
        raise check.invalid(f"The handle '{handle}' is taken.", "handle") from None
    return shop


async def update_shop_settings(caller: Caller, handle: str, settings: ShopSettings) -> Shop:
    problems = Problems()
    values = _validated(problems, settings.changes())
    async with in_transaction():
        shop = await find_shop(handle, scope=caller.scope)
        if shop is None:
            problems.add(ErrorCode.NOT_FOUND, "No such shop.", "shop")
            raise problems.error()
        check.check_limits_agree(
            problems,
            values.get("minimum_order_amount", shop.minimum_order_amount),
            values.get("checkout_payment_limit", shop.checkout_payment_limit),
        )
        problems.raise_if_any()
        shop.update_from_dict(values)
        await shop.save()
        await audit.record(
            caller, "shop.settings_updated", shop, changed=sorted(check.camel_case(n) for n in values)
        )
    return shop
