"""How the log looks on standard error: `text` for a terminal, or `json`, one object a line.

`GATEHOUSE_LOG_FORMAT=json` makes every line one JSON object: `time` (ISO 8601,
UTC), `level`, `logger`, `message`, `request_id` while a request is being
served (server/request_ids.py sets `REQUEST_ID`), whatever a line adds
(`operation`, `status`, `duration_ms` for each request's access line, written when
GATEHOUSE_ACCESS_LOG asks for it), and
`exception` with the traceback when there is one. The traceback is for the log
only: clients get a request id (server/request_ids.py, schema/masking.py).

`serve` hands uvicorn a logging configuration of the same format, so each
worker process (started afresh, not forked) logs the same way.
"""

from __future__ import annotations

import copy
import json
import logging
import logging.config
import os
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

TEXT = "text"
JSON = "json"
LOG_FORMATS = (TEXT, JSON)
TEXT_LAYOUT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The id of the request being served, for every line logged while serving it.
REQUEST_ID: ContextVar[str | None] = ContextVar("gatehouse_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came as `extra` and is a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName",
    "color_message",  # uvicorn's coloured copy of the message
}


class UnknownLogFormat(ValueError):
    """GATEHOUSE_LOG_FORMAT names no format."""


def log_format_of(environ: Mapping[str, str] | None = None) -> str:
    """GATEHOUSE_LOG_FORMAT, checked; read as Settings reads it, for a command not yet started."""
    name = (os.environ if environ is None else environ).get("GATEHOUSE_LOG_FORMAT", TEXT).strip().lower()
    return checked(name)


def checked(name: str) -> str:
    if name not in LOG_FORMATS:
        raise UnknownLogFormat(
            f"GATEHOUSE_LOG_FORMAT is '{name}'; it must be one of {', '.join(LOG_FORMATS)}."
        )
    return name


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _formatter(name: str) -> dict[str, Any]:
    if name == JSON:
        return {"()": f"{__name__}.JsonFormatter"}
    return {"format": TEXT_LAYOUT}


def logging_config(name: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for `serve`: uvicorn's own, plus the root in `name`'s format.

    In `text`, uvicorn's lines and its access log (when GATEHOUSE_ACCESS_LOG turns it on) stay
    as uvicorn writes them. In `json`, uvicorn's lines go through the root as JSON, and its
    access log is off: with GATEHOUSE_ACCESS_LOG, Gatehouse writes one JSON access line per
    request instead (server/observed_requests.py).
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["gatehouse"] = _formatter(checked(name))
    config["handlers"]["gatehouse"] = {
        "class": "logging.StreamHandler", "formatter": "gatehouse", "stream": "ext://sys.stderr",
    }
    config["root"] = {"handlers": ["gatehouse"], "level": "INFO"}
    config["loggers"]["tortoise"] = {"level": "WARNING"}
    # httpx writes a line per webhook delivery at INFO; the deliverer logs what matters.
    config["loggers"]["httpx"] = {"level": "WARNING"}
    config["loggers"]["httpcore"] = {"level": "WARNING"}
    if name == JSON:
        config["loggers"]["uvicorn"] = {"level": "INFO", "handlers": [], "propagate": True}
        config["loggers"]["uvicorn.access"] = {"level": "INFO", "handlers": [], "propagate": False}
    return config


def configure_logging(name: str) -> None:
    """The log of a command (before `serve` hands its own configuration to uvicorn)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if checked(name) == JSON else logging.Formatter(TEXT_LAYOUT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    for quiet in ("tortoise", "httpx", "httpcore"):
        logging.getLogger(quiet).setLevel(logging.WARNING)
