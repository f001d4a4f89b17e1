"""reject(input: {ids, reason, notifyCustomer}) and deleteRegistrations(input: {ids})
(rules 5, 6, 12 of docs/api.md).

Given pending, rejected and approved requests, when staff reject or delete
them, one or many at once, then a rejection keeps the record with its reason
and tells the customer (unless the shop or the call says not to), a deletion
leaves no trace but the audit log, and every bad id is reported at its index.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth.viewer import Caller
from mail.delivery import Deliverer, RetryPolicy
from mail.rendering import render
from models import (
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    OutboxMessage,
    OutboxStatus,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
)
from resolvers.registrations import delete_registrations
from resolvers.reminders import send_reminder_digests
from schema.nodes import global_id
from tests.api.sign_in import customer_token, staff_token
from tests.factories import (
    make_admin,
    make_contact,
    make_debtor,
    make_field,
    make_shop,
    make_shop_user,
    pending_request,
)
from tests.graphql_answers import gid, refusal, user_errors
from tests.mail.smtp_server import deliver
from tests.use_cases import cheap_runtime

STAFF_EMAIL = "staff@example.com"

REJECT = """
mutation($ids: [ID!]!, $reason: String, $notify: Boolean) {
  reject(input: {ids: $ids, reason: $reason, notifyCustomer: $notify}) {
    registrationRequests {
      id status rejectionReason decidedAt decidedBy { email }
      debtor { id } shopUser { id }
    }
    userErrors { field code }
  }
}"""

DELETE = """
mutation($ids: [ID!]!) {
  deleteRegistrations(input: {ids: $ids}) { deletedIds userErrors { field code } }
}"""

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { userErrors { field code } }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def flora(**settings) -> Shop:
    return await make_shop(
        "flora", registration_enabled=True, notification_email="orders@flora.test", **settings
    )


async def reject(client, token: str, ids: list[str], **variables) -> dict:
    return (await client.data(REJECT, {"ids": ids, **variables}, token=token))["reject"]


async def delete(client, token: str, ids: list[str]) -> dict:
    return (await client.data(DELETE, {"ids": ids}, token=token))["deleteRegistrations"]


async def state() -> dict[str, object]:
    """Everything a decision could change."""
    return {
        "requests": [
            (r.id, r.status, r.rejection_reason, r.decided_at, r.decided_by_id, r.debtor_id, r.shop_user_id)
            for r in await RegistrationRequest.all().order_by("id")
        ],
        "answers": await RegistrationAnswer.all().count(),
        "mails": await OutboxMessage.all().count(),
        "audit": await AuditEvent.filter(action__startswith="registration.").count(),
    }


async def approved_request(shop: Shop) -> tuple[RegistrationRequest, Debtor, ShopUser]:
    debtor = await make_debtor("Kwekerij Jansen")
    contact = await make_contact(debtor, "Eva", email="eva@kwekerij.test")
    user = await make_shop_user(shop, contact, "eva@kwekerij.test", password=None)
    request = await pending_request(
        shop, status=RegistrationStatus.APPROVED, decided_at=datetime(2026, 1, 5, tzinfo=UTC),
        debtor=debtor, shop_user=user,
    )
    return request, debtor, user


# --- reject ----------------------------------------------------------------------------------


async def test_a_pending_request_is_rejected_and_kept_with_reason_time_and_admin(client):
    request = await pending_request(await flora(), language="de")
    staff = await staff_token(client, STAFF_EMAIL)
    before = datetime.now(UTC)

    payload = await reject(client, staff, [gid(request)], reason="  Outside our delivery region  ")

    assert payload["userErrors"] == []
    [rejected] = payload["registrationRequests"]
    assert rejected["id"] == gid(request)
    assert rejected["status"] == "REJECTED"
    assert rejected["rejectionReason"] == "Outside our delivery region"
    assert rejected["decidedBy"] == {"email": STAFF_EMAIL}
    assert datetime.fromisoformat(rejected["decidedAt"]) >= before.replace(microsecond=0)
    assert (rejected["debtor"], rejected["shopUser"]) == (None, None)
    stored = await RegistrationRequest.get(id=request.id)
    assert stored.status == RegistrationStatus.REJECTED
    assert stored.decided_by_id == (await AdminUser.get(email=STAFF_EMAIL)).id
    assert await RegistrationAnswer.filter(request_id=request.id).count() == 1
    assert await Debtor.all().count() == 0
    assert await ShopUser.all().count() == 0


async def test_the_customer_is_told_in_the_requests_language_with_the_reason(client):
    request = await pending_request(await flora(), language="de")
    staff = await staff_token(client)

    await reject(client, staff, [gid(request)], reason="Outside our delivery region")

    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient, mail.language) == ("rejection", "eva@kwekerij.test", "de")
    rendered = render(mail.template, mail.language, mail.context)
    assert rendered.subject == "Ihre Registrierung bei Flora Wholesale"
    assert "Grund: Outside our delivery region" in rendered.text
    assert "Eva Jansen" in rendered.text


async def test_a_rejection_without_reason_still_tells_the_customer_without_one(client):
    request = await pending_request(await flora())
    staff = await staff_token(client)

    payload = await reject(client, staff, [gid(request)], reason="   ")

    assert payload["registrationRequests"][0]["rejectionReason"] is None
    [mail] = await OutboxMessage.all()
    rendered = render(mail.template, mail.language, mail.context)
    assert mail.template == "rejection"
    assert "Reason" not in rendered.text


@pytest.mark.parametrize(
    ("shop_setting", "notify_customer", "mailed"),
    [(True, None, True), (False, None, False), (True, False, False), (False, True, True)],
    ids=["shop-on", "shop-off", "call-says-no", "call-says-yes"],
)
async def test_whether_the_customer_is_told_follows_the_call_else_the_shop(
    client, shop_setting, notify_customer, mailed
):
    request = await pending_request(await flora(notify_customer_on_rejection=shop_setting))
    staff = await staff_token(client)

    payload = await reject(client, staff, [gid(request)], reason="Full", notify=notify_customer)

    assert payload["userErrors"] == []
    assert payload["registrationRequests"][0]["status"] == "REJECTED"
    rejections = OutboxMessage.filter(template="rejection", recipient="eva@kwekerij.test")
    assert await rejections.count() == int(mailed)
    assert await OutboxMessage.all().count() == int(mailed)
    event = await AuditEvent.get(action="registration.rejected")
    assert event.details == {"reason": "Full", "notified": mailed}


async def test_a_rejected_request_cannot_be_rejected_again(client):
    first_admin = await make_admin("first@gatehouse.test")
    request = await pending_request(
        await flora(), status=RegistrationStatus.REJECTED, rejection_reason="Full",
        decided_at=datetime(2026, 1, 5, tzinfo=UTC), decided_by=first_admin,
    )
    staff = await staff_token(client)
    before = await state()

    payload = await reject(client, staff, [gid(request)], reason="Something else")

    assert payload["registrationRequests"] == []
    assert user_errors(payload) == [(["ids", "0"], "ALREADY_DECIDED")]
    assert await state() == before


async def test_an_approved_request_cannot_be_rejected_and_keeps_its_account(client):
    shop = await flora()
    request, debtor, user = await approved_request(shop)
    staff = await staff_token(client)
    before = await state()

    payload = await reject(client, staff, [gid(request)], reason="Changed my mind")

    assert user_errors(payload) == [(["ids", "0"], "ALREADY_DECIDED")]
    assert await state() == before
    assert await ShopUser.exists(id=user.id)
    assert await Debtor.exists(id=debtor.id)


async def test_a_bulk_rejection_reports_each_bad_id_at_its_index(client):
    shop = await flora()
    first = await pending_request(shop)
    second = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakkerij Bo", language="nl")
    approved, _, _ = await approved_request(await make_shop("tulip"))
    staff = await staff_token(client)
    ids = [
        global_id("RegistrationRequest", 2**31 - 1),  # 0: no such request
        gid(first),
        "garbage",  # 2: not an id at all
        global_id("Shop", first.id),  # 3: another type, with the pk of a pending request
        gid(approved),  # 4: decided already
        gid(second),
        gid(first),  # 6: rejected a moment ago, in this call
    ]

    payload = await reject(client, staff, ids, reason="Full")

    assert user_errors(payload) == [
        (["ids", "0"], "NOT_FOUND"), (["ids", "2"], "NOT_FOUND"), (["ids", "3"], "NOT_FOUND"),
        (["ids", "4"], "ALREADY_DECIDED"), (["ids", "6"], "ALREADY_DECIDED"),
    ]
    assert [r["id"] for r in payload["registrationRequests"]] == [gid(first), gid(second)]
    mails = await OutboxMessage.filter(template="rejection").order_by("id")
    assert [(m.recipient, m.language) for m in mails] == [
        ("eva@kwekerij.test", "en"), ("bo@bakker.test", "nl"),
    ]
    assert (await RegistrationRequest.get(id=approved.id)).status == RegistrationStatus.APPROVED


async def test_each_rejection_is_one_audit_event_by_the_admin(client):
    shop = await flora()
    first, second = await pending_request(shop), await pending_request(shop, "Bo Bakker", "bo@bakker.test")
    staff = await staff_token(client, STAFF_EMAIL)
    admin = await AdminUser.get(email=STAFF_EMAIL)

    await reject(client, staff, [gid(first), "garbage", gid(second)], notify=False)

    events = await AuditEvent.filter(action="registration.rejected").order_by("id")
    assert [(e.object_type, e.object_id) for e in events] == [
        ("RegistrationRequest", first.id), ("RegistrationRequest", second.id),
    ]
    for event in events:
        assert (event.actor_kind, event.actor_id, event.actor_label) == ("ADMIN", admin.id, STAFF_EMAIL)
        assert event.client_address == "203.0.113.7"
        assert event.details == {"reason": None, "notified": False}


async def test_an_over_long_reason_is_invalid_and_rejects_nothing(client):
    request = await pending_request(await flora())
    staff = await staff_token(client)
    before = await state()

    payload = await reject(client, staff, [gid(request)], reason="x" * 2001)

    assert payload == {"registrationRequests": [], "userErrors": [{"field": ["reason"], "code": "INVALID"}]}
    assert await state() == before


# --- deleteRegistrations -------------------------------------------------------------------


async def test_deleted_requests_and_their_answers_are_gone_and_the_others_stay(client):
    shop = await flora()
    await make_field(shop, "kvk", "KvK number", position=1)
    await make_field(shop, "phone", "Phone", position=2)
    for name, email in [("Eva Jansen", "eva@kwekerij.test"), ("Bo Bakker", "bo@bakker.test"),
                        ("Cor Smit", "cor@smit.test")]:
        body = await client.data(SUBMIT, {"input": {
            "shop": "flora", "name": name, "email": email,
            "answers": [{"key": "kvk", "value": "123"}, {"key": "phone", "value": "+31 20 1234567"}],
        }})
        assert body["submitRegistration"]["userErrors"] == []
    eva, bo, cor = await RegistrationRequest.all().order_by("id")
    staff = await staff_token(client)

    payload = await delete(client, staff, [gid(cor), global_id("RegistrationRequest", 2**31 - 1), gid(eva)])

    assert payload["deletedIds"] == [gid(cor), gid(eva)]
    assert user_errors(payload) == [(["ids", "1"], "NOT_FOUND")]
    assert [r.id for r in await RegistrationRequest.all()] == [bo.id]
    assert sorted(a.request_id for a in await RegistrationAnswer.all()) == [bo.id, bo.id]


async def submit_eva_and_bo(client) -> tuple[RegistrationRequest, RegistrationRequest]:
    await flora()
    for name, email in [("Eva Jansen", "eva@kwekerij.test"), ("Bo Bakker", "bo@bakker.test")]:
        body = await client.data(SUBMIT, {"input": {"shop": "flora", "name": name, "email": email}})
        assert body["submitRegistration"]["userErrors"] == []
    eva, bo = await RegistrationRequest.all().order_by("id")
    return eva, bo


async def test_a_deleted_requests_sent_mails_and_queued_staff_notices_go_with_it(client):
    eva, _ = await submit_eva_and_bo(client)
    await OutboxMessage.filter(template="request_received").update(status=OutboxStatus.SENT)
    staff = await staff_token(client)

    await delete(client, staff, [gid(eva)])

    left = await OutboxMessage.all()
    assert sorted(m.template for m in left) == ["request_received", "staff_new_request"]
    assert all("Eva" not in str(m.context) and m.recipient != eva.email for m in left)


async def test_a_rejection_still_owed_to_the_applicant_is_sent_and_then_forgotten(client, smtp):
    eva, _ = await submit_eva_and_bo(client)
    staff = await staff_token(client)
    await reject(client, staff, [gid(eva)], reason="Outside our area")

    await delete(client, staff, [gid(eva)])
    owed = await OutboxMessage.filter(recipient=eva.email)
    await deliver(smtp)

    # The "received" note is not owed: the address may have been given by someone else.
    assert [m.template for m in owed] == ["rejection"]
    assert [m["Subject"] for m in smtp.inbox.to(eva.email)] == [
        render(owed[0].template, owed[0].language, owed[0].context).subject
    ]
    left = await OutboxMessage.all()
    assert {(m.template, m.status) for m in left} == {
        ("staff_new_request", OutboxStatus.SENT), ("request_received", OutboxStatus.SENT)
    }
    assert all("Eva" not in str(m.context) and m.recipient != eva.email for m in left)


class DeletingWhileSending:
    """A mail backend during whose send staff delete the request the mail is about."""

    def __init__(self, caller: Caller, request: RegistrationRequest, *, fails: bool) -> None:
        self.caller, self.request, self.fails = caller, request, fails
        self.sent: list = []

    async def send(self, message) -> None:
        result = await delete_registrations(cheap_runtime(), self.caller, [self.request.id])
        assert result.deleted_pks == [self.request.id]
        if self.fails:
            raise ConnectionRefusedError("the mail server is down")
        self.sent.append(message)


@pytest.mark.parametrize("outcome", ["sent", "given-up"])
async def test_a_mail_whose_request_is_deleted_while_it_is_sent_is_forgotten_after(client, outcome):
    eva, _ = await submit_eva_and_bo(client)
    staff = await staff_token(client)
    await reject(client, staff, [gid(eva)], reason="Outside our area")
    await OutboxMessage.exclude(template="rejection").update(status=OutboxStatus.SENT)
    backend = DeletingWhileSending(Caller.system("a dashboard"), eva, fails=outcome == "given-up")

    report = await Deliverer(backend, "shop@flora.test", policy=RetryPolicy(max_attempts=1)).deliver_due()

    assert (report.sent, report.failed) == ((1, 0) if outcome == "sent" else (0, 1))
    assert await OutboxMessage.filter(recipient=eva.email).count() == 0


async def test_a_deleted_request_is_struck_from_the_reminder_digests_that_listed_it(client):
    shop = await flora(reminder_delay_hours=0)
    eva = await pending_request(shop, "Eva Jansen", "eva@kwekerij.test")
    noah = await pending_request(shop, "Noah", "noah@x.test")
    runtime = cheap_runtime(clock=lambda: datetime.now(UTC) + timedelta(minutes=1))
    assert await send_reminder_digests(runtime) == ["flora"]
    staff = await staff_token(client)

    await delete(client, staff, [gid(eva)])
    [digest] = await OutboxMessage.filter(template="staff_reminder_digest")
    await delete(client, staff, [gid(noah)])

    assert ([r["name"] for r in digest.context["requests"]], digest.context["count"]) == (["Noah"], 1)
    assert "eva@kwekerij.test" not in str(digest.context)
    assert await OutboxMessage.filter(template="staff_reminder_digest").count() == 0


async def test_bad_ids_are_not_found_at_their_index_and_the_same_id_twice_is_deleted_once(client):
    shop = await flora()
    request = await pending_request(shop)
    staff = await staff_token(client)

    payload = await delete(
        client, staff, ["garbage", gid(request), global_id("Shop", request.id), gid(request)]
    )

    assert payload["deletedIds"] == [gid(request)]
    assert user_errors(payload) == [(["ids", "0"], "NOT_FOUND"), (["ids", "2"], "NOT_FOUND"),
                                  (["ids", "3"], "NOT_FOUND")]
    assert await RegistrationRequest.all().count() == 0
    assert await Shop.exists(id=shop.id)


async def test_a_deletion_is_remembered_by_the_audit_log_alone(client):
    shop = await flora()
    rejected = await pending_request(shop, status=RegistrationStatus.REJECTED, rejection_reason="Full")
    staff = await staff_token(client, STAFF_EMAIL)
    admin = await AdminUser.get(email=STAFF_EMAIL)

    await delete(client, staff, [gid(rejected)])

    [event] = await AuditEvent.filter(action="registration.deleted")
    assert (event.actor_kind, event.actor_id, event.actor_label) == ("ADMIN", admin.id, STAFF_EMAIL)
    assert (event.object_type, event.object_id) == ("RegistrationRequest", rejected.id)
    assert event.details["name"] == "Eva Jansen"
    assert event.details["email"] == "eva@kwekerij.test"
    assert event.details["status"] == "REJECTED"
    assert not await RegistrationRequest.exists(id=rejected.id)


async def test_deleting_an_approved_request_leaves_its_debtor_contact_and_shop_user(client):
    shop = await flora()
    request, debtor, user = await approved_request(shop)
    staff = await staff_token(client)

    payload = await delete(client, staff, [gid(request)])

    assert payload == {"deletedIds": [gid(request)], "userErrors": []}
    stored_user = await ShopUser.get(id=user.id)
    assert stored_user.username == "eva@kwekerij.test"
    assert await Debtor.exists(id=debtor.id)
    assert await ContactPerson.exists(id=stored_user.contact_id)


# --- who may, and how many ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "field"), [(REJECT, "reject"), (DELETE, "deleteRegistrations")], ids=["reject", "delete"]
)
async def test_a_customer_is_forbidden_and_an_anonymous_caller_must_sign_in(client, document, field):
    request = await pending_request(await flora())
    customer = await customer_token(client, "flora", "anna")
    before = await state()

    as_customer = await client.execute(document, {"ids": [gid(request)]}, token=customer)
    as_anonymous = await client.execute(document, {"ids": [gid(request)]})

    assert refusal(as_customer) == "FORBIDDEN"
    assert as_customer["errors"][0]["path"] == [field]
    assert refusal(as_anonymous) == "UNAUTHENTICATED"
    assert await state() == before


@pytest.mark.parametrize(
    ("document", "field"), [(REJECT, "reject"), (DELETE, "deleteRegistrations")], ids=["reject", "delete"]
)
async def test_no_ids_or_more_than_500_are_invalid_and_change_nothing(client, document, field):
    request = await pending_request(await flora())
    staff = await staff_token(client)
    before = await state()

    empty = (await client.data(document, {"ids": []}, token=staff))[field]
    too_many = (await client.data(document, {"ids": [gid(request)] + ["nope"] * 500}, token=staff))[field]

    for payload in (empty, too_many):
        assert user_errors(payload) == [(["ids"], "INVALID")]
    assert await state() == before
