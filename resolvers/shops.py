"""Shops and their settings (staff)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import ApprovalMode, Shop
from resolvers import audit
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problem, UserInputError

# Marks a setting the caller did not mention, as opposed to one set to null.
UNCHANGED: Any = object()


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

    def changes(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNCHANGED
        }


_NOT_NULL = {
    "name", "registration_enabled", "approval_mode", "default_price_list_tags", "currency",
    "languages", "notify_customer_on_rejection", "reminder_delay_hours",
}


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes checked and normalised, or the first problem as a `UserInputError`."""
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        field = check.camel_case(name)
        if value is None and name in _NOT_NULL:
            raise check.invalid("This setting cannot be empty.", field)
        match name:
            case "name":
                value = check.required_text(value, field, max_length=200)
            case "approval_mode":
                value = ApprovalMode(value)
            case "default_price_list_tags":
                value = check.tag_list(value, field)
            case "minimum_order_amount" | "checkout_payment_limit":
                value = check.money(value, field)
            case "currency":
                value = check.currency_code(value, field)
            case "languages":
                value = check.language_list(value, field)
            case "notification_email":
                value = check.optional_email_address(value, field)
            case "storefront_url":
                value = check.web_url(value, field)
            case "reminder_delay_hours":
                if not 1 <= value <= 24 * 30:
                    raise check.invalid("Use 1 to 720 hours.", field)
        clean[name] = value
    check.check_limits_agree(
        clean.get("minimum_order_amount"), clean.get("checkout_payment_limit")
    )
    return clean


def language_problem(shop: Shop, language: str) -> Problem | None:
    """LANGUAGE_NOT_OFFERED, naming what the shop does offer, unless `language` is one of them."""
    if language in shop.languages:
        return None
    return Problem(
        ErrorCode.LANGUAGE_NOT_OFFERED, f"The shop offers {', '.join(shop.languages)}.", ("language",)
    )


async def list_shops() -> list[Shop]:
    return await Shop.all()


async def find_shop(handle: str) -> Shop | None:
    return await Shop.get_or_none(handle=handle) if check.fits_column(Shop, "handle", handle) else None


async def shop_by_handle(handle: str) -> Shop:
    shop = await find_shop(handle)
    if shop is None:
        raise UserInputError.of(ErrorCode.NOT_FOUND, f"No shop '{handle[:64]}'.", "shop")
    return shop


async def create_shop(caller: Caller, handle: str, settings: ShopSettings) -> Shop:
    handle = check.shop_handle(handle)
    values = _validated(settings.changes())
    if "name" not in values:
        raise UserInputError.of(ErrorCode.FIELD_REQUIRED, "This field is required.", "name")
    try:
        async with in_transaction():
            shop = await Shop.create(handle=handle, **values)
            await audit.record(caller, "shop.created", shop, handle=handle)
    except IntegrityError:
        raise check.invalid(f"The handle '{handle}' is taken.", "handle") from None
    return shop


async def update_shop_settings(caller: Caller, handle: str, settings: ShopSettings) -> Shop:
    values = _validated(settings.changes())
    async with in_transaction():
        shop = await find_shop(handle)
        if shop is None:
            raise UserInputError.of(ErrorCode.NOT_FOUND, "No such shop.", "shop")
        merged_minimum = values.get("minimum_order_amount", shop.minimum_order_amount)
        merged_limit = values.get("checkout_payment_limit", shop.checkout_payment_limit)
        check.check_limits_agree(merged_minimum, merged_limit)
        shop.update_from_dict(values)
        await shop.save()
        await audit.record(
            caller, "shop.settings_updated", shop, changed=sorted(check.camel_case(n) for n in values)
        )
    return shop
