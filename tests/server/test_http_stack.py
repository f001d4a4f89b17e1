"""The HTTP stack `gatehouse serve` runs: uvloop and httptools, no access line unless asked for,
start-up frozen out of the collector."""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.typing import Subprotocol

from server.settings import Settings
from server.uvicorn_options import COLLECTOR_THRESHOLDS, SERVED_APP, HttpStack, http_stack, uvicorn_options
from tests.live_server import LiveServer

PROBE = {"query": "query Probe { __typename }", "operationName": "Probe"}
# How uvicorn's access line names a request (its text format).
UVICORN_ACCESS = '"POST /graphql HTTP/1.1" 200'


def options(stack: HttpStack | None = None, **settings: object) -> dict:
    return uvicorn_options(
        Settings(**settings),  # type: ignore[arg-type]
        stack or HttpStack(loop="uvloop", http="httptools"),
        host="127.0.0.1", port=8000, workers=2,
    )


def test_the_default_install_serves_with_uvloop_and_httptools():
    stack = http_stack()

    assert (stack.loop, stack.http, stack.missing) == ("uvloop", "httptools", ())
    assert stack.fallback_note() is None


def test_without_the_fast_modules_it_falls_back_to_asyncio_and_h11_and_says_so_once():
    # given an install where neither can be imported
    stack = http_stack(can_import=lambda module: False)

    assert (stack.loop, stack.http) == ("asyncio", "h11")
    assert stack.fallback_note() == (
        "uvloop and httptools not installed: serving with the asyncio event loop and h11, which are slower."
    )
    only_parser = http_stack(can_import=lambda module: module == "uvloop")
    assert (only_parser.loop, only_parser.http, only_parser.missing) == ("uvloop", "h11", ("httptools",))


def test_uvicorn_is_handed_the_stack_and_the_factory_that_freezes_start_up():
    handed = options(HttpStack(loop="asyncio", http="h11"))

    assert (handed["loop"], handed["http"], handed["app"], handed["factory"]) == (
        "asyncio", "h11", SERVED_APP, True
    )
    # Every option is one uvicorn.run takes.
    inspect.signature(uvicorn.run).bind(**handed)


def test_a_websocket_message_may_be_64_kib_at_most():
    assert options()["ws_max_size"] == 64 * 1024


def padded_init(size: int) -> str:
    return json.dumps({"type": "connection_init", "payload": {"x": "x" * size}})


async def closing_code(url: str, first_message: str) -> int | None:
    """The code the server closes a graphql-transport-ws connection with after `first_message`."""
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=None) as socket:
        await socket.send(first_message)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    return closed.value.rcvd.code if closed.value.rcvd is not None else None


async def test_a_real_server_closes_a_websocket_whose_message_is_over_64_kib(tmp_path: Path):
    server = LiveServer(f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "serve.log").start()
    url = server.graphql_url.replace("http://", "ws://")
    try:
        # Under the limit the message reaches the application, which turns away a connection
        # that signs no staff member in; over it, uvicorn closes the connection first.
        within = await closing_code(url, padded_init(60_000))
        beyond = await closing_code(url, padded_init(70_000))
    finally:
        server.stop()

    assert within == 4403
    assert beyond == CloseCode.MESSAGE_TOO_BIG


@pytest.mark.parametrize(
    ("log_format", "asked", "uvicorns"),
    [("text", False, False), ("text", True, True), ("json", False, False), ("json", True, False)],
)
def test_uvicorns_access_line_only_when_asked_for_and_only_in_text(log_format, asked, uvicorns):
    assert options(log_format=log_format, access_log=asked)["access_log"] is uvicorns


def test_the_setting_is_off_unless_set():
    assert Settings.from_environ({}).access_log is False
    assert Settings.from_environ({"GATEHOUSE_ACCESS_LOG": "1"}).access_log is True
    assert Settings.from_environ({"GATEHOUSE_ACCESS_LOG": "false"}).access_log is False


def served(tmp_path: Path, environment: dict[str, str]) -> tuple[str, str, str]:
    """Serves one request; what the server wrote to standard output (where uvicorn's access
    lines go) and to standard error, and the libraries its process had loaded."""
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    server = LiveServer(
        f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", stdout, environment=environment, stderr_path=stderr,
    ).start()
    try:
        assert httpx.post(server.graphql_url, json=PROBE).status_code == 200
        assert server.process is not None
        libraries = Path(f"/proc/{server.process.pid}/maps").read_text()
    finally:
        server.stop()
    return stdout.read_text(), stderr.read_text(), libraries


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/maps")
def test_a_real_server_runs_uvloop_and_httptools_and_writes_no_access_line_by_default(tmp_path: Path):
    output, log, libraries = served(tmp_path, {"GATEHOUSE_LOG_FORMAT": "text"})

    # uvloop's event loop and httptools' parser are loaded in the serving process.
    assert f"{os.sep}uvloop{os.sep}loop." in libraries
    assert f"{os.sep}httptools{os.sep}parser{os.sep}" in libraries
    assert UVICORN_ACCESS not in output + log
    assert "GET /health" not in output + log
    # Start-up still logs.
    assert "Application startup complete." in log


def test_with_the_access_log_asked_for_a_text_server_writes_uvicorns_line_per_request(tmp_path: Path):
    output, log, _ = served(tmp_path, {"GATEHOUSE_LOG_FORMAT": "text", "GATEHOUSE_ACCESS_LOG": "1"})

    assert output.count(UVICORN_ACCESS) == 1
    assert UVICORN_ACCESS not in log


@pytest.mark.parametrize("asked", [False, True], ids=["default", "asked"])
def test_a_json_server_writes_its_own_access_line_only_when_asked(tmp_path: Path, asked: bool):
    environment = {"GATEHOUSE_LOG_FORMAT": "json", "GATEHOUSE_ACCESS_LOG": "1" if asked else "0"}
    output, log, _ = served(tmp_path, environment)

    assert "/graphql" not in output  # standard output has what serve prints, no log
    lines = [json.loads(line) for line in log.splitlines()]
    access = [line for line in lines if line["logger"] == "gatehouse.access" and line["path"] == "/graphql"]
    assert [(line["operation"], line["status"]) for line in access] == ([("Probe", 200)] if asked else [])
    assert not any(line["logger"] == "uvicorn.access" for line in lines)
    assert any(line["message"] == "Application startup complete." for line in lines)


FREEZE_COUNTS = """
import gc
from server.uvicorn_options import served_app
before = gc.get_freeze_count()
served_app()
print(before, gc.get_freeze_count(), *gc.get_threshold())
"""


def test_the_factory_uvicorn_imports_freezes_what_start_up_made_and_tunes_the_collector(tmp_path: Path):
    """In a process of its own, as each worker is: uvicorn calls `served_app` once there."""
    environment = {**os.environ, "GATEHOUSE_DATABASE_URL": f"sqlite://{tmp_path / 'gatehouse.sqlite3'}"}
    finished = subprocess.run(
        [sys.executable, "-c", FREEZE_COUNTS], env=environment, capture_output=True, text=True, check=True
    )

    before, after, *thresholds = map(int, finished.stdout.split())
    assert before == 0
    # The modules, the schema and the application: tens of thousands of objects at least.
    assert after > 10_000
    assert tuple(thresholds) == COLLECTOR_THRESHOLDS != gc.get_threshold()
