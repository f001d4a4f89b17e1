"""Small factories for test data, with real argon2id hashes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

from argon2 import PasswordHasher

from models import (
    AdminUser,
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Shop,
    ShopUser,
    StaffRole,
)

ADMIN_PASSWORD = "tulip-Harvest-2026"
CUSTOMER_PASSWORD = "peony-Bouquet-4711"
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_numbers = count(1)


def password_hash(password: str) -> str:
    return _hasher.hash(password)


async def make_admin(
    email: str = "staff@example.com",
    password: str = ADMIN_PASSWORD,
    *,
    role: StaffRole = StaffRole.OWNER,
    shops: Sequence[Shop] | None = None,
) -> AdminUser:
    """A staff member of `role`, acting in `shops` (None: every shop)."""
    admin = await AdminUser.create(
        email=email, name="Staff", password_hash=password_hash(password), role=role,
        all_shops=shops is None,
    )
    if shops:
        await admin.shops.add(*shops)
    return admin


async def make_shop(handle: str = "flora", **settings: Any) -> Shop:
    """A shop; its botProtection is off unless `settings` say otherwise, so a test submits the
    form without reading it first (tests/api/test_form_tokens_api.py keeps it on)."""
    settings.setdefault("bot_protection", False)
    return await Shop.create(handle=handle, name=settings.pop("name", "Flora Wholesale"), **settings)


async def make_field(
    shop: Shop, key: str, label: str, *, position: int = 1, **values: Any
) -> RegistrationField:
    """A question of `shop`'s form, labelled `label` in the shop's first language (TEXT and
    required unless `values` say otherwise)."""
    return await RegistrationField.create(
        shop=shop, key=key, labels={shop.default_language: label}, position=position, **values
    )


def label_of(field: RegistrationField) -> str:
    """The label of a field labelled in one language, as make_field and a plain `label:` give it."""
    [label] = field.labels.values()
    return label


async def make_debtor(name: str = "Bloemen BV", **values: Any) -> Debtor:
    number = values.pop("number", f"T{next(_numbers):05d}")
    return await Debtor.create(number=number, name=name, **values)


async def make_contact(debtor: Debtor, first_name: str = "Anna", **values: Any) -> ContactPerson:
    return await ContactPerson.create(
        debtor=debtor,
        first_name=first_name,
        last_name=values.pop("last_name", "de Vries"),
        language=values.pop("language", "nl"),
        **values,
    )


async def make_shop_user(
    shop: Shop,
    contact: ContactPerson,
    username: str = "anna",
    password: str | None = CUSTOMER_PASSWORD,
    **values: Any,
) -> ShopUser:
    return await ShopUser.create(
        shop=shop,
        contact=contact,
        username=username,
        password_hash=password_hash(password) if password else None,
        language=values.pop("language", "nl"),
        **values,
    )


async def make_customer(shop: Shop, username: str = "anna", **values: Any) -> ShopUser:
    """A debtor, its contact and an active shop user of `shop`."""
    debtor = await make_debtor(
        minimum_order_amount=values.pop("minimum_order_amount", None),
        checkout_payment_limit=values.pop("checkout_payment_limit", None),
    )
    contact = await make_contact(debtor)
    return await make_shop_user(shop, contact, username, **values)


async def pending_request(
    shop: Shop,
    name: str = "Eva Jansen",
    email: str = "eva@kwekerij.test",
    company: str | None = "Kwekerij Jansen",
    *,
    language: str = "en",
    answers: Mapping[str, str] | None = None,
    **values: Any,
) -> RegistrationRequest:
    """A registration request of `shop` as submitRegistration stores it: PENDING unless
    `status=` says otherwise, with `answers` ({key: value} in form order, labelled after
    the key; by default a chamber of commerce number)."""
    request = await RegistrationRequest.create(
        shop=shop, name=name, email=email, company=company, language=language, **values
    )
    given = {"chamber_of_commerce": "12345678"} if answers is None else answers
    for position, (key, value) in enumerate(given.items(), start=1):
        await RegistrationAnswer.create(
            request=request, key=key, label=key.replace("_", " "), value=value, position=position
        )
    return request
