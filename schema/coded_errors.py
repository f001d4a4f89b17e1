"""Every GraphQL error leaves with an `extensions.code`, named after the step that refused it.

Our own errors (permissions, bad query arguments, masked failures) carry their code already.
graphql-core's carry none, so the step tells: the parser's are GRAPHQL_PARSE_FAILED (the
token limit, raised by the parser too, is GRAPHQL_VALIDATION_FAILED like the other limits),
validation's GRAPHQL_VALIDATION_FAILED, except a literal that does not fit its type, which is
BAD_USER_INPUT like a variable that does not; and what execution refuses without a code is
always a value (a variable, or an argument made of one), so BAD_USER_INPUT too.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError, ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from auth.error_codes import GraphQLErrorCode

# graphql-core's words for the token limit (MaxTokensLimiter), which it raises as a syntax error.
_TOO_MANY_TOKENS = "tokens. Parsing aborted."


def with_code(error: GraphQLError, code: GraphQLErrorCode) -> GraphQLError:
    """A copy of `error` with `code`: graphql-core's errors may be cached and shared."""
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )


def has_code(error: GraphQLError) -> bool:
    return "code" in (error.extensions or {})


def parse_failure(error: GraphQLSyntaxError) -> GraphQLErrorCode:
    if error.message.endswith(_TOO_MANY_TOKENS):
        return GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED
    return GraphQLErrorCode.GRAPHQL_PARSE_FAILED


class ValuesOfCorrectType(ValuesOfCorrectTypeRule):
    """graphql-core's rule, telling a literal of the wrong type as BAD_USER_INPUT."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(with_code(error, GraphQLErrorCode.BAD_USER_INPUT))


class GraphQLErrorCodes(SchemaExtension):
    """List it first: it then sees every error last, after MaskUnexpectedErrors has coded its own."""

    def __init__(self) -> None:
        self._executing = False

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            ValuesOfCorrectType if rule is ValuesOfCorrectTypeRule else rule
            for rule in context.validation_rules
        )
        try:
            yield
        except GraphQLSyntaxError as error:
            # ParserCache parses while its hook starts, so a syntax error arrives raised, not returned.
            raise with_code(error, parse_failure(error)) from None
        result = context.result
        if result is not None and result.errors:
            result.errors = [
                error if has_code(error) else with_code(error, self._code_of(error))
                for error in result.errors
            ]

    def on_execute(self) -> Iterator[None]:
        self._executing = True
        yield

    def _code_of(self, error: GraphQLError) -> GraphQLErrorCode:
        if isinstance(error, GraphQLSyntaxError):
            return parse_failure(error)
        if self._executing:
            return GraphQLErrorCode.BAD_USER_INPUT
        return GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED
