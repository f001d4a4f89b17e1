"""Bodies and query strings no GraphQL client sends are refused with 400 INVALID, not INTERNAL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

import httpx
import pytest

from server.request_hygiene import MAX_BODY_BYTES, MAX_JSON_DEPTH, NESTED_TOO_DEEPLY
from tests.graphql_answers import error_codes

SURROGATE_QUERY = "query($shop: String!) { registrationForm(shop: $shop) { open } }"


def refused_as_invalid(response: httpx.Response) -> bool:
    return response.status_code == 400 and error_codes(response.json()) == ["INVALID"]


async def test_a_get_with_an_unpaired_surrogate_in_its_variables_is_refused(client):
    response = await client.http.get(
        "/graphql", params={"query": SURROGATE_QUERY, "variables": json.dumps({"shop": "\ud800"})}
    )

    assert refused_as_invalid(response), response.text


async def test_a_percent_escape_that_is_not_utf8_is_harmless(client):
    response = await client.http.get(
        "/graphql?query=%7B%20__typename%20%7D&variables=%7B%22x%22%3A%22%ff%22%7D"
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("body", [b"\xff", b"null", b"42", b'"text"', json.dumps({
    "query": SURROGATE_QUERY, "variables": {"shop": "\ud800"},
}).encode()])
async def test_a_post_body_no_client_sends_is_refused(client, body):
    response = await client.http.post("/graphql", content=body, headers={"Content-Type": "application/json"})

    assert refused_as_invalid(response), response.text


async def test_an_ordinary_get_and_post_pass(client):
    get = await client.http.get("/graphql", params={"query": "{ __typename }"})
    post = await client.http.post("/graphql", json={"query": "{ __typename }"})

    assert get.json() == post.json() == {"data": {"__typename": "Query"}}


def padded_query(size: int) -> bytes:
    """A valid GraphQL request of about `size` bytes (the padding is a GraphQL comment)."""
    return json.dumps({"query": "{ __typename }\n#" + "x" * size}).encode()


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(client):
    response = await client.http.post(
        "/graphql", content=padded_query(MAX_BODY_BYTES), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID"}


async def test_a_body_over_the_limit_sent_in_chunks_without_a_length_is_refused_too(client):
    body = padded_query(MAX_BODY_BYTES)

    async def chunks():
        for start in range(0, len(body), 16 * 1024):
            yield body[start:start + 16 * 1024]

    response = await client.http.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID"}


async def test_a_body_just_under_the_limit_is_served(client):
    body = padded_query(MAX_BODY_BYTES - 1024)

    response = await client.http.post("/graphql", content=body, headers={"Content-Type": "application/json"})

    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


async def raw_request(
    app,
    method: str,
    *,
    query_string: bytes = b"",
    headers: Sequence[tuple[bytes, bytes]] = (),
    body: bytes = b"",
) -> tuple[int, bytes]:
    """Calls the app through the ASGI interface itself, which carries what no client library
    sends (header bytes no library writes, a query string longer than any library allows)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": query_string,
        "root_path": "", "client": ("203.0.113.7", 4711), "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"), *headers],
    }
    messages = iter([{"type": "http.request", "body": body, "more_body": False}])
    sent = []

    async def receive():
        return next(messages, {"type": "http.disconnect"})

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def status_of_raw_post(app, content_length: bytes) -> int:
    status, _ = await raw_request(
        app, "POST", body=b'{"query": "{ __typename }"}',
        headers=[(b"content-type", b"application/json"), (b"content-length", content_length)],
    )
    return status


@pytest.mark.parametrize(
    "length", ["²".encode("latin-1"), b"9" * 5000, b"-1", b"12a"],
    ids=["latin-1-superscript-two", "5000-digits", "negative", "junk"],
)
async def test_a_content_length_no_server_believes_is_never_an_internal_error(app, length):
    assert await status_of_raw_post(app, length) in (200, 400, 413)


@pytest.mark.parametrize(("method", "headers", "content", "status"), [
    ("POST", {"Content-Type": "application/json"}, b"{not json", 400),
    ("POST", {"Content-Type": "text/plain"}, b"{ __typename }", 400),
    ("POST", {"Content-Type": "application/json"}, b'{"query": 42}', 400),
    ("GET", {"Accept": "application/json"}, b"", 400),
    ("GET", {"Accept": "text/html"}, b"", 404),
    ("PUT", {"Content-Type": "application/json"}, b'{"query": "{ __typename }"}', 405),
], ids=[
    "bad-json", "text-plain", "query-not-a-string", "get-without-query", "browser-without-graphiql", "put",
])
async def test_what_strawberry_refuses_is_answered_in_graphqls_shape_and_our_words(
    client, method, headers, content, status
):
    response = await client.http.request(method, "/graphql", headers=headers, content=content)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID"}
    assert "Strawberry" not in error["message"]
    assert "JSON" not in error["message"].replace("JSON with", "")


async def test_a_mutation_over_get_is_refused_in_graphqls_shape(client):
    response = await client.http.get("/graphql", params={"query": "mutation { logout { loggedOut } }"})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["message"], error["extensions"]) == (
        "GET serves queries only: send mutations with POST.", {"code": "INVALID"}
    )


async def test_a_query_that_is_not_a_string_is_told_what_a_request_is_not_to_name_an_operation(client):
    response = await client.http.post("/graphql", json={"query": 42})

    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message.startswith("Send a GraphQL request")
    assert "operationName" not in message


async def test_an_operation_name_the_document_lacks_is_told_to_name_one_it_has(client):
    response = await client.http.post(
        "/graphql", json={"query": "query A { __typename }", "operationName": "Z"}
    )

    assert response.status_code == 400
    assert "operationName" in response.json()["errors"][0]["message"]



def nested_arrays(count: int) -> str:
    return "[" * count + "]" * count


def post_nesting(levels: int) -> str:
    """A POST body whose JSON nests `levels` deep: the body, its variables, then arrays."""
    return '{"query": "{ __typename }", "variables": {"x": ' + nested_arrays(levels - 2) + "}}"


def get_variables_nesting(levels: int) -> str:
    """A GET's `variables` nesting `levels` deep: the variables object, then arrays."""
    return '{"x": ' + nested_arrays(levels - 1) + "}"


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 50_000])
async def test_json_nested_too_deeply_is_refused_in_a_post_body(client, levels):
    response = await client.http.post(
        "/graphql", content=post_nesting(levels), headers={"Content-Type": "application/json"}
    )

    assert refused_as_invalid(response), response.text
    assert response.json()["errors"][0]["message"] == NESTED_TOO_DEEPLY


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 50_000])
async def test_json_nested_too_deeply_is_refused_in_a_gets_variables(app, levels):
    query_string = urlencode({"query": "{ __typename }", "variables": get_variables_nesting(levels)})

    status, body = await raw_request(
        app, "GET", query_string=query_string.encode(), headers=[(b"accept", b"application/json")]
    )

    assert status == 400
    [error] = json.loads(body)["errors"]
    assert (error["message"], error["extensions"]) == (NESTED_TOO_DEEPLY, {"code": "INVALID"})


async def test_json_nested_as_deeply_as_allowed_is_served(client):
    post = await client.http.post(
        "/graphql", content=post_nesting(MAX_JSON_DEPTH), headers={"Content-Type": "application/json"}
    )
    get = await client.http.get(
        "/graphql", params={"query": "{ __typename }", "variables": get_variables_nesting(MAX_JSON_DEPTH)}
    )

    assert post.json() == get.json() == {"data": {"__typename": "Query"}}
