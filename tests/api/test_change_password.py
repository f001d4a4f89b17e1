"""changePassword: a signed-in viewer sets a new password; its other sessions end."""

from __future__ import annotations

from models import AdminUser, AuditEvent, Session, ShopUser
from tests.api.sign_in import admin_login, login, session_token, viewer_of
from tests.factories import (
    ADMIN_PASSWORD,
    CUSTOMER_PASSWORD,
    make_admin,
    make_customer,
    make_shop,
)
from tests.graphql_answers import refusal, user_error_codes, user_errors

NEW_PASSWORD = "marigold-Garland-2718"

CHANGE_PASSWORD = """
mutation($current: String!, $new: String!, $confirmation: String!) {
  changePassword(input: {
    currentPassword: $current, newPassword: $new, newPasswordConfirmation: $confirmation
  }) {
    viewer { __typename ... on ShopUser { username mustChangePassword } ... on AdminUser { email } }
    userErrors { field message code }
  }
}"""

async def change(client, token: str | None, current: str, new: str, confirmation: str | None = None) -> dict:
    variables = {
        "current": current,
        "new": new,
        "confirmation": new if confirmation is None else confirmation,
    }
    return (await client.data(CHANGE_PASSWORD, variables, token=token))["changePassword"]


async def test_change_password_keeps_this_session_and_ends_the_others(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    this_session = await session_token(client)
    other_session = await session_token(client)

    payload = await change(client, this_session, CUSTOMER_PASSWORD, NEW_PASSWORD)

    assert payload["userErrors"] == []
    assert payload["viewer"] == {
        "__typename": "ShopUser", "username": "anna", "mustChangePassword": False
    }
    assert await viewer_of(client, this_session) == {"__typename": "ShopUser", "username": "anna"}
    assert await viewer_of(client, other_session) is None
    assert await Session.all().count() == 1


async def test_after_the_change_the_new_password_signs_in_and_the_old_does_not(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    token = await session_token(client)

    await change(client, token, CUSTOMER_PASSWORD, NEW_PASSWORD)

    old = await login(client, password=CUSTOMER_PASSWORD)
    assert old["token"] is None
    assert user_error_codes(old) == ["INVALID_CREDENTIALS"]
    new = await login(client, password=NEW_PASSWORD)
    assert new["userErrors"] == []
    assert await viewer_of(client, new["token"]) == {"__typename": "ShopUser", "username": "anna"}


async def test_the_new_password_is_stored_as_a_fresh_argon2id_hash_and_audited(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)

    await change(client, token, CUSTOMER_PASSWORD, NEW_PASSWORD)

    stored = await ShopUser.get(id=user.id)
    assert stored.password_hash is not None
    assert stored.password_hash != user.password_hash
    assert stored.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert NEW_PASSWORD not in stored.password_hash
    assert stored.password_changed_at is not None
    changed = await AuditEvent.filter(action="password.changed").get()
    assert (changed.object_type, changed.object_id) == ("ShopUser", user.id)
    assert changed.actor_label == "anna"


async def test_a_wrong_current_password_changes_nothing(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)
    other_session = await session_token(client)

    payload = await change(client, token, "not-my-Password-1", NEW_PASSWORD)

    assert payload["viewer"] is None
    assert user_errors(payload) == [
        (["currentPassword"], "INVALID_CREDENTIALS")
    ]
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert await viewer_of(client, other_session) == {"__typename": "ShopUser", "username": "anna"}
    assert (await login(client, password=CUSTOMER_PASSWORD))["userErrors"] == []
    assert (await login(client, password=NEW_PASSWORD))["token"] is None


async def test_a_confirmation_that_differs_is_a_password_mismatch(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)

    payload = await change(client, token, CUSTOMER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert user_errors(payload) == [
        (["newPasswordConfirmation"], "PASSWORD_MISMATCH")
    ]
    assert payload["viewer"] is None
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash


async def test_a_weak_new_password_is_refused(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)

    for weak in ["password1", "short1", "onlyletters", "anna12345678"]:
        payload = await change(client, token, CUSTOMER_PASSWORD, weak)
        assert user_errors(payload) == [
            (["newPassword"], "PASSWORD_TOO_WEAK")
        ], weak

    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash


async def test_a_new_password_equal_to_the_username_is_refused(client):
    shop = await make_shop("flora")
    await make_customer(shop, "kwpz8rtnvqbx")  # a strong password, were it not the username
    token = await session_token(client, "kwpz8rtnvqbx")

    payload = await change(client, token, CUSTOMER_PASSWORD, "kwpz8rtnvqbx")

    assert user_errors(payload) == [
        (["newPassword"], "PASSWORD_TOO_WEAK")
    ]


async def test_a_new_password_of_129_characters_is_invalid_not_weak(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)
    overlong = "Kq7x" * 32 + "z"

    payload = await change(client, token, CUSTOMER_PASSWORD, overlong)

    assert user_errors(payload) == [(["newPassword"], "INVALID")]
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash


async def test_a_current_password_of_129_characters_is_invalid(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    token = await session_token(client)

    payload = await change(client, token, "Kq7x" * 32 + "z", NEW_PASSWORD)

    assert user_errors(payload) == [
        (["currentPassword"], "INVALID")
    ]


async def test_a_long_strong_new_password_of_120_characters_is_accepted(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    token = await session_token(client)
    long_password = "Kq7x-trellis-" * 9 + "Zz9"

    payload = await change(client, token, CUSTOMER_PASSWORD, long_password)

    assert payload["userErrors"] == []
    assert (await login(client, password=long_password))["userErrors"] == []


async def test_must_change_password_is_cleared_by_the_change(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna", must_change_password=True)
    token = await session_token(client)

    payload = await change(client, token, CUSTOMER_PASSWORD, NEW_PASSWORD)

    assert payload["userErrors"] == []
    assert payload["viewer"]["mustChangePassword"] is False
    assert (await ShopUser.get(id=user.id)).must_change_password is False


async def test_a_failed_change_leaves_must_change_password_set(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna", must_change_password=True)
    token = await session_token(client)

    await change(client, token, CUSTOMER_PASSWORD, "password1")

    assert (await ShopUser.get(id=user.id)).must_change_password is True


async def test_staff_change_their_password_and_their_other_sessions_end(client):
    admin = await make_admin("staff@example.com")
    tokens = []
    for _ in range(2):
        tokens.append((await admin_login(client, "staff@example.com", ADMIN_PASSWORD))["token"])

    payload = await change(client, tokens[0], ADMIN_PASSWORD, NEW_PASSWORD)

    assert payload["userErrors"] == []
    assert payload["viewer"] == {"__typename": "AdminUser", "email": "staff@example.com"}
    assert await viewer_of(client, tokens[0]) == {"__typename": "AdminUser", "email": "staff@example.com"}
    assert await viewer_of(client, tokens[1]) is None
    assert (await AdminUser.get(id=admin.id)).password_hash != admin.password_hash


async def test_a_customer_cannot_change_another_customers_password(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    bob = await make_customer(shop, "bob")
    anna_token = await session_token(client, "anna")

    await change(client, anna_token, CUSTOMER_PASSWORD, NEW_PASSWORD)

    assert (await ShopUser.get(id=bob.id)).password_hash == bob.password_hash
    assert (await login(client, "bob", CUSTOMER_PASSWORD))["userErrors"] == []


async def test_anonymous_callers_must_sign_in(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")

    body = await client.execute(
        CHANGE_PASSWORD, {"current": CUSTOMER_PASSWORD, "new": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )

    assert refusal(body) == "UNAUTHENTICATED"
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash


async def test_a_signed_out_token_cannot_change_the_password(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    token = await session_token(client)
    await client.data("mutation { logout { loggedOut } }", token=token)

    body = await client.execute(
        CHANGE_PASSWORD,
        {"current": CUSTOMER_PASSWORD, "new": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        token=token,
    )

    assert refusal(body) == "UNAUTHENTICATED"
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
