"""Each request watched: counted for /metrics when it is a GraphQL one, and, with the JSON log,
written as one access line.

`ObservedGraphQL` (the base of the GraphQL view) notes which operation a request
runs and how it ended; `ObservedRequests` (a middleware just inside the request
id's) times the whole answer and reads those notes once it has gone. A request
whose client went away before its answer was written is counted as
`disconnected`, never as an internal error, and logged with status 499 when no
answer had begun (nginx's "client closed request").
"""

from __future__ import annotations

import logging
import time
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from auth.error_codes import GraphQLErrorCode
from schema import schema
from schema.context import Context
from server.graphql_outcome import (
    OperationNames,
    note_operation,
    note_outcome,
    note_result,
    noted_operation,
    noted_outcome,
    root_fields_of,
)
from server.metrics import record_graphql_request
from server.request_hygiene import UnreadableRequest
from server.request_ids import is_client_disconnect
from server.requests_in_flight import RequestsInFlight

access_logger = logging.getLogger("gatehouse.access")

GRAPHQL_PATH = "/graphql"
# One bounded set of operation labels for the whole process.
OPERATION_NAMES = OperationNames(root_fields_of(schema._schema))
# The outcome of a request whose client closed the connection before it had all its answer.
DISCONNECTED = "disconnected"
# The status an access line shows when the client left before any answer began.
CLIENT_CLOSED_REQUEST = 499


class ObservedGraphQL(GraphQL[Context, None]):
    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except (UnreadableRequest, HTTPException):  # answered as INVALID by the view above
            note_outcome(request.scope, GraphQLErrorCode.INVALID)
            raise

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        note_operation(
            request.scope, OPERATION_NAMES.label(request_data.operation_name, request_data.query)
        )
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        note_result(request.scope, result)
        return result


class ObservedRequests:
    """Times each HTTP request to the end of its answer; counts it, logs it (`access_log`), and
    keeps `in_flight` counting the GraphQL requests under way."""

    def __init__(
        self, app: ASGIApp, *, access_log: bool = False, in_flight: RequestsInFlight | None = None
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.in_flight = in_flight or RequestsInFlight()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        answering = False
        disconnected = False

        async def send_noting_status(message: Message) -> None:
            nonlocal status, answering
            if message["type"] == "http.response.start":
                status = message["status"]
                answering = True
            await send(message)

        # Only GraphQL: probes of /health and /metrics every second would keep any instance busy.
        counted = scope["path"] == GRAPHQL_PATH
        if counted:
            self.in_flight.started()
        try:
            await self.app(scope, receive, send_noting_status)
        except Exception as error:
            if is_client_disconnect(error):  # the request id's middleware lets it go quietly
                disconnected = True
                status = status if answering else CLIENT_CLOSED_REQUEST
            else:
                # The request id's middleware answers it as INTERNAL; counted so here too.
                status = 500
                note_outcome(scope, GraphQLErrorCode.INTERNAL)
            raise
        finally:
            if counted:
                self.in_flight.ended()
            self._observe(scope, status, time.perf_counter() - started, disconnected=disconnected)

    def _observe(self, scope: Scope, status: int, seconds: float, *, disconnected: bool) -> None:
        is_graphql = scope["path"] == GRAPHQL_PATH
        operation = (noted_operation(scope) or "other") if is_graphql else None
        if operation is not None:
            outcome = DISCONNECTED if disconnected else noted_outcome(scope, status)
            record_graphql_request(operation, outcome, seconds)
        if self.access_log:
            self._log(scope, status, seconds, operation)

    def _log(self, scope: Scope, status: int, seconds: float, operation: str | None) -> None:
        client = scope.get("client")
        fields: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "client": client[0] if client else None,
        }
        if operation is not None:
            fields["operation"] = operation
        access_logger.info("%s %s %s", scope["method"], scope["path"], status, extra=fields)
