"""The extra questions of a shop's registration form (staff), and the form itself (anyone)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.scopes import EVERY_SHOP, ShopScope
from auth.viewer import Caller
from models import ApprovalMode, RegistrationField, Shop
from resolvers import audit
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems
from resolvers.shops import shop_by_handle

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# The form always asks these itself; an extra field with such a key would shadow one.
RESERVED_KEYS = frozenset({"name", "email", "company", "language", "password", "password_confirmation"})
MAX_FIELDS = 50


@dataclass(frozen=True)
class RegistrationForm:
    shop: Shop
    fields: list[RegistrationField]

    @property
    def open(self) -> bool:
        return self.shop.registration_enabled

    @property
    def approval_mode(self) -> ApprovalMode:
        return self.shop.approval_mode


async def registration_form(shop_handle: str) -> RegistrationForm:
    """Any shop's form, for anyone: it is what the storefront shows."""
    shop = await shop_by_handle(shop_handle, scope=EVERY_SHOP)
    return RegistrationForm(shop, await fields_of(shop.id))


async def fields_of(shop_id: int) -> list[RegistrationField]:
    return await RegistrationField.filter(shop_id=shop_id).order_by("position", "id")


def _key(problems: Problems, value: str) -> str:
    value = value.strip()
    if not _KEY.match(value):
        problems.invalid(
            "Use 1 to 64 lower-case letters, digits and underscores, starting with a letter.", "key"
        )
    elif value in RESERVED_KEYS:
        problems.invalid(f"'{value}' is asked by every form already.", "key")
    return value


async def _renumber(fields: list[RegistrationField]) -> None:
    """Positions 1, 2, 3 … in the given order, saving only what moved."""
    for position, field in enumerate(fields, start=1):
        if field.position != position:
            field.position = position
            await field.save(update_fields=["position"])


async def create_registration_field(
    caller: Caller, shop_handle: str, key: str, label: str, position: int | None
) -> RegistrationField:
    """A new required question, at `position` (1 is first) or last."""
    problems = Problems()
    key = _key(problems, key)
    label = check.required_text(problems, label, "label", max_length=200)
    try:
        async with in_transaction():
            shop = await shop_by_handle(shop_handle, problems, scope=caller.scope)
            fields = await fields_of(shop.id)
            if len(fields) >= MAX_FIELDS:
                problems.invalid(f"A form has at most {MAX_FIELDS} extra fields.", "shop")
            if not problems.has("key") and any(field.key == key for field in fields):
                problems.invalid(f"This form has a field '{key}' already.", "key")
            problems.raise_if_any()
            field = await RegistrationField.create(shop=shop, key=key, label=label, position=0)
            index = len(fields) if position is None else min(max(position, 1), len(fields) + 1) - 1
            fields.insert(index, field)
            await _renumber(fields)
            await audit.record(caller, "registration_field.created", field, shop=shop.handle, key=key)
    except IntegrityError:
        raise check.invalid(f"This form has a field '{key}' already.", "key") from None
    return field


async def _field(pk: int | None, problems: Problems, scope: ShopScope) -> RegistrationField:
    """The field of a shop in `scope`, or NOT_FOUND (also for another shop's), reported with
    the call's other `problems` found so far."""
    field = (
        await scope.applied(RegistrationField.filter(id=pk)).first() if pk is not None else None
    )
    if field is None:
        problems.add(ErrorCode.NOT_FOUND, "No such registration field.", "id")
        raise problems.error()
    return field


async def update_registration_field(
    caller: Caller, pk: int | None, label: str | None, position: int | None
) -> RegistrationField:
    """A new label or place; answers already given keep the label they were asked with."""
    problems = Problems()
    new_label = check.required_text(problems, label, "label", max_length=200) if label is not None else None
    async with in_transaction():
        field = await _field(pk, problems, caller.scope)
        problems.raise_if_any()
        if new_label is not None and new_label != field.label:
            field.label = new_label
            await field.save(update_fields=["label"])
        if position is not None:
            fields = [f for f in await fields_of(field.shop_id) if f.id != field.id]
            fields.insert(min(max(position, 1), len(fields) + 1) - 1, field)
            await _renumber(fields)
        await audit.record(
            caller, "registration_field.updated", field, label=field.label, position=field.position
        )
    return field


async def delete_registration_field(caller: Caller, pk: int | None) -> int:
    """Removes the question from the form; answers already given stay as they were."""
    async with in_transaction():
        field = await _field(pk, Problems(), caller.scope)
        await field.delete()
        await _renumber(await fields_of(field.shop_id))
        await audit.record(caller, "registration_field.deleted", field, key=field.key)
    return field.id


async def reorder_registration_fields(
    caller: Caller, shop_handle: str, field_pks: list[int | None]
) -> list[RegistrationField]:
    """Puts the shop's fields in the order given; every field of the shop, each once."""
    async with in_transaction():
        shop = await shop_by_handle(shop_handle, scope=caller.scope)
        fields = {field.id: field for field in await fields_of(shop.id)}
        if len(field_pks) != len(fields) or set(field_pks) != set(fields):
            raise check.invalid("List every field of this form once, in the new order.", "ids")
        ordered = [fields[pk] for pk in field_pks if pk is not None]
        await _renumber(ordered)
        await audit.record(caller, "registration_fields.reordered", shop, keys=[f.key for f in ordered])
    return ordered
