"""No stack trace, SQL or library message reaches a client.

Errors GraphQL itself raises (syntax, validation, limits) and our own coded
errors pass through; anything else becomes "Internal error" with code
INTERNAL and the request id, and is logged in full under that id.
"""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from auth.error_codes import GraphQLErrorCode

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
