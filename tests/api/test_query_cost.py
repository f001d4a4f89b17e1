"""Documents whose validation would cost far more than their size are refused before validation.

The measure is schema/query_cost.py's; its budget is MAX_COMPARISONS. A refused document
answers one QUERY_TOO_COMPLEX error and nothing of it runs: no resolver, no SQL (with no
token, `get_context` sends none either), and no validation rule — a document that also asks
for an unknown field gets no GRAPHQL_VALIDATION_FAILED.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import graphql
import pytest

from bench.api import CUSTOMER_VIEW, FORM, STAFF_PAGE
from models import AuditEvent, Shop
from schema.limits import MAX_COMPARISONS, MAX_TOKENS, verdict
from schema.query_cost import comparisons, refusal
from tests.api.sign_in import staff_token
from tests.factories import make_shop, pending_request
from tests.query_counter import count_queries

ROOT = Path(__file__).resolve().parents[2]
TOO_COMPLEX = "QUERY_TOO_COMPLEX"


def viewer_copies(count: int, tail: str = "") -> str:
    """`{ viewer { __typename } }` `count` times in one selection, as measured in production."""
    return "{ " + "viewer { __typename } " * count + tail + " }"


def random_alias() -> str:
    # A new text each time, so no cache of parsed or validated documents can answer it.
    return f"a{secrets.token_hex(4)}: __typename"


def fragment_chain(depth: int) -> str:
    """F0 spreads F1 twice, F1 spreads F2 twice, …: 2**depth fields from a few dozen tokens."""
    links = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth))
    return "{ ...F0 } " + links + f" fragment F{depth} on Query {{ __typename }}"


RELATIVES = {
    "the same field deep down": "{ viewer { ... on ShopUser { contact { " + "firstName " * 300 + "} } } }",
    "one alias over and over": "{ " + "who: viewer { __typename } " * 150 + "}",
    "one fragment spread over and over": "{ viewer { " + "...Who " * 300 + "} } "
    "fragment Who on Viewer { __typename }",
    "fragments spreading fragments": "{ ...A } fragment A on Query { ...B " + "__typename " * 40
    + "} fragment B on Query { ...C " + "__typename " * 40
    + "} fragment C on Query { " + "__typename " * 40 + "}",
    "inline fragments": "{ " + "... on Query { __typename } " * 200 + "}",
    "a field with an argument": "{ " + 'registrationForm(shop: "flora") { open } ' * 60 + "}",
    "an unused fragment": "{ __typename } fragment Unused on Query { " + "viewer { __typename } " * 300 + "}",
    "a fragment spread into itself twice over": fragment_chain(20),
}


def only_error(body: dict) -> dict:
    assert body.get("data") is None, body
    assert len(body.get("errors", [])) == 1, body
    return body["errors"][0]


def tokens(text: str) -> int:
    lexer = graphql.language.Lexer(graphql.Source(text))
    count = 0
    while lexer.advance().kind is not graphql.language.TokenKind.EOF:
        count += 1
    return count


# --- the documents themselves ----------------------------------------------------------------


@pytest.mark.parametrize("text", [viewer_copies(488, random_alias()), *RELATIVES.values()],
                         ids=["488 copies", *RELATIVES])
def test_each_costly_document_fits_the_token_limit_and_is_over_the_budget(text):
    # Else the token limit would refuse it, and the tests below would prove nothing.
    assert tokens(text) <= MAX_TOKENS
    assert comparisons(graphql.parse(text), MAX_COMPARISONS) > MAX_COMPARISONS


def ordinary_documents() -> list[tuple[str, str]]:
    """Every GraphQL document of the docs, the bench's queries and the introspection query."""
    documents = [
        (f"{path.name} #{number}", block)
        for path in sorted((ROOT / "docs").glob("*.md"))
        for number, block in enumerate(re.findall(r"```graphql\n(.*?)```", path.read_text(), re.S))
    ]
    operations = sorted((ROOT / "docs/codegen/operations").glob("*.graphql"))
    documents += [(path.name, path.read_text()) for path in operations]
    documents += [("bench FORM", FORM["query"]), ("bench CUSTOMER_VIEW", CUSTOMER_VIEW["query"]),
                  ("bench STAFF_PAGE", STAFF_PAGE["query"])]
    documents.append(("introspection", graphql.get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True,
        schema_description=True, input_value_deprecation=True, one_of=True,
    )))
    return documents


def test_the_documents_of_the_docs_are_found():
    # Not vacuous: the storefront and dashboard guides hold two dozen documents.
    assert len(ordinary_documents()) > 25


@pytest.mark.parametrize(("where", "text"), ordinary_documents(), ids=lambda value: value[:40])
def test_every_ordinary_document_is_well_under_the_budget(where, text):
    try:
        document = graphql.parse(text)
    except graphql.GraphQLSyntaxError:
        pytest.skip(f"{where} is a snippet, not a document")
    # A quarter of the budget: the introspection query, the largest, needs about a fifth.
    assert comparisons(document, MAX_COMPARISONS) <= MAX_COMPARISONS // 4, where
    assert refusal(document, MAX_COMPARISONS) is None


def test_a_cycle_of_fragments_is_measured_without_looping():
    document = graphql.parse(
        "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }"
    )

    assert comparisons(document, MAX_COMPARISONS) < 20


def test_measuring_stops_as_soon_as_the_budget_is_spent():
    # 2**20 fields once expanded; the walk gives up just past the budget, not a million steps on.
    spent = comparisons(graphql.parse(fragment_chain(20)), MAX_COMPARISONS)

    assert MAX_COMPARISONS < spent <= MAX_COMPARISONS + 1


def test_fields_of_different_names_cost_no_pairs():
    # Thirty aliased fields: walked once each, never compared with each other.
    aliased = "{ " + " ".join(f"a{i}: viewer {{ __typename }}" for i in range(30)) + " }"

    assert comparisons(graphql.parse(aliased), MAX_COMPARISONS) == 60


def test_copies_cost_the_square_of_their_count():
    costs = [comparisons(graphql.parse(viewer_copies(count)), 10**6) for count in (10, 20, 40)]

    # Twice the copies, four times the comparisons (2k²: k² pairs of viewer, k² below).
    assert costs == [200, 800, 3200]


# --- through the API ---------------------------------------------------------------------------


async def test_the_measured_document_is_refused_before_it_runs(client):
    with count_queries() as statements:
        body = await client.execute(viewer_copies(488, random_alias()))

    error = only_error(body)
    assert error["extensions"] == {"code": TOO_COMPLEX}
    assert "488 fields answer to `viewer` in the top selection of the query" in error["message"]
    assert f"{MAX_COMPARISONS:,}" in error["message"]
    assert error["locations"] == [{"line": 1, "column": 3}]
    assert statements == []


@pytest.mark.parametrize("text", RELATIVES.values(), ids=list(RELATIVES))
async def test_its_relatives_are_refused_too(client, text):
    with count_queries() as statements:
        body = await client.execute(text)

    error = only_error(body)
    assert error["extensions"]["code"] == TOO_COMPLEX
    assert f"more than the {MAX_COMPARISONS:,} field comparisons" in error["message"]
    assert statements == []


async def test_the_refusal_comes_before_validation(client):
    # Validation would have answered GRAPHQL_VALIDATION_FAILED for the unknown field.
    body = await client.execute(viewer_copies(488, "noSuchField"))

    error = only_error(body)
    assert error["extensions"]["code"] == TOO_COMPLEX
    assert "noSuchField" not in error["message"]


async def test_the_refusal_has_the_http_status_of_a_validation_error(client):
    refused = await client.post(viewer_copies(488))
    invalid = await client.post("{ noSuchField }")

    assert refused.status_code == invalid.status_code
    assert refused.json()["errors"][0]["extensions"]["code"] == TOO_COMPLEX
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def most_copies_within_the_budget() -> int:
    count = 1
    while comparisons(graphql.parse(viewer_copies(count + 1)), MAX_COMPARISONS) <= MAX_COMPARISONS:
        count += 1
    return count


async def test_the_costliest_copies_within_the_budget_still_run(client):
    count = most_copies_within_the_budget()

    assert await client.data(viewer_copies(count)) == {"viewer": None}
    assert only_error(await client.execute(viewer_copies(count + 1)))["extensions"]["code"] == TOO_COMPLEX


async def test_a_repeated_mutation_of_staff_is_refused_and_writes_nothing(client):
    token = await staff_token(client)
    events_before = await AuditEvent.all().count()
    create = 'createShop(input: {handle: "twice", name: "Twice"}) { shop { handle } } '
    mutation = "mutation { " + create * 40 + "}"

    body = await client.execute(mutation, token=token)

    assert only_error(body)["extensions"]["code"] == TOO_COMPLEX
    assert not await Shop.exists(handle="twice")
    assert await AuditEvent.all().count() == events_before


async def test_an_ordinary_staff_page_still_answers(client):
    shop = await make_shop("flora")
    await pending_request(shop, name="Eva Visser")
    token = await staff_token(client)

    data = await client.data(STAFF_PAGE["query"], token=token)

    assert [edge["node"]["name"] for edge in data["registrationRequests"]["edges"]] == ["Eva Visser"]


async def test_the_verdict_on_a_document_is_kept_with_it(client):
    document = '{ registrationForm(shop: "no-such-shop-for-cost") { open } }'
    await client.execute(document)
    hits = verdict.cache_info().hits

    await client.execute(document)

    assert verdict.cache_info().hits == hits + 1


async def test_a_refused_document_sent_again_is_refused_from_the_cache(client):
    document = viewer_copies(300, random_alias())
    first = await client.execute(document)
    hits = verdict.cache_info().hits

    second = await client.execute(document)

    assert second == first
    assert only_error(second)["extensions"]["code"] == TOO_COMPLEX
    assert verdict.cache_info().hits == hits + 1
