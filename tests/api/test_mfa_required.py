"""GATEHOUSE_STAFF_MFA=required: a staff member without MFA gets a session that may only enrol.

Until confirmMfaEnrolment, that session may call startMfaEnrolment, confirmMfaEnrolment,
viewer and logout; everything else answers MFA_ENROLMENT_REQUIRED. Once enrolled, the same
session may do what its role may (the viewer is built afresh from the account each request).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pyotp
import pytest

from models import AdminUser
from models.changes import Changed, announce
from server.settings import Settings
from tests.api.sign_in import customer_token, staff_token, viewer_of
from tests.api.test_mfa import CONFIRM, DISABLE, REGENERATE, START
from tests.factories import ADMIN_PASSWORD, make_shop
from tests.graphql_answers import payload_of, refusal

SHOPS = "{ shops { handle } }"
LOGOUT = "mutation { logout { loggedOut } }"
CREATE_SHOP = 'mutation { createShop(input: {handle: "new", name: "New"}) { userErrors { code } } }'


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, staff_mfa="required")


async def enrol(client, token: str) -> None:
    secret = payload_of(await client.execute(START, token=token), "startMfaEnrolment")["secret"]
    confirmed = await client.execute(CONFIRM, {"code": pyotp.TOTP(secret).now()}, token=token)
    assert payload_of(confirmed, "confirmMfaEnrolment")["userErrors"] == []


async def test_a_staff_member_without_mfa_may_only_enrol_read_viewer_and_log_out(client):
    await make_shop("flora")
    token = await staff_token(client)

    assert refusal(await client.execute(SHOPS, token=token)) == "MFA_ENROLMENT_REQUIRED"
    assert refusal(await client.execute(CREATE_SHOP, token=token)) == "MFA_ENROLMENT_REQUIRED"
    assert refusal(
        await client.execute(REGENERATE, {"password": ADMIN_PASSWORD}, token=token)
    ) == "MFA_ENROLMENT_REQUIRED"
    assert await viewer_of(client, token) == {"__typename": "AdminUser", "email": "staff@example.com"}
    started = payload_of(await client.execute(START, token=token), "startMfaEnrolment")
    assert started["userErrors"] == []
    assert payload_of(await client.execute(LOGOUT, token=token), "logout") == {"loggedOut": True}
    assert await viewer_of(client, token) is None


async def test_once_enrolled_the_same_session_may_do_what_its_role_may(client):
    await make_shop("flora")
    token = await staff_token(client)

    await enrol(client, token)

    assert payload_of(await client.execute(SHOPS, token=token), "shops") == [{"handle": "flora"}]


async def test_switching_mfa_off_leaves_the_session_able_only_to_enrol_again(client):
    await make_shop("flora")
    token = await staff_token(client)
    await enrol(client, token)

    disabled = await client.execute(DISABLE, {"password": ADMIN_PASSWORD}, token=token)

    assert payload_of(disabled, "disableMfa")["userErrors"] == []
    assert refusal(await client.execute(SHOPS, token=token)) == "MFA_ENROLMENT_REQUIRED"
    await enrol(client, token)
    assert payload_of(await client.execute(SHOPS, token=token), "shops") == [{"handle": "flora"}]


async def test_a_live_session_may_only_enrol_as_soon_as_its_accounts_mfa_is_off(client):
    token = await staff_token(client)
    # Written as the use cases write it: by a query, announced to the caches.
    await AdminUser.filter(email="staff@example.com").update(mfa_enabled_at=datetime.now(UTC))
    await announce(Changed.ADMIN)
    assert payload_of(await client.execute(SHOPS, token=token), "shops") == []

    await AdminUser.filter(email="staff@example.com").update(mfa_enabled_at=None)
    await announce(Changed.ADMIN)

    assert refusal(await client.execute(SHOPS, token=token)) == "MFA_ENROLMENT_REQUIRED"


async def test_customers_are_not_asked_to_enrol(client):
    token = await customer_token(client)

    assert await viewer_of(client, token) == {"__typename": "ShopUser", "username": "anna"}
    assert refusal(await client.execute(START, token=token)) == "FORBIDDEN"


CHANGE_PASSWORD = """mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new, newPasswordConfirmation: $new}) {
    userErrors { code }
  }
}"""


async def test_a_session_that_must_enrol_cannot_change_the_password(client):
    # given a staff session opened with the password alone, MFA not yet set up
    token = await staff_token(client)
    before = (await AdminUser.get(email="staff@example.com")).password_hash

    # when it tries to change the password (with a stolen password, it would lock the owner out)
    answer = await client.execute(
        CHANGE_PASSWORD, {"current": ADMIN_PASSWORD, "new": "Orchid-Glasshouse-5521"}, token=token
    )

    # then it is told to enrol first, and the password stays
    assert refusal(answer) == "MFA_ENROLMENT_REQUIRED"
    assert (await AdminUser.get(email="staff@example.com")).password_hash == before
