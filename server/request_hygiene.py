"""What a GraphQL request's JSON must be before Strawberry may read it.

A body that is not UTF-8, JSON that is not an object (or a batch), and text
with unpaired surrogates (valid JSON escapes, but no database, hash or driver
can encode them) are refused with a 400 and `extensions.code = "INVALID"`,
instead of failing somewhere deep inside. Strawberry decodes every request's
JSON (a POST body, a GET's `variables`) through one method; `GatehouseGraphQL`
hands it `decode_request_json`, so each request is parsed once.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

MAX_NESTING_WALK = 100_000


class UnreadableRequest(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"data": None, "errors": [{"message": self.reason, "extensions": {"code": "INVALID"}}]},
            status_code=400,
        )


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
