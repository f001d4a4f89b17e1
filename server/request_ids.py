"""Every HTTP request gets an id: in the `X-Request-Id` header, in errors, in the log.

Anything that escapes the GraphQL layer (a failure while reading the session,
say) is logged under that id and answered as a GraphQL-shaped INTERNAL error,
never as a bare 500 page or a traceback.

A client that goes away (it closes the connection before its body has been
read, or while its answer is written) is no error: one DEBUG line under the
request's id, no traceback, and no answer, since there is no one to send it to.
"""

from __future__ import annotations

import logging
import uuid

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.error_codes import GraphQLErrorCode
from schema.masking import INTERNAL_MESSAGE
from server.log_format import REQUEST_ID

logger = logging.getLogger("gatehouse.errors")
disconnect_logger = logging.getLogger("gatehouse.disconnects")


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


def is_client_disconnect(error: BaseException) -> bool:
    """Whether `error` tells only that the client went away.

    Starlette raises `ClientDisconnect` when the server reports the client gone while the
    body is read; `RequestIdMiddleware` raises it when the server cannot write the answer.
    Nothing broader counts (an `OSError` from anywhere else may be the database's).
    """
    if isinstance(error, BaseExceptionGroup):  # from a task group: a disconnect only if all are
        return all(is_client_disconnect(inner) for inner in error.exceptions)
    return isinstance(error, ClientDisconnect)


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
            try:
                await send(message)
            except OSError as error:  # raised by the server's transport: the client is gone
                raise ClientDisconnect() from error

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            if is_client_disconnect(error):
                disconnect_logger.debug(
                    "The client closed the connection %s request %s",
                    "during the answer to" if response_started else "before the answer to",
                    request_id,
                )
                return  # no answer: there is no one to send it to
            logger.exception("Unexpected error in request %s", request_id)
            if response_started:
                raise
            response = JSONResponse(internal_error_body(request_id), status_code=500)
            await response(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(logged_as)
