"""The public form answered from memory: cacheable GETs with an ETag, and answers that skip GraphQL.

Given an anonymous query that reads only the public form, when it is asked again, then the
same bytes come back without a statement sent to the database; over GET with
`Cache-Control: public, max-age=60` and an ETag, and 304 to that ETag. When staff change the
shop's settings or its fields, then the next request shows the change under a new ETag.
Whatever depends on who asks (a cookie, a token, another field, an error) and every POST
stays `no-store`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from models import Shop
from models.changes import FEED, Change, Changed, ChangeFeed
from server.app import create_app
from server.public_answers import (
    PublicAnswers,
    answer_key,
    is_public_document,
    matches,
)
from tests.api.sign_in import customer_token, staff_token
from tests.factories import make_field, make_shop
from tests.graphql_answers import error_codes
from tests.query_counter import count_queries

FORM = (
    "query Form($shop: String!) { "
    "registrationForm(shop: $shop) { shop open languages fields { key label } } }"
)
FLORA = {"shop": "flora"}
PUBLIC = "public, max-age=60"
UPDATE_SETTINGS = """
mutation($input: UpdateShopSettingsInput!) {
  updateShopSettings(input: $input) { userErrors { field code } }
}"""
CREATE_FIELD = """
mutation($input: CreateRegistrationFieldInput!) {
  createRegistrationField(input: $input) { registrationField { id } userErrors { field code } }
}"""
UPDATE_FIELD = """
mutation($input: UpdateRegistrationFieldInput!) {
  updateRegistrationField(input: $input) { userErrors { field code } }
}"""


async def get_form(
    http: httpx.AsyncClient, query: str = FORM, variables: dict | None = None,
    *, headers: dict[str, str] | None = None,
) -> httpx.Response:
    params = {"query": query, "variables": json.dumps(FLORA if variables is None else variables)}
    return await http.get("/graphql", params=params, headers=headers)


async def post_form(http: httpx.AsyncClient, query: str = FORM) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": FLORA})


async def staff_change(client: Any, token: str, mutation: str, **input: Any) -> dict:
    data = await client.data(mutation, {"input": input}, token=token)
    [payload] = data.values()
    assert payload["userErrors"] == [], payload
    return payload


def form_of(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()["data"]["registrationForm"]


# --- the cacheable GET ----------------------------------------------------------------------


async def test_an_anonymous_get_of_the_form_is_public_for_60_seconds_with_an_etag(client):
    await make_shop("flora")

    answer = await get_form(client.http)

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == PUBLIC
    assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["etag"])
    assert form_of(answer)["shop"] == "flora"


async def test_the_etag_in_if_none_match_answers_304_with_no_body(client):
    await make_shop("flora")
    first = await get_form(client.http)

    revalidated = await get_form(client.http, headers={"If-None-Match": first.headers["etag"]})
    weak = await get_form(client.http, headers={"If-None-Match": f'"other", W/{first.headers["etag"]}'})
    other = await get_form(client.http, headers={"If-None-Match": '"not-this-one"'})

    assert revalidated.status_code == weak.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == first.headers["etag"]
    assert revalidated.headers["cache-control"] == PUBLIC
    assert revalidated.headers["x-request-id"]
    assert other.status_code == 200
    assert other.content == first.content


async def test_a_repeat_is_the_same_bytes_and_sends_no_sql(client):
    await make_shop("flora")
    with count_queries() as computing:
        first = await get_form(client.http)
    assert computing  # the first answer was read from the database

    with count_queries() as statements:
        again = await get_form(client.http)
        posted = await post_form(client.http)

    assert statements == []
    assert again.content == posted.content == first.content
    assert again.headers["etag"] == first.headers["etag"]


async def test_a_repeated_post_is_answered_from_memory_but_stays_no_store(client):
    await make_shop("flora")
    first = await post_form(client.http)

    with count_queries() as statements:
        again = await post_form(client.http)

    assert statements == []
    assert again.content == first.content
    assert first.headers["cache-control"] == again.headers["cache-control"] == "no-store"
    assert "etag" not in again.headers


async def test_fragments_on_the_root_and_typename_are_public_too(client):
    await make_shop("flora")
    query = """
    query Form($shop: String!) {
      __typename ...Form ... on Query { again: registrationForm(shop: $shop) { open } }
    }
    fragment Form on Query { registrationForm(shop: $shop) { shop } }"""

    answer = await get_form(client.http, query)

    assert answer.headers["cache-control"] == PUBLIC
    assert answer.json()["data"] == {
        "__typename": "Query", "registrationForm": {"shop": "flora"}, "again": {"open": False},
    }


async def test_the_variables_are_part_of_the_key(client):
    await make_shop("flora")
    await make_shop("tulip", name="Tulip Trade")

    flora = await get_form(client.http, variables={"shop": "flora"})
    tulip = await get_form(client.http, variables={"shop": "tulip"})
    flora_again = await get_form(client.http, variables={"shop": "flora"})

    assert form_of(flora)["shop"] == form_of(flora_again)["shop"] == "flora"
    assert form_of(tulip)["shop"] == "tulip"
    assert flora.headers["etag"] != tulip.headers["etag"]


async def test_answers_from_memory_are_counted_like_any_other(db, settings):
    await make_shop("flora")
    token = "metrics-token-for-tests"
    metrics = {"Authorization": f"Bearer {token}"}
    application = create_app(replace(settings, metrics_token=token), manage_database=False)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        first = await get_form(http)

        def counted(text: str) -> float:
            return sum(
                sample.value for family in text_string_to_metric_families(text) for sample in family.samples
                if sample.name == "gatehouse_graphql_requests_total"
                and sample.labels == {"operation": "registrationForm", "outcome": "ok"}
            )

        before = counted((await http.get("/metrics", headers=metrics)).text)
        with count_queries() as statements:
            await get_form(http)
            await post_form(http)
            await get_form(http, headers={"If-None-Match": first.headers["etag"]})
        after = counted((await http.get("/metrics", headers=metrics)).text)

    assert statements == []
    assert after - before == 3


# --- what is never cacheable ----------------------------------------------------------------


async def test_a_signed_in_get_of_the_form_stays_no_store(client):
    token = await customer_token(client)
    await get_form(client.http)  # the anonymous answer is in memory

    signed_in = await get_form(client.http, headers={"Authorization": f"Bearer {token}"})

    assert signed_in.status_code == 200
    assert signed_in.headers["cache-control"] == "no-store"
    assert "etag" not in signed_in.headers


async def test_a_get_with_the_session_cookie_is_neither_answered_from_memory_nor_cacheable(client):
    await make_shop("flora")
    await get_form(client.http)

    with count_queries() as statements:
        with_cookie = await get_form(client.http, headers={"Cookie": "gatehouse_session=anything"})

    assert statements  # computed
    assert with_cookie.headers["cache-control"] == "no-store"
    assert "etag" not in with_cookie.headers


async def test_a_get_with_other_cookies_only_is_still_anonymous(client):
    await make_shop("flora")
    await get_form(client.http)

    with count_queries() as statements:
        with_cookie = await get_form(client.http, headers={"Cookie": "theme=dark; _ga=GA1.1.42"})

    assert not statements  # from memory
    assert with_cookie.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("query", [
    pytest.param('{ registrationForm(shop: "flora") { open } viewer { __typename } }', id="viewer-too"),
    pytest.param('{ registrationForm(shop: "flora") { open } ... on Query { viewer { __typename } } }',
                 id="viewer-in-inline-fragment"),
    pytest.param(
        '{ registrationForm(shop: "flora") { open } ...F } fragment F on Query { viewer { __typename } }',
        id="viewer-in-fragment",
    ),
    pytest.param('{ shops { handle } }', id="staff-field"),
])
async def test_a_query_reading_anything_else_stays_no_store_and_is_computed_each_time(client, query):
    await make_shop("flora")
    await get_form(client.http, query, {})

    with count_queries() as statements:
        answer = await get_form(client.http, query, {})

    assert answer.headers["cache-control"] == "no-store"
    assert "etag" not in answer.headers
    if "shops" in query:
        assert error_codes(answer.json()) == ["UNAUTHENTICATED"]
    else:
        assert statements  # the form was read again


async def test_an_error_is_never_kept_nor_cacheable(client):
    unknown = '{ registrationForm(shop: "nowhere") { open } }'
    await get_form(client.http, unknown, {})

    with count_queries() as statements:
        answer = await get_form(client.http, unknown, {})

    assert error_codes(answer.json()) == ["NOT_FOUND"]
    assert statements
    assert answer.headers["cache-control"] == "no-store"
    assert "etag" not in answer.headers


async def test_while_other_instances_changes_cannot_be_heard_nothing_is_answered_from_memory(
    client, monkeypatch
):
    await make_shop("flora")
    await get_form(client.http)
    monkeypatch.setattr(FEED, "hears_every_change", False)  # as while the listener is down

    with count_queries() as statements:
        answer = await get_form(client.http)

    assert statements
    # Read afresh, so still fit for a CDN's 60 seconds.
    assert answer.headers["cache-control"] == PUBLIC


# --- invalidation ---------------------------------------------------------------------------


async def test_a_change_of_the_shops_settings_shows_at_once_under_a_new_etag(client):
    await make_shop("flora")
    token = await staff_token(client)
    before = await get_form(client.http)

    await staff_change(
        client, token, UPDATE_SETTINGS, shop="flora", registrationEnabled=True, languages=["de"]
    )
    after = await get_form(client.http, headers={"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert form_of(after)["open"] is True
    assert form_of(after)["languages"] == ["de"]


async def test_a_new_field_and_a_relabelled_one_show_at_once(client):
    await make_shop("flora")
    token = await staff_token(client)
    first = await get_form(client.http)
    assert form_of(first)["fields"] == []

    created = await staff_change(client, token, CREATE_FIELD, shop="flora", key="vat", label="VAT number")
    with_field = await get_form(client.http, headers={"If-None-Match": first.headers["etag"]})
    await staff_change(client, token, UPDATE_FIELD, id=created["registrationField"]["id"], label="VAT id")
    relabelled = await get_form(client.http, headers={"If-None-Match": with_field.headers["etag"]})

    assert form_of(with_field)["fields"] == [{"key": "vat", "label": "VAT number"}]
    assert form_of(relabelled)["fields"] == [{"key": "vat", "label": "VAT id"}]
    assert len({first.headers["etag"], with_field.headers["etag"], relabelled.headers["etag"]}) == 3


async def test_a_write_that_announces_itself_drops_the_answer_even_outside_the_api(client):
    shop = await make_shop("flora")
    await get_form(client.http)

    await make_field(shop, "vat", "VAT", position=1)  # announces itself
    answer = await get_form(client.http)

    assert form_of(answer)["fields"] == [{"key": "vat", "label": "VAT"}]


async def test_a_write_no_one_announces_is_not_seen_until_the_answer_is_old(client):
    # What memory would show if a change were not told: the reason every writer announces.
    await make_shop("flora")
    first = await get_form(client.http)

    await Shop.filter(handle="flora").update(registration_enabled=True)  # announces nothing
    again = await get_form(client.http)

    assert again.content == first.content


# --- the parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "operation", "public"), [
    ('{ registrationForm(shop: "x") { open } }', None, True),
    ("{ __typename }", None, True),
    ('query A { registrationForm(shop: "x") { open } } query B { viewer { __typename } }', "A", True),
    ('query A { registrationForm(shop: "x") { open } } query B { viewer { __typename } }', "B", False),
    ('query A { registrationForm(shop: "x") { open } } query B { viewer { __typename } }', None, False),
    ('mutation { logout { userErrors { code } } }', None, False),
    ('{ ...F } fragment F on Query { ...G } fragment G on Query { registrationForm(shop: "x") { open } }',
     None, True),
    ('{ ... on Query { ... on Query { viewer { __typename } } } }', None, False),
    ("{ __schema { types { name } } }", None, False),
    ("{ not graphql", None, False),
])
def test_a_document_is_public_when_its_operation_is_a_query_of_public_root_fields_only(
    query, operation, public
):
    assert is_public_document(query, operation) is public


def test_an_answer_older_than_its_age_is_dropped():
    now = [1000.0]
    answers = PublicAnswers(max_age_seconds=60, feed=ChangeFeed(), clock=lambda: now[0])
    key = answer_key("a" * 64, None, {})
    assert key is not None
    answers.keep(key, answers.answer(b"{}", "registrationForm"), computed_at_generation=answers.generation)

    now[0] += 60
    assert answers.get(key) is not None
    now[0] += 1
    assert answers.get(key) is None


def test_an_answer_computed_across_a_change_of_a_shop_is_not_kept():
    feed = ChangeFeed()
    answers = PublicAnswers(feed=feed)
    key = answer_key("a" * 64, None, {})
    assert key is not None
    computing_since = answers.generation

    feed.tell(Change(Changed.SESSION, frozenset({1})))  # not about a shop: no matter
    assert answers.keep(key, answers.answer(b"{}", "x"), computed_at_generation=computing_since) is True
    computing_since = answers.generation
    feed.tell(Change(Changed.SHOP, frozenset({1})))  # while the next answer is computed
    kept = answers.keep(key, answers.answer(b"{ }", "x"), computed_at_generation=computing_since)

    assert kept is False
    assert answers.get(key) is None  # the change dropped the first, the second never came in


def test_answers_are_bounded_in_number_and_long_variables_are_never_a_key():
    answers = PublicAnswers(entries=2, feed=ChangeFeed())
    keys = [answer_key(f"{n}" * 64, None, {"shop": n}) for n in range(3)]
    for key in keys:
        assert key is not None
        answers.keep(key, answers.answer(b"{}", "x"), computed_at_generation=answers.generation)

    assert len(answers) == 2
    assert answers.get(keys[0]) is None  # type: ignore[arg-type]
    assert answer_key("a" * 64, None, {"junk": "x" * 5000}) is None


def test_variables_make_one_key_whatever_their_order_and_null_is_none():
    assert answer_key("a" * 64, "Form", {"a": 1, "b": 2}) == answer_key("a" * 64, "Form", {"b": 2, "a": 1})
    assert answer_key("a" * 64, None, None) == answer_key("a" * 64, None, {})


@pytest.mark.parametrize(("header", "matched"), [
    ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True), ('"abcd"', False), ("", False),
])
def test_if_none_match_is_compared_weakly(header, matched):
    assert matches(header, '"abc"') is matched
