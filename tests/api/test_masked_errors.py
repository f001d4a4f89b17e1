"""Unexpected failures reach the client masked: code INTERNAL and a request id, nothing more.

The full error stands in the server log (logger "gatehouse.errors") under the
same request id, so a report quoting it can be traced. No stack trace, SQL or
library message ever reaches the client.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import httpx
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError

import resolvers.audit
import resolvers.shops
import schema.context
from models import AuditEvent, RegistrationField, Shop
from server.app import create_app
from tests.api.sign_in import staff_token
from tests.factories import make_shop

SECRET = "SELECT secret FROM password_hash"

SHOPS = "{ shops { handle } }"
SHOPS_WITH_FIELDS = "{ shops { handle registrationFields { key } } }"
AUDIT_EVENTS = "{ auditEvents(first: 5) { edges { node { action } } } }"
CREATE_SHOP = """
mutation { createShop(input: {handle: "tulip", name: "Tulip Trade"}) {
  shop { handle } userErrors { code } } }"""

# Words that only a leaked stack trace, exception or SQL statement would put in a body.
LEAK_MARKERS = ["Traceback", 'File "', ".py", "line ", "RuntimeError", "OperationalError",
                "Exception", "SELECT", "password_hash", "secret", "tortoise", "asyncpg", "sqlite"]


def raising(error: Exception):
    async def fail(*args: object, **kwargs: object) -> object:
        raise error

    return fail


def assert_leaks_nothing(text: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{marker!r} reached the client: {text}"


def logged_under(caplog: pytest.LogCaptureFixture, request_id: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "gatehouse.errors" and request_id in record.getMessage()
    ]


async def test_unexpected_error_is_masked_with_a_request_id_that_stands_in_the_log(
    client, monkeypatch, caplog
):
    token = await staff_token(client)
    monkeypatch.setattr(resolvers.shops, "list_shops", raising(RuntimeError(SECRET)))
    caplog.set_level(logging.ERROR, logger="gatehouse.errors")

    response = await client.post(SHOPS, token=token)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["path"] == ["shops"]
    assert SECRET not in error["message"]
    assert "request id" in error["message"].lower()
    request_id = error["extensions"]["requestId"]
    assert request_id
    assert request_id == response.headers["X-Request-Id"]
    assert_leaks_nothing(response.text)

    (record,) = logged_under(caplog, request_id)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert SECRET in caplog.text  # the full story is for the log, and only there


async def test_library_error_with_sql_in_its_message_is_masked(client, monkeypatch, caplog):
    token = await staff_token(client)
    monkeypatch.setattr(
        resolvers.audit,
        "audit_events",
        raising(OperationalError('relation "audit_event" does not exist: SELECT * FROM audit_event')),
    )
    caplog.set_level(logging.ERROR, logger="gatehouse.errors")

    response = await client.post(AUDIT_EVENTS, token=token)

    (error,) = response.json()["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL", "requestId": response.headers["X-Request-Id"]
    }
    assert_leaks_nothing(response.text)
    assert logged_under(caplog, error["extensions"]["requestId"])


async def test_database_failure_in_a_nested_field_is_masked_at_its_path(client, monkeypatch):
    # The ORM itself fails (as it would when the database goes away) below the root field.
    await make_shop("flora")
    token = await staff_token(client)

    # The connection fails every read of the registration fields, as a database that went away.
    client_class = type(RegistrationField._meta.db)
    reads = client_class.execute_query

    async def failing_reads(self: BaseDBAsyncClient, query: str, values: list | None = None) -> object:
        if '"registration_field"' in query:
            raise OperationalError(f"connection lost during {SECRET}")
        return await reads(self, query, values)

    monkeypatch.setattr(client_class, "execute_query", failing_reads)

    response = await client.post(SHOPS_WITH_FIELDS, token=token)

    (error,) = response.json()["errors"]
    assert error["path"] == ["shops", 0, "registrationFields"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    assert_leaks_nothing(response.text)


async def test_every_request_gets_its_own_request_id(client, monkeypatch, caplog):
    token = await staff_token(client)
    monkeypatch.setattr(resolvers.shops, "list_shops", raising(RuntimeError(SECRET)))
    caplog.set_level(logging.ERROR, logger="gatehouse.errors")

    first = await client.execute(SHOPS, token=token)
    second = await client.execute(SHOPS, token=token)

    ids = [body["errors"][0]["extensions"]["requestId"] for body in (first, second)]
    assert ids[0] != ids[1]
    assert all(len(logged_under(caplog, request_id)) == 1 for request_id in ids)


async def test_errors_the_caller_caused_are_not_masked_nor_logged(client, caplog):
    # Permission refusals and bad queries are the client's business: told plainly, not logged.
    caplog.set_level(logging.ERROR, logger="gatehouse.errors")

    refused = await client.execute(SHOPS)
    invalid = await client.execute("{ shops { noSuchField } }")

    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "noSuchField" in invalid["errors"][0]["message"]
    assert [r for r in caplog.records if r.name == "gatehouse.errors"] == []


async def test_unexpected_failure_halfway_through_a_mutation_is_masked_and_rolled_back(
    client, monkeypatch
):
    # The shop row is inserted, then writing its audit event fails: neither may remain.
    token = await staff_token(client)
    events_before = await AuditEvent.all().count()
    monkeypatch.setattr(resolvers.audit, "record", raising(RuntimeError(SECRET)))

    response = await client.post(CREATE_SHOP, token=token)

    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    assert_leaks_nothing(response.text)
    assert not await Shop.exists(handle="tulip")
    assert await AuditEvent.all().count() == events_before


async def test_masking_holds_in_debug_mode_too(client, settings, monkeypatch):
    token = await staff_token(client)
    monkeypatch.setattr(resolvers.shops, "list_shops", raising(RuntimeError(SECRET)))
    app = create_app(replace(settings, debug=True), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(
            "/graphql", json={"query": SHOPS}, headers={"Authorization": f"Bearer {token}"}
        )

    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert_leaks_nothing(response.text)


async def test_unexpected_error_while_reading_the_session_is_masked_with_a_request_id(
    client, settings, monkeypatch, caplog
):
    token = await staff_token(client)
    monkeypatch.setattr(schema.context, "viewer_for_token", raising(RuntimeError(SECRET)))
    caplog.set_level(logging.ERROR, logger="gatehouse.errors")
    app = create_app(settings, manage_database=False)
    # Like a real server: the app's exception becomes a response, not a crash of the client.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(
            "/graphql", json={"query": SHOPS}, headers={"Authorization": f"Bearer {token}"}
        )

    assert_leaks_nothing(response.text)
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    assert logged_under(caplog, error["extensions"]["requestId"])


# --- the caller's mistakes are not internal errors ------------------------------------------

SIGN_IN_WITH_OVERLONG_INPUT = [
    pytest.param(
        "mutation($v: String!) { login(input: {shop: $v, username: \"anna\", password: \"pass-1234\"})"
        " { token userErrors { code } } }",
        "f" * 65, "login", id="login-shop-handle-over-64",
    ),
    pytest.param(
        "mutation($v: String!) { login(input: {shop: \"flora\", username: $v, password: \"pass-1234\"})"
        " { token userErrors { code } } }",
        "a" * 300, "login", id="login-username-over-column",
    ),
    pytest.param(
        "mutation($v: String!) { adminLogin(input: {email: $v, password: \"pass-1234\"})"
        " { token userErrors { code } } }",
        "a" * 300 + "@example.com", "adminLogin", id="admin-email-over-column",
    ),
]


@pytest.mark.parametrize(("mutation", "value", "field"), SIGN_IN_WITH_OVERLONG_INPUT)
async def test_sign_in_with_overlong_input_fails_like_any_wrong_credentials(
    client, mutation, value, field
):
    await make_shop("flora")

    body = await client.execute(mutation, {"v": value})

    assert "errors" not in body, body["errors"]
    assert body["data"][field] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}
