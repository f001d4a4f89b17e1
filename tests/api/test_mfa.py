"""Staff two-factor sign-in: enrolling an app, signing in with a code, recovery codes, resets.

The codes are real TOTP codes, computed here with pyotp from the secret the server gave;
the server's clock is pinned (and moved) by the `clock` fixture, so a code's 30-second step
is known. MFA is optional in these tests (the `settings` fixture); what `required` changes
is in test_mfa_required.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from auth.one_time_tokens import issue
from auth.secret_box import SecretBox
from auth.tokens import hash_token
from models import (
    ActorKind,
    AdminUser,
    AuditEvent,
    MfaRecoveryCode,
    OneTimeToken,
    Session,
    Shop,
    StaffRole,
    TokenPurpose,
)
from tests.api.sign_in import admin_login, customer_token, viewer_of
from tests.api.test_rate_limits import app_with, client_from
from tests.conftest import TEST_SECRET_KEY, GraphQLClient
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.graphql_answers import gid, refusal, user_errors

START = "mutation { startMfaEnrolment { secret provisioningUri userErrors { field message code } } }"

CONFIRM = """
mutation($code: String!) {
  confirmMfaEnrolment(input: {code: $code}) { recoveryCodes userErrors { field message code } }
}"""

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) {
    token mfaChallenge viewer { __typename } userErrors { field message code }
  }
}"""

VERIFY = """
mutation($challenge: String!, $code: String!) {
  verifyMfa(input: {challenge: $challenge, code: $code}) {
    token mfaChallenge viewer { ... on AdminUser { email } }
    userErrors { field message code retryAfterSeconds }
  }
}"""

DISABLE = """
mutation($password: String!) {
  disableMfa(input: {password: $password}) {
    adminUser { email mfaEnabled } userErrors { field message code }
  }
}"""

REGENERATE = """
mutation($password: String!) {
  regenerateRecoveryCodes(input: {password: $password}) { recoveryCodes userErrors { field message code } }
}"""

RESET_STAFF_MFA = """
mutation($id: ID!) {
  resetStaffMfa(input: {id: $id}) { adminUser { id email mfaEnabled } userErrors { field message code } }
}"""

RESET_PASSWORD = """
mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token mfaChallenge viewer { __typename } userErrors { field message code }
  }
}"""

EMAIL = "staff@example.com"
WRONG_PASSWORD = "wrong-Password-1"
NEW_PASSWORD = "marigold-Garland-2718"


class Clock:
    """The server's clock, pinned 10 seconds into a 30-second step so a code does not change
    under a test; `advance` moves it."""

    def __init__(self) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.moment = now - timedelta(seconds=now.second % 30) + timedelta(seconds=10)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(app: Any) -> Clock:
    clock = Clock()
    app.state.runtime.clock = clock
    return clock


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


async def enrol(client: GraphQLClient, token: str, clock: Clock) -> tuple[str, list[str]]:
    """Enrols the signed-in staff member; returns the secret and the recovery codes, and moves
    the clock a step on, so the code that confirmed is of the past."""
    secret = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]
    confirmed = (await client.data(CONFIRM, {"code": code_at(secret, clock())}, token=token))
    clock.advance(seconds=30)
    return secret, confirmed["confirmMfaEnrolment"]["recoveryCodes"]


async def signed_in_staff(client: GraphQLClient, email: str = EMAIL) -> str:
    await make_admin(email)
    payload = await admin_login(client, email)
    assert payload["token"], payload
    return payload["token"]


async def enrolled_staff(client: GraphQLClient, clock: Clock, email: str = EMAIL) -> tuple[str, list[str]]:
    """A staff member with MFA on, signed out again: the secret and the recovery codes."""
    secret, codes = await enrol(client, await signed_in_staff(client, email), clock)
    await Session.all().delete()
    return secret, codes


async def challenge_of(client: GraphQLClient, email: str = EMAIL) -> str:
    payload = (await client.data(ADMIN_LOGIN, {"email": email, "password": ADMIN_PASSWORD}))["adminLogin"]
    client.http.cookies.clear()
    assert payload["userErrors"] == [], payload
    assert payload["mfaChallenge"], payload
    return payload["mfaChallenge"]


async def verify(client: GraphQLClient, challenge: str, code: str) -> dict[str, Any]:
    payload = (await client.data(VERIFY, {"challenge": challenge, "code": code}))["verifyMfa"]
    client.http.cookies.clear()
    return payload


async def actions() -> list[str]:
    return [event.action for event in await AuditEvent.all().order_by("id")]


# Enrolling


async def test_enrolment_gives_a_secret_kept_encrypted_and_mfa_stays_off_until_confirmed(client, clock):
    token = await signed_in_staff(client)

    payload = (await client.data(START, token=token))["startMfaEnrolment"]

    assert payload["userErrors"] == []
    secret = payload["secret"]
    assert pyotp.parse_uri(payload["provisioningUri"]).secret == secret
    assert "issuer=Gatehouse" in payload["provisioningUri"]
    admin = await AdminUser.get(email=EMAIL)
    assert admin.mfa_secret_encrypted is not None
    assert secret not in admin.mfa_secret_encrypted
    assert SecretBox(TEST_SECRET_KEY).decrypt(admin.mfa_secret_encrypted) == secret
    assert admin.mfa_enabled_at is None
    # Not on yet: the password alone still signs in.
    assert (await admin_login(client))["token"]


async def test_a_right_code_turns_mfa_on_and_answers_ten_recovery_codes_stored_hashed(client, clock):
    token = await signed_in_staff(client)
    secret = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]

    payload = (await client.data(CONFIRM, {"code": code_at(secret, clock())}, token=token))[
        "confirmMfaEnrolment"
    ]

    assert payload["userErrors"] == []
    codes = payload["recoveryCodes"]
    assert len(set(codes)) == 10
    admin = await AdminUser.get(email=EMAIL)
    assert admin.mfa_enabled_at == clock()
    assert admin.mfa_last_step == int(clock().timestamp()) // 30
    stored = {row.code_hash for row in await MfaRecoveryCode.filter(admin_id=admin.id)}
    assert stored == {hash_token(code.replace("-", "")) for code in codes}
    assert await actions() == ["admin.login", "admin.mfa_enrolment_started", "admin.mfa_enrolled"]
    # The session that enrolled lives on.
    assert await viewer_of(client, token) == {"__typename": "AdminUser", "email": EMAIL}


async def test_a_wrong_code_or_no_enrolment_started_is_refused_and_mfa_stays_off(client, clock):
    token = await signed_in_staff(client)

    not_started = (await client.data(CONFIRM, {"code": "123456"}, token=token))["confirmMfaEnrolment"]
    secret = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]
    wrong = str((int(code_at(secret, clock())) + 1) % 10**6).zfill(6)
    wrong_code = (await client.data(CONFIRM, {"code": wrong}, token=token))["confirmMfaEnrolment"]

    assert user_errors(not_started) == [(None, "MFA_ENROLMENT_NOT_STARTED")]
    assert user_errors(wrong_code) == [(["code"], "INVALID_CREDENTIALS")]
    assert wrong_code["recoveryCodes"] is None
    assert (await AdminUser.get(email=EMAIL)).mfa_enabled_at is None
    assert await MfaRecoveryCode.all().count() == 0


async def test_starting_again_replaces_a_secret_not_yet_confirmed(client, clock):
    token = await signed_in_staff(client)
    first = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]
    second = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]

    with_first = (await client.data(CONFIRM, {"code": code_at(first, clock())}, token=token))
    with_second = (await client.data(CONFIRM, {"code": code_at(second, clock())}, token=token))

    assert first != second
    assert user_errors(with_first["confirmMfaEnrolment"]) == [(["code"], "INVALID_CREDENTIALS")]
    assert user_errors(with_second["confirmMfaEnrolment"]) == []


async def test_with_mfa_on_starting_or_confirming_again_is_refused_and_the_secret_kept(client, clock):
    token = await signed_in_staff(client)
    secret, _ = await enrol(client, token, clock)
    sealed = (await AdminUser.get(email=EMAIL)).mfa_secret_encrypted

    again = (await client.data(START, token=token))["startMfaEnrolment"]
    confirm = (await client.data(CONFIRM, {"code": code_at(secret, clock())}, token=token))

    assert user_errors(again) == [(None, "MFA_ALREADY_ENABLED")]
    assert again["secret"] is None
    assert user_errors(confirm["confirmMfaEnrolment"]) == [(None, "MFA_ALREADY_ENABLED")]
    assert (await AdminUser.get(email=EMAIL)).mfa_secret_encrypted == sealed


async def test_a_server_without_a_secret_key_cannot_enrol_and_says_why(db, settings):
    async with app_with(settings, secret_key=None) as app:
        client = client_from(app, "203.0.113.7")
        token = await signed_in_staff(client)

        payload = (await client.data(START, token=token))["startMfaEnrolment"]

    assert user_errors(payload) == [(None, "MFA_UNAVAILABLE")]
    assert "secret key" in payload["userErrors"][0]["message"]
    assert (await AdminUser.get(email=EMAIL)).mfa_secret_encrypted is None


async def test_customers_and_anonymous_callers_cannot_enrol(client, clock):
    customer = await customer_token(client)

    assert refusal(await client.execute(START)) == "UNAUTHENTICATED"
    assert refusal(await client.execute(START, token=customer)) == "FORBIDDEN"


# Signing in


async def test_sign_in_with_mfa_answers_a_challenge_and_no_session_until_a_right_code(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    audited = len(await actions())

    login = await client.execute(ADMIN_LOGIN, {"email": EMAIL, "password": ADMIN_PASSWORD})
    payload = login["data"]["adminLogin"]

    assert payload["token"] is None
    assert payload["viewer"] is None
    assert payload["mfaChallenge"]
    assert await Session.all().count() == 0
    assert "gatehouse_session" not in client.http.cookies
    challenge_row = await OneTimeToken.get(token_hash=hash_token(payload["mfaChallenge"]))
    assert challenge_row.purpose is TokenPurpose.MFA_CHALLENGE
    assert challenge_row.expires_at == clock() + timedelta(minutes=5)
    assert len(await actions()) == audited  # no admin.login yet

    verified = await verify(client, payload["mfaChallenge"], code_at(secret, clock()))

    assert verified["userErrors"] == []
    assert verified["mfaChallenge"] is None
    assert verified["viewer"] == {"email": EMAIL}
    assert await viewer_of(client, verified["token"]) == {"__typename": "AdminUser", "email": EMAIL}
    assert (await actions())[audited:] == ["admin.login"]
    assert (await AdminUser.get(email=EMAIL)).last_login_at == clock()


async def test_verify_mfa_sets_the_session_cookie_like_every_sign_in(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    challenge = await challenge_of(client)

    answer = await client.execute(VERIFY, {"challenge": challenge, "code": code_at(secret, clock())})

    assert client.http.cookies["gatehouse_session"] == answer["data"]["verifyMfa"]["token"]


async def test_a_code_is_accepted_once_even_on_a_second_challenge_within_its_window(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    code = code_at(secret, clock())
    assert (await verify(client, await challenge_of(client), code))["token"]

    second = await challenge_of(client)
    replayed = await verify(client, second, code)

    assert user_errors(replayed) == [(["code"], "INVALID_CREDENTIALS")]
    assert replayed["token"] is None
    failed = await AuditEvent.filter(action="admin.mfa_failed").get()
    assert failed.details == {"reason": "code used already"}
    assert (failed.actor_kind, failed.actor_label) == (ActorKind.ANONYMOUS, EMAIL)
    # The next step's code still signs in, with the same challenge.
    clock.advance(seconds=30)
    assert (await verify(client, second, code_at(secret, clock())))["token"]


async def test_the_code_that_confirmed_the_enrolment_cannot_sign_in(client, clock):
    token = await signed_in_staff(client)
    secret = (await client.data(START, token=token))["startMfaEnrolment"]["secret"]
    code = code_at(secret, clock())
    await client.data(CONFIRM, {"code": code}, token=token)

    replayed = await verify(client, await challenge_of(client), code)

    assert user_errors(replayed) == [(["code"], "INVALID_CREDENTIALS")]


async def test_a_code_of_the_step_before_or_after_works_two_steps_off_does_not(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    clock.advance(seconds=120)
    challenge = await challenge_of(client)

    too_old = await verify(client, challenge, code_at(secret, clock() - timedelta(seconds=60)))
    too_new = await verify(client, challenge, code_at(secret, clock() + timedelta(seconds=60)))
    late = await verify(client, challenge, code_at(secret, clock() - timedelta(seconds=30)))
    early = await verify(client, await challenge_of(client), code_at(secret, clock() + timedelta(seconds=30)))

    assert user_errors(too_old) == user_errors(too_new) == [(["code"], "INVALID_CREDENTIALS")]
    assert late["token"]
    assert early["token"]


async def test_a_wrong_code_keeps_the_challenge_for_another_try_and_a_right_one_uses_it_up(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    challenge = await challenge_of(client)
    right = code_at(secret, clock())

    wrong = await verify(client, challenge, str((int(right) + 1) % 10**6).zfill(6))
    signed_in = await verify(client, challenge, right)
    clock.advance(seconds=30)
    again = await verify(client, challenge, code_at(secret, clock()))

    assert user_errors(wrong) == [(["code"], "INVALID_CREDENTIALS")]
    assert signed_in["token"]
    assert user_errors(again) == [(["challenge"], "INVALID_TOKEN")]
    assert await Session.all().count() == 1
    assert (await actions()).count("admin.mfa_failed") == 1


async def test_a_challenge_lasts_five_minutes(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    challenge = await challenge_of(client)
    later = await challenge_of(client)

    clock.advance(minutes=5)
    expired = await verify(client, challenge, code_at(secret, clock()))
    unknown = await verify(client, "not-a-challenge", code_at(secret, clock()))

    assert user_errors(expired) == user_errors(unknown) == [(["challenge"], "INVALID_TOKEN")]
    assert (await AdminUser.get(email=EMAIL)).mfa_last_step < int(clock().timestamp()) // 30
    clock.advance(seconds=-1)
    assert (await verify(client, later, code_at(secret, clock())))["token"]


async def test_a_recovery_code_signs_in_once_typed_in_any_case_with_or_without_its_hyphen(client, clock):
    _, codes = await enrolled_staff(client, clock)
    typed = codes[3].upper().replace("-", " ")

    first = await verify(client, await challenge_of(client), typed)
    second = await verify(client, await challenge_of(client), codes[3])

    assert first["userErrors"] == []
    assert first["token"]
    assert user_errors(second) == [(["code"], "INVALID_CREDENTIALS")]
    used = await AuditEvent.filter(action="admin.recovery_code_used").get()
    assert used.details == {"recovery_codes_left": 9}
    assert used.actor_kind is ActorKind.ADMIN
    assert await MfaRecoveryCode.filter(used_at__isnull=False).count() == 1
    # Another code of the ten still works.
    assert (await verify(client, await challenge_of(client), codes[4]))["token"]


async def test_a_secret_the_key_cannot_read_refuses_app_codes_but_recovery_codes_still_work(db, settings):
    async with app_with(settings) as app:
        client = client_from(app, "203.0.113.7")
        clock = app.state.runtime.clock = Clock()
        secret, codes = await enrolled_staff(client, clock)
    # The key was replaced without keeping the old one beside it.
    async with app_with(settings, secret_key=SecretBox.new_key()) as app:
        client = client_from(app, "203.0.113.7")
        challenge = await challenge_of(client)

        app_code = await verify(client, challenge, pyotp.TOTP(secret).now())
        recovery = await verify(client, challenge, codes[0])

    assert user_errors(app_code) == [(None, "MFA_UNAVAILABLE")]
    assert recovery["token"]


async def test_two_sign_ins_racing_with_one_code_let_only_one_in(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    challenges = [await challenge_of(client), await challenge_of(client)]
    code = code_at(secret, clock())

    answers = await asyncio.gather(
        *(client.data(VERIFY, {"challenge": challenge, "code": code}) for challenge in challenges)
    )

    outcomes = sorted(bool(answer["verifyMfa"]["token"]) for answer in answers)
    assert outcomes == [False, True]
    assert await Session.all().count() == 1


async def test_two_sign_ins_racing_with_one_recovery_code_let_only_one_in(client, clock):
    _, codes = await enrolled_staff(client, clock)
    challenges = [await challenge_of(client), await challenge_of(client)]

    answers = await asyncio.gather(
        *(client.data(VERIFY, {"challenge": challenge, "code": codes[0]}) for challenge in challenges)
    )

    assert sorted(bool(answer["verifyMfa"]["token"]) for answer in answers) == [False, True]
    assert await MfaRecoveryCode.filter(used_at__isnull=False).count() == 1


async def test_one_challenge_racing_with_two_right_codes_starts_one_session(client, clock):
    secret, codes = await enrolled_staff(client, clock)
    challenge = await challenge_of(client)

    answers = await asyncio.gather(
        client.data(VERIFY, {"challenge": challenge, "code": code_at(secret, clock())}),
        client.data(VERIFY, {"challenge": challenge, "code": codes[0]}),
    )

    assert sorted(bool(answer["verifyMfa"]["token"]) for answer in answers) == [False, True]
    assert await Session.all().count() == 1
    # The loser's code was given back with its rollback: whichever lost is still unused.
    admin = await AdminUser.get(email=EMAIL)
    recovery_used = await MfaRecoveryCode.filter(used_at__isnull=False).count()
    app_code_used = admin.mfa_last_step == int(clock().timestamp()) // 30
    assert recovery_used + app_code_used == 1


async def test_wrong_codes_are_rate_limited_per_address_and_per_account(db, settings):
    async with app_with(settings, rate_limits="verifyMfa=3/minute") as app:
        first = client_from(app, "198.51.100.1")
        clock = app.state.runtime.clock = Clock()
        secret, _ = await enrolled_staff(first, clock)
        challenge = await challenge_of(first)
        wrong = str((int(code_at(secret, clock())) + 1) % 10**6).zfill(6)
        for _ in range(3):
            assert user_errors(await verify(first, challenge, wrong)) == [(["code"], "INVALID_CREDENTIALS")]

        # The right code, from another address: the account's limit is used up too.
        elsewhere = await verify(client_from(app, "198.51.100.2"), challenge, code_at(secret, clock()))

    assert user_errors(elsewhere) == [(None, "RATE_LIMITED")]
    assert elsewhere["userErrors"][0]["retryAfterSeconds"] > 0
    assert elsewhere["token"] is None
    assert (await actions()).count("admin.mfa_failed") == 3


async def test_an_inactive_staff_members_challenge_signs_nobody_in(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    challenge = await challenge_of(client)
    await AdminUser.filter(email=EMAIL).update(is_active=False)

    payload = await verify(client, challenge, code_at(secret, clock()))

    assert user_errors(payload) == [(["challenge"], "INVALID_TOKEN")]


async def test_a_password_reset_does_not_skip_the_code(client, clock):
    secret, _ = await enrolled_staff(client, clock)
    admin = await AdminUser.get(email=EMAIL)
    link = await issue(admin, TokenPurpose.PASSWORD_RESET, now=clock(), lifetime=timedelta(hours=1))

    reset = (await client.data(RESET_PASSWORD, {"token": link, "password": NEW_PASSWORD}))["resetPassword"]
    client.http.cookies.clear()

    assert reset["userErrors"] == []
    assert reset["token"] is None
    assert reset["viewer"] is None
    assert reset["mfaChallenge"]
    assert await Session.all().count() == 0
    verified = await verify(client, reset["mfaChallenge"], code_at(secret, clock()))
    assert verified["token"]
    assert await viewer_of(client, verified["token"]) == {"__typename": "AdminUser", "email": EMAIL}


# Switching off, new recovery codes


async def test_disable_mfa_asks_the_password_then_sign_in_takes_the_password_alone(client, clock):
    token = await signed_in_staff(client)
    await enrol(client, token, clock)

    wrong = (await client.data(DISABLE, {"password": WRONG_PASSWORD}, token=token))["disableMfa"]
    assert user_errors(wrong) == [(["password"], "INVALID_CREDENTIALS")]
    assert (await AdminUser.get(email=EMAIL)).mfa_enabled_at is not None

    payload = (await client.data(DISABLE, {"password": ADMIN_PASSWORD}, token=token))["disableMfa"]

    assert payload == {"adminUser": {"email": EMAIL, "mfaEnabled": False}, "userErrors": []}
    admin = await AdminUser.get(email=EMAIL)
    assert (admin.mfa_enabled_at, admin.mfa_secret_encrypted, admin.mfa_last_step) == (None, None, 0)
    assert await MfaRecoveryCode.all().count() == 0
    assert (await admin_login(client))["token"]
    assert "admin.mfa_disabled" in await actions()
    again = (await client.data(DISABLE, {"password": ADMIN_PASSWORD}, token=token))["disableMfa"]
    assert user_errors(again) == [(None, "MFA_NOT_ENABLED")]


async def test_new_recovery_codes_replace_the_old_ones(client, clock):
    token = await signed_in_staff(client)
    _, old = await enrol(client, token, clock)

    wrong = (await client.data(REGENERATE, {"password": WRONG_PASSWORD}, token=token))
    payload = (await client.data(REGENERATE, {"password": ADMIN_PASSWORD}, token=token))[
        "regenerateRecoveryCodes"
    ]

    assert user_errors(wrong["regenerateRecoveryCodes"]) == [(["password"], "INVALID_CREDENTIALS")]
    new = payload["recoveryCodes"]
    assert len(set(new)) == 10
    assert not set(new) & set(old)
    assert user_errors(await verify(client, await challenge_of(client), old[0])) == [
        (["code"], "INVALID_CREDENTIALS")
    ]
    assert (await verify(client, await challenge_of(client), new[0]))["token"]
    assert "admin.recovery_codes_regenerated" in await actions()


async def test_new_recovery_codes_need_mfa_on(client, clock):
    token = await signed_in_staff(client)

    payload = (await client.data(REGENERATE, {"password": ADMIN_PASSWORD}, token=token))

    assert user_errors(payload["regenerateRecoveryCodes"]) == [(None, "MFA_NOT_ENABLED")]


async def test_the_password_asked_again_is_rate_limited(db, settings):
    async with app_with(settings, rate_limits="disableMfa=2/minute") as app:
        client = client_from(app, "198.51.100.1")
        token = await signed_in_staff(client)
        for _ in range(2):
            await client.data(DISABLE, {"password": WRONG_PASSWORD}, token=token)

        refused = (await client.data(DISABLE, {"password": ADMIN_PASSWORD}, token=token))["disableMfa"]

    assert user_errors(refused) == [(None, "RATE_LIMITED")]


# A colleague who lost the device


async def make_colleague(client: GraphQLClient, clock: Clock, email: str = "colleague@example.com") -> str:
    """An enrolled colleague with a live session; returns its token."""
    secret, _ = await enrol(client, await signed_in_staff(client, email), clock)
    payload = await verify(client, await challenge_of(client, email), code_at(secret, clock()))
    return payload["token"]


async def enrolled_directly(admin: AdminUser) -> None:
    """MFA on for `admin`, written straight to its row (no session of theirs is needed)."""
    await AdminUser.filter(id=admin.id).update(
        mfa_secret_encrypted=SecretBox(TEST_SECRET_KEY).encrypt(pyotp.random_base32()),
        mfa_enabled_at=datetime.now(UTC),
    )


async def test_an_owner_resets_a_colleagues_mfa_and_their_sessions_end(client, clock):
    owner = await signed_in_staff(client, "owner@example.com")
    colleague_token = await make_colleague(client, clock)
    colleague = await AdminUser.get(email="colleague@example.com")

    payload = (await client.data(RESET_STAFF_MFA, {"id": gid(colleague)}, token=owner))["resetStaffMfa"]

    assert payload == {
        "adminUser": {"id": gid(colleague), "email": colleague.email, "mfaEnabled": False},
        "userErrors": [],
    }
    colleague = await AdminUser.get(id=colleague.id)
    assert (colleague.mfa_enabled_at, colleague.mfa_secret_encrypted) == (None, None)
    assert await MfaRecoveryCode.filter(admin_id=colleague.id).count() == 0
    assert await viewer_of(client, colleague_token) is None
    assert await Session.filter(admin_id=colleague.id).count() == 0
    event = await AuditEvent.filter(action="admin.mfa_reset").get()
    assert (event.actor_label, event.object_id) == ("owner@example.com", colleague.id)
    # The password alone signs them in again.
    assert (await admin_login(client, colleague.email))["token"]


async def test_a_colleague_beyond_the_owners_shops_or_no_colleague_at_all_reads_as_not_found(client, clock):
    flora = await make_shop("flora")
    await make_shop("greenhouse")
    owner = await make_admin("owner@example.com")
    await AdminUser.filter(id=owner.id).update(all_shops=False)
    await owner.shops.add(flora)
    owner_token = (await admin_login(client, owner.email))["token"]
    everywhere = await make_admin("everywhere@example.com")
    await enrolled_directly(everywhere)

    beyond = (await client.data(RESET_STAFF_MFA, {"id": gid(everywhere)}, token=owner_token))
    not_staff = gid(await Shop.get(handle="flora"))
    unknown = (await client.data(RESET_STAFF_MFA, {"id": not_staff}, token=owner_token))

    assert user_errors(beyond["resetStaffMfa"]) == [(["id"], "NOT_FOUND")]
    assert user_errors(unknown["resetStaffMfa"]) == [(["id"], "NOT_FOUND")]
    assert (await AdminUser.get(id=everywhere.id)).mfa_enabled_at is not None


async def test_resetting_takes_a_role_that_manages_staff_and_is_not_for_ones_own(client, clock):
    owner = await signed_in_staff(client, "owner@example.com")
    manager = await make_admin("manager@example.com")
    await AdminUser.filter(id=manager.id).update(role=StaffRole.MANAGER)
    manager_token = (await admin_login(client, manager.email))["token"]
    owner_row = await AdminUser.get(email="owner@example.com")

    forbidden = await client.execute(RESET_STAFF_MFA, {"id": gid(owner_row)}, token=manager_token)
    own = (await client.data(RESET_STAFF_MFA, {"id": gid(owner_row)}, token=owner))["resetStaffMfa"]

    assert refusal(forbidden) == "FORBIDDEN"
    assert user_errors(own) == [(["id"], "INVALID")]
