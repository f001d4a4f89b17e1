"""What one GraphQL request was and how it ended, in words fit for metric labels and the log.

The view notes both on the request's ASGI scope (`note_operation`, `note_result`,
`note_refusal`); server/observed_requests.py reads them once the answer has gone.

Labels must stay few, whatever clients send. The operation is the request's
`operationName`, else the first root field of the document. A root field is
kept only when the schema has it; an `operationName` only when it is a GraphQL
name of at most `MAX_NAME_LENGTH` characters and one of the first
`MAX_OPERATION_NAMES` distinct names this process has met. Everything else is
`other`.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from graphql.language import Lexer, Source, Token, TokenKind
from strawberry.types import ExecutionResult

from auth.error_codes import GraphQLErrorCode

OTHER = "other"
OK = "ok"
USER_ERROR = "user_error"
MAX_NAME_LENGTH = 64
MAX_OPERATION_NAMES = 100
# A document's first root field is found within this many tokens, or not at all.
_SCAN_TOKENS = 200
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_OPERATION_KEY = "gatehouse.operation"
_OUTCOME_KEY = "gatehouse.outcome"
_KNOWN_CODES = frozenset(code.value for code in GraphQLErrorCode)


class OperationNames:
    """The bounded set of operation labels of one process."""

    def __init__(self, root_fields: Iterable[str], limit: int = MAX_OPERATION_NAMES) -> None:
        self._root_fields = frozenset(root_fields)
        self._limit = limit
        self._admitted: set[str] = set()
        self._lock = threading.Lock()

    def label(self, operation_name: object, query: object) -> str:
        if operation_name is not None:
            return self._admit(operation_name)
        field = first_root_field(query) if isinstance(query, str) else None
        return field if field in self._root_fields else OTHER

    def _admit(self, name: object) -> str:
        if not isinstance(name, str):
            return OTHER
        if name in self._admitted:  # the hot path: a name seen before, no lock
            return name
        if len(name) > MAX_NAME_LENGTH or not _GRAPHQL_NAME.fullmatch(name):
            return OTHER
        with self._lock:
            if len(self._admitted) >= self._limit:
                return OTHER
            self._admitted.add(name)
        return name


def root_fields_of(schema: GraphQLSchema) -> set[str]:
    """The fields a document may start with: the roots' own, and the introspection fields."""
    fields = {"__typename", "__schema", "__type"}
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is not None:
            fields.update(root.fields)
    return fields


@functools.lru_cache(maxsize=256)
def first_root_field(query: str) -> str | None:
    """The name (not the alias) of the first field of the document's first operation.

    Read with graphql-core's lexer, token by token, up to that field only; cached like the
    parsed documents, since clients send the same few documents over and over.
    """
    tokens = itertools.islice(_tokens(Lexer(Source(query))), _SCAN_TOKENS)
    try:
        return _first_root_field(tokens)
    except GraphQLError:  # not GraphQL: Strawberry refuses it, the label is `other`
        return None


def _tokens(lexer: Lexer) -> Iterator[Token]:
    token = lexer.advance()
    while token.kind is not TokenKind.EOF:
        yield token
        token = lexer.advance()


def _first_root_field(tokens: Iterator[Token]) -> str | None:
    for token in tokens:
        if token.kind is TokenKind.NAME and token.value == "fragment":
            _skip_selection_set(tokens)  # a fragment before the operation
        elif token.kind is TokenKind.PAREN_L:
            _skip_to(tokens, TokenKind.PAREN_R)  # variables (their defaults may hold braces)
        elif token.kind is TokenKind.BRACE_L:
            return _field_name(tokens)
    return None


def _field_name(tokens: Iterator[Token]) -> str | None:
    """The field of the selection `tokens` start with: `field` or `alias: field`."""
    first = next(tokens, None)
    if first is None or first.kind is not TokenKind.NAME:
        return None  # a fragment spread at the root, or the end
    following = next(tokens, None)
    if following is None or following.kind is not TokenKind.COLON:
        return first.value
    field = next(tokens, None)
    return field.value if field is not None and field.kind is TokenKind.NAME else None


def _skip_to(tokens: Iterator[Token], kind: TokenKind) -> None:
    for token in tokens:
        if token.kind is kind:
            return


def _skip_selection_set(tokens: Iterator[Token]) -> None:
    """Over everything up to the end of the next selection set, arguments included."""
    depth = 0
    for token in tokens:
        if token.kind is TokenKind.PAREN_L:
            _skip_to(tokens, TokenKind.PAREN_R)
        elif token.kind is TokenKind.BRACE_L:
            depth += 1
        elif token.kind is TokenKind.BRACE_R:
            depth -= 1
            if depth == 0:
                return


def outcome_of(result: ExecutionResult) -> str:
    """`ok`, `user_error` (a payload's `userErrors` not empty), or the first error's code."""
    if result.errors:
        code = (result.errors[0].extensions or {}).get("code")
        value = code.value if isinstance(code, GraphQLErrorCode) else code
        return value if value in _KNOWN_CODES else OTHER
    if isinstance(result.data, dict) and any(_has_user_errors(v) for v in result.data.values()):
        return USER_ERROR
    return OK


def _has_user_errors(payload: object) -> bool:
    return isinstance(payload, dict) and bool(payload.get("userErrors"))


def _state(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = scope.setdefault("state", {})
    return state


def note_operation(scope: MutableMapping[str, Any], label: str) -> None:
    _state(scope)[_OPERATION_KEY] = label


def note_result(scope: MutableMapping[str, Any], result: ExecutionResult) -> None:
    _state(scope)[_OUTCOME_KEY] = outcome_of(result)


def note_outcome(scope: MutableMapping[str, Any], code: GraphQLErrorCode) -> None:
    """An answer given outside GraphQL's execution, with `code` (a refusal, an internal error)."""
    _state(scope)[_OUTCOME_KEY] = code.value


def noted_operation(scope: MutableMapping[str, Any]) -> str | None:
    value = scope.get("state", {}).get(_OPERATION_KEY)
    return value if isinstance(value, str) else None


def noted_outcome(scope: MutableMapping[str, Any], status: int) -> str:
    """The noted outcome; for a request that never reached GraphQL, its HTTP status class."""
    value = scope.get("state", {}).get(_OUTCOME_KEY)
    return value if isinstance(value, str) else f"{status // 100}xx"
