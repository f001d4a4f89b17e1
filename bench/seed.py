"""A database the size of a large wholesaler: shops, debtors, contacts, shop users, requests.

Rows are bulk-inserted in chunks; every shop user shares one real argon2id hash
(hashing 40,000 passwords would measure the seeding, not the server).
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

from models import (
    AdminUser,
    ApprovalMode,
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Shop,
    ShopUser,
    StaffRole,
)
from models.normalise import name_key

ADMIN_EMAIL = "bench@gatehouse.test"
# A manager of the flora shop only: what the staff page costs with a shop scope.
SCOPED_EMAIL = "manager@gatehouse.test"
PASSWORD = "Bench-Tulips-2026"  # noqa: S105 (the seeded accounts' password, printed on purpose)
CHUNK = 2000


@dataclass(frozen=True)
class Size:
    debtors: int = 20_000
    contacts_per_debtor: int = 2
    requests: int = 20_000


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


async def _bulk(model, rows: list) -> None:
    for chunk in _chunks(rows):
        await model.bulk_create(chunk)


async def seed_accounts(size: Size) -> None:
    """Two shops, an admin, debtors with their contacts, and a shop user per contact."""
    hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    password_hash = hasher.hash(PASSWORD)
    await AdminUser.create(email=ADMIN_EMAIL, name="Bench", password_hash=password_hash)
    scoped_manager = await AdminUser.create(
        email=SCOPED_EMAIL, name="Bench manager", password_hash=password_hash,
        role=StaffRole.MANAGER, all_shops=False,
    )
    shops = [
        await Shop.create(
            handle="flora", name="Flora Wholesale", registration_enabled=True,
            approval_mode=ApprovalMode.MANUAL, default_price_list_tags=["wholesale"],
            minimum_order_amount="50.00", checkout_payment_limit="2500.00",
            notification_email="orders@flora.test",
        ),
        await Shop.create(handle="greenhouse", name="Greenhouse Supplies", registration_enabled=True),
    ]
    for position, (key, label) in enumerate(
        [("chamber_of_commerce", "Chamber of Commerce number"), ("vat_number", "VAT number"),
         ("business_type", "Type of business")],
        start=1,
    ):
        await RegistrationField.create(shop=shops[0], key=key, labels={"en": label}, position=position)
    await scoped_manager.shops.add(shops[0])
    await _bulk(Debtor, [
        Debtor(number=f"B{i:06d}", name=f"Kwekerij {i}", name_key=name_key(f"Kwekerij {i}"),
               email=f"info{i}@kwekerij.test", vat_number=f"NL{i:09d}B01", price_list_tags=["wholesale"])
        for i in range(size.debtors)
    ])
    debtor_ids = list(await Debtor.all().order_by("id").values_list("id", flat=True))
    await _bulk(ContactPerson, [
        ContactPerson(debtor_id=debtor_id, first_name=f"Jan{i}-{n}", last_name="de Boer",
                      email=f"jan{i}.{n}@kwekerij.test", language="nl")
        for i, debtor_id in enumerate(debtor_ids)
        for n in range(size.contacts_per_debtor)
    ])
    contacts = await ContactPerson.all().order_by("id").values_list("id", "email")
    await _bulk(ShopUser, [
        ShopUser(shop=shops[i % 2], contact_id=contact_id, username=email, username_key=email,
                 password_hash=password_hash, language="nl")
        for i, (contact_id, email) in enumerate(contacts)
    ])


async def seed_requests(count: int, first_number: int = 0) -> None:
    """Pending requests for flora, each with three answers; every tenth matches a known debtor."""
    shop = await Shop.get(handle="flora")
    numbers = range(first_number, first_number + count)
    await _bulk(RegistrationRequest, [
        RegistrationRequest(
            shop=shop, name=f"Applicant {i}", company=f"Kwekerij {i}" if i % 10 == 0 else f"Firma {i}",
            email=f"info{i}@kwekerij.test" if i % 10 == 0 else f"applicant{i}@firma.test",
            language="nl",
        )
        for i in numbers
    ])
    request_ids = await RegistrationRequest.filter(shop_id=shop.id).order_by("-id").limit(count).values_list(
        "id", flat=True
    )
    await _bulk(RegistrationAnswer, [
        RegistrationAnswer(request_id=request_id, key=key, label=label, value=value, position=position)
        for request_id in request_ids
        for position, (key, label, value) in enumerate(
            [("chamber_of_commerce", "Chamber of Commerce number", f"{request_id:08d}"),
             ("vat_number", "VAT number", f"NL{request_id:09d}B01"),
             ("business_type", "Type of business", "florist")],
            start=1,
        )
    ])
