"""Whole answers to anonymous public queries, kept in memory so a repeat skips GraphQL entirely.

A storefront asks for a shop's `registrationForm` on every page view, and the answer is the
same for everyone until staff change the shop's settings or fields. Each instance keeps the
body it answered (and its ETag) to an anonymous request whose operation is a query reading
only `PUBLIC_ROOT_FIELDS`, keyed by (document hash, operation name, canonical variables): the
next such request is answered with those bytes, with no parse, validation, execution or
session lookup. Only an answer with `data` and no `errors` is kept.

Fresh: an entry is dropped when the change feed (models/changes.py) tells of a change of a
shop (its settings or fields), which PostgreSQL's NOTIFY brings to every instance when the
change commits; and after `MAX_AGE_SECONDS` anyway, so a write this process cannot hear (the
CLI on a SQLite file) shows within a minute. While the feed cannot hear every change
(`hears_every_change` is False: the listener is down, or several processes share a SQLite
file) nothing is kept or answered from here. An answer computed while a change was heard is
not kept (`generation`): it may have been read before the change.

Bounded: at most `DEFAULT_ENTRIES` answers and `DEFAULT_CHARACTERS` of bodies and keys, the
least recently used dropped first; variables longer than `MAX_VARIABLES_CHARACTERS` are
never a key, so junk cannot grow memory (it can only push the real form out, which then costs
what it costs without this cache).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)
from starlette.requests import Request
from strawberry.http import GraphQLRequestData

from models.changes import FEED, Change, Changed, ChangeFeed
from schema.limits import MAX_TOKENS
from server.persisted_queries import document_hash

# What a query may read at its root and still be the same for whoever asks. Everything below
# registrationForm is the shop's public form (the schema says anyone may ask it).
PUBLIC_ROOT_FIELDS = frozenset({"registrationForm", "__typename"})
QUERY_ROOT = "Query"
# How long an answer is kept here, and how long a GET's answer may be kept by anyone else.
MAX_AGE_SECONDS = 60
DEFAULT_ENTRIES = 1000
DEFAULT_CHARACTERS = 16 * 1024 * 1024
MAX_VARIABLES_CHARACTERS = 2048
# Verdicts on documents (public or not), kept apart from the answers: far smaller, and a
# document's verdict outlives its answers' invalidations.
DEFAULT_VERDICTS = 1024

Key = tuple[str, str | None, str]
# Headers that make a request someone's: its answer is never taken from here, nor kept.
def asks_anonymously(request: Request, session_cookie: str) -> bool:
    """Whether the request carries neither a session cookie nor an Authorization header; other
    cookies (a storefront's analytics, say) say nothing about who asks."""
    return "authorization" not in request.headers and session_cookie not in request.cookies


@dataclass(frozen=True)
class Wanted:
    """An anonymous request that may be answered from here: what it asks, and its key."""

    key: Key
    document_hash: str
    operation_name: str | None
    query: str


def wanted(data: GraphQLRequestData, known_hash: str | None) -> Wanted | None:
    """What `data` asks for, when it is a plain GraphQL request over HTTP; `known_hash`: its
    document's hash when the request named it (a persisted query)."""
    query, operation_name = data.query, data.operation_name
    if data.protocol != "http" or not isinstance(query, str):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    sha256 = known_hash or document_hash(query)
    key = answer_key(sha256, operation_name, data.variables)
    return None if key is None else Wanted(key, sha256, operation_name, query)


def answer_key(sha256: str, operation_name: str | None, variables: Mapping | None) -> Key | None:
    """What identifies an answer: None when the variables are too long to be worth a key."""
    canonical = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if len(canonical) > MAX_VARIABLES_CHARACTERS:
        return None
    return sha256, operation_name, canonical


def entity_tag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (the weak comparison RFC 9110 asks)."""
    if not if_none_match:
        return False
    for listed in if_none_match.split(","):
        tag = listed.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def reads_only_public_fields(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation run is a query whose root selections (fragments included) are all
    public fields."""
    operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations[0] if len(operations) == 1 else None
    else:
        chosen = next((op for op in operations if op.name and op.name.value == operation_name), None)
    if chosen is None or chosen.operation is not OperationType.QUERY:
        return False
    fragments = {
        node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)
    }
    return _public(chosen.selection_set, fragments, set())


def _public(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> bool:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value not in PUBLIC_ROOT_FIELDS:
                return False
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is not None and condition.name.value != QUERY_ROOT:
                return False
            if not _public(selection.selection_set, fragments, seen):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is None or fragment.type_condition.name.value != QUERY_ROOT:
                return False
            if not _public(fragment.selection_set, fragments, seen):
                return False
        else:
            return False
    return True


def is_public_document(query: str, operation_name: str | None) -> bool:
    try:
        document = parse(query, no_location=True, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    return reads_only_public_fields(document, operation_name)


@dataclass(frozen=True)
class PublicAnswer:
    body: bytes
    etag: str
    # The operation's label for the metrics, as the request that computed it was counted.
    operation: str
    stored_at: float

    @property
    def size(self) -> int:
        return len(self.body)


class PublicAnswers:
    """The answers of one instance; see the module's description."""

    def __init__(
        self,
        *,
        entries: int = DEFAULT_ENTRIES,
        characters: int = DEFAULT_CHARACTERS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        feed: ChangeFeed = FEED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries_limit = entries
        self._characters = characters
        self._max_age = max_age_seconds
        self._feed = feed
        self._clock = clock
        self._entries: OrderedDict[Key, PublicAnswer] = OrderedDict()
        self._held = 0
        self._verdicts: OrderedDict[tuple[str, str | None], bool] = OrderedDict()
        # Moves at every change of a shop heard: an answer computed across one is not kept.
        self.generation = 0
        feed.listen(self.forget)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def in_use(self) -> bool:
        return self._feed.hears_every_change

    def get(self, key: Key) -> PublicAnswer | None:
        if not self._feed.hears_every_change:
            return None
        answer = self._entries.get(key)
        if answer is None:
            return None
        if self._clock() - answer.stored_at > self._max_age:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return answer

    def is_public(self, sha256: str, operation_name: str | None, query: str) -> bool:
        """Whether the operation reads only public fields; worked out once per document."""
        verdict_key = (sha256, operation_name)
        verdict = self._verdicts.get(verdict_key)
        if verdict is None:
            verdict = is_public_document(query, operation_name)
            self._verdicts[verdict_key] = verdict
            while len(self._verdicts) > DEFAULT_VERDICTS:
                self._verdicts.popitem(last=False)
        return verdict

    def answer(self, body: bytes, operation: str) -> PublicAnswer:
        return PublicAnswer(body, entity_tag(body), operation, self._clock())

    def keep(self, key: Key, answer: PublicAnswer, *, computed_at_generation: int) -> bool:
        """Keeps `answer`, computed when the generation was `computed_at_generation`; whether it
        is still fresh (no change of a shop was heard meanwhile)."""
        if computed_at_generation != self.generation:
            return False
        if not self._feed.hears_every_change:
            return True
        self._drop(key)
        self._entries[key] = answer
        self._held += _size(key, answer)
        while len(self._entries) > self._entries_limit or self._held > self._characters:
            self._drop(next(iter(self._entries)))
        return True

    def forget(self, change: Change) -> None:
        """Drops every answer at a change of any shop: such changes are rare, answers cheap."""
        if change.kind is not Changed.SHOP:
            return
        self.generation += 1
        self._entries.clear()
        self._held = 0

    def _drop(self, key: Key) -> None:
        answer = self._entries.pop(key, None)
        if answer is not None:
            self._held -= _size(key, answer)


def _size(key: Key, answer: PublicAnswer) -> int:
    return answer.size + len(key[0]) + len(key[1] or "") + len(key[2])
