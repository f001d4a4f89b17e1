"""GATEHOUSE_LOG_FORMAT=json: one JSON object a line on standard error, an access line per request
with GATEHOUSE_ACCESS_LOG."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import httpx
import pytest

from server.log_format import REQUEST_ID, JsonFormatter, UnknownLogFormat, log_format_of, logging_config
from tests.live_server import LiveServer
from tests.server.command import run_gatehouse


def record(message: str, *args: object, exc_info: object = None, **extra: object) -> logging.LogRecord:
    made = logging.getLogger("gatehouse.test").makeRecord(
        "gatehouse.test", logging.ERROR, __file__, 1, message, args, exc_info, extra=extra  # type: ignore[arg-type]
    )
    return made


def test_a_line_has_time_level_logger_message_and_the_fields_it_was_given():
    line = json.loads(JsonFormatter().format(record("sent %d mails", 3, operation="login", status=200)))

    assert line["level"] == "ERROR"
    assert line["logger"] == "gatehouse.test"
    assert line["message"] == "sent 3 mails"
    assert line["operation"] == "login"
    assert line["status"] == 200
    assert line["time"].endswith("+00:00")
    assert "request_id" not in line
    assert "exception" not in line


def test_a_line_logged_while_a_request_is_served_names_its_id():
    token = REQUEST_ID.set("abc123")
    try:
        line = json.loads(JsonFormatter().format(record("hello")))
    finally:
        REQUEST_ID.reset(token)

    assert line["request_id"] == "abc123"


def test_an_exception_is_one_field_holding_the_traceback():
    try:
        raise RuntimeError("the disk is full")
    except RuntimeError:
        formatted = JsonFormatter().format(record("failed", exc_info=sys.exc_info()))

    assert "\n" not in formatted  # one line, whatever the traceback
    line = json.loads(formatted)
    assert line["message"] == "failed"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the disk is full" in line["exception"]


def test_an_unknown_format_is_refused():
    assert log_format_of({"GATEHOUSE_LOG_FORMAT": " JSON "}) == "json"
    assert log_format_of({}) == "text"
    with pytest.raises(UnknownLogFormat, match="'xml'"):
        log_format_of({"GATEHOUSE_LOG_FORMAT": "xml"})
    with pytest.raises(UnknownLogFormat):
        logging_config("yaml")


def test_serve_with_an_unknown_format_stops_at_start_with_one_line(database_file):
    result = run_gatehouse(database_file, "serve", env={"GATEHOUSE_LOG_FORMAT": "xml"})

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: GATEHOUSE_LOG_FORMAT is 'xml'; it must be one of text, json."
    ]


def test_in_text_the_access_log_stays_uvicorns_and_in_json_gatehouse_writes_it():
    text = logging_config("text")
    structured = logging_config("json")

    assert text["loggers"]["uvicorn.access"]["handlers"] == ["access"]
    assert structured["loggers"]["uvicorn.access"]["handlers"] == []
    assert structured["loggers"]["uvicorn.access"]["propagate"] is False
    assert structured["formatters"]["gatehouse"] == {"()": "server.log_format.JsonFormatter"}


def test_a_real_server_logs_each_line_as_json_with_an_access_line_per_request(tmp_path: Path):
    stderr = tmp_path / "stderr.log"
    server = LiveServer(
        f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "stdout.log",
        environment={"GATEHOUSE_LOG_FORMAT": "json", "GATEHOUSE_ACCESS_LOG": "1"}, stderr_path=stderr,
    ).start()
    try:
        answered = httpx.post(
            server.graphql_url, json={"query": "query Probe { __typename }", "operationName": "Probe"}
        )
        refused = httpx.post(server.graphql_url, content=b"{", headers={"Content-Type": "application/json"})
    finally:
        server.stop()

    lines = [json.loads(line) for line in stderr.read_text().splitlines()]
    assert lines, "nothing was logged"
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    access = {line["request_id"]: line for line in lines if line["logger"] == "gatehouse.access"}
    probe = access[answered.headers["x-request-id"]]
    assert (probe["operation"], probe["status"], probe["method"], probe["path"]) == (
        "Probe", 200, "POST", "/graphql"
    )
    assert probe["duration_ms"] >= 0
    assert access[refused.headers["x-request-id"]]["status"] == 400
    # /health, asked while the server started, has an access line with no operation.
    assert any(line["path"] == "/health" and "operation" not in line for line in access.values())
    assert any(line["logger"].startswith("uvicorn") for line in lines), "uvicorn's own lines as JSON too"
