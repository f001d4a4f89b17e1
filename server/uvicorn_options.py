"""What `gatehouse serve` hands uvicorn: the application factory, the event loop, the HTTP parser,
the log.

The default install brings uvloop and httptools (pyproject.toml), so `serve` runs uvicorn's fast
event loop and HTTP parser; where one cannot be imported (uvloop has no Windows build) it falls
back to asyncio's loop and h11, and says so in one line at start. The per-request access line is
off unless GATEHOUSE_ACCESS_LOG asks for it: uvicorn's own in the text log, Gatehouse's JSON line
(server/observed_requests.py) in the JSON log.

uvicorn imports `served_app` in every worker process; it builds the application, then moves what
start-up made (modules, the schema, the application) out of the collector's generations with
`gc.freeze()`, so a collection under load no longer walks those long-lived objects, and makes
the collector's young generation larger (`COLLECTOR_THRESHOLDS`). Before building, it has freed
blocks as large as an argon2id hash's returned to the system (server/memory.py).
"""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp

from server.log_format import JSON, logging_config
from server.memory import large_blocks_returned
from server.settings import Settings

# The factory uvicorn imports in each worker (a string, so a worker process imports it afresh).
SERVED_APP = f"{__name__}:served_app"
# The largest WebSocket message a client may send; a larger one closes the connection (1009).
WS_MAX_MESSAGE_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpStack:
    """uvicorn's `loop` and `http`, and the fast modules that could not be imported."""

    loop: str
    http: str
    missing: tuple[str, ...] = ()

    def fallback_note(self) -> str | None:
        """The one line `serve` logs when it runs without uvloop or httptools."""
        if not self.missing:
            return None
        return (
            f"{' and '.join(self.missing)} not installed: serving with the {self.loop} event loop "
            f"and {self.http}, which are slower."
        )


def importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def http_stack(can_import: Callable[[str], bool] = importable) -> HttpStack:
    """uvloop and httptools where they can be imported; asyncio and h11 otherwise."""
    fast_loop, fast_parser = can_import("uvloop"), can_import("httptools")
    missing = [name for name, there in (("uvloop", fast_loop), ("httptools", fast_parser)) if not there]
    return HttpStack(
        loop="uvloop" if fast_loop else "asyncio",
        http="httptools" if fast_parser else "h11",
        missing=tuple(missing),
    )


def uvicorn_options(
    settings: Settings, stack: HttpStack, *, host: str, port: int, workers: int
) -> dict[str, Any]:
    """The keyword arguments of `uvicorn.run`."""
    return {
        "app": SERVED_APP,
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "loop": stack.loop,
        "http": stack.http,
        # Live subscriptions (graphql-transport-ws) over the websockets library's sans-I/O core.
        "ws": "websockets-sansio",
        # A graphql-transport-ws message is a query and its variables: 64 KiB is ample, where
        # uvicorn's 16 MiB would let each socket make the server hold that much per message.
        "ws_max_size": WS_MAX_MESSAGE_BYTES,
        # The application itself reads the forwarding headers (server/proxies.py), and its
        # answers name no server software.
        "proxy_headers": False,
        "server_header": False,
        "log_level": "debug" if settings.debug else "info",
        # The same log format in every worker.
        "log_config": logging_config(settings.log_format),
        # In json, Gatehouse writes the access lines itself (server/app.py), so uvicorn's stay off.
        "access_log": settings.access_log and settings.log_format != JSON,
    }


def served_app() -> ASGIApp:
    """The application of one worker process, its start-up objects frozen out of the collector."""
    from server.app import create_app

    large_blocks_returned()
    app = create_app()
    frozen_start_up()
    return app


# A page of 100 requests with what is around them makes some 100,000 objects, and 16 of them in
# flight keep them alive at once: at Python's default (a young collection every 700 new
# objects) the collector ran hundreds of times a page, promoting what was about to be freed.
# With a young generation of 20,000 the staff page at c=16 went from about 13 to 18 req/s and
# its CPU per request from 72 to 54 ms; the customer read from 236 to 295 req/s (docs/benchmarks.md).
COLLECTOR_THRESHOLDS = (20_000, 50, 100)


def frozen_start_up() -> None:
    """Collects start-up's garbage first (frozen, it would never be freed), freezes the rest,
    and sets the collector's thresholds for serving."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
