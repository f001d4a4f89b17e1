"""updateShopUser (rules 9 and 16 of docs/api.md): staff change a shop user's username, language,
mayBeExcluded and companyRole, in their own shops.

Given a shop user, when staff change some of its fields, then exactly those change (the rest
keep their values), the change is audited from and to, and it holds from the user's next
request on; when anything is wrong, every problem is told with its field and nothing changes.
"""

from __future__ import annotations

from typing import Any

from models import ActorKind, AuditEvent, CompanyRole, ShopUser, StaffRole
from tests.api.sign_in import admin_login, login, session_token, staff_token
from tests.factories import (
    CUSTOMER_PASSWORD,
    make_admin,
    make_contact,
    make_debtor,
    make_shop,
    make_shop_user,
)
from tests.graphql_answers import error_codes, gid, payload_of, refusal, user_errors

UPDATE = """
mutation($input: UpdateShopUserInput!) {
  updateShopUser(input: $input) {
    shopUser { id username language mayBeExcluded companyRole status shop { handle } }
    userErrors { field message code }
  }
}"""

COLLEAGUES = "{ viewer { ... on ShopUser { colleagues { username } } } }"


async def flora_user(username: str = "anna", **values: Any) -> ShopUser:
    shop = await make_shop("flora", languages=["nl", "en", "de"])
    contact = await make_contact(await make_debtor(number="D-1"), "Anna", email="anna@bloemen.test")
    return await make_shop_user(shop, contact, username, **values)


async def update(client, token: str | None, shop_user: ShopUser | str, **fields: Any) -> dict[str, Any]:
    shop_user_id = shop_user if isinstance(shop_user, str) else gid(shop_user)
    body = await client.execute(UPDATE, {"input": {"id": shop_user_id, **fields}}, token=token)
    return payload_of(body, "updateShopUser")


async def stored(shop_user: ShopUser) -> tuple[Any, ...]:
    row = await ShopUser.get(id=shop_user.id)
    return (row.username, row.username_key, row.language, row.may_be_excluded, row.company_role)


async def test_staff_make_a_shop_user_its_company_admin_and_nothing_else_changes(client):
    anna = await flora_user()
    staff = await staff_token(client)

    payload = await update(client, staff, anna, companyRole="ADMIN")

    assert payload == {
        "shopUser": {
            "id": gid(anna), "username": "anna", "language": "nl", "mayBeExcluded": True,
            "companyRole": "ADMIN", "status": "ACTIVE", "shop": {"handle": "flora"},
        },
        "userErrors": [],
    }
    assert await stored(anna) == ("anna", "anna", "nl", True, CompanyRole.ADMIN)


async def test_every_field_at_once_and_the_audit_tells_each_from_and_to(client):
    anna = await flora_user()
    staff = await staff_token(client, "lotte@gatehouse.test")

    payload = await update(
        client, staff, anna, username="  Anna.Jansen ", language="de", mayBeExcluded=False,
        companyRole="ADMIN",
    )

    assert payload["userErrors"] == []
    assert await stored(anna) == ("Anna.Jansen", "anna.jansen", "de", False, CompanyRole.ADMIN)
    event = await AuditEvent.get(action="shop_user.updated")
    admin_id = (await AuditEvent.get(action="admin.login")).actor_id
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        ActorKind.ADMIN, admin_id, "lotte@gatehouse.test"
    )
    assert (event.object_type, event.object_id, event.shop_id) == ("ShopUser", anna.id, anna.shop_id)
    assert event.details == {"changes": {
        "username": {"from": "anna", "to": "Anna.Jansen"},
        "language": {"from": "nl", "to": "de"},
        "mayBeExcluded": {"from": True, "to": False},
        "companyRole": {"from": "MEMBER", "to": "ADMIN"},
    }}


async def test_a_value_given_as_it_is_is_no_change(client):
    anna = await flora_user(company_role=CompanyRole.ADMIN)
    staff = await staff_token(client)

    payload = await update(client, staff, anna, companyRole="ADMIN", language="nl")

    assert payload["userErrors"] == []
    assert (await AuditEvent.get(action="shop_user.updated")).details == {"changes": {}}


async def test_the_new_username_signs_in_and_the_old_one_no_longer_does(client):
    anna = await flora_user()
    staff = await staff_token(client)

    await update(client, staff, anna, username="anna.jansen")

    assert (await login(client, "ANNA.JANSEN"))["userErrors"] == []
    assert [error["code"] for error in (await login(client, "anna"))["userErrors"]] == ["INVALID_CREDENTIALS"]


async def test_a_new_role_holds_from_the_users_next_request_on(client):
    anna = await flora_user()
    staff = await staff_token(client)
    token = await session_token(client, "anna", CUSTOMER_PASSWORD)
    assert error_codes(await client.execute(COLLEAGUES, token=token)) == ["FORBIDDEN"]

    await update(client, staff, anna, companyRole="ADMIN")
    promoted = await client.execute(COLLEAGUES, token=token)
    await update(client, staff, anna, companyRole="MEMBER")
    demoted = await client.execute(COLLEAGUES, token=token)

    assert payload_of(promoted, "viewer") == {"colleagues": [{"username": "anna"}]}
    assert error_codes(demoted) == ["FORBIDDEN"]


async def refused(client, token: str, shop_user: ShopUser | str, **fields: Any) -> dict[str, Any]:
    """updateShopUser that must be refused and change nothing."""
    users_before = await ShopUser.all().order_by("id").values_list(
        "id", "username", "username_key", "language", "may_be_excluded", "company_role"
    )
    audited_before = await AuditEvent.all().count()

    payload = await update(client, token, shop_user, **fields)

    assert payload["shopUser"] is None, payload
    assert await ShopUser.all().order_by("id").values_list(
        "id", "username", "username_key", "language", "may_be_excluded", "company_role"
    ) == users_before
    assert await AuditEvent.all().count() == audited_before
    return payload


async def test_the_username_follows_the_rules_of_createShopUser(client):
    anna = await flora_user()
    await make_shop_user(anna.shop, await make_contact(await make_debtor(), "Bert"), "Bert")
    staff = await staff_token(client)

    blank = await refused(client, staff, anna, username="  ")
    spaced = await refused(client, staff, anna, username="anna jansen")
    too_long = await refused(client, staff, anna, username="a" * 151)
    taken = await refused(client, staff, anna, username="BERT")
    own_in_capitals = await update(client, staff, anna, username="ANNA")

    assert user_errors(blank) == [(["username"], "FIELD_REQUIRED")]
    assert user_errors(spaced) == user_errors(too_long) == [(["username"], "INVALID")]
    assert user_errors(taken) == [(["username"], "USERNAME_TAKEN")]
    assert own_in_capitals["userErrors"] == []
    assert (await stored(anna))[:2] == ("ANNA", "anna")


async def test_a_language_the_shop_does_not_offer_and_nulls_are_refused_all_at_once(client):
    anna = await flora_user()
    staff = await staff_token(client)

    payload = await refused(
        client, staff, anna, language="fr", mayBeExcluded=None, companyRole=None, username="Bert Jansen"
    )

    assert user_errors(payload) == [
        (["mayBeExcluded"], "INVALID"), (["companyRole"], "INVALID"), (["username"], "INVALID"),
        (["language"], "LANGUAGE_NOT_OFFERED"),
    ]
    [offered] = [error["message"] for error in payload["userErrors"] if error["field"] == ["language"]]
    assert "nl, en, de" in offered


async def test_a_user_of_a_shop_outside_the_staff_members_is_not_found(client):
    anna = await flora_user()
    greenhouse = await make_shop("greenhouse")
    await make_admin("greenhouse@gatehouse.test", role=StaffRole.MANAGER, shops=[greenhouse])
    outsider = (await admin_login(client, "greenhouse@gatehouse.test"))["token"]

    other_shop = await refused(client, outsider, anna, companyRole="ADMIN")
    unknown = await refused(client, outsider, gid(ShopUser(id=999_999)), companyRole="ADMIN")
    not_an_id = await refused(client, outsider, "not-an-id", companyRole="ADMIN", language="xx")

    assert user_errors(other_shop) == user_errors(unknown) == [(["id"], "NOT_FOUND")]
    assert user_errors(not_an_id) == [(["id"], "NOT_FOUND")]


async def test_roles_that_do_not_manage_shop_users_and_customers_are_forbidden(client):
    anna = await flora_user()
    await make_admin("support@gatehouse.test", role=StaffRole.SUPPORT)
    support = (await admin_login(client, "support@gatehouse.test"))["token"]
    customer = await session_token(client, "anna", CUSTOMER_PASSWORD)

    for token in (support, customer):
        body = await client.execute(UPDATE, {"input": {"id": gid(anna), "companyRole": "ADMIN"}}, token=token)
        assert refusal(body) == "FORBIDDEN"
    body = await client.execute(UPDATE, {"input": {"id": gid(anna), "companyRole": "ADMIN"}})
    assert refusal(body) == "UNAUTHENTICATED"
    assert (await stored(anna))[-1] == CompanyRole.MEMBER
