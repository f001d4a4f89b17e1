"""Automatic persisted queries, as Apollo's clients speak them, over POST and GET.

Given a document this instance has not seen, when a client sends only its hash, then the
answer is `PersistedQueryNotFound` (HTTP 200, nothing ran); when it sends the document with
its hash, the document runs and is kept, so the hash alone runs it from then on. A hash that
is not the document's is refused (HTTP 400) and keeps nothing; a document that does not
parse or validate is never kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.error_codes import GraphQLErrorCode
from server.app import create_app
from server.persisted_queries import PersistedQueries
from tests.api.sign_in import staff_token
from tests.factories import make_shop
from tests.graphql_answers import error_codes

FORM = "query Form($shop: String!) { registrationForm(shop: $shop) { shop open languages } }"
FLORA = {"shop": "flora"}
METRICS_TOKEN = "metrics-token-for-tests"
NOT_FOUND = {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256(query)}}


async def by_hash(
    http: httpx.AsyncClient, query: str, variables: dict | None = None,
    *, headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The hash alone, by POST, as Apollo's client sends it first."""
    body = {"extensions": persisted(query), "variables": variables or {}, "operationName": None}
    return await http.post("/graphql", json=body, headers=headers)


async def with_document(http: httpx.AsyncClient, query: str, variables: dict | None = None) -> httpx.Response:
    """The document with its hash, as Apollo's client sends it after PersistedQueryNotFound."""
    return await http.post(
        "/graphql", json={"query": query, "extensions": persisted(query), "variables": variables or {}}
    )


async def get_by_hash(http: httpx.AsyncClient, query: str, variables: dict | None = None) -> httpx.Response:
    params = {"extensions": json.dumps(persisted(query)), "variables": json.dumps(variables or {})}
    return await http.get("/graphql", params=params)


# --- the protocol ---------------------------------------------------------------------------


async def test_a_hash_not_seen_before_is_persisted_query_not_found_with_status_200(client):
    await make_shop("flora")

    answer = await by_hash(client.http, FORM, FLORA)

    assert answer.status_code == 200
    assert answer.json() == {"data": None, "errors": [NOT_FOUND]}


async def test_a_miss_is_counted_under_the_operation_name_with_its_code(db, settings):
    application = create_app(replace(settings, metrics_token=METRICS_TOKEN), manage_database=False)
    transport = httpx.ASGITransport(app=application)
    line = re.compile(
        r'^gatehouse_graphql_requests_total\{operation="Form",outcome="PERSISTED_QUERY_NOT_FOUND"\} (\S+)$',
        re.MULTILINE,
    )

    async def counted(http: httpx.AsyncClient) -> float:
        scraped = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        found = line.search(scraped.text)
        return float(found.group(1)) if found else 0.0

    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        before = await counted(http)
        await http.post(
            "/graphql", json={"extensions": persisted(FORM), "variables": FLORA, "operationName": "Form"}
        )
        after = await counted(http)

    assert after - before == 1


async def test_the_document_sent_with_its_hash_runs_and_then_the_hash_alone_runs_it(client):
    await make_shop("flora")
    assert (await by_hash(client.http, FORM, FLORA)).json()["errors"] == [NOT_FOUND]

    sent = await with_document(client.http, FORM, FLORA)
    again = await by_hash(client.http, FORM, FLORA)
    other_variables = await by_hash(client.http, FORM, {"shop": "nowhere"})

    languages = ["nl", "en", "de", "fr"]
    expected = {"data": {"registrationForm": {"shop": "flora", "open": False, "languages": languages}}}
    assert sent.status_code == again.status_code == 200
    assert sent.json() == again.json() == expected
    assert error_codes(other_variables.json()) == ["NOT_FOUND"]  # the document, with its variables


async def test_over_get_the_hash_alone_misses_then_runs_once_the_document_was_sent(client):
    await make_shop("flora")

    missed = await get_by_hash(client.http, FORM, FLORA)
    await with_document(client.http, FORM, FLORA)
    found = await get_by_hash(client.http, FORM, FLORA)

    assert missed.status_code == 200
    assert missed.json()["errors"] == [NOT_FOUND]
    assert found.status_code == 200
    assert found.json()["data"]["registrationForm"]["shop"] == "flora"


async def test_a_get_with_a_hash_asks_for_an_answer_not_the_graphiql_page(db, settings):
    await make_shop("flora")
    application = create_app(replace(settings, debug=True), manage_database=False)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        # A browser's fetch() accepts */*, which alone would ask for the page.
        missed = await http.get(
            "/graphql", params={"extensions": json.dumps(persisted(FORM))}, headers={"Accept": "*/*"}
        )

    assert missed.headers["content-type"] == "application/json"
    assert missed.json()["errors"] == [NOT_FOUND]


async def test_a_document_sent_over_get_with_its_hash_is_kept_too(client):
    await make_shop("flora")

    sent = await client.http.get("/graphql", params={
        "query": FORM, "variables": json.dumps(FLORA), "extensions": json.dumps(persisted(FORM)),
    })
    found = await get_by_hash(client.http, FORM, FLORA)

    assert sent.json() == found.json()
    assert found.json()["data"]["registrationForm"]["shop"] == "flora"


async def test_a_hash_that_is_not_the_documents_is_refused_with_400_and_keeps_nothing(client):
    await make_shop("flora")
    other = '{ registrationForm(shop: "flora") { open } }'

    refused = await client.http.post(
        "/graphql", json={"query": other, "extensions": persisted(FORM), "variables": FLORA}
    )
    after = await by_hash(client.http, FORM, FLORA)

    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": GraphQLErrorCode.PERSISTED_QUERY_HASH_MISMATCH.value}
    assert "sha256Hash" in error["message"]
    assert after.json()["errors"] == [NOT_FOUND]  # the document was not kept under that hash


async def test_a_mismatch_over_get_is_refused_too(client):
    refused = await client.http.get("/graphql", params={
        "query": "{ __typename }", "extensions": json.dumps(persisted("{ viewer { __typename } }")),
    })

    assert refused.status_code == 400
    assert error_codes(refused.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]


@pytest.mark.parametrize("document", [
    pytest.param("{ registrationForm(shop: ", id="syntax-error"),
    pytest.param("{ noSuchField }", id="not-in-the-schema"),
    pytest.param("query($shop: String!) { registrationForm(shop: $shop) { open } }", id="variable-missing"),
])
async def test_a_document_that_never_ran_is_not_kept(client, document):
    answer = await with_document(client.http, document)
    after = await by_hash(client.http, document)

    assert answer.json()["data"] is None
    assert error_codes(answer.json())
    assert after.json()["errors"] == [NOT_FOUND]


async def test_a_document_whose_field_failed_ran_and_is_kept(client):
    # An unknown shop is a field's error: the document parsed, validated and ran.
    unknown = '{ registrationForm(shop: "nowhere") { open } }'

    first = await with_document(client.http, unknown)
    again = await by_hash(client.http, unknown)

    assert error_codes(first.json()) == error_codes(again.json()) == ["NOT_FOUND"]


@pytest.mark.parametrize("extensions", [
    pytest.param({"persistedQuery": {"version": 2, "sha256Hash": sha256(FORM)}}, id="version-2"),
    pytest.param({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, id="short-hash"),
    pytest.param({"persistedQuery": {"version": 1}}, id="no-hash"),
    pytest.param({"persistedQuery": "yes"}, id="not-an-object"),
])
async def test_a_persisted_query_that_is_not_apollos_version_1_is_invalid(client, extensions):
    refused = await client.http.post("/graphql", json={"extensions": extensions})

    assert refused.status_code == 400
    assert error_codes(refused.json()) == ["INVALID"]
    assert "persistedQuery" in refused.json()["errors"][0]["message"]


async def test_a_signed_in_client_uses_persisted_queries_too(client):
    token = await staff_token(client)
    viewer = "{ viewer { ... on AdminUser { email } } }"
    headers = {"Authorization": f"Bearer {token}"}

    missed = await by_hash(client.http, viewer, headers=headers)
    await client.http.post(
        "/graphql", json={"query": viewer, "extensions": persisted(viewer)}, headers=headers
    )
    found = await by_hash(client.http, viewer, headers=headers)

    assert missed.json()["errors"] == [NOT_FOUND]
    assert found.json() == {"data": {"viewer": {"email": "staff@example.com"}}}


async def test_a_mutation_runs_by_its_hash_over_post_but_never_over_get(client):
    token = await staff_token(client)
    logout = "mutation { logout { userErrors { code } } }"
    headers = {"Authorization": f"Bearer {token}"}
    await client.http.post("/graphql", json={"query": logout, "extensions": persisted(logout)}, headers={})

    over_get = await client.http.get(
        "/graphql", params={"extensions": json.dumps(persisted(logout))}, headers=headers
    )
    over_post = await by_hash(client.http, logout, headers=headers)

    assert over_get.status_code == 400
    assert error_codes(over_get.json()) == ["INVALID"]
    assert over_post.json() == {"data": {"logout": {"userErrors": []}}}


# --- the store ------------------------------------------------------------------------------


def test_the_store_keeps_the_most_recently_used_documents_within_its_bounds():
    store = PersistedQueries(documents=2, characters=1000)
    store.keep("a" * 64, "{ a }")
    store.keep("b" * 64, "{ b }")
    assert store.get("a" * 64) == "{ a }"  # now the most recently used

    store.keep("c" * 64, "{ c }")

    assert store.get("b" * 64) is None
    assert store.get("a" * 64) == "{ a }"
    assert store.get("c" * 64) == "{ c }"


def test_the_store_holds_no_more_text_than_its_bound():
    store = PersistedQueries(documents=100, characters=10)
    store.keep("a" * 64, "{ aaaa }")  # 8 characters
    store.keep("b" * 64, "{ bbbb }")  # 16 in all: the older goes
    store.keep("c" * 64, "{ far too long for the store }")  # longer than the whole store

    assert len(store) == 1
    assert store.get("b" * 64) == "{ bbbb }"
