"""`GET /metrics`: only to the metrics token; requests, sign-in failures, rate-limit refusals, outbox.

The counters live in the process (the test app's, in-process), so each test reads
them before and after and compares what changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from models import OutboxMessage, OutboxStatus
from server.app import create_app
from server.graphql_outcome import OTHER, OperationNames, first_root_field
from server.request_hygiene import MAX_BODY_BYTES
from server.settings import Settings
from tests.api.sign_in import LOGIN
from tests.factories import make_admin, make_customer, make_shop

TOKEN = "metrics-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
REQUESTS = "gatehouse_graphql_requests_total"
DURATIONS = "gatehouse_graphql_request_duration_seconds_count"
SIGN_IN_FAILURES = "gatehouse_sign_in_failures_total"
REFUSALS = "gatehouse_rate_limit_refusals_total"
ADMIN_LOGIN = """mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } } }"""

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(read: Samples, name: str, **labels: str) -> float:
    return read.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def watched_app(db: str, settings: Settings) -> AsyncIterator[Any]:
    application = create_app(
        replace(settings, metrics_token=TOKEN, rate_limits="login=2/minute"), manage_database=False
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(watched_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=watched_app, client=("203.0.113.9", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_without_a_metrics_token_there_is_no_metrics_page(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/metrics", headers=SCRAPER)

    assert response.status_code == 404
    assert "gatehouse_" not in response.text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic bWV0cmljczp4"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Bearer not-the-token"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
    ],
)
async def test_a_missing_or_wrong_token_gets_no_metrics(http, headers, status):
    response = await http.get("/metrics", headers=headers)

    assert response.status_code == status
    assert "gatehouse_" not in response.text
    assert "python_" not in response.text


async def test_requests_are_counted_by_operation_name_else_first_root_field_and_outcome(http):
    await make_shop("flora")
    before = await scrape(http)

    await http.post("/graphql", json={"query": "query Form { registrationForm(shop: \"flora\") { shop } }",
                                      "operationName": "Form"})
    await http.post("/graphql", json={"query": '{ form: registrationForm(shop: "flora") { shop } }'})
    await http.post("/graphql", json={"query": '{ registrationForm(shop: "nowhere") { shop } }'})
    await http.post("/graphql", json={"query": "{ registrationRequests { totalCount } }"})
    after = await scrape(http)

    def grew(**labels: str) -> float:
        return value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels)

    assert grew(operation="Form", outcome="ok") == 1
    assert grew(operation="registrationForm", outcome="ok") == 1
    assert grew(operation="registrationForm", outcome="NOT_FOUND") == 1
    assert grew(operation="registrationRequests", outcome="UNAUTHENTICATED") == 1
    assert value(after, DURATIONS, operation="registrationForm") - value(
        before, DURATIONS, operation="registrationForm"
    ) == 2


async def test_refused_inputs_count_as_user_errors_and_failed_sign_ins_by_kind(http):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    await make_admin("staff@example.com")
    before = await scrape(http)

    wrong = {"shop": "flora", "username": "anna", "password": "wrong-Password-1"}
    await http.post("/graphql", json={"query": LOGIN, "variables": wrong})
    await http.post("/graphql", json={"query": ADMIN_LOGIN,
                                      "variables": {"email": "staff@example.com", "password": "wrong-1234"}})
    after = await scrape(http)

    assert value(after, REQUESTS, operation="login", outcome="user_error") - value(
        before, REQUESTS, operation="login", outcome="user_error"
    ) == 1
    assert value(after, SIGN_IN_FAILURES, kind="customer") - value(
        before, SIGN_IN_FAILURES, kind="customer"
    ) == 1
    assert value(after, SIGN_IN_FAILURES, kind="staff") - value(before, SIGN_IN_FAILURES, kind="staff") == 1


async def test_rate_limit_refusals_are_counted_by_operation(http):
    await make_shop("flora")
    before = await scrape(http)

    attempt = {"shop": "flora", "username": "nobody", "password": "wrong-Password-1"}
    answers = [
        (await http.post("/graphql", json={"query": LOGIN, "variables": attempt})).json()
        for _ in range(3)
    ]
    after = await scrape(http)

    assert [a["data"]["login"]["userErrors"][0]["code"] for a in answers] == [
        "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED",
    ]
    assert value(after, REFUSALS, operation="login") - value(before, REFUSALS, operation="login") == 1
    assert value(after, REFUSALS, operation="submitRegistration") == value(
        before, REFUSALS, operation="submitRegistration"
    )


async def test_requests_graphql_never_ran_for_count_as_other_with_their_code_or_status_class(http):
    before = await scrape(http)

    json_type = {"Content-Type": "application/json"}
    await http.post("/graphql", content=b"{not json", headers=json_type)
    await http.post("/graphql", content=b"x" * (MAX_BODY_BYTES + 1), headers=json_type)
    await http.post("/graphql", json={"query": "{ nosuchfield }"})
    await http.post("/graphql", json={"query": "{ __typename", "operationName": "x" * 65})
    after = await scrape(http)

    def grew(**labels: str) -> float:
        return value(after, REQUESTS, **labels) - value(before, REQUESTS, **labels)

    assert grew(operation=OTHER, outcome="INVALID") == 1  # refused by the view, in GraphQL's shape
    assert grew(operation=OTHER, outcome="4xx") == 1  # the body limit answers before the view
    assert grew(operation=OTHER, outcome="GRAPHQL_VALIDATION_FAILED") == 1
    assert grew(operation=OTHER, outcome="GRAPHQL_PARSE_FAILED") == 1


async def test_the_outbox_is_read_at_scrape_time_by_status_with_the_oldest_queued_age(http):
    now = datetime.now(UTC)
    statuses = [OutboxStatus.QUEUED] * 3 + [OutboxStatus.SENT] * 2 + [OutboxStatus.FAILED]
    await OutboxMessage.bulk_create([
        OutboxMessage(
            message_id=f"m{index}", recipient="r@x.test", template="request_received", language="en",
            status=status, next_attempt_at=now,
        )
        for index, status in enumerate(statuses)
    ])
    oldest_queued = await OutboxMessage.filter(status=OutboxStatus.QUEUED).order_by("id").first()
    assert oldest_queued is not None
    await OutboxMessage.filter(id=oldest_queued.id).update(created_at=now - timedelta(hours=2))
    # An older mail that went out is not queued: it does not count towards the age.
    await OutboxMessage.filter(status=OutboxStatus.SENT).update(created_at=now - timedelta(days=3))

    read = await scrape(http)

    assert value(read, "gatehouse_outbox_messages", status="QUEUED") == 3
    assert value(read, "gatehouse_outbox_messages", status="SENT") == 2
    assert value(read, "gatehouse_outbox_messages", status="FAILED") == 1
    age = value(read, "gatehouse_outbox_oldest_queued_age_seconds")
    assert 2 * 3600 <= age < 3 * 3600


async def test_an_empty_outbox_shows_zeros(http):
    read = await scrape(http)

    assert [value(read, "gatehouse_outbox_messages", status=s.value) for s in OutboxStatus] == [0, 0, 0]
    assert ("gatehouse_outbox_oldest_queued_age_seconds", frozenset()) in read


def test_operation_names_are_bounded_and_root_fields_must_exist():
    names = OperationNames(root_fields=["registrationForm", "login"], limit=2)

    assert names.label("First", None) == "First"
    assert names.label("Second", None) == "Second"
    assert names.label("Third", None) == OTHER  # the set is full
    assert names.label("First", None) == "First"  # admitted names stay
    assert names.label("not a name!", None) == OTHER
    assert names.label(["First"], None) == OTHER
    assert names.label(None, "{ login { token } }") == "login"
    assert names.label(None, "{ dropTables }") == OTHER
    assert names.label(None, None) == OTHER


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("{ viewer { id } }", "viewer"),
        ('query Q($x: In = {a: 1}) @d(x: {y: 2}) { al: registrationForm(shop: "f") { x } }',
         "registrationForm"),
        ("fragment F on Query { viewer(a: {b: 1}) { id } } mutation M { login(x: 1) { y } }", "login"),
        ("query { ...F } fragment F on Query { viewer { id } }", None),
        ("{", None),
        ("not graphql %%", None),
    ],
)
def test_the_first_root_field_is_read_from_the_document(query, field):
    assert first_root_field(query) == field
