"""No stack trace, SQL or library message reaches a client.

Errors GraphQL itself raises (syntax, validation, limits) and our own coded
errors pass through; anything else becomes "Internal error" with code
INTERNAL and the request id, and is logged in full under that id. An outage
(the database or the rate-limit storage cannot be reached; resolvers/outages.py)
becomes code UNAVAILABLE instead, and the HTTP answer 503 with `Retry-After`.
"""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from starlette.responses import Response
from strawberry.extensions import MaskErrors

from auth.error_codes import GraphQLErrorCode
from resolvers.outages import RETRY_AFTER_SECONDS, Outage, describe, outage_of

logger = logging.getLogger("gatehouse.errors")

INTERNAL_MESSAGE = "Internal error. Quote the request id when you report it."


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        outage = outage_of(error.original_error)
        if outage is not None:
            return self._unavailable(error, outage, request_id)
        logger.error(
            "Unexpected error in request %s at %s",
            request_id,
            ".".join(str(part) for part in error.path or ()),
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": GraphQLErrorCode.INTERNAL, "requestId": request_id},
        )

    def _unavailable(self, error: GraphQLError, outage: Outage, request_id: str | None) -> GraphQLError:
        # A known condition with nothing to debug: one line, no traceback, per failed field.
        logger.warning(
            "%s unavailable in request %s at %s: %s",
            outage.value, request_id, ".".join(str(part) for part in error.path or ()),
            describe(error.original_error) if error.original_error else "",
        )
        mark_unavailable(getattr(self.execution_context.context, "response", None))
        return GraphQLError(
            message=outage.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": GraphQLErrorCode.UNAVAILABLE, "requestId": request_id},
        )


def mark_unavailable(response: object) -> None:
    """The whole HTTP answer becomes 503 with `Retry-After`, whatever else it holds: Strawberry
    copies the status and headers of the context's response into the one it sends."""
    if isinstance(response, Response):
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
