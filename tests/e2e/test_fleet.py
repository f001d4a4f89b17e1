"""Gatehouse as a fleet: several real `gatehouse serve` processes count against one real Redis.

The limits hold across processes (a password guesser gains nothing by spreading attempts over
the instances), `serve` refuses to start where the limits could not hold (memory counters
with several workers, a storage it cannot reach or use), and a Redis that goes away under a
running server fails sign-ins closed and everything else open, until it is back.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from auth.error_codes import GraphQLErrorCode
from tests.api.sign_in import LOGIN
from tests.factories import CUSTOMER_PASSWORD, make_customer, make_shop
from tests.graphql_answers import refusal
from tests.live_server import GATEHOUSE, LiveServer
from tests.pg_cluster import free_port
from tests.redis_server import RedisServer

WRONG_PASSWORD = "wrong-Password-1"
FORM = '{ registrationForm(shop: "flora") { open } }'
# How long a server may take to count again once its Redis is back (its client reconnects).
RECOVERY_SECONDS = 15.0


def login_body(password: str) -> dict:
    return {"query": LOGIN, "variables": {"shop": "flora", "username": "anna", "password": password}}


def login_codes(answer: httpx.Response) -> list[str]:
    return [error["code"] for error in answer.json()["data"]["login"]["userErrors"]]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[ExitStack]:
    """Whatever a test starts with `servers.enter_context(...)` is stopped at its end."""
    with ExitStack() as stack:
        yield stack


def serve_on(stack: ExitStack, database_url: str, log: Path, **environment: str) -> LiveServer:
    server = LiveServer(database_url, log, environment=environment)
    stack.callback(server.stop)
    return server.start()


def refused_start(
    tmp_path: Path, *options: str, prelude: str = "", **environment: str
) -> subprocess.CompletedProcess:
    """`gatehouse serve OPTIONS` that must not start; `prelude` runs first in its interpreter."""
    command = (
        [sys.executable, "-c", f"{prelude}; from server.cli import main; main()", "serve"]
        if prelude else [GATEHOUSE, "serve"]
    )
    return subprocess.run(
        [*command, "--port", str(free_port()), *options],
        env={
            "PATH": "/usr/bin:/bin",
            "GATEHOUSE_DATABASE_URL": f"sqlite://{tmp_path / 'gatehouse.sqlite3'}",
            **environment,
        },
        capture_output=True, text=True, timeout=60, check=False,
    )


def the_one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    return line


@pytest.mark.postgres_only
async def test_the_login_limit_holds_across_two_servers_on_one_redis(pg_db, redis_url, servers, tmp_path):
    await make_customer(await make_shop("flora"), "anna")
    first = serve_on(servers, pg_db, tmp_path / "first.log", GATEHOUSE_RATE_LIMIT_STORAGE=redis_url)
    second = serve_on(servers, pg_db, tmp_path / "second.log", GATEHOUSE_RATE_LIMIT_STORAGE=redis_url)

    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(*(
            http.post((first, second)[attempt % 2].graphql_url, json=login_body(WRONG_PASSWORD))
            for attempt in range(30)
        ))

    codes = [code for answer in answers for code in login_codes(answer)]
    assert len(codes) == 30
    # 10 a minute per address and per account: with counters of their own, each would allow 10.
    assert 1 <= codes.count("INVALID_CREDENTIALS") <= 10
    assert codes.count("RATE_LIMITED") == 30 - codes.count("INVALID_CREDENTIALS")


@pytest.mark.postgres_only
async def test_the_request_limit_holds_across_two_servers_and_answers_429(
    pg_db, redis_url, servers, tmp_path
):
    await make_shop("flora")
    limits = {"GATEHOUSE_RATE_LIMIT_STORAGE": redis_url, "GATEHOUSE_RATE_LIMITS": "request=3/minute"}
    first = serve_on(servers, pg_db, tmp_path / "first.log", **limits)
    second = serve_on(servers, pg_db, tmp_path / "second.log", **limits)

    async with httpx.AsyncClient() as http:
        statuses = [
            (await http.post(server.graphql_url, json={"query": FORM})).status_code
            for server in (first, second, first)
        ]
        refused = await http.post(second.graphql_url, json={"query": FORM})

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refusal(refused.json()) == GraphQLErrorCode.RATE_LIMITED


@pytest.mark.postgres_only
def test_several_workers_start_on_a_redis_storage(postgres_url, redis_url, servers, tmp_path):
    environment = {"GATEHOUSE_RATE_LIMIT_STORAGE": redis_url}
    server = LiveServer(postgres_url, tmp_path / "serve.log", environment=environment)
    servers.callback(server.stop)
    server.start("--workers", "2")

    ready = httpx.get(f"{server.url}/ready", timeout=10)

    assert ready.status_code == 200


def test_several_workers_with_memory_counters_refuse_to_start(tmp_path):
    line = the_one_line(refused_start(tmp_path, "--workers", "2"))

    assert "GATEHOUSE_RATE_LIMIT_STORAGE" in line
    assert "--workers 2" in line
    assert not (tmp_path / "gatehouse.sqlite3").exists()  # refused before anything was done


def test_several_workers_with_the_limits_off_may_count_in_memory(tmp_path, servers):
    server = LiveServer(
        f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "serve.log",
        environment={"GATEHOUSE_RATE_LIMITS": "off"},
    )
    servers.callback(server.stop)

    server.start("--workers", "2")  # nothing counts, so nothing is multiplied


def test_a_storage_that_cannot_be_reached_stops_the_start_in_one_line(tmp_path):
    port = free_port()

    line = the_one_line(refused_start(tmp_path, GATEHOUSE_RATE_LIMIT_STORAGE=f"redis://127.0.0.1:{port}/0"))

    assert line == (
        f"Error: GATEHOUSE_RATE_LIMIT_STORAGE: redis://127.0.0.1:{port}/0 cannot be reached; "
        "start Redis there or point the setting at one that answers."
    )


@pytest.mark.parametrize(
    ("storage", "said"),
    [
        ("redis://127.0.0.1:six/0", "the port in 'redis://127.0.0.1:six/0' is not a number"),
        ("memcached://127.0.0.1:11211", "is not memory:// or redis://host:port/db"),
    ],
)
def test_a_malformed_storage_url_stops_the_start_in_one_line(tmp_path, storage, said):
    line = the_one_line(refused_start(tmp_path, GATEHOUSE_RATE_LIMIT_STORAGE=storage))

    assert said in line


def test_a_redis_storage_without_its_client_library_names_the_extra(tmp_path):
    result = refused_start(
        tmp_path, prelude="import sys; sys.modules['coredis'] = None",  # as if never installed
        GATEHOUSE_RATE_LIMIT_STORAGE=f"redis://127.0.0.1:{free_port()}/0",
    )

    assert "pip install 'gatehouse[redis]'" in the_one_line(result)


def test_limits_that_cannot_be_read_stop_the_start_in_one_line(tmp_path):
    line = the_one_line(refused_start(tmp_path, GATEHOUSE_RATE_LIMITS="request=often"))

    assert "GATEHOUSE_RATE_LIMITS" in line


@pytest.mark.postgres_only
async def test_a_redis_gone_under_a_running_server_fails_sign_ins_closed_and_the_rest_open(
    pg_db, own_redis: RedisServer, servers, tmp_path
):
    await make_customer(await make_shop("flora"), "anna")
    server = serve_on(
        servers, pg_db, tmp_path / "serve.log", GATEHOUSE_RATE_LIMIT_STORAGE=own_redis.url,
        GATEHOUSE_RATE_LIMITS="request=90/minute",  # under 100: every request asks Redis (no batches)
    )
    async with httpx.AsyncClient(timeout=30) as http:
        signed_in = await http.post(server.graphql_url, json=login_body(CUSTOMER_PASSWORD))
        assert signed_in.json()["data"]["login"]["token"]
        own_redis.stop()

        refused = await http.post(server.graphql_url, json=login_body(CUSTOMER_PASSWORD))
        forms = [await http.post(server.graphql_url, json={"query": FORM}) for _ in range(3)]
        ready = await http.get(f"{server.url}/ready")

        own_redis.start()  # the same port: the server, not restarted, finds it again
        recovered = await signed_in_again(http, server)

    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert refusal(refused.json()) == GraphQLErrorCode.UNAVAILABLE
    assert [form.status_code for form in forms] == [200, 200, 200]
    assert all(form.json()["data"]["registrationForm"]["open"] is not None for form in forms)
    assert ready.status_code == 503
    assert ready.json()["down"] == ["rate_limit_storage"]
    assert recovered
    assert server.log().count("The request limit is not counted") == 1  # once a minute at most


async def signed_in_again(http: httpx.AsyncClient, server: LiveServer) -> bool:
    """Signs in until it works again or RECOVERY_SECONDS pass; whether it did."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        answer = await http.post(server.graphql_url, json=login_body(CUSTOMER_PASSWORD))
        if answer.status_code == 200 and answer.json()["data"]["login"]["token"]:
            return True
        await asyncio.sleep(0.2)
    return False
