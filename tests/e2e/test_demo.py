"""`gatehouse serve --demo`, as `make run` starts it: the demo loads once, and every start
says how to sign in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from server.demo import ADMIN_EMAIL, ADMIN_PASSWORD, CUSTOMER_PASSWORD, CUSTOMERS
from tests.live_server import GATEHOUSE, LiveServer

SIGN_IN = """mutation($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) {
    token userErrors { code }
    viewer { ... on ShopUser { shop { handle storefrontUrl } } }
  }
}"""


def test_every_start_with_the_demo_prints_how_to_sign_in_and_every_account_works(tmp_path: Path):
    database_url = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    server = LiveServer(database_url, tmp_path / "serve.log")
    for _ in range(2):
        server.start("--demo")
        server.stop()
    log = server.log()
    assert log.count(f'adminLogin(input: {{email: "{ADMIN_EMAIL}", password: "{ADMIN_PASSWORD}"}})') == 2

    server.start("--demo")
    try:
        for customer in CUSTOMERS:
            printed = (
                f'login(input: {{shop: "{customer.shop}", username: "{customer.email}", '
                f'password: "{CUSTOMER_PASSWORD}"}})'
            )
            assert log.count(printed) == 2
            variables = {"shop": customer.shop, "username": customer.email, "password": CUSTOMER_PASSWORD}
            answer = httpx.post(server.graphql_url, json={"query": SIGN_IN, "variables": variables}).json()
            login = answer["data"]["login"]
            assert login["userErrors"] == []
            assert login["token"]
            # Every demo shop has a storefront, so its mails link there and not to the API server.
            assert login["viewer"]["shop"]["storefrontUrl"].startswith("http://127.0.0.1:300")
    finally:
        server.stop()


def test_a_database_of_its_own_gets_no_demo_and_the_start_says_so(tmp_path: Path):
    database_url = f"sqlite://{tmp_path / 'mine.sqlite3'}"
    server = LiveServer(database_url, tmp_path / "serve.log")
    environment = {**server.environment, "GATEHOUSE_DATABASE_URL": database_url}
    for command in (["migrate"], ["create-shop", "--handle", "mine", "--name", "Mine"]):
        subprocess.run([GATEHOUSE, *command], env=environment, check=True)

    server.start("--demo")
    server.stop()

    assert "no demo was loaded" in server.log()
    assert ADMIN_PASSWORD not in server.log()
