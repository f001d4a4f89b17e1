"""Constraints the database itself enforces, whatever the code above it does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tortoise.exceptions import IntegrityError

from models import AdminUser, Debtor, ShopUser
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user


async def test_debtor_number_is_unique(db):
    await make_debtor(number="10001")
    with pytest.raises(IntegrityError):
        await make_debtor(number="10001")
    assert await Debtor.all().count() == 1


async def test_username_is_unique_per_shop_ignoring_case(db):
    flora, other = await make_shop("flora"), await make_shop("other")
    debtor = await make_debtor()
    anna, bert = await make_contact(debtor, "Anna"), await make_contact(debtor, "Bert")
    await make_shop_user(flora, anna, "Anna@Example.com", password=None)

    with pytest.raises(IntegrityError):
        await make_shop_user(flora, bert, "  anna@example.COM ", password=None)
    # The same name in another shop is another login.
    await make_shop_user(other, bert, "anna@example.com", password=None)
    assert await ShopUser.filter(username_key="anna@example.com").count() == 2


async def test_one_shop_user_per_contact_and_shop(db):
    flora = await make_shop("flora")
    contact = await make_contact(await make_debtor())
    await make_shop_user(flora, contact, "first", password=None)
    with pytest.raises(IntegrityError):
        await make_shop_user(flora, contact, "second", password=None)


async def test_admin_email_is_unique_ignoring_case(db):
    await AdminUser.create(email="Staff@Example.com", password_hash="x")
    with pytest.raises(IntegrityError):
        await AdminUser.create(email="staff@example.com", password_hash="x")


async def test_money_keeps_its_cents_exactly(db):
    debtor = await make_debtor(
        minimum_order_amount=Decimal("0.10"), checkout_payment_limit=Decimal("1234567.89")
    )
    again = await Debtor.get(id=debtor.id)
    assert again.minimum_order_amount == Decimal("0.10")
    assert again.checkout_payment_limit == Decimal("1234567.89")
    assert isinstance(again.minimum_order_amount, Decimal)
