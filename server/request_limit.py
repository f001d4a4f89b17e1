"""The `request` limit: every HTTP request to /graphql, per client address (rule 14 of docs/api.md).

Counted before anything else works on the request (the body is not even read), so a flood
costs one counter increment per request (in Redis, one round trip per batch of an address's
requests: `RequestCounter` in auth/rate_limits.py). Over the limit: HTTP 429 with `Retry-After`, in
GraphQL's error shape with `extensions.code = RATE_LIMITED`. It sits inside CORS (a storefront
on another origin can read the 429) and inside the request id (the 429 carries one).

When the rate-limit storage cannot be reached, the request is let through (fail open): a
Redis outage must not take the whole API down with it, and the limits that protect passwords
and mailboxes still fail closed in the use cases (auth/rate_limits.py raises, the outage
answer is 503). A warning says so, at most once a minute.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from auth.error_codes import GraphQLErrorCode
from auth.rate_limits import REQUEST, RateLimitStorageUnavailable, RequestCounter
from resolvers.runtime import Runtime

logger = logging.getLogger("gatehouse.errors")

GRAPHQL_PATH = "/graphql"
WARN_EVERY_SECONDS = 60.0


def too_many_requests_body(retry_after_seconds: int, request_id: str | None) -> bytes:
    message = f"Too many requests from this address; try again in {retry_after_seconds} seconds."
    return json.dumps({
        "data": None,
        "errors": [{
            "message": message,
            "extensions": {
                "code": GraphQLErrorCode.RATE_LIMITED.value,
                "retryAfterSeconds": retry_after_seconds,
                "requestId": request_id,
            },
        }],
    }).encode()


class UncountedRequests:
    """Warns that requests pass uncounted, at most once every `WARN_EVERY_SECONDS`."""

    def __init__(self) -> None:
        self._warned_at: float | None = None
        self._since_warning = 0

    def let_through(self, error: RateLimitStorageUnavailable) -> None:
        self._since_warning += 1
        now = time.monotonic()
        if self._warned_at is not None and now - self._warned_at < WARN_EVERY_SECONDS:
            return
        logger.warning(
            "The request limit is not counted, %d request(s) let through uncounted since the last "
            "warning: %s. Sign-ins and the other limited operations answer UNAVAILABLE meanwhile.",
            self._since_warning, error,
        )
        self._warned_at = now
        self._since_warning = 0


class RequestLimit:
    """Counts each HTTP request to /graphql against the `request` limit of its client address."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.counter = RequestCounter(runtime.rate_limits)
        self.uncounted = UncountedRequests()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Nothing to count with the limits off: the request goes straight on.
        if self.counter.enabled and scope["type"] == "http" and scope["path"] == GRAPHQL_PATH:
            retry_after = await self._over_limit(scope)
            if retry_after is not None:
                await self._refuse(scope, send, retry_after)
                return
        await self.app(scope, receive, send)

    async def _over_limit(self, scope: Scope) -> int | None:
        """Seconds to wait when this request is over the limit; None to let it through."""
        client = scope.get("client")
        try:
            exceeded = await self.counter.hit(client[0] if client else None)
        except RateLimitStorageUnavailable as error:
            self.uncounted.let_through(error)
            return None
        if exceeded is None:
            return None
        self.runtime.events.rate_limited(REQUEST)
        return exceeded.retry_after_seconds

    async def _refuse(self, scope: Scope, send: Send, retry_after_seconds: int) -> None:
        body = too_many_requests_body(retry_after_seconds, scope.get("state", {}).get("request_id"))
        await send({
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after_seconds).encode()),
            ],
        })
        await send({"type": "http.response.body", "body": body})
