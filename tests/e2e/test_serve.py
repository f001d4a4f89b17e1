"""The real server answers over HTTP: GraphQL, health, and the request id header."""

from __future__ import annotations

import httpx


async def test_a_real_server_answers_graphql_with_a_request_id(live_server):
    async with httpx.AsyncClient() as http:
        response = await http.post(live_server.graphql_url, json={"query": "{ __typename }"})

    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["x-request-id"]
