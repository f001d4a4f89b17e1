"""Every GraphQL error names its kind in `extensions.code`, one of GraphQLErrorCode.

graphql-core gives its own errors no code; Gatehouse adds one from the step that refused
the request: GRAPHQL_PARSE_FAILED for syntax, GRAPHQL_VALIDATION_FAILED for what does not
fit the schema or a limit, BAD_USER_INPUT for a value that does not fit its type. The
messages stay graphql-core's.
"""

from __future__ import annotations

import pytest

from auth.error_codes import GraphQLErrorCode
from schema.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, verdict
from tests.api.sign_in import customer_token, staff_token

ORDER_POLICY = """
query($amount: Decimal!) { viewer { ... on ShopUser { orderPolicy(amount: $amount) { route } } } }"""
SHOP_USERS_BY_STATUS = "query($status: ShopUserStatus) { shopUsers(status: $status) { totalCount } }"


def only_error(body: dict) -> dict:
    assert body.get("data") is None, body
    assert len(body.get("errors", [])) == 1, body
    return body["errors"][0]


def code_of(body: dict) -> str:
    return only_error(body)["extensions"]["code"]


def test_the_codes_are_the_ones_partners_are_told_of():
    assert {code.value for code in GraphQLErrorCode} == {
        "UNAUTHENTICATED", "FORBIDDEN", "PASSWORD_CHANGE_REQUIRED", "MFA_ENROLMENT_REQUIRED",
        "INVALID", "NOT_FOUND",
        "BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX",
        "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_HASH_MISMATCH",
        "RATE_LIMITED", "UNAVAILABLE", "INTERNAL",
    }
    assert all(code.description for code in GraphQLErrorCode)


# --- the document -----------------------------------------------------------------------------


async def test_a_syntax_error_is_graphql_parse_failed(client):
    body = await client.execute("{ viewer { __typename ")

    error = only_error(body)
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert error["message"].startswith("Syntax Error:")


async def test_a_syntax_error_sent_again_is_coded_again(client):
    # The second time the parser cache is asked first; a refusal is never cached.
    first = await client.execute("query { viewer { ")
    second = await client.execute("query { viewer { ")

    assert code_of(first) == code_of(second) == "GRAPHQL_PARSE_FAILED"


async def test_an_unknown_field_is_graphql_validation_failed(client):
    body = await client.execute("{ shops { noSuchField } }")

    error = only_error(body)
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "noSuchField" in error["message"]


async def test_a_missing_required_argument_is_graphql_validation_failed(client):
    assert code_of(await client.execute("{ registrationForm { open } }")) == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(("document", "words"), [
    pytest.param(
        "{ viewer { ... on ShopUser { contact { " + "debtor { contacts { " * 6 + "id" + " } }" * 6
        + " } } } }",
        f"exceeds maximum operation depth of {MAX_DEPTH}", id="depth",
    ),
    pytest.param(
        "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1)) + " }",
        f"Allowed: {MAX_ALIASES}", id="aliases",
    ),
    pytest.param(
        "{ " + "viewer { __typename } " * MAX_TOKENS + "}",
        f"more than {MAX_TOKENS} tokens", id="tokens",
    ),
])
async def test_a_document_over_a_limit_is_graphql_validation_failed_with_its_message(client, document, words):
    error = only_error(await client.execute(document))

    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert words in error["message"]


def validation_cache_hits() -> int:
    return verdict.cache_info().hits  # the one every request shares


async def test_a_refused_document_is_still_validated_from_the_cache(client):
    # Coding the errors must not change what the validation cache is keyed by.
    await client.execute("{ shops { stillNoSuchField } }")
    hits = validation_cache_hits()

    body = await client.execute("{ shops { stillNoSuchField } }")

    assert code_of(body) == "GRAPHQL_VALIDATION_FAILED"
    assert validation_cache_hits() == hits + 1


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["abc", "1,50", "", True, {"value": 1}])
async def test_a_decimal_variable_that_is_no_number_is_bad_user_input(client, amount):
    token = await customer_token(client)

    error = only_error(await client.execute(ORDER_POLICY, {"amount": amount}, token=token))

    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "$amount" in error["message"]


async def test_a_decimal_literal_that_is_no_number_is_bad_user_input(client):
    token = await customer_token(client)
    query = '{ viewer { ... on ShopUser { orderPolicy(amount: "abc") { route } } } }'

    error = only_error(await client.execute(query, token=token))

    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == 'Value cannot represent a Decimal: "abc".'


async def test_an_enum_argument_that_does_not_exist_is_bad_user_input(client):
    token = await staff_token(client)

    literal = await client.execute("{ shopUsers(status: RETIRED) { totalCount } }", token=token)
    variable = await client.execute(SHOP_USERS_BY_STATUS, {"status": "RETIRED"}, token=token)

    assert code_of(literal) == code_of(variable) == "BAD_USER_INPUT"
    assert "RETIRED" in only_error(literal)["message"]


@pytest.mark.parametrize("variables", [
    pytest.param({}, id="missing"),
    pytest.param({"shop": None}, id="null"),
    pytest.param({"shop": 42}, id="number-for-a-string"),
    pytest.param({"shop": ["flora"]}, id="list-for-a-string"),
])
async def test_a_variable_of_the_wrong_type_is_bad_user_input(client, variables):
    body = await client.execute("query($shop: String!) { registrationForm(shop: $shop) { open } }", variables)

    assert code_of(body) == "BAD_USER_INPUT"


async def test_null_for_a_required_argument_through_a_defaulted_variable_is_bad_user_input(client):
    # Valid as a document; refused only while the field runs, where the error has a path.
    token = await customer_token(client)
    query = ORDER_POLICY.replace("$amount: Decimal!", '$amount: Decimal = "10"')

    body = await client.execute(query, {"amount": None}, token=token)

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["path"] == ["viewer", "orderPolicy"]


# --- our own codes are kept -------------------------------------------------------------------


async def test_a_bad_query_argument_keeps_its_own_code_and_field(client):
    token = await staff_token(client)

    body = await client.execute("{ debtors(first: 500) { totalCount } }", token=token)

    assert only_error(body)["extensions"] == {
        "code": "INVALID",
        "field": ["first"],
        "problems": [{"code": "INVALID", "field": ["first"], "message": "Ask for 0 to 100 items a page."}],
    }


async def test_every_bad_argument_of_a_query_is_reported_at_once(client):
    token = await staff_token(client)

    body = await client.execute(
        '{ registrationRequests(shop: "nowhere", search: "a\\u0000b", first: 500, after: "x") '
        "{ totalCount } }",
        token=token,
    )

    extensions = only_error(body)["extensions"]
    assert [(p["field"], p["code"]) for p in extensions["problems"]] == [
        (["shop"], "NOT_FOUND"),
        (["search"], "INVALID"),
        (["first"], "INVALID"),
        (["after"], "INVALID"),
    ]
    # The first problem speaks for the error, so clients reading one code still can.
    assert (extensions["field"], extensions["code"]) == (["shop"], "NOT_FOUND")


async def test_a_refusal_by_permission_keeps_its_code(client):
    assert code_of(await client.execute("{ shops { handle } }")) == "UNAUTHENTICATED"
