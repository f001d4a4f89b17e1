"""A client that goes away is no internal error.

When a client closes the connection before its body has been read (a load
generator stopping, a browser tab closed mid-upload) or while its answer is
written, the log gets one DEBUG line under the request id and no traceback, no
answer is sent to no one, and /metrics counts the request as `disconnected`,
never as INTERNAL. A real failure still is all three: logged with its
traceback, answered INTERNAL, counted.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Message

from server.app import create_app
from server.database import database
from server.observed_requests import DISCONNECTED, ObservedRequests
from server.request_ids import RequestIdMiddleware, is_client_disconnect
from server.settings import Settings
from tests.live_server import LiveServer

TOKEN = "metrics-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
REQUESTS = "gatehouse_graphql_requests_total"
TYPENAME = b'{"query": "{ __typename }"}'
# The head of a POST that promises more body than the client will ever send.
HALF_A_REQUEST = (
    b"POST /graphql HTTP/1.1\r\nHost: gatehouse.test\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n" + TYPENAME[:10]
)
CLIENTS_LEAVING = 3
# What only an error logged as unexpected (ours or uvicorn's) puts in the log.
ERROR_MARKERS = ["Unexpected error", "Traceback", "Exception in ASGI application", "ClientDisconnect"]


def counts_by_outcome(text: str, operation: str) -> dict[str, float]:
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == REQUESTS and sample.labels["operation"] == operation
    }


def scope_of(path: str = "/graphql", *, body_length: int) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "server": ("testserver", 80),
        "client": ("203.0.113.7", 4711),
        "headers": [
            (b"host", b"testserver"), (b"content-type", b"application/json"),
            (b"content-length", str(body_length).encode()),
        ],
    }


def leaving_halfway_through_the_body() -> Any:
    """An ASGI `receive` of a client that sends part of its body, then closes the connection."""
    messages: list[Message] = [
        {"type": "http.request", "body": TYPENAME[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0) if len(messages) > 1 else messages[0]

    return receive


def the_whole_body() -> Any:
    async def receive() -> Message:
        return {"type": "http.request", "body": TYPENAME, "more_body": False}

    return receive


class Sent:
    """An ASGI `send` that keeps what it was given; `gone` makes it fail as a closed socket does."""

    def __init__(self, *, gone: bool = False) -> None:
        self.messages: list[Message] = []
        self.gone = gone

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)
        if self.gone:
            raise BrokenPipeError(32, "Broken pipe")


@contextlib.asynccontextmanager
async def watched_app(tmp_path: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The application over an SQLite database without tables: any query in it fails."""
    url = f"sqlite://{tmp_path / 'no-tables.sqlite3'}"
    settings = replace(
        Settings(), database_url=url, cookie_secure=False, rate_limits="off", metrics_token=TOKEN
    )
    async with database(url, global_fallback=False):
        application = create_app(settings, manage_database=False)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield application, http


async def scrape(http: httpx.AsyncClient, operation: str) -> dict[str, float]:
    response = await http.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    return counts_by_outcome(response.text, operation)


def grown(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {outcome: after[outcome] - before.get(outcome, 0.0) for outcome in after
            if after[outcome] != before.get(outcome, 0.0)}


# --- in-process, the whole application -----------------------------------------------------


async def test_a_client_leaving_before_its_body_is_read_gets_a_debug_line_no_answer_and_no_internal_count(
    tmp_path, caplog
):
    # Given the application, its counts read
    caplog.set_level(logging.DEBUG, logger="gatehouse")
    async with watched_app(tmp_path) as (application, http):
        before = await scrape(http, "other")
        sent = Sent()

        # When a client sends part of the body it promised, then closes the connection
        await application(scope_of(body_length=1000), leaving_halfway_through_the_body(), sent)

        after = await scrape(http, "other")

    # Then it is sent nothing, counted as disconnected, and logged in one DEBUG line
    assert sent.messages == []  # no 500, nor anything else, to a client that is gone
    assert grown(before, after) == {DISCONNECTED: 1}
    (line,) = [record for record in caplog.records if record.name == "gatehouse.disconnects"]
    assert line.levelno == logging.DEBUG
    assert line.exc_info is None
    assert "closed the connection before the answer to request" in line.getMessage()
    assert line.getMessage().split()[-1].isalnum()  # the request id
    assert [record for record in caplog.records if record.name == "gatehouse.errors"] == []
    for marker in ERROR_MARKERS:
        assert marker not in caplog.text


async def test_a_client_gone_when_its_answer_is_written_is_no_internal_error_and_is_sent_nothing_more(
    tmp_path, caplog
):
    # Given the application, its counts read
    caplog.set_level(logging.DEBUG, logger="gatehouse")
    async with watched_app(tmp_path) as (application, http):
        before = await scrape(http, "__typename")
        gone = Sent(gone=True)

        # When the server cannot write the answer (the socket is closed)
        await application(scope_of(body_length=len(TYPENAME)), the_whole_body(), gone)

        after = await scrape(http, "__typename")

    # Then nothing more is tried (no 500 after the failed start), and it counts as disconnected
    assert [message["type"] for message in gone.messages] == ["http.response.start"]
    assert grown(before, after) == {DISCONNECTED: 1}
    (line,) = [record for record in caplog.records if record.name == "gatehouse.disconnects"]
    assert "closed the connection during the answer to request" in line.getMessage()
    assert line.exc_info is None
    assert [record for record in caplog.records if record.name == "gatehouse.errors"] == []


async def test_a_real_failure_outside_graphql_is_still_logged_with_its_traceback_answered_and_counted(
    tmp_path, caplog
):
    # Given a database without tables, so reading the caller's session fails: a bug, no outage
    caplog.set_level(logging.DEBUG, logger="gatehouse")
    async with watched_app(tmp_path) as (_, http):
        before = await scrape(http, "other")

        # When a signed-in request arrives
        response = await http.post(
            "/graphql", content=TYPENAME, headers={
                "Content-Type": "application/json", "Authorization": "Bearer some-session-token",
            },
        )

        after = await scrape(http, "other")

    # Then it is answered INTERNAL, logged in full under its id, and counted as INTERNAL
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"] == {"code": "INTERNAL", "requestId": request_id}
    (record,) = [record for record in caplog.records if record.name == "gatehouse.errors"]
    assert record.getMessage() == f"Unexpected error in request {request_id}"
    assert record.exc_info is not None
    assert grown(before, after) == {"INTERNAL": 1}
    assert [record for record in caplog.records if record.name == "gatehouse.disconnects"] == []


# --- in-process, the two middlewares around a Starlette endpoint ---------------------------


async def test_the_access_line_of_a_client_that_left_before_any_answer_shows_499(caplog):
    async def read_the_body(request: Request) -> JSONResponse:
        return JSONResponse({"length": len(await request.body())})

    # The route alone: a Starlette application would add its own 500 page outside the two.
    endpoint = Route("/graphql", read_the_body, methods=["POST"])
    watched = RequestIdMiddleware(ObservedRequests(endpoint, access_log=True))
    caplog.set_level(logging.DEBUG, logger="gatehouse")
    sent = Sent()

    await watched(scope_of(body_length=1000), leaving_halfway_through_the_body(), sent)

    assert sent.messages == []
    (access,) = [record for record in caplog.records if record.name == "gatehouse.access"]
    assert (access.status, access.operation) == (499, "other")
    assert "Traceback" not in caplog.text


def test_only_a_disconnect_is_one():
    assert is_client_disconnect(ClientDisconnect())
    assert is_client_disconnect(ExceptionGroup("task group", [ClientDisconnect(), ClientDisconnect()]))
    # An OSError may be the database's; a group with anything else in it holds a real error.
    assert not is_client_disconnect(BrokenPipeError(32, "Broken pipe"))
    assert not is_client_disconnect(ConnectionResetError(104, "reset"))
    assert not is_client_disconnect(ExceptionGroup("task group", [ClientDisconnect(), ValueError()]))
    assert not is_client_disconnect(RuntimeError("bug"))


# --- a real server and a real socket -------------------------------------------------------


def leave_halfway_through_the_body(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(HALF_A_REQUEST)
        time.sleep(0.2)  # the server has begun reading the body when the client leaves


def wait_for_disconnects(server: LiveServer, expected: int, timeout: float = 10.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{server.url}/metrics", headers=SCRAPER, timeout=5)
        counts = counts_by_outcome(response.text, "other")
        if counts.get(DISCONNECTED, 0) >= expected or time.monotonic() > deadline:
            return counts
        time.sleep(0.1)


def test_clients_leaving_a_real_server_mid_body_leave_no_error_in_its_log_nor_its_metrics(
    tmp_path: Path,
):
    # Given a real server
    stderr = tmp_path / "stderr.log"
    server = LiveServer(
        f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "stdout.log",
        environment={"GATEHOUSE_METRICS_TOKEN": TOKEN}, stderr_path=stderr,
    ).start()
    try:
        # When clients promise a body, send part of it and close their sockets
        for _ in range(CLIENTS_LEAVING):
            leave_halfway_through_the_body(server.port)
        counts = wait_for_disconnects(server, CLIENTS_LEAVING)
        # And the server still answers the next one
        answered = httpx.post(server.graphql_url, content=TYPENAME,
                              headers={"Content-Type": "application/json"}, timeout=5)
    finally:
        server.stop()

    # Then each is counted as disconnected, none as an internal error, and the log holds no error
    assert counts.get(DISCONNECTED) == CLIENTS_LEAVING, counts
    assert "INTERNAL" not in counts
    assert "5xx" not in counts
    assert answered.json() == {"data": {"__typename": "Query"}}
    log = stderr.read_text() + server.log()
    for marker in ERROR_MARKERS:
        assert marker not in log, log
