"""Two real servers on one PostgreSQL: the public form one keeps in memory follows changes made
through the other, and each keeps its own persisted documents.

Each server keeps its anonymous public answers (server/public_answers.py) and hears the
other's changes of shops through PostgreSQL LISTEN/NOTIFY (server/change_listener.py).
"""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from models import Shop
from tests.api.sign_in import ADMIN_LOGIN
from tests.e2e.conftest import LISTENING
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres_only

FORM = '{ registrationForm(shop: "flora") { open languages } }'
APQ = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(FORM.encode()).hexdigest()}}
OPEN_THE_SHOP = """
mutation { updateShopSettings(input: {shop: "flora", registrationEnabled: true}) { userErrors { code } } }"""
HEARING_SECONDS = 10.0
BEFORE = {"open": False, "languages": ["nl", "en", "de", "fr"]}


async def form(http: httpx.AsyncClient, server: LiveServer) -> httpx.Response:
    answer = await http.get(server.graphql_url, params={"query": FORM})
    assert answer.status_code == 200, answer.text
    return answer


async def test_a_change_through_one_server_shows_in_the_others_next_answer(two_servers):
    first, second = two_servers
    await make_shop("flora")
    await make_admin("owner@example.com")
    async with httpx.AsyncClient(timeout=30) as http:
        await second.logged(LISTENING)
        warm = await form(http, second)
        # A write no instance announces: the second server answers from memory, unchanged.
        await Shop.filter(handle="flora").update(languages=["de"])
        from_memory = await form(http, second)
        assert from_memory.content == warm.content
        assert warm.json()["data"]["registrationForm"] == BEFORE

        login = await http.post(first.graphql_url, json={
            "query": ADMIN_LOGIN, "variables": {"email": "owner@example.com", "password": ADMIN_PASSWORD},
        })
        token = login.json()["data"]["adminLogin"]["token"]
        http.cookies.clear()  # the session cookie would make the form's requests someone's
        changed = await http.post(
            first.graphql_url, json={"query": OPEN_THE_SHOP}, headers={"Authorization": f"Bearer {token}"}
        )
        assert changed.json()["data"]["updateShopSettings"]["userErrors"] == []

        # the very next request to the other server, with no If-None-Match and no pause
        after = await form(http, second)

    assert after.json()["data"]["registrationForm"] == {"open": True, "languages": ["de"]}
    assert after.headers["etag"] != warm.headers["etag"]
    assert after.headers["cache-control"] == "public, max-age=60"


async def test_each_server_keeps_its_own_persisted_documents(two_servers):
    first, second = two_servers
    await make_shop("flora")
    by_hash = {"extensions": json.dumps(APQ)}
    async with httpx.AsyncClient(timeout=30) as http:
        await http.post(first.graphql_url, json={"query": FORM, "extensions": APQ})
        on_first = await http.get(first.graphql_url, params=by_hash)
        on_second = await http.get(second.graphql_url, params=by_hash)
        await http.post(second.graphql_url, json={"query": FORM, "extensions": APQ})  # the client's resend
        resent = await http.get(second.graphql_url, params=by_hash)

    assert on_first.json()["data"]["registrationForm"]["open"] is False
    assert on_second.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert resent.json() == on_first.json()
