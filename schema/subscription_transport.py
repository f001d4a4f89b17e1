"""Subscriptions over WebSocket, everything else over HTTP: either refused before it runs.

Strawberry would also stream a subscription over HTTP (multipart); Gatehouse's HTTP path
answers one JSON document per request, and its limits and caches are made for that. Strawberry
would also run queries and mutations sent over a WebSocket, past the request limits, the body
limit and the cookies of HTTP. The operation checked is the one that would run (a document's
operationName picks it among several).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from auth.error_codes import GraphQLErrorCode

OVER_WEBSOCKET_ONLY = (
    "Subscriptions are served over WebSocket: the graphql-transport-ws protocol at /graphql."
)
OVER_HTTP_ONLY = "Send queries and mutations over HTTP; a WebSocket carries subscriptions only."


class SubscriptionsOverWebSocket(SchemaExtension):
    """Listed after the validation cache: its errors are known here, before Strawberry reads them."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors:
            over_websocket = isinstance(getattr(context.context, "request", None), WebSocket)
            subscription = context.operation_type is OperationType.SUBSCRIPTION
            if subscription != over_websocket:
                refusal = OVER_HTTP_ONLY if over_websocket else OVER_WEBSOCKET_ONLY
                context.pre_execution_errors = [
                    GraphQLError(refusal, extensions={"code": GraphQLErrorCode.INVALID.value})
                ]
        yield
