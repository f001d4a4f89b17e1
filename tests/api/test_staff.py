"""Staff as a team: owners invite, change, deactivate and reactivate colleagues, and list them.

Only roles that may manage staff (OWNER) do; an owner of some shops reaches only colleagues
whose shops are all among its own and grants only its own shops. The last active owner of
every shop stays one (LAST_OWNER), also when two owners demote each other at once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from auth import one_time_tokens
from auth.viewer import Caller, Viewer
from models import (
    ActorKind,
    AdminUser,
    AuditEvent,
    OneTimeToken,
    OutboxMessage,
    RegistrationStatus,
    Session,
    StaffRole,
    TokenPurpose,
)
from resolvers.errors import ErrorCode
from resolvers.staff import StaffChanges, deactivate_staff, update_staff
from schema.nodes import global_id
from tests.api.sign_in import admin_login, customer_token, viewer_of
from tests.api.staff_members import INVITE_STAFF, colleague, signed_in, token_of
from tests.factories import make_shop, pending_request
from tests.graphql_answers import error_codes, gid, payload_of, refusal, user_errors
from tests.meeting import BothArrive
from tests.query_counter import count_queries
from tests.use_cases import cheap_runtime, refused_with

UPDATE_STAFF = """
mutation($input: UpdateStaffInput!) {
  updateStaff(input: $input) {
    adminUser { id email name role active shops { handle } }
    userErrors { field code message }
  }
}"""

DEACTIVATE_STAFF = """
mutation($id: ID!) {
  deactivateStaff(input: {id: $id}) { adminUser { email active } userErrors { field code message } }
}"""

REACTIVATE_STAFF = """
mutation($id: ID!) {
  reactivateStaff(input: {id: $id}) { adminUser { email active } userErrors { field code message } }
}"""

STAFF = """
query($search: String, $first: Int, $after: String) {
  staff(search: $search, first: $first, after: $after) {
    edges { node { email role active shops { handle } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""

STAFF_PAGE = """
{ staff(first: 50) { edges { node { email role shops { handle name } active mfaEnabled lastLoginAt } } } }"""

DECIDED_BY = "{ registrationRequests { edges { node { decidedBy { email role lastLoginAt } } } } }"

VIEWER_ACCOUNT = """
{ viewer { ... on AdminUser { email role active mfaEnabled lastLoginAt shops { handle } } } }"""


async def invite(client, token: str, **input: object) -> dict:
    body = await client.execute(INVITE_STAFF, {"input": input}, token=token)
    return payload_of(body, "inviteStaff")


async def update(client, token: str, admin: AdminUser, **changes: object) -> dict:
    body = await client.execute(UPDATE_STAFF, {"input": {"id": gid(admin), **changes}}, token=token)
    return payload_of(body, "updateStaff")


async def deactivate(client, token: str, admin: AdminUser) -> dict:
    body = await client.execute(DEACTIVATE_STAFF, {"id": gid(admin)}, token=token)
    return payload_of(body, "deactivateStaff")


async def reactivate(client, token: str, admin: AdminUser) -> dict:
    body = await client.execute(REACTIVATE_STAFF, {"id": gid(admin)}, token=token)
    return payload_of(body, "reactivateStaff")


async def listed(client, token: str, **variables: object) -> list[str]:
    connection = payload_of(await client.execute(STAFF, variables, token=token), "staff")
    return [edge["node"]["email"] for edge in connection["edges"]]


async def staff_events(action: str) -> list[AuditEvent]:
    return list(await AuditEvent.filter(action=action).order_by("id"))


# --- inviteStaff -------------------------------------------------------------------------------


async def test_an_owner_invites_a_colleague_who_is_mailed_and_cannot_sign_in_yet(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    await make_shop("flora")

    payload = await invite(
        client, token, email=" Mia@Gatehouse.test ", name="Mia", role="MANAGER", shops=["flora"]
    )

    assert payload["userErrors"] == []
    assert payload["adminUser"] == {
        "id": payload["adminUser"]["id"], "email": "mia@gatehouse.test", "name": "Mia",
        "role": "MANAGER", "active": True, "mfaEnabled": False, "lastLoginAt": None,
        "shops": [{"handle": "flora"}],
    }
    invited = await AdminUser.get(email="mia@gatehouse.test")
    assert invited.password_hash is None
    assert (invited.role, invited.all_shops) == (StaffRole.MANAGER, False)
    assert [(m.recipient, m.template, m.language) for m in await OutboxMessage.all()] == [
        ("mia@gatehouse.test", "staff_invitation", "en")
    ]
    [event] = await staff_events("staff.invited")
    assert (event.actor_kind, event.actor_id, event.object_type, event.object_id, event.shop_id) == (
        ActorKind.ADMIN, owner.id, "AdminUser", invited.id, None
    )
    assert event.details == {
        "email": "mia@gatehouse.test", "role": "MANAGER", "shops": ["flora"], "resent": False
    }
    refused = await admin_login(client, "mia@gatehouse.test", "")
    assert user_errors(refused) == [(None, "INVALID_CREDENTIALS")]


async def test_an_invitation_for_every_shop_leaves_shops_null(client):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await invite(client, token, email="ole@gatehouse.test", role="OWNER")

    assert payload["userErrors"] == []
    assert (payload["adminUser"]["role"], payload["adminUser"]["shops"]) == ("OWNER", None)
    assert (await AdminUser.get(email="ole@gatehouse.test")).all_shops is True


async def test_bad_input_is_refused_all_at_once_and_nothing_is_written(client):
    token = await signed_in(client, "olga@gatehouse.test")
    await make_shop("flora")

    payload = await invite(
        client, token, email="not an email", name="x" * 201, role="SUPPORT",
        shops=["flora", "nowhere", "flora"],
    )

    assert payload["adminUser"] is None
    assert user_errors(payload) == [
        (["email"], "INVALID"), (["name"], "INVALID"), (["shops", "1"], "NOT_FOUND")
    ]
    assert await AdminUser.all().count() == 1
    assert await OutboxMessage.all().count() == 0
    assert await AuditEvent.filter(action="staff.invited").count() == 0


async def test_an_empty_list_of_shops_is_invalid(client):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await invite(client, token, email="mia@gatehouse.test", role="SUPPORT", shops=[])

    assert user_errors(payload) == [(["shops"], "INVALID")]


@pytest.mark.parametrize("state", ["accepted", "deactivated"])
async def test_the_email_of_a_staff_member_is_already_has_account(client, state):
    token = await signed_in(client, "olga@gatehouse.test")
    await colleague("mia@gatehouse.test", StaffRole.SUPPORT, active=state != "deactivated")

    payload = await invite(client, token, email="MIA@gatehouse.test", role="OWNER")

    assert user_errors(payload) == [(["email"], "ALREADY_HAS_ACCOUNT")]
    assert (await AdminUser.get(email="mia@gatehouse.test")).role == StaffRole.SUPPORT
    assert await OutboxMessage.all().count() == 0


async def test_inviting_an_open_invitation_again_sends_a_fresh_link_on_the_new_terms(client):
    token = await signed_in(client, "olga@gatehouse.test")
    await make_shop("flora")
    await invite(client, token, email="mia@gatehouse.test", role="SUPPORT", shops=["flora"])
    [first_link] = await OneTimeToken.filter(used_at__isnull=True)

    payload = await invite(client, token, email="mia@gatehouse.test", name="Mia B", role="MANAGER")

    assert payload["userErrors"] == []
    assert (payload["adminUser"]["name"], payload["adminUser"]["role"], payload["adminUser"]["shops"]) == (
        "Mia B", "MANAGER", None
    )
    assert await AdminUser.filter(email="mia@gatehouse.test").count() == 1
    assert (await OneTimeToken.get(id=first_link.id)).used_at is not None
    assert await OneTimeToken.filter(used_at__isnull=True).count() == 1
    assert [m.template for m in await OutboxMessage.all().order_by("id")] == ["staff_invitation"] * 2
    assert [e.details["resent"] for e in await staff_events("staff.invited")] == [False, True]


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in StaffRole if r is not StaffRole.OWNER])
async def test_roles_short_of_managing_staff_are_forbidden_everything_here(client, role):
    token = await signed_in(client, f"{role.value.lower()}@gatehouse.test", role)
    other = await colleague("ole@gatehouse.test")
    calls = [
        (INVITE_STAFF, {"input": {"email": "x@gatehouse.test", "role": "OWNER"}}),
        (UPDATE_STAFF, {"input": {"id": gid(other), "role": "SUPPORT"}}),
        (DEACTIVATE_STAFF, {"id": gid(other)}),
        (REACTIVATE_STAFF, {"id": gid(other)}),
        (STAFF, {}),
    ]

    codes = [refusal(await client.execute(query, variables, token=token)) for query, variables in calls]

    assert codes == ["FORBIDDEN"] * len(calls)
    assert await AdminUser.all().count() == 2
    assert (await AdminUser.get(id=other.id)).role == StaffRole.OWNER


async def test_anonymous_callers_are_told_to_sign_in_and_customers_are_forbidden(client):
    customer = await customer_token(client)

    anonymous = await client.execute(STAFF)
    as_customer = await client.execute(
        INVITE_STAFF, {"input": {"email": "x@gatehouse.test", "role": "OWNER"}}, token=customer
    )

    assert refusal(anonymous) == "UNAUTHENTICATED"
    assert refusal(as_customer) == "FORBIDDEN"


async def test_staff_read_their_own_account_but_not_a_colleagues_through_other_doors(client):
    flora = await make_shop("flora")
    reviewer = await colleague("rita@gatehouse.test", StaffRole.REVIEWER, [flora])
    token = await token_of(client, reviewer)
    owner = await colleague("olga@gatehouse.test")
    await pending_request(flora, status=RegistrationStatus.REJECTED, decided_by=owner)

    own = await viewer_of(client, token, VIEWER_ACCOUNT)
    decider = await client.execute(DECIDED_BY, token=token)

    assert own is not None
    assert own == {
        "email": "rita@gatehouse.test", "role": "REVIEWER", "active": True, "mfaEnabled": False,
        "lastLoginAt": own["lastLoginAt"], "shops": [{"handle": "flora"}],
    }
    assert own["lastLoginAt"] is not None
    # Who decided is told; the decider's role and sign-ins are not.
    assert decider["data"]["registrationRequests"]["edges"][0]["node"]["decidedBy"] is None
    assert error_codes(decider) == ["FORBIDDEN", "FORBIDDEN"]


# --- updateStaff -----------------------------------------------------------------------------


async def test_an_owner_changes_a_colleagues_role_and_shops_and_the_audit_says_what_changed(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    flora, bloom = await make_shop("flora"), await make_shop("bloom")
    mia = await colleague("mia@gatehouse.test", StaffRole.SUPPORT, [flora])

    payload = await update(client, token, mia, role="MANAGER", shops=["flora", "bloom"])

    assert payload["userErrors"] == []
    assert payload["adminUser"] == {
        "id": gid(mia), "email": "mia@gatehouse.test", "name": "Mia", "role": "MANAGER", "active": True,
        "shops": [{"handle": "bloom"}, {"handle": "flora"}],
    }
    stored = await AdminUser.get(id=mia.id)
    assert stored.role == StaffRole.MANAGER
    assert sorted(shop.id for shop in await stored.shops.all()) == sorted([flora.id, bloom.id])
    [event] = await staff_events("staff.updated")
    assert (event.actor_id, event.object_id, event.shop_id) == (owner.id, mia.id, None)
    assert event.details == {"changed": {
        "role": {"from": "SUPPORT", "to": "MANAGER"},
        "shops": {"from": ["flora"], "to": ["bloom", "flora"]},
    }}


async def test_fields_left_out_keep_their_value_and_null_shops_means_every_shop(client):
    token = await signed_in(client, "olga@gatehouse.test")
    flora = await make_shop("flora")
    mia = await colleague("mia@gatehouse.test", StaffRole.SUPPORT, [flora])

    payload = await update(client, token, mia, shops=None)

    assert (payload["adminUser"]["role"], payload["adminUser"]["name"], payload["adminUser"]["shops"]) == (
        "SUPPORT", "Mia", None
    )
    stored = await AdminUser.get(id=mia.id)
    assert stored.all_shops is True
    assert await stored.shops.all().count() == 0


async def test_a_role_change_holds_from_the_colleagues_next_request(client):
    token = await signed_in(client, "olga@gatehouse.test")
    ole = await colleague("ole@gatehouse.test")
    ole_token = await token_of(client, ole)
    assert (await client.execute(STAFF, token=ole_token)).get("errors") is None

    await update(client, token, ole, role="AUDITOR")

    assert refusal(await client.execute(STAFF, token=ole_token)) == "FORBIDDEN"


async def test_a_null_role_an_unknown_id_and_a_bad_name_are_refused(client):
    token = await signed_in(client, "olga@gatehouse.test")
    mia = await colleague("mia@gatehouse.test", StaffRole.SUPPORT)

    null_role = await update(client, token, mia, role=None, name="x" * 201)
    nobody = {"id": global_id("AdminUser", 99999), "name": "M"}
    unknown = payload_of(await client.execute(UPDATE_STAFF, {"input": nobody}, token=token), "updateStaff")

    assert user_errors(null_role) == [(["name"], "INVALID"), (["role"], "INVALID")]
    assert user_errors(unknown) == [(["id"], "NOT_FOUND")]
    assert (await AdminUser.get(id=mia.id)).name == "Mia"
    assert await AuditEvent.filter(action="staff.updated").count() == 0


# --- the last owner ------------------------------------------------------------------------


async def test_the_last_owner_of_every_shop_cannot_demote_or_limit_itself(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    await make_shop("flora")
    # Neither an invitation not yet accepted nor a deactivated owner counts.
    await colleague("pending@gatehouse.test", password=None)
    await colleague("gone@gatehouse.test", active=False)

    demoted = await update(client, token, owner, role="MANAGER")
    limited = await update(client, token, owner, shops=["flora"])

    assert user_errors(demoted) == [(["role"], "LAST_OWNER")]
    assert user_errors(limited) == [(["shops"], "LAST_OWNER")]
    stored = await AdminUser.get(id=owner.id)
    assert (stored.role, stored.all_shops) == (StaffRole.OWNER, True)
    assert await AuditEvent.filter(action="staff.updated").count() == 0


async def test_with_a_second_owner_the_first_may_step_down(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    await colleague("ole@gatehouse.test")

    payload = await update(client, token, owner, role="MANAGER")

    assert payload["userErrors"] == []
    assert (await AdminUser.get(id=owner.id)).role == StaffRole.MANAGER


async def test_the_last_owner_cannot_be_deactivated(db):
    owner = await colleague("olga@gatehouse.test")
    await colleague("mia@gatehouse.test", StaffRole.MANAGER)

    outcome = await capture(deactivate_staff(cheap_runtime(), Caller.system("tests"), owner.id))

    assert refused_with(outcome) == [(("id",), ErrorCode.LAST_OWNER)]
    assert (await AdminUser.get(id=owner.id)).is_active is True


async def capture(call) -> object:
    try:
        return await call
    except Exception as error:
        return error


def owner_caller(admin: AdminUser) -> Caller:
    return Caller(Viewer(session_id=0, admin=admin), client_address="203.0.113.7")


@pytest.mark.postgres_only
async def test_two_last_owners_demoting_each_other_at_once_leave_one_owner(pg_db):
    olga, ole = await colleague("olga@gatehouse.test"), await colleague("ole@gatehouse.test")
    meeting = BothArrive()

    demotion = StaffChanges(role=StaffRole.MANAGER)

    outcomes = await asyncio.gather(
        capture(update_staff(owner_caller(olga), ole.id, demotion, owners_read=meeting)),
        capture(update_staff(owner_caller(ole), olga.id, demotion, owners_read=meeting)),
    )

    assert meeting.arrived == 2
    refused = [outcome for outcome in outcomes if not isinstance(outcome, AdminUser)]
    assert len(refused) == 1, outcomes
    assert refused_with(refused[0]) == [(("role",), ErrorCode.LAST_OWNER)]
    assert await AdminUser.filter(role=StaffRole.OWNER).count() == 1
    assert await AuditEvent.filter(action="staff.updated").count() == 1


@pytest.mark.postgres_only
async def test_two_last_owners_deactivating_each_other_at_once_leave_one_active(pg_db):
    olga, ole = await colleague("olga@gatehouse.test"), await colleague("ole@gatehouse.test")
    meeting = BothArrive()
    runtime = cheap_runtime()

    outcomes = await asyncio.gather(
        capture(deactivate_staff(runtime, owner_caller(olga), ole.id, owners_read=meeting)),
        capture(deactivate_staff(runtime, owner_caller(ole), olga.id, owners_read=meeting)),
    )

    refused = [outcome for outcome in outcomes if not isinstance(outcome, AdminUser)]
    assert len(refused) == 1, outcomes
    assert refused_with(refused[0]) == [(("id",), ErrorCode.LAST_OWNER)]
    assert await AdminUser.filter(is_active=True).count() == 1


# --- deactivateStaff and reactivateStaff ------------------------------------------------------


async def test_a_deactivated_colleagues_sessions_and_links_end_at_once(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    mia = await colleague("mia@gatehouse.test", StaffRole.MANAGER)
    mia_token = await token_of(client, mia)
    await one_time_tokens.issue(
        mia, TokenPurpose.PASSWORD_RESET, now=datetime.now(UTC), lifetime=timedelta(hours=1)
    )

    payload = await deactivate(client, token, mia)

    assert payload == {"adminUser": {"email": "mia@gatehouse.test", "active": False}, "userErrors": []}
    assert await viewer_of(client, mia_token) is None
    assert await Session.filter(admin_id=mia.id).count() == 0
    assert await OneTimeToken.filter(admin_id=mia.id, used_at__isnull=True).count() == 0
    assert user_errors(await admin_login(client, "mia@gatehouse.test")) == [(None, "INVALID_CREDENTIALS")]
    [event] = await staff_events("staff.deactivated")
    assert (event.actor_id, event.object_id, event.shop_id, event.details) == (
        owner.id, mia.id, None, {"sessions_ended": 1}
    )


async def test_reactivated_staff_sign_in_again_with_their_password(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    mia = await colleague("mia@gatehouse.test", StaffRole.MANAGER, active=False)

    payload = await reactivate(client, token, mia)
    again = await reactivate(client, token, mia)

    assert payload == {"adminUser": {"email": "mia@gatehouse.test", "active": True}, "userErrors": []}
    assert again == payload
    assert (await admin_login(client, "mia@gatehouse.test"))["token"]
    [event] = await staff_events("staff.reactivated")
    assert (event.actor_id, event.object_id, event.shop_id) == (owner.id, mia.id, None)


async def test_an_owner_cannot_deactivate_itself(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    await colleague("ole@gatehouse.test")

    payload = await deactivate(client, token, owner)

    assert user_errors(payload) == [(["id"], "INVALID")]
    assert await viewer_of(client, token) is not None


# --- scoped owners ---------------------------------------------------------------------------


async def test_an_owner_of_some_shops_reaches_only_colleagues_within_them(client):
    flora, bloom = await make_shop("flora"), await make_shop("bloom")
    token = await signed_in(client, "fo@gatehouse.test", StaffRole.OWNER, [flora])
    inside = await colleague("in@gatehouse.test", StaffRole.SUPPORT, [flora])
    partly = await colleague("partly@gatehouse.test", StaffRole.SUPPORT, [flora, bloom])
    everywhere = await colleague("top@gatehouse.test")

    seen = await listed(client, token)
    outcomes = {
        admin.email: user_errors(await update(client, token, admin, name="Renamed"))
        for admin in (inside, partly, everywhere)
    }
    deactivated = await deactivate(client, token, everywhere)

    assert seen == ["in@gatehouse.test", "fo@gatehouse.test"]
    assert outcomes == {
        "in@gatehouse.test": [],
        "partly@gatehouse.test": [(["id"], "NOT_FOUND")],
        "top@gatehouse.test": [(["id"], "NOT_FOUND")],
    }
    assert user_errors(deactivated) == [(["id"], "NOT_FOUND")]
    assert (await AdminUser.get(id=everywhere.id)).is_active is True


async def test_an_owner_of_some_shops_grants_only_its_own(client):
    flora, bloom = await make_shop("flora"), await make_shop("bloom")
    token = await signed_in(client, "fo@gatehouse.test", StaffRole.OWNER, [flora])
    inside = await colleague("in@gatehouse.test", StaffRole.SUPPORT, [flora])

    beyond = await invite(client, token, email="new@gatehouse.test", role="SUPPORT", shops=["flora", "bloom"])
    every = await invite(client, token, email="new@gatehouse.test", role="SUPPORT")
    widened = await update(client, token, inside, shops=None)
    own = await invite(client, token, email="new@gatehouse.test", role="OWNER", shops=["flora"])

    assert user_errors(beyond) == [(["shops", "1"], "NOT_FOUND")]
    assert user_errors(every) == [(["shops"], "OUTSIDE_OWN_SHOPS")]
    assert user_errors(widened) == [(["shops"], "OUTSIDE_OWN_SHOPS")]
    assert own["userErrors"] == []
    assert own["adminUser"]["shops"] == [{"handle": "flora"}]
    assert [a.email for a in await AdminUser.filter(all_shops=True)] == []
    assert not await AdminUser.filter(shops__id=bloom.id).exists()


async def test_an_owner_of_some_shops_cannot_reinvite_an_every_shop_invitation(client):
    flora = await make_shop("flora")
    token = await signed_in(client, "fo@gatehouse.test", StaffRole.OWNER, [flora])
    await colleague("pending@gatehouse.test", StaffRole.MANAGER, password=None)

    payload = await invite(client, token, email="pending@gatehouse.test", role="OWNER", shops=["flora"])

    assert user_errors(payload) == [(["email"], "ALREADY_HAS_ACCOUNT")]
    assert (await AdminUser.get(email="pending@gatehouse.test")).all_shops is True


# --- staff -----------------------------------------------------------------------------------


async def test_the_list_is_newest_first_searchable_and_paged(client):
    token = await signed_in(client, "olga@gatehouse.test")
    await colleague("mia.jansen@gatehouse.test", StaffRole.SUPPORT)
    await colleague("piet@elsewhere.test", StaffRole.MANAGER)
    await colleague("MIA@other.test", StaffRole.AUDITOR, active=False)

    everyone = await listed(client, token)
    found = await listed(client, token, search=" mIa ")
    first = payload_of(await client.execute(STAFF, {"first": 2}, token=token), "staff")
    rest = await listed(client, token, first=2, after=first["pageInfo"]["endCursor"])
    too_long = await client.execute(STAFF, {"search": "x" * 101}, token=token)

    assert everyone == [
        "mia@other.test", "piet@elsewhere.test", "mia.jansen@gatehouse.test", "olga@gatehouse.test"
    ]
    assert found == ["mia@other.test", "mia.jansen@gatehouse.test"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (4, True)
    assert rest == ["mia.jansen@gatehouse.test", "olga@gatehouse.test"]
    assert refusal(too_long) == "INVALID"


@pytest.mark.parametrize("owner_of", ["every shop", "some shops"])
async def test_a_page_of_staff_costs_the_same_queries_however_many_have_shops(client, owner_of):
    shops = [await make_shop(f"shop-{n}") for n in range(3)]
    own_shops = None if owner_of == "every shop" else shops
    token = await signed_in(client, "olga@gatehouse.test", StaffRole.OWNER, own_shops)
    await colleague("a@gatehouse.test", StaffRole.SUPPORT, shops[:1])
    client.http.cookies.clear()
    await client.data("{ __typename }", token=token)  # the session is read once, then kept
    with count_queries() as few:
        small = await client.data(STAFF_PAGE, token=token)
    for n in range(8):
        await colleague(f"b{n}@gatehouse.test", StaffRole.SUPPORT, shops[: n % 3 + 1])

    with count_queries() as many:
        large = await client.data(STAFF_PAGE, token=token)

    assert len(small["staff"]["edges"]) == 2
    assert len(large["staff"]["edges"]) == 10
    assert all(edge["node"]["shops"] for edge in large["staff"]["edges"][:-1])
    assert len(many) == len(few), many
