"""Refuses request bodies no GraphQL client sends, before Strawberry reads them.

A body that is not UTF-8, JSON that is not an object, and text with unpaired
surrogates (valid JSON escapes, but no database, hash or driver can encode
them) are answered with a 400 and `extensions.code = "INVALID"`, instead of
failing somewhere deep inside.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_NESTING_WALK = 100_000


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


def body_problem(body: bytes) -> str | None:
    """Why the body cannot be a GraphQL request, or None to let Strawberry read it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "The request body is not UTF-8."
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return None  # Strawberry answers malformed JSON itself
    if not isinstance(payload, dict | list):
        return "The request body is not a JSON object."
    if _has_unencodable_text(payload):
        return "The request holds text with unpaired surrogates, which cannot be stored."
    return None


def query_string_problem(query_string: bytes) -> str | None:
    """The same for a GET: its `variables` parameter is JSON too."""
    try:
        parameters = parse_qs(query_string.decode("utf-8"))
    except UnicodeDecodeError:
        return "The query string is not UTF-8."
    for variables in parameters.get("variables", []):
        try:
            payload = json.loads(variables)
        except (ValueError, RecursionError):
            continue  # Strawberry answers malformed variables itself
        if _has_unencodable_text(payload):
            return "The request holds text with unpaired surrogates, which cannot be stored."
    return None


class RequestHygieneMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            problem = query_string_problem(scope.get("query_string", b""))
            if problem is None:
                await self.app(scope, receive, send)
            else:
                await _refuse(problem)(scope, receive, send)
            return
        if scope["method"] != "POST" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, disconnected = await _read_body(receive)
        problem = None if disconnected else body_problem(body)
        if problem is not None:
            await _refuse(problem)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _refuse(problem: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": problem, "extensions": {"code": "INVALID"}}]},
        status_code=400,
    )


def _is_json(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return b"json" in content_type.lower()


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False
