"""Staff open shops and change their settings: createShop, updateShopSettings, shops.

Every refusal names its input field and code in `userErrors` and keeps
nothing; every success is written to the audit log.
"""

from __future__ import annotations

import asyncio

import pytest

from models import ActorKind, AdminUser, AuditEvent, Shop
from tests.api.sign_in import staff_token
from tests.factories import make_shop
from tests.graphql_answers import payload_of, user_errors

SHOP_FIELDS = """
  handle name registrationEnabled approvalMode defaultPriceListTags
  minimumOrderAmount checkoutPaymentLimit currency languages notificationEmail
  notifyCustomerOnRejection storefrontUrl
"""

CREATE_SHOP = f"""
mutation($input: CreateShopInput!) {{
  createShop(input: $input) {{
    shop {{ id {SHOP_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

UPDATE_SHOP_SETTINGS = f"""
mutation($input: UpdateShopSettingsInput!) {{
  updateShopSettings(input: $input) {{
    shop {{ id {SHOP_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

SHOPS = "{ shops { handle name currency languages } }"


async def create_shop(client, token: str, **input: object) -> dict:
    data = await client.data(CREATE_SHOP, {"input": input}, token=token)
    return data["createShop"]


async def update_settings(client, token: str, **input: object) -> dict:
    data = await client.data(UPDATE_SHOP_SETTINGS, {"input": input}, token=token)
    return data["updateShopSettings"]


async def stored_state() -> tuple[list[dict], int]:
    """Every shop row as stored, and how many audit events there are."""
    return await Shop.all().order_by("id").values(), await AuditEvent.all().count()


# --- createShop -----------------------------------------------------------------------------


async def test_create_shop_with_only_handle_and_name_gets_the_documented_defaults(client):
    token = await staff_token(client)

    payload = await create_shop(client, token, handle="tulip", name="Tulip Trade")

    assert payload["userErrors"] == []
    shop = payload["shop"]
    assert shop.pop("id")
    assert shop == {
        "handle": "tulip",
        "name": "Tulip Trade",
        "registrationEnabled": False,
        "approvalMode": "MANUAL",
        "defaultPriceListTags": [],
        "minimumOrderAmount": None,
        "checkoutPaymentLimit": None,
        "currency": "EUR",
        "languages": ["nl", "en", "de", "fr"],
        "notificationEmail": None,
        "notifyCustomerOnRejection": True,
        "storefrontUrl": None,
    }
    assert await Shop.filter(handle="tulip").count() == 1


async def test_create_shop_with_every_setting_stores_them_normalised(client):
    token = await staff_token(client)

    payload = await create_shop(
        client,
        token,
        handle=" tulip-trade ",
        name="  Tulip Trade  ",
        registrationEnabled=True,
        approvalMode="AUTOMATIC",
        defaultPriceListTags=["gold", " gold ", "retail"],
        minimumOrderAmount="50",
        checkoutPaymentLimit="2500.5",
        currency="usd",
        languages=["en", "de-AT", "en"],
        notificationEmail="Orders@Tulip.Example",
        notifyCustomerOnRejection=False,
        storefrontUrl="https://shop.tulip.example/",
    )

    assert payload["userErrors"] == []
    shop = payload["shop"]
    assert shop["handle"] == "tulip-trade"
    assert shop["name"] == "Tulip Trade"
    assert shop["registrationEnabled"] is True
    assert shop["approvalMode"] == "AUTOMATIC"
    assert shop["defaultPriceListTags"] == ["gold", "retail"]
    assert shop["minimumOrderAmount"] == "50.00"
    assert shop["checkoutPaymentLimit"] == "2500.50"
    assert shop["currency"] == "USD"
    assert shop["languages"] == ["en", "de-AT"]
    assert shop["notificationEmail"] == "orders@tulip.example"
    assert shop["notifyCustomerOnRejection"] is False
    assert shop["storefrontUrl"] == "https://shop.tulip.example"
    stored = await Shop.get(handle="tulip-trade")
    assert str(stored.checkout_payment_limit) == "2500.50"
    assert stored.languages == ["en", "de-AT"]


async def test_create_shop_accepts_the_largest_amount_and_stores_it_exactly(client):
    token = await staff_token(client)

    payload = await create_shop(
        client, token, handle="big", name="Big", checkoutPaymentLimit="999999999999.99"
    )

    assert payload["shop"]["checkoutPaymentLimit"] == "999999999999.99"
    assert str((await Shop.get(handle="big")).checkout_payment_limit) == "999999999999.99"


async def test_create_shop_writes_a_shop_created_audit_event(client):
    token = await staff_token(client)
    admin = await AdminUser.get(email="staff@example.com")

    payload = await create_shop(client, token, handle="tulip", name="Tulip Trade")

    shop = await Shop.get(handle="tulip")
    event = await AuditEvent.get(action="shop.created")
    assert payload["shop"]["handle"] == "tulip"
    assert event.actor_kind == ActorKind.ADMIN
    assert event.actor_id == admin.id
    assert event.actor_label == "staff@example.com"
    assert (event.object_type, event.object_id) == ("Shop", shop.id)
    assert event.client_address == "203.0.113.7"
    assert event.details == {"handle": "tulip"}


BAD_CREATE_INPUTS = [
    pytest.param({"handle": "Tulip Trade"}, ["handle"], "INVALID", id="handle-with-space-and-capitals"),
    pytest.param({"handle": "-tulip"}, ["handle"], "INVALID", id="handle-starting-with-hyphen"),
    pytest.param({"handle": "tulip-"}, ["handle"], "INVALID", id="handle-ending-with-hyphen"),
    pytest.param({"handle": ""}, ["handle"], "INVALID", id="empty-handle"),
    pytest.param({"handle": "t" * 65}, ["handle"], "INVALID", id="handle-too-long"),
    pytest.param({"handle": "tülip"}, ["handle"], "INVALID", id="handle-not-ascii"),
    pytest.param({"name": "   "}, ["name"], "FIELD_REQUIRED", id="blank-name"),
    pytest.param({"name": "n" * 201}, ["name"], "INVALID", id="name-too-long"),
    pytest.param({"notificationEmail": "orders-at-tulip"}, ["notificationEmail"], "INVALID", id="bad-email"),
    pytest.param({"notificationEmail": "a@b@c.example"}, ["notificationEmail"], "INVALID", id="two-ats"),
    pytest.param({"minimumOrderAmount": "-1"}, ["minimumOrderAmount"], "INVALID", id="negative-minimum"),
    pytest.param({"checkoutPaymentLimit": "-0.01"}, ["checkoutPaymentLimit"], "INVALID", id="negative-limit"),
    pytest.param({"checkoutPaymentLimit": "NaN"}, ["checkoutPaymentLimit"], "INVALID", id="nan-limit"),
    pytest.param(
        {"minimumOrderAmount": "Infinity"}, ["minimumOrderAmount"], "INVALID", id="infinite-minimum"
    ),
    pytest.param({"minimumOrderAmount": "1e15"}, ["minimumOrderAmount"], "INVALID", id="amount-too-large"),
    pytest.param(
        {"minimumOrderAmount": "100", "checkoutPaymentLimit": "99.99"},
        ["checkoutPaymentLimit"], "INVALID", id="limit-below-minimum",
    ),
    pytest.param({"currency": "EURO"}, ["currency"], "INVALID", id="currency-four-letters"),
    pytest.param({"currency": "€"}, ["currency"], "INVALID", id="currency-symbol"),
    pytest.param({"currency": "E1R"}, ["currency"], "INVALID", id="currency-with-digit"),
    pytest.param({"currency": None}, ["currency"], "INVALID", id="currency-null"),
    pytest.param({"languages": []}, ["languages"], "INVALID", id="empty-languages"),
    pytest.param({"languages": None}, ["languages"], "INVALID", id="null-languages"),
    pytest.param({"languages": ["dutch"]}, ["languages"], "INVALID", id="bad-language-code"),
    pytest.param(
        {"defaultPriceListTags": ["gold", " "]}, ["defaultPriceListTags"], "INVALID", id="blank-tag"
    ),
    pytest.param({"storefrontUrl": "javascript:alert(1)"}, ["storefrontUrl"], "INVALID", id="script-url"),
    pytest.param(
        {"storefrontUrl": "shop.tulip.example"}, ["storefrontUrl"], "INVALID", id="url-without-scheme"
    ),
    pytest.param({"approvalMode": None}, ["approvalMode"], "INVALID", id="null-approval-mode"),
]


@pytest.mark.parametrize(("bad", "field", "code"), BAD_CREATE_INPUTS)
async def test_create_shop_refuses_bad_input_and_writes_nothing(client, bad, field, code):
    token = await staff_token(client)
    before = await stored_state()

    payload = await create_shop(client, token, **{"handle": "tulip", "name": "Tulip Trade", **bad})

    assert payload["shop"] is None
    assert user_errors(payload) == [(field, code)]
    assert await stored_state() == before


@pytest.mark.parametrize("handle", ["flora", " flora "])
async def test_create_shop_refuses_a_taken_handle_and_writes_nothing(client, handle):
    await make_shop("flora", name="Flora Wholesale")
    token = await staff_token(client)
    before = await stored_state()

    payload = await create_shop(client, token, handle=handle, name="Another Flora")

    assert payload["shop"] is None
    assert user_errors(payload) == [(["handle"], "INVALID")]
    assert "taken" in payload["userErrors"][0]["message"]
    assert await stored_state() == before
    assert (await Shop.get(handle="flora")).name == "Flora Wholesale"


async def test_the_same_handle_created_twice_at_once_makes_one_shop(client):
    token = await staff_token(client)

    first, second = await asyncio.gather(
        create_shop(client, token, handle="tulip", name="Tulip One"),
        create_shop(client, token, handle="tulip", name="Tulip Two"),
    )

    outcomes = sorted([first, second], key=lambda payload: payload["shop"] is None)
    assert outcomes[0]["userErrors"] == []
    assert outcomes[0]["shop"]["handle"] == "tulip"
    assert user_errors(outcomes[1]) == [(["handle"], "INVALID")]
    assert await Shop.filter(handle="tulip").count() == 1
    assert await AuditEvent.filter(action="shop.created").count() == 1


async def test_a_refused_create_leaves_the_handle_free_for_a_good_one(client):
    token = await staff_token(client)
    refused = await create_shop(client, token, handle="tulip", name="Tulip", currency="EURO")

    accepted = await create_shop(client, token, handle="tulip", name="Tulip")

    assert user_errors(refused) == [(["currency"], "INVALID")]
    assert accepted["userErrors"] == []
    assert await AuditEvent.filter(action="shop.created").count() == 1


# --- updateShopSettings ---------------------------------------------------------------------


async def flora_with_settings() -> Shop:
    return await make_shop(
        "flora",
        name="Flora Wholesale",
        registration_enabled=True,
        minimum_order_amount="100.00",
        checkout_payment_limit="5000.00",
        currency="EUR",
        languages=["nl", "en"],
        notification_email="orders@flora.example",
        storefront_url="https://flora.example",
        default_price_list_tags=["retail"],
    )


async def test_update_changes_what_is_given_and_keeps_what_is_left_out(client):
    await flora_with_settings()
    token = await staff_token(client)

    payload = await update_settings(
        client, token, shop="flora", name="Flora & Co", checkoutPaymentLimit="7500", approvalMode="AUTOMATIC"
    )

    assert payload["userErrors"] == []
    shop = payload["shop"]
    assert shop["name"] == "Flora & Co"
    assert shop["checkoutPaymentLimit"] == "7500.00"
    assert shop["approvalMode"] == "AUTOMATIC"
    # left out, so kept:
    assert shop["registrationEnabled"] is True
    assert shop["minimumOrderAmount"] == "100.00"
    assert shop["languages"] == ["nl", "en"]
    assert shop["notificationEmail"] == "orders@flora.example"
    assert shop["storefrontUrl"] == "https://flora.example"
    assert shop["defaultPriceListTags"] == ["retail"]
    stored = await Shop.get(handle="flora")
    assert stored.name == "Flora & Co"
    assert str(stored.checkout_payment_limit) == "7500.00"
    assert stored.notification_email == "orders@flora.example"


async def test_update_with_explicit_null_clears_a_nullable_setting(client):
    await flora_with_settings()
    token = await staff_token(client)

    payload = await update_settings(
        client, token, shop="flora", notificationEmail=None, minimumOrderAmount=None
    )

    assert payload["userErrors"] == []
    assert payload["shop"]["notificationEmail"] is None
    assert payload["shop"]["minimumOrderAmount"] is None
    assert payload["shop"]["storefrontUrl"] == "https://flora.example"
    stored = await Shop.get(handle="flora")
    assert stored.notification_email is None
    assert stored.minimum_order_amount is None
    assert stored.checkout_payment_limit is not None


async def test_update_writes_a_settings_updated_audit_event_naming_the_changes(client):
    shop = await flora_with_settings()
    token = await staff_token(client)

    await update_settings(client, token, shop="flora", currency="usd", notificationEmail=None)

    event = await AuditEvent.get(action="shop.settings_updated")
    assert event.actor_kind == ActorKind.ADMIN
    assert event.actor_label == "staff@example.com"
    assert (event.object_type, event.object_id) == ("Shop", shop.id)
    assert event.details == {"changed": ["currency", "notificationEmail"]}


BAD_UPDATE_INPUTS = [
    pytest.param({"notificationEmail": "not-an-email"}, ["notificationEmail"], "INVALID", id="bad-email"),
    pytest.param({"minimumOrderAmount": "-5"}, ["minimumOrderAmount"], "INVALID", id="negative-minimum"),
    pytest.param({"checkoutPaymentLimit": "-5"}, ["checkoutPaymentLimit"], "INVALID", id="negative-limit"),
    # flora's minimum is 100.00 and its limit 5000.00; each side is checked against the other
    pytest.param(
        {"checkoutPaymentLimit": "99.99"}, ["checkoutPaymentLimit"], "INVALID", id="limit-below-kept-minimum"
    ),
    pytest.param(
        {"minimumOrderAmount": "5000.01"}, ["checkoutPaymentLimit"], "INVALID", id="minimum-above-kept-limit"
    ),
    pytest.param({"currency": "EURO"}, ["currency"], "INVALID", id="bad-currency"),
    pytest.param({"languages": []}, ["languages"], "INVALID", id="empty-languages"),
    pytest.param({"name": None}, ["name"], "INVALID", id="null-name"),
    pytest.param({"name": "  "}, ["name"], "FIELD_REQUIRED", id="blank-name"),
    pytest.param({"registrationEnabled": None}, ["registrationEnabled"], "INVALID", id="null-flag"),
    pytest.param({"storefrontUrl": "ftp://flora.example"}, ["storefrontUrl"], "INVALID", id="ftp-url"),
    pytest.param({"reminderDelayHours": 0}, ["reminderDelayHours"], "INVALID", id="no-reminder-delay"),
    pytest.param(
        {"reminderDelayHours": 721}, ["reminderDelayHours"], "INVALID", id="reminder-delay-over-30-days"
    ),
    pytest.param({"shop": "ghost"}, ["shop"], "NOT_FOUND", id="unknown-shop"),
    # one bad value spoils the whole call: the good change beside it is not kept either
    pytest.param({"name": "Renamed", "currency": "€"}, ["currency"], "INVALID", id="good-and-bad"),
]


@pytest.mark.parametrize(("bad", "field", "code"), BAD_UPDATE_INPUTS)
async def test_update_refuses_bad_input_and_writes_nothing(client, bad, field, code):
    await flora_with_settings()
    token = await staff_token(client)
    before = await stored_state()

    payload = await update_settings(client, token, **{"shop": "flora", **bad})

    assert payload["shop"] is None
    assert user_errors(payload) == [(field, code)]
    assert await stored_state() == before


async def test_update_reports_every_problem_at_once_each_at_its_field(client):
    await flora_with_settings()
    token = await staff_token(client)
    before = await stored_state()

    known = await update_settings(
        client, token, shop="flora", name=None, currency="EURO", languages=["dutch"],
        notificationEmail="nope", checkoutPaymentLimit="99.99", reminderDelayHours=0,
    )
    unknown = await update_settings(client, token, shop="ghost", currency="EURO", storefrontUrl="ftp://x")

    assert known["shop"] is None
    assert sorted(user_errors(known)) == [
        (["checkoutPaymentLimit"], "INVALID"),
        (["currency"], "INVALID"),
        (["languages"], "INVALID"),
        (["name"], "INVALID"),
        (["notificationEmail"], "INVALID"),
        (["reminderDelayHours"], "INVALID"),
    ]
    assert sorted(user_errors(unknown)) == [
        (["currency"], "INVALID"), (["shop"], "NOT_FOUND"), (["storefrontUrl"], "INVALID"),
    ]
    assert await stored_state() == before


async def test_update_of_an_unknown_shop_with_an_overlong_handle_is_not_found(client):
    await flora_with_settings()
    token = await staff_token(client)
    before = await stored_state()

    body = await client.execute(
        UPDATE_SHOP_SETTINGS, {"input": {"shop": "f" * 65, "name": "Whatever"}}, token=token
    )

    assert user_errors(payload_of(body, "updateShopSettings")) == [(["shop"], "NOT_FOUND")]
    assert await stored_state() == before


# --- shops ----------------------------------------------------------------------------------


async def test_shops_lists_every_shop_for_staff(client):
    await make_shop("zinnia", name="Zinnia", currency="GBP", languages=["en"])
    await make_shop("aster", name="Aster")
    token = await staff_token(client)
    await create_shop(client, token, handle="flora", name="Flora Wholesale", languages=["nl"])

    data = await client.data(SHOPS, token=token)

    assert sorted(data["shops"], key=lambda shop: shop["handle"]) == [
        {"handle": "aster", "name": "Aster", "currency": "EUR", "languages": ["nl", "en", "de", "fr"]},
        {"handle": "flora", "name": "Flora Wholesale", "currency": "EUR", "languages": ["nl"]},
        {"handle": "zinnia", "name": "Zinnia", "currency": "GBP", "languages": ["en"]},
    ]


async def test_shops_is_empty_before_any_shop_exists(client):
    token = await staff_token(client)

    assert await client.data(SHOPS, token=token) == {"shops": []}
