"""What a GraphQL request's JSON must be before Strawberry may read it.

A body that is not UTF-8, JSON that is not an object (or a batch), and text
with unpaired surrogates (valid JSON escapes, but no database, hash or driver
can encode them) are refused with a 400 and `extensions.code = "INVALID"`,
instead of failing somewhere deep inside. Strawberry decodes every request's
JSON (a POST body, a GET's `variables`) through one method; `GatehouseGraphQL`
hands it `decode_request_json`, so each request is parsed once. A body over
256 KiB is refused with a 413 before it is read any further (`BodySizeLimit`).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.error_codes import GraphQLErrorCode

MAX_NESTING_WALK = 100_000
# Far above any query, variables or bulk decision of 500 ids a dashboard sends; a body must
# not be able to fill memory (or the cache of parsed documents).
MAX_BODY_BYTES = 256 * 1024


def refusal(message: str, status_code: int) -> JSONResponse:
    """A refusal before GraphQL begins, in GraphQL's error shape."""
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": GraphQLErrorCode.INVALID}}]},
        status_code=status_code,
    )


class UnreadableRequest(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def response(self) -> JSONResponse:
        return refusal(self.reason, 400)


# What Strawberry refuses before GraphQL begins, told in our words and GraphQL's shape.
_HTTP_REFUSALS = {
    400: "Send a GraphQL request: JSON with a `query` string (POST, Content-Type application/json) "
    "or a GET with `query`.",
    404: "Send a GraphQL query to this address.",
    405: "Use POST, or GET for queries only.",
}
# Strawberry's reasons for a 400 that a client can act on, as fragments of its wording.
_NAME_THE_OPERATION = "Name the operation to run (`operationName`) among those the document defines."
_REASONS_400 = {
    "not allowed when using GET": "GET serves queries only: send mutations with POST.",
    "Unknown operation named": _NAME_THE_OPERATION,
    "Can't get GraphQL operation type": _NAME_THE_OPERATION,
}


def refused_http_request(status_code: int, reason: str) -> JSONResponse:
    message = _HTTP_REFUSALS.get(status_code, "This request cannot be served.")
    if status_code == 400:
        message = next((ours for theirs, ours in _REASONS_400.items() if theirs in reason), message)
    return refusal(message, status_code)


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuses a request body over `MAX_BODY_BYTES` with a 413 in GraphQL's error shape: at
    once when its Content-Length says so, else as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._declared_too_large(Headers(scope=scope).get("content-length", "")):
            await self._too_large()(scope, receive, send)
            return
        received = 0
        answering = False

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLarge
            return message

        async def send_noting_the_answer(message: Message) -> None:
            nonlocal answering
            answering = answering or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_noting_the_answer)
        except _BodyTooLarge:
            if answering:  # too late for a refusal of our own (no app here answers before reading)
                raise
            await self._too_large()(scope, receive, send)

    def _declared_too_large(self, declared: str) -> bool:
        if not (declared.isascii() and declared.isdigit()):
            return False  # no length, or one the server will not believe either
        return len(declared) > 18 or int(declared) > self.max_bytes

    def _too_large(self) -> JSONResponse:
        return refusal(f"The request body is larger than {self.max_bytes // 1024} KiB.", 413)


def _has_unencodable_text(payload: Any) -> bool:
    pending = [payload]
    seen = 0
    while pending and seen < MAX_NESTING_WALK:
        value = pending.pop()
        seen += 1
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def decode_request_json(data: str | bytes) -> object:
    """The decoded JSON; `UnreadableRequest` for what no GraphQL client sends.

    Malformed JSON raises `json.JSONDecodeError`, which Strawberry answers itself.
    """
    try:
        payload = json.loads(data)
    except UnicodeDecodeError:
        raise UnreadableRequest("The request body is not UTF-8.") from None
    if not isinstance(payload, dict | list):
        raise UnreadableRequest("The request's JSON is not an object.")
    if _has_unencodable_text(payload):
        raise UnreadableRequest(
            "The request holds text with unpaired surrogates, which cannot be stored."
        )
    return payload
