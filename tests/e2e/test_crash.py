"""A server killed with SIGKILL in the middle of a bulk approval leaves no half-made account.

Rule 4 of docs/api.md: `approve` decides each id in its own transaction (the claim of the
request, its debtor, contact, shop user, invitation token, outbox mail and
audit event commit together or not at all). So when the process dies without
any chance to clean up (SIGKILL: no shutdown, no rollback by the server), the
database must hold, for every request, either the whole approval or none of it;
and approving the batch again on a restarted server must finish the rest
without making anything twice.

PostgreSQL only: it is the production engine, it rolls back the transaction of
a connection whose client vanished, and the server and the test see each
other's commits at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise

from models import (
    AuditEvent,
    ContactPerson,
    Debtor,
    OneTimeToken,
    OutboxMessage,
    RegistrationRequest,
    RegistrationStatus,
    ShopUser,
    TokenPurpose,
)
from models.normalise import username_key
from schema.nodes import global_id
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.graphql_answers import payload_of, user_error_codes
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres_only

REQUESTS = 200
# The kill must land strictly inside the batch: some approvals committed, most not yet.
KILL_AT_LEAST = 10
KILL_BELOW = 190
# Aim well inside that window, so that the approvals committed between the last
# poll and the signal cannot carry the count out of it.
KILL_TARGET = 40
STAFF_EMAIL = "staff@example.com"
# How long the killed server's transactions may take to end (commit or roll back).
SETTLE_SECONDS = 10.0

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code message } }
}"""

APPROVE = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) {
    registrationRequests { id status }
    userErrors { field code }
  }
}"""

# Transactions of other connections (the server's; the test's own queries are sequential).
OTHER_TRANSACTIONS = """
SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 80) FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
  AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
"""

PROGRESS = f"""
SELECT
  (SELECT count(*) FROM registration_request WHERE shop_id = $1 AND status = 'APPROVED') AS approved,
  ARRAY({OTHER_TRANSACTIONS}) AS open_transactions
"""  # noqa: S608 -- made of the constant above, nothing from outside


# --- helpers ---------------------------------------------------------------------------------


def connection():
    return Tortoise.get_connection("postgres")


async def sign_in(http: httpx.AsyncClient, server: LiveServer) -> str:
    response = await http.post(
        server.graphql_url,
        json={"query": ADMIN_LOGIN, "variables": {"email": STAFF_EMAIL, "password": ADMIN_PASSWORD}},
    )
    assert response.status_code == 200, response.text
    payload = payload_of(response.json(), "adminLogin")
    assert payload["userErrors"] == [], payload
    assert payload["token"], payload
    return payload["token"]


async def approve(http: httpx.AsyncClient, server: LiveServer, token: str, ids: Sequence[str]) -> dict:
    response = await http.post(
        server.graphql_url,
        json={"query": APPROVE, "variables": {"ids": ids}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return payload_of(response.json(), "approve")


async def progress(shop_id: int) -> tuple[int, list[str]]:
    """How many requests are approved (committed), and the statements of the transactions
    other connections have open, in one query so that both describe the same moment."""
    row = (await connection().execute_query_dict(PROGRESS, [shop_id]))[0]
    return row["approved"], list(row["open_transactions"])


async def settle_after_kill() -> None:
    """Waits until no other backend is inside a transaction.

    A COMMIT the server sent just before it died may still be read and applied by
    its backend; a transaction left open is rolled back when the backend sees the
    connection gone. Either way the state is final once no transaction is open.
    """
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        if not await connection().execute_query_dict(OTHER_TRANSACTIONS):
            return
        assert time.monotonic() < deadline, "the killed server's transactions never ended"
        await asyncio.sleep(0.02)


async def check_all_or_nothing(shop_id: int, admin_id: int) -> dict[str, int]:
    """Every request is fully approved or untouched; returns how many are which."""
    requests = await RegistrationRequest.filter(shop_id=shop_id).order_by("id")
    assert len(requests) == REQUESTS
    debtors = {d.id: d for d in await Debtor.all()}
    contacts = {c.id: c for c in await ContactPerson.all()}
    users = {u.id: u for u in await ShopUser.all()}
    users_by_key = Counter(u.username_key for u in users.values())
    contacts_by_email = Counter(c.email for c in contacts.values())
    debtors_by_email = Counter(d.email for d in debtors.values())
    tokens = Counter(
        t.shop_user_id for t in await OneTimeToken.filter(purpose=TokenPurpose.INVITATION)
    )
    assert await OneTimeToken.filter(purpose__not=TokenPurpose.INVITATION).count() == 0
    outbox = await OutboxMessage.all()
    invitations = Counter(m.recipient for m in outbox if m.template == "invitation")
    mailed = Counter(m.recipient for m in outbox)
    approvals = Counter(
        e.object_id
        for e in await AuditEvent.filter(action="registration.approved", object_type="RegistrationRequest")
    )

    half_made: list[str] = []
    statuses: Counter[str] = Counter()
    for request in requests:
        statuses[request.status.value] += 1
        email = request.email
        if request.status is RegistrationStatus.APPROVED:
            user = users.get(request.shop_user_id) if request.shop_user_id is not None else None
            contact = contacts.get(user.contact_id) if user else None
            problems = [
                why for why, wrong in (
                    ("no debtor recorded", request.debtor_id is None or request.debtor_id not in debtors),
                    ("no shop user", user is None),
                    ("user of another shop or name",
                     user and (user.shop_id != shop_id or user.username != email)),
                    ("user has a password", user and user.password_hash is not None),
                    ("no contact", contact is None),
                    ("contact of another email or debtor",
                     contact and (contact.email != email or contact.debtor_id != request.debtor_id)),
                    ("not one user for the email", users_by_key[username_key(email)] != 1),
                    ("not one contact for the email", contacts_by_email[email] != 1),
                    ("not one debtor for the email", debtors_by_email[email] != 1),
                    ("not one invitation token", user is None or tokens[user.id] != 1),
                    ("not one invitation mail", invitations[email] != 1),
                    ("other mail", mailed[email] != 1),
                    ("not one audit event", approvals[request.id] != 1),
                    ("no decision recorded", request.decided_at is None or request.decided_by_id != admin_id),
                ) if wrong
            ]
        elif request.status is RegistrationStatus.PENDING:
            problems = [
                why for why, wrong in (
                    ("debtor recorded", request.debtor_id is not None),
                    ("shop user recorded", request.shop_user_id is not None),
                    ("decision recorded",
                     request.decided_at is not None or request.decided_by_id is not None),
                    ("a shop user exists", users_by_key[username_key(email)] != 0),
                    ("a contact exists", contacts_by_email[email] != 0),
                    ("a debtor exists", debtors_by_email[email] != 0),
                    ("mail queued", mailed[email] != 0),
                    ("audit event", approvals[request.id] != 0),
                ) if wrong
            ]
        else:
            problems = [f"status {request.status.value}"]
        if problems:
            half_made.append(f"{email} ({request.status.value}): {', '.join(problems)}")
    assert half_made == [], f"{len(half_made)} half-made requests:\n" + "\n".join(half_made[:20])

    approved, pending = statuses["APPROVED"], statuses["PENDING"]
    assert approved + pending == REQUESTS
    assert {
        "debtors": len(debtors), "contacts": len(contacts), "shop_users": len(users),
        "tokens": sum(tokens.values()), "invitations": sum(invitations.values()),
        "mails": len(outbox), "audit": sum(approvals.values()),
    } == dict.fromkeys(
        ["debtors", "contacts", "shop_users", "tokens", "invitations", "mails", "audit"], approved
    )
    return {"approved": approved, "pending": pending}


# --- the test --------------------------------------------------------------------------------


async def test_a_server_killed_during_a_bulk_approval_leaves_every_request_whole_or_untouched(
    pg_db: str, tmp_path: Path
):
    shop = await make_shop("flora", registration_enabled=True, default_price_list_tags=["wholesale"])
    admin = await make_admin(STAFF_EMAIL)
    # Unique emails and companies: no request matches another's debtor, so each makes its own.
    await RegistrationRequest.bulk_create([
        RegistrationRequest(
            shop=shop, name=f"Customer {n:03d}", email=f"customer{n:03d}@crash.test",
            company=f"Kwekerij {n:03d}", language="en",
        )
        for n in range(REQUESTS)
    ])
    pks: list[int] = await RegistrationRequest.filter(  # type: ignore[assignment]  # flat=True: ints, not tuples
        shop_id=shop.id
    ).order_by("id").values_list("id", flat=True)
    assert len(pks) == REQUESTS
    ids = [global_id("RegistrationRequest", pk) for pk in pks]
    environment = {"GATEHOUSE_RATE_LIMITS": "off"}
    log = tmp_path / "serve.log"

    first = LiveServer(pg_db, log, environment=environment).start()
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            token = await sign_in(http, first)
            call = asyncio.create_task(approve(http, first, token, ids))
            started = time.monotonic()
            seen, open_transactions = 0, list[str]()
            # Kill once enough approvals are committed and the server is well inside the
            # transaction of the next one: claimed, rows inserted, not committed.
            while not call.done() and time.monotonic() - started < 20:
                seen, open_transactions = await progress(shop.id)
                if seen >= KILL_TARGET and any(q.startswith("INSERT") for q in open_transactions):
                    break
            finished_too_soon = call.done()
            first.kill()
            killed_after = time.monotonic() - started
            assert not finished_too_soon, (
                f"the approval of {REQUESTS} requests ended before the kill: {call.result()}"
            )
            # The call dies with its server: a connection error, as a client would see it.
            with pytest.raises(httpx.TransportError):
                await call
    finally:
        first.stop()

    await settle_after_kill()
    at_kill = await check_all_or_nothing(shop.id, admin.id)
    print(f"\nkilled {killed_after:.3f} s into the call; last poll: {seen} approved, "  # noqa: T201 -- the report
          f"open transactions {open_transactions}; after the kill: {at_kill}")
    assert any(q.startswith("INSERT") for q in open_transactions), (
        "the kill did not land inside an approval's transaction"
    )
    assert KILL_AT_LEAST <= at_kill["approved"] < KILL_BELOW, (
        f"the kill did not land inside the batch: {at_kill}"
    )
    # The ids are decided in the order given: the committed ones are a prefix of the batch,
    # and the one being provisioned at the kill is back to PENDING with nothing made.
    statuses = dict(await RegistrationRequest.filter(shop_id=shop.id).values_list("id", "status"))
    assert [statuses[pk] for pk in pks] == (
        [RegistrationStatus.APPROVED] * at_kill["approved"]
        + [RegistrationStatus.PENDING] * at_kill["pending"]
    )

    second = LiveServer(pg_db, log, environment=environment).start()
    try:
        # After the restart, nothing has changed: the new server finishes nothing by itself.
        assert await check_all_or_nothing(shop.id, admin.id) == at_kill
        async with httpx.AsyncClient(timeout=60) as http:
            token = await sign_in(http, second)
            # Staff retry the whole batch: the approved ones are refused, the rest approved.
            approved_before = {
                global_id("RegistrationRequest", r.id)
                for r in await RegistrationRequest.filter(shop_id=shop.id, status=RegistrationStatus.APPROVED)
            }
            payload = await approve(http, second, token, ids)
    finally:
        second.stop()

    refused = {int(e["field"][1]) for e in payload["userErrors"]}
    assert set(user_error_codes(payload)) <= {"ALREADY_DECIDED"}
    assert {ids[i] for i in refused} == approved_before
    assert [r["id"] for r in payload["registrationRequests"]] == [
        i for i in ids if i not in approved_before
    ]
    assert {r["status"] for r in payload["registrationRequests"]} == {"APPROVED"}
    assert await check_all_or_nothing(shop.id, admin.id) == {"approved": REQUESTS, "pending": 0}
