"""A partner's webhook receiver: a real HTTP server (uvicorn) on a free loopback port, in a
thread of its own, that keeps every request it gets and answers each path as it is told:
a status, a redirect, or a stall."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.pg_cluster import free_port


@dataclass(frozen=True)
class Received:
    path: str
    # Lower-case names, as HTTP/1.1 leaves them free to be written.
    headers: dict[str, str]
    body: bytes
    # When it arrived, by time.monotonic().
    at: float = field(compare=False)


def hand_signature(secret: str, message_id: str, timestamp: int | str, body: str | bytes) -> str:
    """A Standard Webhooks signature worked out from the specification's text alone: the
    base64 HMAC-SHA256, keyed with the base64 after `whsec_`, of "{id}.{timestamp}.{body}"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    text = body.encode() if isinstance(body, str) else body
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + text, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Receiver:
    def __init__(self, *, certificate: tuple[Path, Path] | None = None) -> None:
        self.port = free_port()
        self.scheme = "https" if certificate else "http"
        self.received: list[Received] = []
        self._statuses: dict[str, list[int]] = {}
        self._redirects: dict[str, str] = {}
        self._stalls: dict[str, list[float]] = {}
        # Made in the server's own loop by the first stalled request: stopping ends every stall.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._released: asyncio.Event | None = None
        app = Starlette(routes=[Route("/{path:path}", self._answer, methods=["POST", "GET"])])
        certfile, keyfile = certificate or (None, None)
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="critical", lifespan="off",
            ssl_certfile=certfile, ssl_keyfile=keyfile, timeout_graceful_shutdown=1,
        ))
        self._thread = threading.Thread(target=self._server.run, name="webhook receiver", daemon=True)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def answer(self, path: str, *statuses: int) -> None:
        """Answer `path` with these statuses in turn, the last one from then on (else 200)."""
        self._statuses[path] = list(statuses)

    def redirect(self, path: str, to: str) -> None:
        self._redirects[path] = to

    def stall(self, path: str, *seconds: float) -> None:
        """Answer `path` only after these seconds in turn, the last from then on (or when the
        receiver stops)."""
        self._stalls[path] = list(seconds)

    def to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def start(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._released is not None:
            self._loop.call_soon_threadsafe(self._released.set)
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def _answer(self, request: Request) -> Response:
        path = request.url.path
        self.received.append(Received(
            path=path, headers=dict(request.headers), body=await request.body(), at=time.monotonic()
        ))
        if stalls := self._stalls.get(path):
            await self._wait_released(stalls.pop(0) if len(stalls) > 1 else stalls[0])
        if (location := self._redirects.get(path)) is not None:
            return RedirectResponse(location, status_code=302)
        statuses = self._statuses.get(path, [200])
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        return PlainTextResponse("thanks" if status < 300 else f"no luck, {status}", status_code=status)

    async def _wait_released(self, seconds: float) -> None:
        if self._released is None:
            self._loop, self._released = asyncio.get_running_loop(), asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), timeout=seconds)
