"""What a GraphQL request's JSON must be before Strawberry may read it.

A body that is not UTF-8, JSON that is not an object (or a batch), JSON nested
deeper than `MAX_JSON_DEPTH` levels (which would otherwise exhaust the decoder's
recursion: a 500), and text with unpaired surrogates (valid JSON escapes, but
no database, hash or driver can encode them) are refused with a 400 and
`extensions.code = "INVALID"`, instead of failing somewhere deep inside. Strawberry decodes every request's
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

# Levels of arrays and objects a request's JSON may nest (a batch, its variables, an input
# object inside a list inside an input object...): far more than any operation needs, far
# fewer than would exhaust the recursion of whatever reads the values next.
MAX_JSON_DEPTH = 64
NESTED_TOO_DEEPLY = f"The request's JSON nests arrays and objects deeper than {MAX_JSON_DEPTH} levels."
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


def _is_unencodable(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _problem_in(payload: Any) -> str | None:
    """What no GraphQL client sends, found in the decoded JSON, as the reason to refuse it.

    Every value is looked at: the body limit (and the servers' limit on a URL) bound the walk.
    """
    pending = [(payload, 1)]
    while pending:
        value, depth = pending.pop()  # depth: the arrays and objects around it, itself included
        if _is_unencodable(value):
            return "The request holds text with unpaired surrogates, which cannot be stored."
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            return NESTED_TOO_DEEPLY
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return None


def decode_request_json(data: str | bytes) -> object:
    """The decoded JSON; `UnreadableRequest` for what no GraphQL client sends.

    Malformed JSON raises `json.JSONDecodeError`, which Strawberry answers itself.
    """
    try:
        payload = json.loads(data)
    except UnicodeDecodeError:
        raise UnreadableRequest("The request body is not UTF-8.") from None
    except RecursionError:  # the decoder recurses once a level: some thousand `[` exhaust it
        raise UnreadableRequest(NESTED_TOO_DEEPLY) from None
    if not isinstance(payload, dict | list):
        raise UnreadableRequest("The request's JSON is not an object.")
    problem = _problem_in(payload)
    if problem is not None:
        raise UnreadableRequest(problem)
    return payload
