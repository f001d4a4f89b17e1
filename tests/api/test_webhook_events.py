"""Events for partners' webhooks (resolvers/webhook_events.py), written by the use cases.

Given webhooks (rows made here: nothing is delivered in these tests), when a use case makes a
change through the API, then one WebhookMessage holds the event's body, with the object as the
API reads it, and each webhook that wants the event for that shop has one QUEUED delivery, all
in the change's transaction; with no webhook wanting it nothing is written, and no statement
reads a webhook table.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import GlobalID

from auth.viewer import Caller
from models import (
    ApprovalMode,
    Debtor,
    OutboxMessage,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookMessage,
)
from models.changes import FEED, Changed, announce
from resolvers.debtor_import import import_debtors
from resolvers.global_ids import global_id
from resolvers.password_resets import new_reset_link
from resolvers.registrations.submission import VERIFICATION_LIFETIME
from resolvers.registrations.verification import purge_unverified_requests
from resolvers.webhook_catalogue import catalogue
from resolvers.webhook_payloads import debtor_data, debtors_merged_data
from schema import schema
from schema.nodes import global_id as strawberry_global_id
from schema.nodes import parse_global_id
from server.database import database
from tests.api.sign_in import staff_token
from tests.api.submissions import submission
from tests.conftest import run_in_fresh_loop
from tests.factories import (
    CUSTOMER_PASSWORD,
    make_contact,
    make_debtor,
    make_field,
    make_shop,
    make_shop_user,
    pending_request,
)
from tests.graphql_answers import gid
from tests.outbox import link_token
from tests.query_counter import count_queries
from tests.use_cases import cheap_runtime

Event = WebhookEvent

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { registrationRequest { id } userErrors { field code } }
}"""
VERIFY = """
mutation($token: String!) { verifyRegistrationEmail(input: {token: $token}) { verified userErrors { code } } }
"""
APPROVE = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) {
    registrationRequests { id debtor { id } shopUser { id } } userErrors { field code }
  }
}"""
REJECT = """
mutation($ids: [ID!]!, $reason: String) {
  reject(input: {ids: $ids, reason: $reason}) { registrationRequests { id } userErrors { code } }
}"""
DELETE = """
mutation($ids: [ID!]!) { deleteRegistrations(input: {ids: $ids}) { deletedIds userErrors { code } } }
"""
CREATE_SHOP_USER = """
mutation($input: CreateShopUserInput!) {
  createShopUser(input: $input) { shopUser { id } userErrors { code } }
}"""
SET_EXCLUSION = """
mutation($input: SetExclusionInput!) { setExclusion(input: $input) { shopUser { id } userErrors { code } } }
"""
ACCEPT_INVITATION = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token userErrors { code }
  }
}"""
RESET_PASSWORD = """
mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token userErrors { code }
  }
}"""
CREATE_DEBTOR = """
mutation($input: CreateDebtorInput!) { createDebtor(input: $input) { debtor { id } userErrors { code } } }
"""
UPDATE_DEBTOR = """
mutation($input: UpdateDebtorInput!) { updateDebtor(input: $input) { debtor { id } userErrors { code } } }
"""
# Each object as the API reads it, with the fields a webhook's `data` sends.
FIELDS_SENT = {
    "RegistrationRequest": """
      id shop { handle } name email company language status submittedAt decidedAt rejectionReason
      answers { key type label value values } debtor { id number } shopUser { id }""",
    "ShopUser": """
      id shop { handle } username status language mayBeExcluded createdAt activatedAt
      excluded exclusionReason excludedSince excludedUntil
      contact { id firstName lastName email } debtor { id number }""",
    "Debtor": """
      id number name email phone vatNumber address priceListTags minimumOrderAmount checkoutPaymentLimit""",
}
NEW_PASSWORD = "lilac-Meadow-8812"


# --- helpers ---------------------------------------------------------------------------------


async def webhook(*events: WebhookEvent, shops: list[Shop] | None = None, active: bool = True) -> Webhook:
    """A partner's webhook for `events` of `shops` (None: every shop)."""
    made = await Webhook.create(
        url="http://127.0.0.1:9/hook", events=[event.value for event in events],
        all_shops=shops is None, secret_sealed="x", active=active,
    )
    if shops:
        await made.shops.add(*shops)
        await announce(Changed.WEBHOOK, [made.id])  # as whoever changes a webhook's shops must
    return made


async def flora(**settings: Any) -> Shop:
    shop = await make_shop("flora", registration_enabled=True, **settings)
    await make_field(shop, "chamber_of_commerce", "KvK number")
    return shop


async def messages(event: WebhookEvent | None = None) -> list[WebhookMessage]:
    found = WebhookMessage.all().order_by("id")
    return await (found.filter(event=event) if event is not None else found)


def body(message: WebhookMessage) -> dict[str, Any]:
    return json.loads(message.body)


async def sent(event: WebhookEvent) -> list[dict[str, Any]]:
    """The `data` of each message of `event`, in the order written."""
    return [body(message)["data"] for message in await messages(event)]


async def events_sent() -> list[str]:
    return [body(message)["type"] for message in await messages()]


async def as_api_reads(client, token: str, object_id: str) -> dict[str, Any]:
    """The object of `object_id` read through `node`, a shop named by its handle as webhooks do."""
    type_name, _ = parse_global_id(object_id) or ("", 0)
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {FIELDS_SENT[type_name]} }} }} }}"
    node = (await client.data(query, {"id": object_id}, token=token))["node"]
    if "shop" in node:
        node["shop"] = node["shop"]["handle"]
    return node


async def submit(client, **values: Any) -> dict[str, Any]:
    payload = (await client.data(SUBMIT, submission(**values)))["submitRegistration"]
    assert payload["userErrors"] == [], payload
    return payload


async def approve(client, token: str, ids: list[str]) -> dict[str, Any]:
    return (await client.data(APPROVE, {"ids": ids}, token=token))["approve"]


async def invited_user(shop: Shop, username: str = "anna") -> ShopUser:
    debtor = await make_debtor(number=f"K-{username}")
    contact = await make_contact(debtor, "Anna", email=f"{username}@bloemen.test")
    return await make_shop_user(shop, contact, username, password=None)


def webhook_statements(statements: list[str]) -> list[str]:
    return [statement for statement in statements if '"webhook' in statement]


# --- each event, by its use case -------------------------------------------------------------


async def test_a_submission_sends_the_request_as_the_api_reads_it(client):
    shop = await flora()
    hook = await webhook(Event.REGISTRATION_SUBMITTED)
    staff = await staff_token(client)

    await submit(client, name="Zoë Müller")

    [message] = await messages()
    request = await RegistrationRequest.get()
    assert (message.event, message.shop_id, message.message_id[:4]) == (
        Event.REGISTRATION_SUBMITTED, shop.id, "msg_"
    )
    sent_body = body(message)
    assert sent_body["type"] == "registration.submitted"
    assert abs(datetime.fromisoformat(sent_body["timestamp"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert sent_body["data"] == await as_api_reads(client, staff, gid(request))
    assert sent_body["data"]["status"] == "PENDING"
    assert sent_body["data"]["answers"] == [{
        "key": "chamber_of_commerce", "type": "TEXT", "label": "KvK number",
        "value": "12345678", "values": ["12345678"],
    }]
    # compact, and non-ASCII as it is: the body is signed exactly as stored
    assert '"name":"Zoë Müller"' in message.body
    [delivery] = await WebhookDelivery.all()
    assert (delivery.webhook_id, delivery.message_id, delivery.status, delivery.attempts) == (
        hook.id, message.id, WebhookDeliveryStatus.QUEUED, 0
    )
    assert delivery.next_attempt_at == datetime.fromisoformat(sent_body["timestamp"])


async def test_a_second_submission_or_one_by_an_existing_user_sends_nothing(client):
    shop = await flora()
    await webhook(Event.REGISTRATION_SUBMITTED)
    existing = await make_contact(await make_debtor(), email="kees@bestaand.test")
    await make_shop_user(shop, existing, "kees@bestaand.test")

    await submit(client)
    await submit(client)
    await submit(client, email="kees@bestaand.test")

    assert len(await messages()) == 1


async def test_double_opt_in_sends_submitted_unverified_then_verified_pending(client):
    await flora(require_email_verification=True)
    await webhook(Event.REGISTRATION_SUBMITTED, Event.REGISTRATION_VERIFIED)
    await submit(client)
    [mail] = await OutboxMessage.filter(template="verify_registration")

    verified = (await client.data(VERIFY, {"token": link_token(mail, "verification_url")}))
    assert verified["verifyRegistrationEmail"]["verified"] is True

    assert await events_sent() == ["registration.submitted", "registration.verified"]
    [submitted] = await sent(Event.REGISTRATION_SUBMITTED)
    [confirmed] = await sent(Event.REGISTRATION_VERIFIED)
    assert (submitted["status"], confirmed["status"]) == ("UNVERIFIED", "PENDING")
    assert confirmed["id"] == submitted["id"]


async def test_an_automatic_shop_approves_at_once_with_the_debtor_and_user_it_made(client):
    await flora(approval_mode=ApprovalMode.AUTOMATIC)
    every_event = await webhook(*WebhookEvent)
    staff = await staff_token(client)

    await submit(client, password=NEW_PASSWORD, passwordConfirmation=NEW_PASSWORD)

    # no registration.submitted: the request is approved as it is made
    assert await events_sent() == ["debtor.created", "shop_user.created", "registration.approved"]
    [approved] = await sent(Event.REGISTRATION_APPROVED)
    assert approved == await as_api_reads(client, staff, approved["id"])
    assert approved["status"] == "APPROVED"
    [user] = await sent(Event.SHOP_USER_CREATED)
    assert user == await as_api_reads(client, staff, approved["shopUser"]["id"])
    assert user["status"] == "ACTIVE"
    [debtor] = await sent(Event.DEBTOR_CREATED)
    assert debtor == await as_api_reads(client, staff, approved["debtor"]["id"])
    assert await WebhookDelivery.filter(webhook_id=every_event.id).count() == 3


async def test_approving_three_sends_three_approvals_each_with_its_debtor_and_user(client):
    shop = await flora()
    await webhook(Event.REGISTRATION_APPROVED, Event.SHOP_USER_CREATED)
    staff = await staff_token(client)
    requests = [await pending_request(shop, f"Person {i}", f"person{i}@bulk.test") for i in range(3)]

    answer = await approve(client, staff, [gid(request) for request in requests])

    assert answer["userErrors"] == []
    approved = await sent(Event.REGISTRATION_APPROVED)
    assert [data["id"] for data in approved] == [gid(request) for request in requests]
    assert [{"id": data["id"], "debtor": {"id": data["debtor"]["id"]}, "shopUser": data["shopUser"]}
            for data in approved] == answer["registrationRequests"]
    for data in approved:
        assert data == await as_api_reads(client, staff, data["id"])
    users = await sent(Event.SHOP_USER_CREATED)
    assert [user["id"] for user in users] == [data["shopUser"]["id"] for data in approved]
    assert {user["status"] for user in users} == {"INVITED"}


async def test_a_bulk_approval_sends_events_only_for_the_requests_it_approved(client):
    # given three requests, the middle one of an email that is a user's name in the shop already,
    # whose approval makes its debtor before it finds the user, then rolls back
    shop = await flora()
    hook = await webhook(Event.REGISTRATION_APPROVED, Event.DEBTOR_CREATED, Event.SHOP_USER_CREATED)
    staff = await staff_token(client)
    taken = await make_contact(await make_debtor("Elsewhere BV"))
    await make_shop_user(shop, taken, "taken@bulk.test")
    requests = [
        await pending_request(shop, "First", "first@bulk.test", "First BV"),
        await pending_request(shop, "Taken", "taken@bulk.test", "Taken BV"),
        await pending_request(shop, "Third", "third@bulk.test", "Third BV"),
    ]

    answer = await approve(client, staff, [gid(request) for request in requests])

    assert answer["userErrors"] == [{"field": ["ids", "1"], "code": "ALREADY_HAS_ACCOUNT"}]
    approved = [gid(requests[0]), gid(requests[2])]
    assert [data["id"] for data in await sent(Event.REGISTRATION_APPROVED)] == approved
    assert [data["name"] for data in await sent(Event.DEBTOR_CREATED)] == ["First BV", "Third BV"]
    assert len(await sent(Event.SHOP_USER_CREATED)) == 2
    assert await WebhookDelivery.filter(webhook_id=hook.id).count() == 6


async def test_a_rejection_sends_the_request_with_its_reason_and_answers(client):
    shop = await flora()
    await webhook(Event.REGISTRATION_REJECTED)
    staff = await staff_token(client)
    request = await pending_request(shop)

    await client.data(REJECT, {"ids": [gid(request)], "reason": "Retail only"}, token=staff)

    [rejected] = await sent(Event.REGISTRATION_REJECTED)
    assert rejected == await as_api_reads(client, staff, gid(request))
    assert (rejected["status"], rejected["rejectionReason"]) == ("REJECTED", "Retail only")
    assert rejected["decidedAt"] is not None
    assert [answer["value"] for answer in rejected["answers"]] == ["12345678"]


async def test_deleting_two_requests_sends_each_as_it_was(client):
    shop = await flora()
    await webhook(Event.REGISTRATION_DELETED)
    staff = await staff_token(client)
    pending = await pending_request(shop, email="eva@kwekerij.test")
    rejected = await pending_request(shop, email="jan@kwekerij.test", status=RegistrationStatus.REJECTED)

    deleted = await client.data(DELETE, {"ids": [gid(pending), gid(rejected)]}, token=staff)

    assert len(deleted["deleteRegistrations"]["deletedIds"]) == 2
    assert await sent(Event.REGISTRATION_DELETED) == [
        {"id": gid(pending), "shop": "flora", "email": "eva@kwekerij.test", "status": "PENDING"},
        {"id": gid(rejected), "shop": "flora", "email": "jan@kwekerij.test", "status": "REJECTED"},
    ]
    assert [message.shop_id for message in await messages()] == [shop.id, shop.id]


async def test_an_unconfirmed_request_purged_is_sent_as_deleted(db):
    shop = await flora()
    await webhook(Event.REGISTRATION_DELETED)
    stale = await pending_request(shop, status=RegistrationStatus.UNVERIFIED)
    await RegistrationRequest.filter(id=stale.id).update(
        submitted_at=datetime.now(UTC) - VERIFICATION_LIFETIME - timedelta(hours=1)
    )

    assert await purge_unverified_requests(cheap_runtime()) == 1

    assert await sent(Event.REGISTRATION_DELETED) == [
        {"id": gid(stale), "shop": "flora", "email": stale.email, "status": "UNVERIFIED"}
    ]


async def test_creating_an_invited_user_then_accepting_sends_created_then_activated(client):
    shop = await flora()
    await webhook(Event.SHOP_USER_CREATED, Event.SHOP_USER_ACTIVATED)
    staff = await staff_token(client)
    debtor = await make_debtor(number="K-7")
    contact = await make_contact(debtor, "Anna", last_name="Bloem", email="anna@bloemen.test")

    created = await client.data(CREATE_SHOP_USER, {"input": {
        "contactPersonId": gid(contact), "shop": "flora", "username": "anna", "language": "nl",
        "sendInvitation": True,
    }}, token=staff)
    user_id = created["createShopUser"]["shopUser"]["id"]
    [user] = await sent(Event.SHOP_USER_CREATED)
    assert user == await as_api_reads(client, staff, user_id)
    assert (user["status"], user["activatedAt"]) == ("INVITED", None)
    assert user["contact"] == {
        "id": gid(contact), "firstName": "Anna", "lastName": "Bloem", "email": "anna@bloemen.test"
    }
    assert user["debtor"] == {"id": gid(debtor), "number": "K-7"}

    [invitation] = await OutboxMessage.filter(template="invitation")
    token = link_token(invitation, "invitation_url")
    accepted = await client.data(ACCEPT_INVITATION, {"token": token, "password": NEW_PASSWORD})
    client.http.cookies.clear()

    assert accepted["acceptInvitation"]["userErrors"] == []
    [activated] = await sent(Event.SHOP_USER_ACTIVATED)
    assert activated == await as_api_reads(client, staff, user_id)
    assert activated["status"] == "ACTIVE"
    assert activated["activatedAt"] is not None
    assert [message.shop_id for message in await messages()] == [shop.id, shop.id]


async def test_an_invited_users_first_password_by_a_reset_link_activates_them(client, app):
    shop = await flora()
    await webhook(Event.SHOP_USER_ACTIVATED)
    user = await ShopUser.get(id=(await invited_user(shop)).id).select_related("shop")
    reset_url = await new_reset_link(app.state.runtime, user)
    token = reset_url.split("token=")[1]

    reset = await client.data(RESET_PASSWORD, {"token": token, "password": NEW_PASSWORD})
    client.http.cookies.clear()

    assert reset["resetPassword"]["userErrors"] == []
    [activated] = await sent(Event.SHOP_USER_ACTIVATED)
    assert (activated["id"], activated["status"]) == (gid(user), "ACTIVE")


async def test_a_reset_by_an_active_user_activates_nobody(client, app):
    shop = await flora()
    await webhook(Event.SHOP_USER_ACTIVATED)
    contact = await make_contact(await make_debtor(), email="anna@bloemen.test")
    user = await make_shop_user(shop, contact, "anna", password=CUSTOMER_PASSWORD)
    user = await ShopUser.get(id=user.id).select_related("shop")
    token = (await new_reset_link(app.state.runtime, user)).split("token=")[1]

    await client.data(RESET_PASSWORD, {"token": token, "password": NEW_PASSWORD})

    assert await messages() == []


async def test_excluding_then_readmitting_sends_each_with_the_exclusion_as_the_api_reads_it(client):
    shop = await flora()
    await webhook(Event.SHOP_USER_EXCLUDED, Event.SHOP_USER_READMITTED)
    staff = await staff_token(client)
    user = await make_shop_user(shop, await make_contact(await make_debtor()), "anna")
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)

    await client.data(SET_EXCLUSION, {"input": {
        "shopUserId": gid(user), "excluded": True, "reason": "Invoices overdue", "until": until.isoformat(),
    }}, token=staff)
    [excluded] = await sent(Event.SHOP_USER_EXCLUDED)
    assert excluded == await as_api_reads(client, staff, gid(user))
    assert (excluded["status"], excluded["excluded"], excluded["exclusionReason"]) == (
        "EXCLUDED", True, "Invoices overdue"
    )
    assert datetime.fromisoformat(excluded["excludedUntil"]) == until

    await client.data(SET_EXCLUSION, {"input": {"shopUserId": gid(user), "excluded": False}}, token=staff)
    [readmitted] = await sent(Event.SHOP_USER_READMITTED)
    assert readmitted == await as_api_reads(client, staff, gid(user))
    assert (readmitted["status"], readmitted["excluded"], readmitted["excludedSince"]) == (
        "ACTIVE", False, None
    )


async def set_exclusion(client, staff: str, user: ShopUser, **input: Any) -> None:
    answer = await client.data(SET_EXCLUSION, {"input": {"shopUserId": gid(user), **input}}, token=staff)
    assert answer["setExclusion"]["userErrors"] == []


async def test_readmitting_a_user_never_excluded_or_whose_exclusion_ended_sends_nothing(client):
    shop = await flora()
    await webhook(Event.SHOP_USER_EXCLUDED, Event.SHOP_USER_READMITTED)
    staff = await staff_token(client)
    never = await make_shop_user(shop, await make_contact(await make_debtor()), "anna")
    lapsed = await make_shop_user(
        shop, await make_contact(await make_debtor()), "bert", excluded=True,
        exclusion_reason="Invoices overdue", excluded_since=datetime.now(UTC) - timedelta(days=40),
        excluded_until=datetime.now(UTC) - timedelta(days=9),
    )

    await set_exclusion(client, staff, never, excluded=False)
    await set_exclusion(client, staff, lapsed, excluded=False)

    assert await messages() == []


async def test_excluding_again_sends_only_when_the_reason_or_the_end_changes(client):
    shop = await flora()
    await webhook(Event.SHOP_USER_EXCLUDED)
    staff = await staff_token(client)
    user = await make_shop_user(shop, await make_contact(await make_debtor()), "anna")
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()

    await set_exclusion(client, staff, user, excluded=True, reason="Invoices overdue", until=until)
    await set_exclusion(client, staff, user, excluded=True, reason="Invoices overdue", until=until)
    await set_exclusion(client, staff, user, excluded=True, reason="Still overdue", until=until)
    await set_exclusion(client, staff, user, excluded=True, reason="Still overdue")

    reasons_and_ends = [(data["exclusionReason"], data["excludedUntil"]) for data in await sent(
        Event.SHOP_USER_EXCLUDED
    )]
    assert [(reason, end is not None) for reason, end in reasons_and_ends] == [
        ("Invoices overdue", True), ("Still overdue", True), ("Still overdue", False)
    ]


async def test_creating_and_updating_a_debtor_sends_every_field_as_the_api_reads_it(client):
    await webhook(Event.DEBTOR_CREATED, Event.DEBTOR_UPDATED)
    staff = await staff_token(client)

    created = await client.data(CREATE_DEBTOR, {"input": {
        "name": "Bloemenhal", "number": "K-5", "vatNumber": "nl 8538.65.392-b01",
        "priceListTags": ["wholesale"], "minimumOrderAmount": "150",
    }}, token=staff)
    debtor_id = created["createDebtor"]["debtor"]["id"]
    changes = {"id": debtor_id, "checkoutPaymentLimit": "2500.5"}
    await client.data(UPDATE_DEBTOR, {"input": changes}, token=staff)

    [made], [changed] = await sent(Event.DEBTOR_CREATED), await sent(Event.DEBTOR_UPDATED)
    assert (made["vatNumber"], made["minimumOrderAmount"], made["checkoutPaymentLimit"]) == (
        "NL853865392B01", "150.00", None
    )
    assert changed == await as_api_reads(client, staff, debtor_id)
    assert changed["checkoutPaymentLimit"] == "2500.50"
    # debtors are no one shop's
    assert [message.shop_id for message in await messages()] == [None, None]


async def test_an_update_of_a_debtor_that_changes_nothing_sends_nothing(client):
    await webhook(Event.DEBTOR_UPDATED)
    staff = await staff_token(client)
    debtor = await make_debtor(
        "Bloemenhal", number="K-5", vat_number="NL853865392B01", price_list_tags=["wholesale"],
        minimum_order_amount=Decimal("150.00"),
    )

    for same in ({}, {"name": "Bloemenhal", "number": "K-5", "vatNumber": "nl 8538.65.392-b01",
                      "priceListTags": ["wholesale"], "minimumOrderAmount": "150", "email": None}):
        answer = await client.data(UPDATE_DEBTOR, {"input": {"id": gid(debtor), **same}}, token=staff)
        assert answer["updateDebtor"]["userErrors"] == []
    assert await messages() == []

    await client.data(UPDATE_DEBTOR, {"input": {"id": gid(debtor), "name": "Bloemenhal BV"}}, token=staff)
    assert [data["name"] for data in await sent(Event.DEBTOR_UPDATED)] == ["Bloemenhal BV"]


# --- which webhooks get an event -------------------------------------------------------------


async def test_only_webhooks_that_want_the_event_of_that_shop_get_a_delivery(client):
    shop = await flora()
    greenhouse = await make_shop("greenhouse")
    every_shop = await webhook(Event.REGISTRATION_SUBMITTED)
    this_shop = await webhook(Event.REGISTRATION_SUBMITTED, shops=[shop, greenhouse])
    await webhook(Event.REGISTRATION_SUBMITTED, shops=[greenhouse])
    await webhook(Event.REGISTRATION_APPROVED, Event.REGISTRATION_REJECTED)
    await webhook(Event.REGISTRATION_SUBMITTED, active=False)

    await submit(client)

    [message] = await messages()
    deliveries = await WebhookDelivery.filter(message_id=message.id).order_by("webhook_id")
    assert [delivery.webhook_id for delivery in deliveries] == [every_shop.id, this_shop.id]


async def test_a_webhook_of_some_shops_gets_the_debtor_events_too(client):
    greenhouse = await make_shop("greenhouse")
    hook = await webhook(Event.DEBTOR_CREATED, shops=[greenhouse])
    staff = await staff_token(client)

    await client.data(CREATE_DEBTOR, {"input": {"name": "Bloemenhal"}}, token=staff)

    assert await WebhookDelivery.filter(webhook_id=hook.id).count() == 1


async def test_without_a_webhook_that_wants_it_a_change_writes_nothing_and_reads_no_webhook(client):
    shop = await flora()
    await webhook(Event.REGISTRATION_REJECTED)
    staff = await staff_token(client)
    first, second = await pending_request(shop), await pending_request(shop, email="jan@kwekerij.test")
    await approve(client, staff, [gid(first)])  # the webhooks are read once, and kept

    with count_queries() as statements:
        answer = await approve(client, staff, [gid(second)])

    assert answer["userErrors"] == []
    assert webhook_statements(statements) == []
    assert await WebhookMessage.all().count() == 0
    assert await WebhookDelivery.all().count() == 0


# --- the process's webhooks ----------------------------------------------------------------


async def test_a_webhook_made_changed_or_deleted_is_seen_by_the_next_change(client):
    shop = await flora()
    greenhouse = await make_shop("greenhouse")

    async def submissions_sent(email: str) -> int:
        before = await WebhookMessage.all().count()
        await submit(client, email=email)
        return await WebhookMessage.all().count() - before

    assert await submissions_sent("a@x.test") == 0  # no webhook yet; what there is, is kept
    hook = await webhook(Event.REGISTRATION_SUBMITTED)
    assert await submissions_sent("b@x.test") == 1
    hook.active = False
    await hook.save()
    assert await submissions_sent("c@x.test") == 0
    hook.active, hook.all_shops = True, False
    await hook.save()
    await hook.shops.add(greenhouse)
    await announce(Changed.WEBHOOK, [hook.id])
    assert await submissions_sent("d@x.test") == 0
    await hook.shops.add(shop)
    await announce(Changed.WEBHOOK, [hook.id])
    assert await submissions_sent("e@x.test") == 1
    await hook.delete()
    assert await submissions_sent("f@x.test") == 0


async def test_the_kept_webhooks_are_used_only_while_every_change_is_heard(client, monkeypatch):
    await flora()
    await submit(client, email="a@x.test")  # no webhook: kept as such
    # a webhook made without a word (by hand, or by an instance this one cannot hear)
    await Webhook.bulk_create([Webhook(
        url="http://127.0.0.1:9/hook", events=[Event.REGISTRATION_SUBMITTED.value], secret_sealed="x",
    )])

    await submit(client, email="b@x.test")
    assert await messages() == []  # what was kept still answers

    monkeypatch.setattr(FEED, "hears_every_change", False)
    await submit(client, email="c@x.test")
    assert len(await messages()) == 1  # read from the database


# --- the import --------------------------------------------------------------------------------


def csv_of(count: int, start: int = 0, name: str = "Debtor") -> str:
    rows = [f"K-{i:04d},{name} {i},{'wholesale|plants'}" for i in range(start, start + count)]
    return "debtor_number,debtor_name,price_list_tags\n" + "\n".join(rows) + "\n"


async def import_counting(text: str) -> list[str]:
    with count_queries() as statements:
        report = await import_debtors(Caller.system("test import"), io.StringIO(text))
    assert report.refused == []
    return list(statements)


async def test_an_import_sends_an_event_per_debtor_in_a_fixed_number_of_statements(db):
    hook = await webhook(Event.DEBTOR_CREATED, Event.DEBTOR_UPDATED)

    few = await import_counting(csv_of(10))
    many = await import_counting(csv_of(200, start=10))

    created = await sent(Event.DEBTOR_CREATED)
    assert [data["number"] for data in created] == [f"K-{i:04d}" for i in range(210)]
    assert created[0]["priceListTags"] == ["wholesale", "plants"]
    assert len(webhook_statements(many)) == len(webhook_statements(few)) <= 4
    assert len(many) == len(few)
    written = await messages()
    assert len({message.message_id for message in written}) == 210
    deliveries = await WebhookDelivery.filter(webhook_id=hook.id)
    assert sorted(d.message_id for d in deliveries) == sorted(m.id for m in written)  # one each

    # a second run with new names updates each debtor, and sends each as it is now
    await import_counting(csv_of(210, name="Renamed"))
    updated = await sent(Event.DEBTOR_UPDATED)
    assert [data["name"] for data in updated] == [f"Renamed {i}" for i in range(210)]
    assert updated[5]["id"] == created[5]["id"]


async def test_an_import_again_of_the_same_rows_sends_no_update(db):
    await webhook(Event.DEBTOR_UPDATED)

    await import_counting(csv_of(3))
    await import_counting(csv_of(3))
    await import_counting(csv_of(1, name="Renamed") + csv_of(2, start=1).partition("\n")[2])

    assert [data["name"] for data in await sent(Event.DEBTOR_UPDATED)] == ["Renamed 0"]


async def test_a_webhook_made_during_an_import_gets_the_chunks_after_it(db):
    def made_elsewhere_after_the_first_chunk(done: int, total: int) -> None:
        if done == 5:
            # Another instance makes it, unheard here: nothing but the database tells of it.
            run_in_fresh_loop(another_instance_makes_a_webhook(db))

    await import_debtors(
        Caller.system("test import"), io.StringIO(csv_of(15)),
        on_progress=made_elsewhere_after_the_first_chunk, chunk_size=5,
    )

    assert [data["number"] for data in await sent(Event.DEBTOR_CREATED)] == [
        f"K-{i:04d}" for i in range(5, 15)
    ]


async def another_instance_makes_a_webhook(url: str) -> None:
    async with database(url, global_fallback=False):
        # bulk_create: no post_save, so no announcement reaches this process's caches
        await Webhook.bulk_create([Webhook(
            url="http://127.0.0.1:9/hook", events=[Event.DEBTOR_CREATED.value], secret_sealed="x",
        )])


async def test_an_import_without_webhooks_writes_no_event(db):
    await webhook(Event.REGISTRATION_SUBMITTED)

    await import_counting(csv_of(20))

    assert await messages() == []


# --- ids and builders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "pk"), [("Debtor", 1), ("ShopUser", 42), ("RegistrationRequest", 2**31 - 1)]
)
def test_a_webhooks_global_id_is_the_apis(type_name, pk):
    # The API's ids are made by the same function (schema/nodes.py); both must stay the ids
    # Strawberry writes and `node(id:)` reads.
    strawberrys = str(GlobalID(type_name, str(pk)))
    assert global_id(type_name, pk) == strawberry_global_id(type_name, pk) == strawberrys
    assert parse_global_id(global_id(type_name, pk)) == (type_name, pk)


def test_partners_are_told_that_a_merge_is_sent_by_mergedebtors():
    # mergeDebtors writes DEBTORS_MERGED (tests/api/test_merge_debtors.py): neither the API's
    # description nor the catalogue may still say that nothing comes of subscribing to it.
    answer = schema.execute_sync('{ __type(name: "WebhookEvent") { enumValues { name description } } }')
    assert answer.errors is None
    assert answer.data is not None
    described = {value["name"]: value["description"] for value in answer.data["__type"]["enumValues"]}
    merged_section = catalogue().partition("\n### debtors.merged\n")[2].partition("```")[0]

    assert "(mergeDebtors)" in described["DEBTORS_MERGED"]
    assert "by `mergeDebtors` or `gatehouse merge-debtors`" in merged_section
    assert "One event per merge" in merged_section
    assert all("not sent yet" not in text.lower() for text in described.values())
    assert "not sent yet" not in catalogue().lower()


def test_a_merge_sends_the_debtor_that_remains_and_the_numbers_merged_into_it():
    target = Debtor(
        id=42, number="K-1042", name="Kwekerij Jansen", email=None, phone=None, vat_number=None,
        address=None, price_list_tags=["wholesale"], minimum_order_amount=Decimal("150"),
        checkout_payment_limit=None,
    )

    merged = debtors_merged_data(target, ["K-2077", "D000311"])

    assert merged == {"target": debtor_data(target), "mergedNumbers": ["K-2077", "D000311"]}
    assert merged["target"] == {
        "id": "RGVidG9yOjQy", "number": "K-1042", "name": "Kwekerij Jansen", "email": None, "phone": None,
        "vatNumber": None, "address": None, "priceListTags": ["wholesale"], "minimumOrderAmount": "150.00",
        "checkoutPaymentLimit": None,
    }
