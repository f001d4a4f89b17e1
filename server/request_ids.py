"""Every HTTP request gets an id: in the `X-Request-Id` header, in errors, in the log.

Anything that escapes the GraphQL layer (a failure while reading the session,
say) is logged under that id and answered as a GraphQL-shaped INTERNAL error,
never as a bare 500 page or a traceback.
"""

from __future__ import annotations

import logging
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.error_codes import GraphQLErrorCode
from schema.masking import INTERNAL_MESSAGE
from server.log_format import REQUEST_ID

logger = logging.getLogger("gatehouse.errors")


def internal_error_body(request_id: str) -> dict:
    return {
        "data": None,
        "errors": [
            {
                "message": INTERNAL_MESSAGE,
                "extensions": {"code": GraphQLErrorCode.INTERNAL, "requestId": request_id},
            }
        ],
    }


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        logged_as = REQUEST_ID.set(request_id)  # every log line of this request names it
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("Unexpected error in request %s", request_id)
            if response_started:
                raise
            response = JSONResponse(internal_error_body(request_id), status_code=500)
            await response(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(logged_as)
