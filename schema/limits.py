"""How big a query may be, checked before it runs, and the caches that make checking cheap.

Every document is parsed and validated once, then served from an LRU cache keyed by
its text (storefronts send the same few queries over and over). The depth and alias
rules are made once here: Strawberry's QueryDepthLimiter and MaxAliasesLimiter make a
new rule class per request, and a validation cache keyed by the rules never hits then.

Before validating, a document is measured for what validating it would cost (see
schema/query_cost.py): one whose selections would need more than MAX_COMPARISONS field
comparisons is refused with QUERY_TOO_COMPLEX and never reaches the rules. That verdict
is cached by document too, so a cached document is neither measured nor validated again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from schema.query_cost import refusal

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000
# Field comparisons validation may make (schema/query_cost.py): the introspection query needs
# 434, the largest query of the docs, tests and bench 31; the costliest document 2,000 lets
# through validates in two to three times a dashboard query's time (bench/query_cost.py).
MAX_COMPARISONS = 2000
# Distinct documents kept parsed and validated; bounded, so unique texts cannot grow memory.
CACHED_DOCUMENTS = 256

LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_rule(MAX_DEPTH, should_ignore=None),
    aliases_rule(MAX_ALIASES),
]


class DepthAndAliasLimits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(LIMIT_RULES)


@dataclass(frozen=True)
class _Document:
    """A parsed document known by its text: graphql-core hashes a document by walking its
    whole tree, on every lookup, where the text's hash is one pass over a string."""

    text: str
    node: DocumentNode = field(compare=False)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def verdict(
    schema: GraphQLSchema, document: _Document, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """The errors of `document`: QUERY_TOO_COMPLEX alone, before any rule runs, or those of
    validation; kept per document text like its parse."""
    refused = refusal(document.node, MAX_COMPARISONS)
    if refused is not None:
        return [refused]
    return validate_document(schema, document.node, rules)


class CostCheckedValidationCache(ValidationCache):
    """Strawberry's validation cache, keyed by the document's text, that first refuses a
    document too costly to validate."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is None or context.graphql_document is None:
            yield from super().on_validate()
            return
        # Set before validation would run: Strawberry then skips it, and answers these errors.
        context.pre_execution_errors = verdict(
            context.schema._schema, _Document(context.query, context.graphql_document),
            tuple(context.validation_rules),
        )
        yield


# Factories, not instances: an extension holds the state of the one request it serves.
QUERY_LIMITS = [
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    DepthAndAliasLimits,
    lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
    lambda: CostCheckedValidationCache(maxsize=CACHED_DOCUMENTS),
]
