"""The extra questions of a shop's registration form (staff), and the form itself (anyone)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.scopes import EVERY_SHOP, ShopScope
from auth.viewer import Caller
from models import ApprovalMode, RegistrationField, Shop
from models.shops import SUPPORTED_LANGUAGES
from resolvers import audit
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems
from resolvers.field_definitions import FieldDefinition, apply_definition
from resolvers.localized_text import pick
from resolvers.shops import shop_by_handle, shop_if_any

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# The form always asks these itself; an extra field with such a key would shadow one.
RESERVED_KEYS = frozenset({"name", "email", "company", "language", "password", "password_confirmation"})
MAX_FIELDS = 50


@dataclass(frozen=True)
class RegistrationForm:
    shop: Shop
    fields: list[RegistrationField]
    #: The language asked for, when the shop offers it; else the shop's first.
    language: str

    @property
    def open(self) -> bool:
        return self.shop.registration_enabled

    @property
    def approval_mode(self) -> ApprovalMode:
        return self.shop.approval_mode


async def registration_form(shop_handle: str, language: str | None = None) -> RegistrationForm:
    """Any shop's form, for anyone: it is what the storefront shows, in `language` where the
    shop offers it."""
    shop = await shop_by_handle(shop_handle, scope=EVERY_SHOP)
    return RegistrationForm(shop, await fields_of(shop.id), _offered(shop, language))


def _offered(shop: Shop, language: str | None) -> str:
    """The shop's spelling of `language` ("de-AT" for "de-at"), else the shop's first."""
    asked = (language or "").strip().lower()
    return next((offered for offered in shop.languages if offered.lower() == asked), shop.default_language)


def field_label(field: RegistrationField, language: str | None, shop_languages: Sequence[str]) -> str:
    """The question as shown in `language`: else in its base language, else in the shop's
    languages in order, else in any; its key when it has no label at all."""
    return pick(field.labels, language, shop_languages) or field.key


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
    caller: Caller, shop_handle: str, key: str, definition: FieldDefinition, position: int | None
) -> RegistrationField:
    """A new question (TEXT and required unless `definition` says otherwise), at `position`
    (1 is first) or last."""
    problems = Problems()
    key = _key(problems, key)
    try:
        async with in_transaction():
            shop = await shop_if_any(shop_handle, problems, scope=caller.scope)
            # An unknown shop's languages are unknown: labels are checked against every one
            # Gatehouse offers, so every other problem is still reported at once.
            field = RegistrationField(key=key, position=0)
            apply_definition(problems, field, definition, shop or Shop(languages=SUPPORTED_LANGUAGES))
            if shop is None:
                raise problems.error()
            field.shop = shop
            fields = await fields_of(shop.id)
            if len(fields) >= MAX_FIELDS:
                problems.invalid(f"A form has at most {MAX_FIELDS} extra fields.", "shop")
            if not problems.has("key") and any(field.key == key for field in fields):
                problems.invalid(f"This form has a field '{key}' already.", "key")
            problems.raise_if_any()
            await field.save()
            index = len(fields) if position is None else min(max(position, 1), len(fields) + 1) - 1
            fields.insert(index, field)
            await _renumber(fields)
            await audit.record(caller, "registration_field.created", field, shop=shop.handle, key=key)
    except IntegrityError:
        raise check.invalid(f"This form has a field '{key}' already.", "key") from None
    return field


async def _field(pk: int | None, problems: Problems, scope: ShopScope) -> RegistrationField:
    """The field of a shop in `scope`, its shop read with it, or NOT_FOUND (also for another
    shop's), reported with the call's other `problems` found so far."""
    field = (
        await scope.applied(RegistrationField.filter(id=pk)).select_related("shop").first()
        if pk is not None
        else None
    )
    if field is None:
        problems.add(ErrorCode.NOT_FOUND, "No such registration field.", "id")
        raise problems.error()
    return field


async def update_registration_field(
    caller: Caller, pk: int | None, definition: FieldDefinition, position: int | None
) -> RegistrationField:
    """A new definition or place; answers already given keep the field as they were given to it."""
    problems = Problems()
    async with in_transaction():
        field = await _field(pk, problems, caller.scope)
        apply_definition(problems, field, definition, field.shop)
        problems.raise_if_any()
        await field.save(update_fields=["type", "required", "labels", "help_texts", "options"])
        if position is not None:
            fields = [f for f in await fields_of(field.shop_id) if f.id != field.id]
            fields.insert(min(max(position, 1), len(fields) + 1) - 1, field)
            await _renumber(fields)
        await audit.record(
            caller, "registration_field.updated", field,
            type=field.type.value, required=field.required, labels=field.labels, position=field.position,
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
