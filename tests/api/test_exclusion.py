"""setExclusion (rule 10 of docs/api.md): staff exclude a user, for good or until a date, and readmit them.

An excluded user cannot sign in (ACCOUNT_EXCLUDED, told only to whoever knows
the password) and their sessions end at once; an exclusion with `until` lifts
by itself; readmitting restores access. Only `mayBeExcluded` users can be excluded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from models import ActorKind, AuditEvent, Session, ShopUser
from schema.nodes import global_id
from tests.api.sign_in import login, staff_token, viewer_of
from tests.factories import CUSTOMER_PASSWORD, make_customer, make_shop
from tests.graphql_answers import payload_of, refusal, user_error_codes, user_errors

SET_EXCLUSION = """
mutation($input: SetExclusionInput!) {
  setExclusion(input: $input) {
    shopUser { id username status excluded exclusionReason excludedSince excludedUntil }
    userErrors { field message code }
  }
}"""

SHOP_USER = """
query($id: ID!) {
  node(id: $id) {
    ... on ShopUser { status excluded exclusionReason excludedSince excludedUntil }
  }
}"""

REASON = "Unpaid invoices since March"


def iso(moment: datetime) -> str:
    return moment.isoformat()


def parsed(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


async def set_exclusion(client, staff: str | None, user: ShopUser | str, **fields: object) -> dict:
    user_id = user if isinstance(user, str) else global_id("ShopUser", user.id)
    body = await client.data(SET_EXCLUSION, {"input": {"shopUserId": user_id, **fields}}, token=staff)
    return body["setExclusion"]


async def read_user(client, staff: str, user: ShopUser) -> dict:
    return (await client.data(SHOP_USER, {"id": global_id("ShopUser", user.id)}, token=staff))["node"]


@pytest.fixture
async def flora(client):
    return await make_shop("flora")


async def test_excluding_ends_the_users_sessions_at_once(client, flora):
    user = await make_customer(flora, "anna")
    session = (await login(client))["token"]
    assert await viewer_of(client, session) == {"__typename": "ShopUser", "username": "anna"}
    staff = await staff_token(client)

    payload = await set_exclusion(client, staff, user, excluded=True, reason=REASON)

    assert payload["userErrors"] == []
    assert await viewer_of(client, session) is None
    assert await Session.filter(shop_user_id=user.id).count() == 0
    assert await Session.filter(admin_id__isnull=False).count() == 1  # staff stay signed in


async def test_an_excluded_user_is_told_so_only_with_the_right_password(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)
    await set_exclusion(client, staff, user, excluded=True, reason=REASON)

    right = await login(client, password=CUSTOMER_PASSWORD)
    wrong = await login(client, password="not-my-Password-1")

    assert right["token"] is None
    assert user_errors(right) == [(None, "ACCOUNT_EXCLUDED")]
    assert wrong["token"] is None
    assert user_error_codes(wrong) == ["INVALID_CREDENTIALS"]
    assert await Session.filter(shop_user_id=user.id).count() == 0


async def test_the_payload_shows_the_exclusion_with_reason_since_and_until(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    before = datetime.now(UTC)

    payload = await set_exclusion(client, staff, user, excluded=True, reason=REASON, until=iso(until))

    shown = payload["shopUser"]
    assert payload["userErrors"] == []
    assert (shown["id"], shown["username"], shown["status"], shown["excluded"]) == (
        global_id("ShopUser", user.id), "anna", "EXCLUDED", True
    )
    assert shown["exclusionReason"] == REASON
    assert before <= datetime.fromisoformat(shown["excludedSince"]) <= datetime.now(UTC)
    assert parsed(shown["excludedUntil"]) == until
    stored = await read_user(client, staff, user)
    assert stored["status"] == "EXCLUDED"
    assert stored["exclusionReason"] == REASON
    assert parsed(stored["excludedSince"]) == parsed(shown["excludedSince"])
    assert parsed(stored["excludedUntil"]) == until


async def test_an_exclusion_without_until_has_no_end(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)

    payload = await set_exclusion(client, staff, user, excluded=True)

    assert payload["shopUser"]["status"] == "EXCLUDED"
    assert payload["shopUser"]["exclusionReason"] is None
    assert payload["shopUser"]["excludedUntil"] is None
    assert user_error_codes(await login(client)) == ["ACCOUNT_EXCLUDED"]


async def test_excluding_again_keeps_the_original_since_and_takes_the_new_reason(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)
    first = await set_exclusion(client, staff, user, excluded=True, reason="Unpaid")

    second = await set_exclusion(client, staff, user, excluded=True, reason="Still unpaid")

    assert second["shopUser"]["exclusionReason"] == "Still unpaid"
    assert second["shopUser"]["excludedSince"] == first["shopUser"]["excludedSince"]


async def test_a_user_who_may_not_be_excluded_is_not_excludable(client, flora):
    user = await make_customer(flora, "anna", may_be_excluded=False)
    session = (await login(client))["token"]
    staff = await staff_token(client)

    payload = await set_exclusion(client, staff, user, excluded=True, reason=REASON)

    assert payload["shopUser"] is None
    assert user_errors(payload) == [(["shopUserId"], "NOT_EXCLUDABLE")]
    stored = await ShopUser.get(id=user.id)
    assert (stored.excluded, stored.exclusion_reason, stored.excluded_since) == (False, None, None)
    assert await viewer_of(client, session) == {"__typename": "ShopUser", "username": "anna"}
    assert await AuditEvent.filter(action="shop_user.excluded").count() == 0


async def test_an_exclusion_cannot_end_in_the_past(client, flora):
    user = await make_customer(flora, "anna")
    session = (await login(client))["token"]
    staff = await staff_token(client)

    payload = await set_exclusion(
        client, staff, user, excluded=True, reason=REASON,
        until=iso(datetime.now(UTC) - timedelta(days=1)),
    )

    assert payload["shopUser"] is None
    assert user_errors(payload) == [(["until"], "INVALID")]
    assert (await ShopUser.get(id=user.id)).excluded is False
    assert await viewer_of(client, session) == {"__typename": "ShopUser", "username": "anna"}


async def test_an_until_without_a_time_zone_is_a_user_error_not_an_internal_one(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)

    body = await client.execute(SET_EXCLUSION, {"input": {
        "shopUserId": global_id("ShopUser", user.id), "excluded": True,
        "until": (datetime.now(UTC) + timedelta(days=3)).replace(tzinfo=None).isoformat(),
    }}, token=staff)

    payload = payload_of(body, "setExclusion")
    assert user_errors(payload) == [(["until"], "INVALID")]


async def test_an_until_at_the_end_of_time_is_not_an_internal_error(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)

    body = await client.execute(SET_EXCLUSION, {"input": {
        "shopUserId": global_id("ShopUser", user.id), "excluded": True,
        "until": "9999-12-31T23:59:59-05:00",
    }}, token=staff)

    payload = payload_of(body, "setExclusion")
    # Year 10000 in UTC: no database stores it.
    assert user_errors(payload) == [(["until"], "INVALID")]


async def test_an_until_in_another_time_zone_is_the_same_moment(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)
    until = (datetime.now(UTC) + timedelta(hours=3)).astimezone(timezone(timedelta(hours=-11)))

    payload = await set_exclusion(client, staff, user, excluded=True, until=iso(until))

    assert parsed(payload["shopUser"]["excludedUntil"]) == until
    assert (await read_user(client, staff, user))["status"] == "EXCLUDED"
    listed = await client.data(
        'query { shopUsers(shop: "flora", status: EXCLUDED) { edges { node { username } } } }',
        token=staff,
    )
    assert [edge["node"]["username"] for edge in listed["shopUsers"]["edges"]] == ["anna"]


async def test_a_reason_of_more_than_1000_characters_is_invalid(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)

    payload = await set_exclusion(client, staff, user, excluded=True, reason="x" * 1001)

    assert payload["shopUser"] is None
    assert user_errors(payload) == [(["reason"], "INVALID")]
    assert (await ShopUser.get(id=user.id)).excluded is False


async def test_a_session_that_outlived_the_exclusion_reads_as_anonymous(client, flora):
    # Sessions end when staff exclude; one made by a sign-in racing the exclusion must not work either.
    user = await make_customer(flora, "anna")
    session = (await login(client))["token"]
    await ShopUser.filter(id=user.id).update(excluded=True, excluded_since=datetime.now(UTC))

    assert await Session.filter(shop_user_id=user.id).count() == 1
    assert await viewer_of(client, session) is None


async def test_a_temporary_exclusion_lifts_by_itself_when_until_has_passed(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)
    await set_exclusion(
        client, staff, user, excluded=True, reason=REASON, until=iso(datetime.now(UTC) + timedelta(days=7))
    )
    assert user_error_codes(await login(client)) == ["ACCOUNT_EXCLUDED"]

    await ShopUser.filter(id=user.id).update(excluded_until=datetime.now(UTC) - timedelta(seconds=1))

    signed_in = await login(client)
    assert signed_in["userErrors"] == []
    assert await viewer_of(client, signed_in["token"]) == {"__typename": "ShopUser", "username": "anna"}
    assert (await read_user(client, staff, user))["status"] == "ACTIVE"


async def test_a_lifted_exclusion_no_longer_reads_as_excluded(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)
    await set_exclusion(
        client, staff, user, excluded=True, reason=REASON, until=iso(datetime.now(UTC) + timedelta(days=7))
    )
    await ShopUser.filter(id=user.id).update(excluded_until=datetime.now(UTC) - timedelta(seconds=1))

    shown = await read_user(client, staff, user)

    assert shown["status"] == "INVITED"
    assert shown["excluded"] is False


async def test_readmitting_restores_sign_in_and_clears_the_exclusion(client, flora):
    user = await make_customer(flora, "anna")
    staff = await staff_token(client)
    await set_exclusion(
        client, staff, user, excluded=True, reason=REASON, until=iso(datetime.now(UTC) + timedelta(days=7))
    )

    payload = await set_exclusion(client, staff, user, excluded=False)

    assert payload["userErrors"] == []
    assert {key: payload["shopUser"][key] for key in
            ["status", "excluded", "exclusionReason", "excludedSince", "excludedUntil"]} == {
        "status": "ACTIVE", "excluded": False, "exclusionReason": None,
        "excludedSince": None, "excludedUntil": None,
    }
    stored = await ShopUser.get(id=user.id)
    assert (stored.excluded, stored.exclusion_reason, stored.excluded_since, stored.excluded_until) == (
        False, None, None, None
    )
    assert (await login(client))["userErrors"] == []


async def test_exclusion_and_readmission_are_audited_with_the_admin_as_actor(client, flora):
    user = await make_customer(flora, "anna")
    await login(client)
    staff = await staff_token(client, "staff@example.com")

    await set_exclusion(client, staff, user, excluded=True, reason=REASON)
    await set_exclusion(client, staff, user, excluded=False)

    excluded = await AuditEvent.get(action="shop_user.excluded")
    readmitted = await AuditEvent.get(action="shop_user.readmitted")
    for event in (excluded, readmitted):
        assert (event.actor_kind, event.actor_label) == (ActorKind.ADMIN, "staff@example.com")
        assert event.actor_id is not None
        assert (event.object_type, event.object_id) == ("ShopUser", user.id)
    assert excluded.details["reason"] == REASON
    assert excluded.details["sessions_ended"] == 1
    assert excluded.id < readmitted.id


async def test_an_unknown_or_malformed_shop_user_id_is_not_found(client, flora):
    user = await make_customer(flora, "anna", password=None)
    staff = await staff_token(client)

    for unknown in [
        global_id("ShopUser", user.id + 1000),
        global_id("ShopUser", 2**40),
        global_id("Debtor", user.id),
        "not-a-global-id",
        "",
    ]:
        payload = await set_exclusion(client, staff, unknown, excluded=True, reason=REASON)
        assert payload["shopUser"] is None
        assert user_errors(payload) == [(["shopUserId"], "NOT_FOUND")], unknown

    assert (await ShopUser.get(id=user.id)).excluded is False


async def test_customers_are_forbidden_and_anonymous_callers_must_sign_in(client, flora):
    await make_customer(flora, "anna")
    bob = await make_customer(flora, "bob", password=None)
    customer = (await login(client))["token"]
    variables = {"input": {"shopUserId": global_id("ShopUser", bob.id), "excluded": True}}

    as_customer = await client.execute(SET_EXCLUSION, variables, token=customer)
    as_anonymous = await client.execute(SET_EXCLUSION, variables)

    assert refusal(as_customer) == "FORBIDDEN"
    assert refusal(as_anonymous) == "UNAUTHENTICATED"
    assert (await ShopUser.get(id=bob.id)).excluded is False
    assert await AuditEvent.filter(action="shop_user.excluded").count() == 0
