"""A person's data by email address: exportPersonalData lists everything held about it,
erasePersonalData erases it in one transaction (rule 17 of docs/api.md, docs/personal-data.md).

The person, Anna, has a contact person in two debtors, a shop user in each of two shops (one
named by her address), a registration request with answers, sessions, mails, audit events and
a webhook event. Bert, a colleague at the same debtor, and Joanna, whose address ends in hers,
must come through every call untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from auth.pseudonyms import Pseudonyms
from auth.secret_box import InvalidSecretKey
from auth.viewer import Caller
from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import (
    ActorKind,
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    MergedDebtor,
    OneTimeToken,
    OutboxMessage,
    OutboxStatus,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Session,
    Shop,
    ShopUser,
    StaffRole,
    TokenPurpose,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookMessage,
)
from resolvers import audit
from resolvers.personal_data_erasure import erase_personal_data
from resolvers.personal_data_export import export_personal_data
from resolvers.webhook_events import new_message_id
from resolvers.webhook_payloads import debtor_data, envelope, shop_user_data
from schema.nodes import global_id
from tests.api.sign_in import customer_token, login, session_token, viewer_of
from tests.api.staff_members import signed_in
from tests.api.test_webhooks import client_of  # noqa: F401 (a fixture: an app with its own settings)
from tests.conftest import TEST_SECRET_KEY
from tests.db_triggers import REFUSAL, writes_refused
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user, pending_request
from tests.graphql_answers import error_codes, payload_of, user_errors
from tests.query_counter import count_queries
from tests.use_cases import cheap_runtime, staff_caller

EXPORT = """
mutation($input: PersonalDataInput!) {
  exportPersonalData(input: $input) { data userErrors { field message code } }
}"""

ERASE = """
mutation($input: PersonalDataInput!) {
  erasePersonalData(input: $input) { erased userErrors { field message code } }
}"""

ANNA = "anna@bloemenhuis.test"
BERT = "bert@bloemenhuis.test"
JOANNA = "joanna@bloemenhuis.test"
STAFF_MAIL = "sales@flora.test"
BAD_PASSWORD = "not-her-password-1"
STAFF_OWNER = "owner@example.com"
BOTH = [(EXPORT, "exportPersonalData"), (ERASE, "erasePersonalData")]


@dataclass
class World:
    flora: Shop
    greenhouse: Shop
    bloemenhuis: Debtor
    kwekerij: Debtor
    anna_at_bloemenhuis: ContactPerson
    anna_at_kwekerij: ContactPerson
    anna_in_flora: ShopUser
    anna_in_greenhouse: ShopUser
    request: RegistrationRequest
    bert: ShopUser
    bert_request: RegistrationRequest
    tokens: list[str]


async def anna_everywhere(client) -> World:
    """Anna's data in every table that can hold it, and Bert's and Joanna's beside it."""
    now = datetime.now(UTC)
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse", name="Greenhouse")
    bloemenhuis = await make_debtor("Bloemenhuis Jansen", number="10001", email="info@bloemenhuis.test")
    kwekerij = await make_debtor("Kwekerij de Vries", number="10002")
    at_bloemenhuis = await make_contact(
        bloemenhuis, "Anna", last_name="Jansen", email=ANNA, phone="+31201234567"
    )
    at_kwekerij = await make_contact(kwekerij, "Anna", last_name="Jansen", email=ANNA.upper())
    in_flora = await make_shop_user(flora, at_bloemenhuis, "anna")
    in_greenhouse = await make_shop_user(greenhouse, at_kwekerij, ANNA)
    await OneTimeToken.create(
        purpose=TokenPurpose.PASSWORD_RESET, token_hash="e" * 64, shop_user=in_flora, expires_at=now
    )
    bert_contact = await make_contact(bloemenhuis, "Bert", last_name="Bakker", email=BERT)
    bert = await make_shop_user(flora, bert_contact, "bert")

    # Sessions and sign-ins through the API: the audit log records them as it does.
    tokens = [
        await session_token(client, "anna", shop="flora"),
        await session_token(client, ANNA, shop="greenhouse"),
        await session_token(client, "bert", shop="flora"),
    ]
    await login(client, "anna", BAD_PASSWORD, shop="flora")

    request = await pending_request(
        flora, "Anna Jansen", ANNA, "Bloemenhuis Jansen", answers={"chamber_of_commerce": "87654321"}
    )
    bert_request = await pending_request(flora, "Bert Bakker", BERT, "Bloemenhuis Jansen")
    applicant = Caller(None, client_address="198.51.100.4")
    await audit.record(applicant, "registration.submitted", request, shop="flora")
    staff = await staff_caller("reviewer@example.com")
    assert staff.viewer is not None
    await audit.record(staff, "shop_user.excluded", in_flora, reason="late payments", sessions_ended=0)
    await AuditEvent.create(
        actor_kind=ActorKind.ADMIN, actor_id=staff.viewer.account.id, actor_label="reviewer@example.com",
        action="registration.deleted", object_type="RegistrationRequest", object_id=99_999,
        details={"name": "Anna Jansen", "email": ANNA, "status": "REJECTED"}, shop_id=flora.id,
    )
    await AuditEvent.create(
        actor_kind=ActorKind.SYSTEM, actor_label="mail delivery", action="mail.report",
        details={"sent": [{"to": "Anna@Bloemenhuis.test"}, {"to": BERT}], "note": f"bounced: {ANNA}."},
    )
    await AuditEvent.create(
        actor_kind=ActorKind.ANONYMOUS, actor_label=JOANNA, action="admin.login_failed",
        details={"email": JOANNA},
    )

    invitation = await enqueue(
        recipient=ANNA, template=MailTemplate.INVITATION, language="nl",
        context={"invitation_url": "https://shop.test/invite/SECRET-LINK"}, now=now, shop_id=flora.id,
    )
    await OutboxMessage.filter(id=invitation.id).update(status=OutboxStatus.SENT, sent_at=now)
    await enqueue(
        recipient=ANNA, template=MailTemplate.PASSWORD_RESET, language="en",
        context={"reset_url": "https://shop.test/reset/SECRET-LINK"}, now=now, shop_id=greenhouse.id,
    )
    await enqueue(
        recipient=STAFF_MAIL, template=MailTemplate.STAFF_NEW_REQUEST, language="nl",
        context={"name": "Anna Jansen", "email": ANNA}, now=now, about_request=request,
    )
    await enqueue(
        recipient=STAFF_MAIL, template=MailTemplate.STAFF_ACCOUNT_ACTIVATED, language="nl",
        context={"name": "Anna Jansen", "username": "Anna"}, now=now, shop_id=flora.id,
    )
    await enqueue(
        recipient=STAFF_MAIL, template=MailTemplate.STAFF_REMINDER_DIGEST, language="nl",
        context={
            "count": 2,
            "requests": [
                {"id": request.id, "name": "Anna Jansen", "email": ANNA},
                {"id": bert_request.id, "name": "Bert Bakker", "email": BERT},
            ],
        },
        now=now, shop_id=flora.id,
    )
    await enqueue(
        recipient=BERT, template=MailTemplate.INVITATION, language="nl", context={}, now=now,
        shop_id=flora.id,
    )

    webhook = await Webhook.create(
        url="https://erp.example.com/hooks", events=["SHOP_USER_CREATED"], secret_sealed="x"
    )
    about_anna = shop_user_data(
        in_flora, shop_handle="flora", contact=at_bloemenhuis, debtor=bloemenhuis, now=now
    )
    about_bert = shop_user_data(
        bert, shop_handle="flora", contact=bert_contact, debtor=bloemenhuis, now=now
    )
    for event, data, shop_id in (
        (WebhookEvent.SHOP_USER_CREATED, about_anna, flora.id),
        (WebhookEvent.SHOP_USER_CREATED, about_bert, flora.id),
        (WebhookEvent.DEBTOR_UPDATED, debtor_data(bloemenhuis), None),
    ):
        message = await WebhookMessage.create(
            message_id=new_message_id(), event=event, shop_id=shop_id,
            body=envelope(event.type_name, now, data),
        )
        await WebhookDelivery.create(
            webhook=webhook, message=message, status=WebhookDeliveryStatus.DELIVERED, attempts=1,
            next_attempt_at=now, delivered_at=now,
        )
    return World(
        flora, greenhouse, bloemenhuis, kwekerij, at_bloemenhuis, at_kwekerij, in_flora, in_greenhouse,
        request, bert, bert_request, tokens,
    )


async def call(client, document: str, field: str, token: str | None, email: str) -> dict[str, Any]:
    body = await client.execute(document, {"input": {"email": email}}, token=token)
    return payload_of(body, field)


async def export(client, token: str, email: str = ANNA) -> dict[str, Any]:
    payload = await call(client, EXPORT, "exportPersonalData", token, email)
    assert payload["userErrors"] == [], payload
    return payload["data"]


async def erase(client, token: str, email: str = ANNA) -> dict[str, Any]:
    payload = await call(client, ERASE, "erasePersonalData", token, email)
    assert payload["userErrors"] == [], payload
    return payload["erased"]


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the erasure touches, to compare before and after."""
    models = [
        ContactPerson, Debtor, ShopUser, Session, OneTimeToken, RegistrationRequest, RegistrationAnswer,
        OutboxMessage, AuditEvent, WebhookMessage, WebhookDelivery,
    ]
    return {model.__name__: await model.all().order_by("id").values() for model in models}


def everything_said(audit_events: list[AuditEvent]) -> str:
    return json.dumps([[event.actor_label, event.details] for event in audit_events]).lower()


def says_anna(text: str) -> bool:
    """Whether Anna's address is in `text` as a whole (Joanna's ends in it)."""
    return re.search(r"(?<![\w.])anna@bloemenhuis\.test", text, re.IGNORECASE) is not None


def erasure_key() -> Pseudonyms:
    return Pseudonyms.from_secret_key(TEST_SECRET_KEY)


# --- export ---------------------------------------------------------------------------------


async def test_the_export_lists_everything_held_about_the_address(client):
    # Given Anna's data everywhere, and an owner
    world = await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)

    # When the owner exports her data, typing her address in another case
    data = await export(client, owner, "  Anna@Bloemenhuis.TEST ")

    # Then every kind of row is listed, and nothing of Bert's or Joanna's
    assert data["version"] == 1
    assert data["email"] == ANNA
    assert data["pseudonym"].startswith("person-")
    assert [(c["debtor"]["number"], c["lastName"], c["email"]) for c in data["contactPersons"]] == [
        ("10001", "Jansen", ANNA), ("10002", "Jansen", ANNA),
    ]
    users = {user["shop"]: user for user in data["shopUsers"]}
    assert set(users) == {"flora", "greenhouse"}
    assert users["flora"]["username"] == "anna"
    assert users["flora"]["contactPerson"] == global_id("ContactPerson", world.anna_at_bloemenhuis.id)
    assert users["greenhouse"]["username"] == ANNA
    assert [len(user["sessions"]) for user in (users["flora"], users["greenhouse"])] == [1, 1]
    assert users["flora"]["sessions"][0]["clientAddress"] == "203.0.113.7"
    assert users["flora"]["sessions"][0]["userAgent"]
    assert [link["purpose"] for link in users["flora"]["links"]] == ["PASSWORD_RESET"]
    [request] = data["registrationRequests"]
    assert (request["email"], request["status"], request["shop"]) == (ANNA, "PENDING", "flora")
    assert [(a["key"], a["value"]) for a in request["answers"]] == [("chamber_of_commerce", "87654321")]
    assert sorted(mail["template"] for mail in data["mails"]) == [
        "invitation", "password_reset", "staff_account_activated", "staff_new_request",
        "staff_reminder_digest",
    ]
    [message] = data["webhookMessages"]
    assert message["event"] == "shop_user.created"
    assert message["data"]["contact"]["email"] == ANNA
    assert [d["status"] for d in message["deliveries"]] == ["DELIVERED"]
    actions = sorted(event["action"] for event in data["auditEvents"])
    assert actions == [
        "customer.login", "customer.login", "customer.login_failed", "mail.report",
        "registration.deleted", "registration.submitted", "shop_user.excluded",
    ]
    assert data["staffAccounts"] == []
    assert data["debtorsWithThisEmail"] == []
    assert BERT not in json.dumps(data["shopUsers"])
    assert JOANNA not in json.dumps(data)
    assert world.bert.username not in [user["username"] for user in data["shopUsers"]]


async def test_the_export_names_no_staff_and_hands_out_no_hash_link_or_mail_content(client):
    await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)

    data = await export(client, owner)

    text = json.dumps(data)
    assert "$argon2" not in text  # no password hash
    assert "e" * 64 not in text  # no token hash
    assert "SECRET-LINK" not in text  # no mail content
    assert "reviewer@example.com" not in text  # the staff who acted are not named to her
    events = {event["action"]: event for event in data["auditEvents"]}
    # Her own actions say who and from where; staff's say neither.
    assert (events["customer.login"]["actorLabel"], events["customer.login"]["clientAddress"]) != (None, None)
    assert events["shop_user.excluded"]["actorLabel"] is None
    assert events["shop_user.excluded"]["clientAddress"] is None
    assert events["shop_user.excluded"]["details"]["reason"] == "late payments"


async def test_a_staff_account_and_a_company_with_the_address_are_exported(client):
    flora = await make_shop("flora")
    company = await make_debtor("Jansen Eenmanszaak", number="20001", email=ANNA)
    await MergedDebtor.create(
        debtor=company, number="20002", name_key="jansen", email=ANNA, merged_at=datetime.now(UTC)
    )
    owner = await signed_in(client, STAFF_OWNER)
    await signed_in(client, ANNA, StaffRole.SUPPORT, [flora])

    data = await export(client, owner)

    [account] = data["staffAccounts"]
    assert (account["email"], account["role"], account["shops"]) == (ANNA, "SUPPORT", ["flora"])
    assert len(account["sessions"]) == 1
    reference = {"id": global_id("Debtor", company.id), "number": "20001", "name": "Jansen Eenmanszaak"}
    assert data["debtorsWithThisEmail"] == [reference, {"number": "20002", "mergedInto": reference}]


async def test_an_unknown_address_exports_an_empty_document_not_an_error(client):
    owner = await signed_in(client, STAFF_OWNER)

    data = await export(client, owner, "nobody@example.com")

    lists = {name: value for name, value in data.items() if isinstance(value, list)}
    assert set(lists) == {
        "contactPersons", "shopUsers", "registrationRequests", "mails", "webhookMessages",
        "auditEvents", "staffAccounts", "debtorsWithThisEmail",
    }
    assert all(value == [] for value in lists.values())
    assert data["email"] == "nobody@example.com"


async def test_the_export_is_audited_by_pseudonym_not_by_address(client):
    await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)

    data = await export(client, owner)

    [event] = await AuditEvent.filter(action="personal_data.exported")
    assert event.actor_label == STAFF_OWNER
    assert event.details["person"] == data["pseudonym"]
    assert event.details["shopUsers"] == 2
    assert ANNA not in json.dumps(event.details)


async def test_without_a_secret_key_the_export_works_and_its_event_names_the_address(client_of):  # noqa: F811
    client = await client_of(secret_key=None)
    owner = await signed_in(client, STAFF_OWNER)

    data = await export(client, owner)

    assert data["pseudonym"] is None
    [event] = await AuditEvent.filter(action="personal_data.exported")
    # Nothing else to name her by: an erasure later pseudonymises this mention like any other.
    assert event.details["person"] == ANNA


async def test_the_export_costs_the_same_statements_for_many_rows_as_for_few(db):
    # Given a person with one of each row, and another with ten sessions, links and events
    runtime, caller = cheap_runtime(), await staff_caller()
    flora = await make_shop("flora")
    now = datetime.now(UTC)

    async def person(email: str, rows: int) -> None:
        contact = await make_contact(await make_debtor(), email=email)
        user = await make_shop_user(flora, contact, email, password=None)
        for number in range(rows):
            await Session.create(
                token_hash=f"{email}{number}".ljust(64, "s")[:64], shop_user=user,
                last_seen_at=now, expires_at=now,
            )
            await OneTimeToken.create(
                purpose=TokenPurpose.INVITATION, token_hash=f"{email}{number}".ljust(64, "t")[:64],
                shop_user=user, expires_at=now,
            )
            await audit.record(caller, "shop_user.invitation_resent", user)
            await pending_request(flora, "Someone", email, status=RegistrationStatus.REJECTED)

    await person("few@example.com", 1)
    await person("many@example.com", 10)

    # When each is exported
    with count_queries() as few:
        await export_personal_data(runtime, caller, "few@example.com")
    with count_queries() as many:
        await export_personal_data(runtime, caller, "many@example.com")

    # Then both cost the same statements
    assert len(many) == len(few), many


# --- erasure --------------------------------------------------------------------------------


async def test_erasure_removes_or_anonymises_every_row_and_leaves_the_debtors(client):
    # Given Anna's data everywhere, and an owner
    world = await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)
    debtors_before = await Debtor.all().order_by("id").values()

    # When the owner erases her data
    erased = await erase(client, owner, "ANNA@bloemenhuis.test")

    # Then each step says what it did
    pseudonym = erased["pseudonym"]
    assert pseudonym.startswith("person-")
    assert erased == {
        "version": 1, "pseudonym": pseudonym,
        "shopUsersDeleted": 2, "sessionsEnded": 2, "linksDeleted": 1,
        "registrationRequestsDeleted": 1, "registrationAnswersDeleted": 1,
        "mailsDeleted": 4, "digestsShortened": 1,
        "webhookMessagesDeleted": 1, "webhookDeliveriesDeleted": 1,
        "contactPersonsAnonymised": 2, "auditEventsPseudonymised": 6,
        "staffAccountsKept": 0, "debtorsKept": 0,
    }
    # Her logins, sessions, links, request and answers are gone; Bert's are there
    assert [user.username for user in await ShopUser.all()] == ["bert"]
    assert await Session.filter(shop_user_id=world.bert.id).count() == 1
    assert await Session.all().count() == 2  # Bert's and the owner's
    assert await OneTimeToken.all().count() == 0
    assert [request.email for request in await RegistrationRequest.all()] == [BERT]
    assert await RegistrationAnswer.filter(request_id=world.request.id).count() == 0
    # Her sessions end at once: her tokens read as nobody, Bert's still as Bert
    assert [await viewer_of(client, token) for token in world.tokens[:2]] == [None, None]
    assert await viewer_of(client, world.tokens[2]) is not None
    # Her contacts stay on their debtors, anonymised; the debtors are as they were
    contacts = await ContactPerson.filter(id__in=[world.anna_at_bloemenhuis.id, world.anna_at_kwekerij.id])
    assert {(c.debtor_id, c.first_name, c.last_name, c.email, c.phone) for c in contacts} == {
        (world.bloemenhuis.id, "Erased", "person", None, None),
        (world.kwekerij.id, "Erased", "person", None, None),
    }
    assert await ContactPerson.filter(email=BERT).exists()
    assert await Debtor.all().order_by("id").values() == debtors_before
    # Mails to her and about her are gone; the digest lists Bert alone; Bert's invitation stays
    mails = await OutboxMessage.all().order_by("id")
    assert [(mail.recipient, mail.template) for mail in mails] == [
        (STAFF_MAIL, "staff_reminder_digest"), (BERT, "invitation"),
    ]
    assert mails[0].context == {
        "count": 1, "requests": [{"id": world.bert_request.id, "name": "Bert Bakker", "email": BERT}],
    }
    # The webhook event that carried her is gone; Bert's and the debtor's stay
    assert sorted(message.event for message in await WebhookMessage.all()) == [
        WebhookEvent.DEBTOR_UPDATED, WebhookEvent.SHOP_USER_CREATED,
    ]
    assert await WebhookDelivery.all().count() == 2


async def test_erasure_leaves_a_pseudonym_wherever_the_address_was_in_the_audit_log(client):
    world = await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)
    events_before = await AuditEvent.all().count()

    erased = await erase(client, owner)

    pseudonym = erased["pseudonym"]
    events = await AuditEvent.all().order_by("id")
    # Every event is kept, and the erasure adds its own
    assert len(events) == events_before + 1
    # No event says her address, her names or her usernames any more; Bert and Joanna are there
    said = everything_said(events)
    assert not says_anna(said)
    assert "anna jansen" not in said
    assert '"anna"' not in said
    assert BERT in said
    assert JOANNA in said
    about_her = [event for event in events if pseudonym in json.dumps([event.actor_label, event.details])]
    assert sorted(event.action for event in about_her) == [
        "customer.login", "customer.login", "customer.login_failed", "mail.report",
        "personal_data.erased", "registration.deleted",
    ]
    # Her own actions keep no client address; staff keep their label and theirs
    logins = [event for event in events if event.action.startswith("customer.login")]
    anna_logins = [e for e in logins if e.object_id in (world.anna_in_flora.id, world.anna_in_greenhouse.id)]
    assert {(e.actor_label, e.client_address) for e in anna_logins} == {(pseudonym, None)}
    [excluded] = [event for event in events if event.action == "shop_user.excluded"]
    assert (excluded.actor_label, excluded.client_address) == ("reviewer@example.com", "203.0.113.7")
    [deleted] = [event for event in events if event.action == "registration.deleted"]
    assert deleted.details == {"name": pseudonym, "email": pseudonym, "status": "REJECTED"}
    [report] = [event for event in events if event.action == "mail.report"]
    assert report.details == {"sent": [{"to": pseudonym}, {"to": BERT}], "note": f"bounced: {pseudonym}."}
    # The erasure itself is audited by pseudonym, with its counts, and never the address
    [event] = await AuditEvent.filter(action="personal_data.erased")
    assert (event.actor_kind, event.actor_label) == (ActorKind.ADMIN, STAFF_OWNER)
    assert event.details["person"] == pseudonym
    assert event.details["shopUsersDeleted"] == 2


async def test_the_same_person_gets_the_same_pseudonym_in_every_event_and_every_call(client):
    await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)
    exported = await export(client, owner)

    erased = await erase(client, owner)

    assert erased["pseudonym"] == exported["pseudonym"]
    said = everything_said(await AuditEvent.all())
    assert set(re.findall(r"person-[0-9a-f]+", said)) == {erased["pseudonym"]}
    assert said.count(erased["pseudonym"]) >= 7


async def test_a_second_erasure_finds_nothing_and_an_export_after_it_is_empty(client):
    await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)
    first = await erase(client, owner)

    second = await erase(client, owner)
    data = await export(client, owner)

    assert second["pseudonym"] == first["pseudonym"]
    counted = [name for name in first if name not in ("version", "pseudonym")]
    assert {name: second[name] for name in counted} == dict.fromkeys(counted, 0)
    assert all(value == [] for value in data.values() if isinstance(value, list))
    assert await AuditEvent.filter(action="personal_data.erased").count() == 2


async def test_an_unknown_address_erases_nothing_and_says_so_with_zero_counts(client):
    owner = await signed_in(client, STAFF_OWNER)

    erased = await erase(client, owner, "nobody@example.com")

    assert {count for name, count in erased.items() if name not in ("version", "pseudonym")} == {0}


async def test_a_staff_account_with_the_address_is_kept_and_its_own_actions_keep_their_label(client):
    flora = await make_shop("flora")
    owner = await signed_in(client, STAFF_OWNER)
    await signed_in(client, ANNA, StaffRole.SUPPORT, [flora])  # audited as admin.login by ANNA

    erased = await erase(client, owner)

    assert erased["staffAccountsKept"] == 1
    assert await AdminUser.filter(email=ANNA, is_active=True).exists()
    assert await AuditEvent.filter(action="admin.login", actor_label=ANNA).count() == 1


async def test_a_failure_in_the_middle_of_an_erasure_leaves_everything_as_it_was(client):
    # Given Anna's data, and a database that refuses the erasure's last step, after every other
    # step has written: her contact persons cannot be anonymised
    await anna_everywhere(client)
    caller = await staff_caller("owner2@example.com")
    before = await snapshot()

    # When her data is erased
    async with writes_refused(ContactPerson._meta.db, "contact_person", "UPDATE"):
        # (each engine and driver names the refusal its own way; the message is the test's)
        with pytest.raises(Exception, match=REFUSAL):
            await erase_personal_data(cheap_runtime(pseudonyms=erasure_key()), caller, ANNA)

    # Then nothing changed
    after = await snapshot()
    assert after == before


async def test_a_server_without_a_secret_key_refuses_to_erase_and_erases_nothing(client_of):  # noqa: F811
    client = await client_of(secret_key=None)
    await anna_everywhere(client)
    owner = await signed_in(client, STAFF_OWNER)
    before = await snapshot()

    payload = await call(client, ERASE, "erasePersonalData", owner, ANNA)

    assert payload["erased"] is None
    assert user_errors(payload) == [(None, "PERSONAL_DATA_UNAVAILABLE")]
    assert await snapshot() == before


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "field"), BOTH)
async def test_a_customer_and_a_reviewer_are_forbidden_and_nobody_is_unauthenticated(client, document, field):
    await anna_everywhere(client)
    customer = await customer_token(client, "flora", "carla")
    reviewer = await signed_in(client, "reviewer2@example.com", StaffRole.REVIEWER)
    before = await snapshot()

    answers = [
        await client.execute(document, {"input": {"email": ANNA}}, token=token)
        for token in (customer, reviewer, None)
    ]

    assert [error_codes(body) for body in answers] == [["FORBIDDEN"], ["FORBIDDEN"], ["UNAUTHENTICATED"]]
    assert await snapshot() == before


@pytest.mark.parametrize(("document", "field"), BOTH)
async def test_staff_of_some_shops_are_outside_their_own_shops(client, document, field):
    world = await anna_everywhere(client)
    manager = await signed_in(client, "manager@example.com", StaffRole.MANAGER, [world.flora])
    before = await snapshot()

    payload = await call(client, document, field, manager, ANNA)

    assert user_errors(payload) == [(None, "OUTSIDE_OWN_SHOPS")]
    assert await snapshot() == before


@pytest.mark.parametrize(("document", "field"), BOTH)
async def test_a_manager_of_every_shop_may_and_an_address_that_is_none_is_invalid(client, document, field):
    manager = await signed_in(client, "manager@example.com", StaffRole.MANAGER)

    refused = await call(client, document, field, manager, "not an address")
    allowed = await call(client, document, field, manager, ANNA)

    assert user_errors(refused) == [(["email"], "INVALID")]
    assert allowed["userErrors"] == []
    assert await AuditEvent.filter(action__startswith="personal_data.").count() == 1


# --- the pseudonym --------------------------------------------------------------------------

OTHER_KEY = "b3RoZXIta2V5LW9mLWdhdGVob3VzZS10ZXN0cy0xMjM="


def test_a_pseudonym_is_keyed_stable_and_the_same_for_every_spelling_of_the_address():
    pseudonyms = erasure_key()

    assert re.fullmatch(r"person-[0-9a-f]{24}", pseudonyms.of(ANNA))
    assert pseudonyms.of(" Anna@Bloemenhuis.TEST ") == pseudonyms.of(ANNA) == erasure_key().of(ANNA)
    assert pseudonyms.of(JOANNA) != pseudonyms.of(ANNA)
    assert Pseudonyms.from_secret_key(OTHER_KEY).of(ANNA) != pseudonyms.of(ANNA)


def test_after_a_rotation_the_first_key_makes_the_pseudonym():
    rotated = Pseudonyms.from_secret_key(f"{OTHER_KEY}, {TEST_SECRET_KEY}")

    assert rotated.of(ANNA) == Pseudonyms.from_secret_key(OTHER_KEY).of(ANNA)


@pytest.mark.parametrize("key", ["", " , ", "not-a-key", "c2hvcnQ="])
def test_a_value_that_is_no_key_is_refused(key):
    with pytest.raises(InvalidSecretKey):
        Pseudonyms.from_secret_key(key)
