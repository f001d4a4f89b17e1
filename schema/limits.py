"""How big a query may be, checked before it runs, and the caches that make checking cheap.

Every document is parsed and validated once, then served from an LRU cache keyed by
its text (storefronts send the same few queries over and over). The depth and alias
rules are made once here: Strawberry's QueryDepthLimiter and MaxAliasesLimiter make a
new rule class per request, and a validation cache keyed by the rules never hits then.
"""

from __future__ import annotations

from graphql import ASTValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000
# Distinct documents kept parsed and validated; bounded, so unique texts cannot grow memory.
CACHED_DOCUMENTS = 256

_LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_rule(MAX_DEPTH, should_ignore=None),
    aliases_rule(MAX_ALIASES),
]


class DepthAndAliasLimits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(_LIMIT_RULES)


# Factories, not instances: an extension holds the state of the one request it serves.
QUERY_LIMITS = [
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    DepthAndAliasLimits,
    lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
    lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
]
