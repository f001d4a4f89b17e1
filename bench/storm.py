"""A storm of sign-ins from a process of its own: `python -m bench.storm URL USERNAME PASSWORD`.

Keeps 50 `login`s in flight until stopped. `bench.api` measures the form's latency
from its own process meanwhile, so what it sees is the server's stall, not its own
event loop busy with 50 sign-ins' answers.
"""

from __future__ import annotations

import asyncio
import sys

from bench.load import hammer

LOGIN = """mutation($username: String!, $password: String!) {
  login(input: {shop: "flora", username: $username, password: $password}) { token userErrors { code } } }"""
AT_ONCE = 50


def main() -> None:
    url, username, password = sys.argv[1:4]
    body = {"query": LOGIN, "variables": {"username": username, "password": password}}
    asyncio.run(hammer(url, body, requests=sys.maxsize, concurrency=AT_ONCE))


if __name__ == "__main__":
    main()
