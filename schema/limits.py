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
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

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


@lru_cache(maxsize=CACHED_DOCUMENTS)
def too_complex(document: DocumentNode) -> GraphQLError | None:
    """The QUERY_TOO_COMPLEX refusal of `document`, or None; kept per document like its validation."""
    return refusal(document, MAX_COMPARISONS)


class CostCheckedValidationCache(ValidationCache):
    """Strawberry's validation cache, that first refuses a document too costly to validate."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        refused = too_complex(context.graphql_document) if context.graphql_document else None
        if refused is None:
            yield from super().on_validate()
            return
        # Set before validation would run: Strawberry then skips it, and answers these errors.
        context.pre_execution_errors = [refused]
        yield


# Factories, not instances: an extension holds the state of the one request it serves.
QUERY_LIMITS = [
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    DepthAndAliasLimits,
    lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
    lambda: CostCheckedValidationCache(maxsize=CACHED_DOCUMENTS),
]
