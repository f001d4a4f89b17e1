"""An outage that escapes the GraphQL layer is answered 503 in GraphQL's error shape.

Inside execution, `schema/masking.py` turns an outage into an UNAVAILABLE error and the
answer into a 503. Some work happens before execution: reading the session of a signed-in
request (`GatehouseGraphQL.get_context`), and whatever middleware counts requests. When the
database or the rate-limit storage fails there, the error leaves the application; this
middleware answers it like the masker would, instead of the INTERNAL 500 that
`RequestIdMiddleware` gives every other escaped error.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.error_codes import GraphQLErrorCode
from resolvers.outages import RETRY_AFTER_SECONDS, Outage, describe, outage_of

logger = logging.getLogger("gatehouse.errors")


def unavailable_response(outage: Outage, request_id: str | None) -> JSONResponse:
    return JSONResponse(
        {
            "data": None,
            "errors": [
                {
                    "message": outage.message,
                    "extensions": {"code": GraphQLErrorCode.UNAVAILABLE, "requestId": request_id},
                }
            ],
        },
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class AnswerOutages:
    """Place it inside `RequestIdMiddleware` (it reads the request id) and CORS (so a
    storefront on another origin can read the 503), outside anything that may meet an outage."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answering = False

        async def send_noting_the_answer(message: Message) -> None:
            nonlocal answering
            answering = answering or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_the_answer)
        except Exception as error:
            outage = outage_of(error)
            if outage is None or answering:
                raise
            request_id = scope.get("state", {}).get("request_id")
            logger.warning("%s unavailable in request %s: %s", outage.value, request_id, describe(error))
            await unavailable_response(outage, request_id)(scope, receive, send)
