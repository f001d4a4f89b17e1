"""Abuse limits on the query itself: depth, aliases, size; introspection stays on; GET reads only.

Queries over a limit are refused while parsing or validating, before any
resolver runs: no SQL statement is sent. (With no token, `get_context` sends
none either, so an anonymous call that is refused sends nothing at all.)
"""

from __future__ import annotations

import graphql

from models import AuditEvent, Session, Shop
from schema.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.api.sign_in import customer_token, staff_token
from tests.query_counter import count_queries

VIEWER = "{ viewer { __typename ... on AdminUser { email } } }"


def viewer_chain(levels: int) -> str:
    """`viewer` with `levels` fields nested below it: contact { debtor { contacts { debtor ..."""
    names = ["contact"] + [("debtor", "contacts")[i % 2] for i in range(levels - 2)]
    body = "id"
    for name in reversed(names):
        body = f"{name} {{ {body} }}"
    return "{ viewer { ... on ShopUser { " + body + " } } }"


DEEP_BY_FRAGMENTS = """
query { viewer { ...User } }
fragment User on ShopUser { contact { ...Contact } }
fragment Contact on ContactPerson { debtor { ...Debtor } }
fragment Debtor on Debtor { contacts { debtor { contacts { debtor { contacts { debtor {
  contacts { debtor { contacts { debtor { contacts { id } } } } } } } } } } } }
"""

CYCLIC_FRAGMENTS = """
query { viewer { ...User } }
fragment User on ShopUser { contact { ...Contact } }
fragment Contact on ContactPerson { debtor { contacts { ...Contact } } }
"""


def only_error(body: dict) -> dict:
    assert body.get("data") is None, body
    assert len(body.get("errors", [])) == 1, body
    return body["errors"][0]


# --- depth ----------------------------------------------------------------------------------


async def test_viewer_chain_has_the_depth_it_claims():
    # The helper itself: `levels` counts every field below viewer, the leaf included.
    assert viewer_chain(4) == "{ viewer { ... on ShopUser { contact { debtor { contacts { id } } } } } }"


async def test_query_deeper_than_the_limit_is_refused_before_it_runs(client):
    with count_queries() as statements:
        body = await client.execute(viewer_chain(MAX_DEPTH + 1))

    error = only_error(body)
    assert "depth" in error["message"]
    assert str(MAX_DEPTH) in error["message"]
    assert statements == []


async def test_query_at_the_depth_limit_runs_and_resolves_for_a_customer(client):
    # The counterpart: one level less is allowed and really walks the graph.
    token = await customer_token(client)

    data = await client.data(viewer_chain(MAX_DEPTH), token=token)

    node = data["viewer"]
    walked = 0
    while "id" not in node:
        (node,) = node.values()
        node = node[0] if isinstance(node, list) else node
        walked += 1
    assert walked == MAX_DEPTH - 1
    assert node["id"]


async def test_refused_deep_query_of_a_signed_in_customer_reads_nothing_but_the_session(client):
    token = await customer_token(client)

    with count_queries() as statements:
        body = await client.execute(viewer_chain(MAX_DEPTH + 1), token=token)

    assert "depth" in only_error(body)["message"]
    assert len(statements) == 1  # the session lookup in get_context, nothing of the query
    assert "session" in statements[0].lower()


async def test_depth_hidden_in_named_fragments_still_counts(client):
    with count_queries() as statements:
        body = await client.execute(DEEP_BY_FRAGMENTS)

    assert "depth" in only_error(body)["message"]
    assert statements == []


async def test_cyclic_fragments_are_refused_without_running(client):
    with count_queries() as statements:
        body = await client.execute(CYCLIC_FRAGMENTS)

    assert body["data"] is None
    assert body["errors"], body
    assert any("itself" in error["message"] for error in body["errors"])
    assert statements == []


# --- aliases --------------------------------------------------------------------------------


def aliased_create_shops(count: int) -> str:
    calls = " ".join(
        f's{i}: createShop(input: {{handle: "shop-{i}", name: "Shop {i}"}}) {{ shop {{ handle }} }}'
        for i in range(count)
    )
    return "mutation { " + calls + " }"


async def test_more_aliases_than_the_limit_are_refused_and_nothing_runs(client):
    token = await staff_token(client)
    events_before = await AuditEvent.all().count()

    body = await client.execute(aliased_create_shops(MAX_ALIASES + 1), token=token)

    error = only_error(body)
    assert "aliases" in error["message"]
    assert str(MAX_ALIASES) in error["message"]
    assert await Shop.all().count() == 0
    assert await AuditEvent.all().count() == events_before


async def test_aliases_up_to_the_limit_run(client):
    token = await staff_token(client)

    data = await client.data(aliased_create_shops(MAX_ALIASES), token=token)

    assert len(data) == MAX_ALIASES
    assert await Shop.all().count() == MAX_ALIASES


async def test_aliases_inside_fragments_are_counted(client):
    aliases = " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1))
    query = "query { viewer { ...Aliased } } fragment Aliased on Viewer { " + aliases + " }"

    with count_queries() as statements:
        body = await client.execute(query)

    assert "aliases" in only_error(body)["message"]
    assert statements == []


# --- size -----------------------------------------------------------------------------------


def create_shop_with_tags(count: int) -> str:
    """A createShop whose price-list tags literal alone holds `count` tokens (one tag, repeated)."""
    tags = ", ".join('"gold"' for _ in range(count))
    return (
        f'mutation {{ createShop(input: {{handle: "big", name: "Big", defaultPriceListTags: [{tags}]}}) '
        "{ shop { handle defaultPriceListTags } userErrors { code } } }"
    )


async def test_query_with_more_tokens_than_the_limit_is_refused_before_it_runs(client):
    with count_queries() as statements:
        body = await client.execute(create_shop_with_tags(MAX_TOKENS))

    error = only_error(body)
    # Refused while parsing: not the UNAUTHENTICATED an anonymous createShop gets once it runs.
    assert "extensions" not in error or error["extensions"].get("code") != "UNAUTHENTICATED"
    assert "tokens" in error["message"]
    assert str(MAX_TOKENS) in error["message"]
    assert statements == []


async def test_too_large_a_mutation_writes_nothing_even_for_staff(client):
    token = await staff_token(client)

    body = await client.execute(create_shop_with_tags(MAX_TOKENS), token=token)

    assert "tokens" in only_error(body)["message"]
    assert not await Shop.exists(handle="big")


async def test_query_just_under_the_token_limit_runs(client):
    token = await staff_token(client)

    data = await client.data(create_shop_with_tags(MAX_TOKENS - 100), token=token)

    assert data["createShop"] == {
        "shop": {"handle": "big", "defaultPriceListTags": ["gold"]}, "userErrors": []
    }


# --- introspection --------------------------------------------------------------------------


async def test_standard_introspection_query_works_anonymously(client):
    body = await client.execute(graphql.get_introspection_query())

    assert "errors" not in body, body["errors"]
    client_schema = graphql.build_client_schema(body["data"])
    assert "viewer" in client_schema.query_type.fields  # type: ignore[union-attr]  # built with a Query
    assert "createShop" in client_schema.mutation_type.fields  # type: ignore[union-attr]  # and a Mutation
    for enum, value in [("UserErrorCode", "RATE_LIMITED"), ("GraphQLErrorCode", "UNAUTHENTICATED")]:
        codes = client_schema.get_type(enum)
        assert isinstance(codes, graphql.GraphQLEnumType)
        assert value in codes.values


async def test_introspection_with_every_option_a_modern_client_sends_works(client):
    query = graphql.get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
        one_of=True,
    )

    body = await client.execute(query)

    assert "errors" not in body, body["errors"]
    assert graphql.build_client_schema(body["data"]).get_type("Shop") is not None


async def test_introspection_over_get_works(client):
    response = await client.http.get(
        "/graphql", params={"query": graphql.get_introspection_query()}
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


# --- GET is for queries only ----------------------------------------------------------------

CREATE_SHOP = 'mutation { createShop(input: {handle: "via-get", name: "Via GET"}) { shop { handle } } }'


async def test_query_over_get_works(client):
    token = await staff_token(client)

    response = await client.http.get(
        "/graphql", params={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": {"__typename": "AdminUser", "email": "staff@example.com"}}
    }


async def test_mutation_over_get_with_a_staff_token_is_refused_and_writes_nothing(client):
    token = await staff_token(client)
    events_before = await AuditEvent.all().count()

    response = await client.http.get(
        "/graphql", params={"query": CREATE_SHOP}, headers={"Authorization": f"Bearer {token}"}
    )

    assert 400 <= response.status_code < 500
    assert "mutation" in response.text.lower()
    assert not await Shop.exists(handle="via-get")
    assert await AuditEvent.all().count() == events_before


async def test_mutation_over_get_with_the_session_cookie_is_refused(client):
    # A link or <img src> on another site sends a SameSite=Lax cookie with a top-level GET:
    # this is the cross-site request that must not act.
    await staff_token(client)
    data = await client.data(
        "mutation { adminLogin(input: {email: \"staff@example.com\", password: \"tulip-Harvest-2026\"})"
        " { token } }"
    )
    assert client.http.cookies.get("gatehouse_session") == data["adminLogin"]["token"]

    response = await client.http.get("/graphql", params={"query": CREATE_SHOP})

    assert 400 <= response.status_code < 500
    assert not await Shop.exists(handle="via-get")


async def test_logout_over_get_is_refused_and_the_session_lives_on(client):
    token = await staff_token(client)
    sessions_before = await Session.all().count()

    response = await client.http.get(
        "/graphql",
        params={"query": "mutation { logout { loggedOut } }"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert 400 <= response.status_code < 500
    assert await Session.all().count() == sessions_before
    assert (await client.data(VIEWER, token=token))["viewer"]["email"] == "staff@example.com"


async def test_mutation_chosen_by_operation_name_over_get_is_refused(client):
    token = await staff_token(client)
    document = "query Read { viewer { __typename } } " + CREATE_SHOP.replace(
        "mutation {", "mutation Write {", 1
    )

    response = await client.http.get(
        "/graphql",
        params={"query": document, "operationName": "Write"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert 400 <= response.status_code < 500
    assert not await Shop.exists(handle="via-get")
