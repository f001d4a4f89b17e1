"""Automatic persisted queries, as Apollo clients send them: a document once, then its hash alone.

A request whose `extensions.persistedQuery` is `{"version": 1, "sha256Hash": …}` and that has
no `query` runs the document this instance was sent under that hash before. When it has none
the answer is the error Apollo's client waits for, HTTP 200 and nothing run:
`{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}`;
the client then sends the document with its hash (by POST), which runs and is kept. A hash
that is not the SHA-256 (hex) of the document sent with it is refused with HTTP 400 and
`PERSISTED_QUERY_HASH_MISMATCH`; another version, or a persistedQuery that is not an object
with a 64-digit hex hash, with 400 and `INVALID`. GET works alike
(`?extensions={"persistedQuery":…}&variables=…`), so a CDN can cache it.

The documents are kept per instance, in memory, and shared with no one: a client whose hash
reaches an instance that was not sent the document (another instance, or this one after a
restart or an eviction) pays one resend. A document is kept only once it has run: it parsed,
passed validation and the limits (schema/limits.py), so junk cannot fill the store, which
holds the last `DEFAULT_DOCUMENTS` documents used and at most `DEFAULT_CHARACTERS` of text.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, replace

from starlette.responses import JSONResponse
from strawberry.http import GraphQLRequestData

from auth.error_codes import GraphQLErrorCode

VERSION = 1
# Far more distinct documents than a storefront and a dashboard send between them.
DEFAULT_DOCUMENTS = 4096
# A few kilobytes a document; the bound holds however long the documents clients send.
DEFAULT_CHARACTERS = 8 * 1024 * 1024
# The message Apollo's client recognises (it reads the message, not only the code).
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
HASH_MISMATCH_MESSAGE = (
    "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it."
)
MALFORMED_MESSAGE = (
    'extensions.persistedQuery must be {"version": 1, "sha256Hash": <64 hexadecimal digits>}.'
)
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def document_hash(query: str) -> str:
    """The SHA-256 of `query`'s UTF-8, in lower-case hex: what a client sends as sha256Hash."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run, answered in GraphQL's error shape."""

    def __init__(
        self, message: str, code: GraphQLErrorCode, status_code: int, operation_name: object = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_code = status_code
        # The request's operationName, for the metrics: nothing ran to name the operation.
        self.operation_name = operation_name

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"data": None, "errors": [{"message": self.message, "extensions": {"code": self.code}}]},
            status_code=self.status_code,
        )


def not_found() -> PersistedQueryError:
    # 200, as Apollo Server answers it: a client that saw 400 or 500 would stop sending hashes.
    return PersistedQueryError(NOT_FOUND_MESSAGE, GraphQLErrorCode.PERSISTED_QUERY_NOT_FOUND, 200)


def requested_hash(extensions: dict | None) -> str | None:
    """The hash `extensions.persistedQuery` names (lower case), None without one."""
    if not extensions or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise PersistedQueryError(MALFORMED_MESSAGE, GraphQLErrorCode.INVALID, 400)
    if persisted.get("version") != VERSION:
        raise PersistedQueryError(
            f"Persisted query version {VERSION} is the only one served; {MALFORMED_MESSAGE}",
            GraphQLErrorCode.INVALID, 400,
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256.lower()):
        raise PersistedQueryError(MALFORMED_MESSAGE, GraphQLErrorCode.INVALID, 400)
    return sha256.lower()


@dataclass(frozen=True)
class Resolved:
    """A request with its document, as the persisted-query protocol makes it."""

    data: GraphQLRequestData
    # The document's hash, when the request named it (verified against the text).
    document_hash: str | None = None
    # Whether the document is to be kept under that hash once it has run.
    to_keep: bool = False


class PersistedQueries:
    """The documents this instance was sent with their hashes: the most recently used first kept."""

    def __init__(self, *, documents: int = DEFAULT_DOCUMENTS, characters: int = DEFAULT_CHARACTERS) -> None:
        self._documents = documents
        self._characters = characters
        self._held = 0
        self._store: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._store)

    def get(self, sha256: str) -> str | None:
        query = self._store.get(sha256)
        if query is not None:
            self._store.move_to_end(sha256)
        return query

    def keep(self, sha256: str, query: str) -> None:
        """Keeps `query` under `sha256`, which the caller checked is its hash."""
        if sha256 in self._store or len(query) > self._characters:
            return
        self._store[sha256] = query
        self._held += len(query)
        while len(self._store) > self._documents or self._held > self._characters:
            _, evicted = self._store.popitem(last=False)
            self._held -= len(evicted)

    def resolve(self, data: GraphQLRequestData) -> Resolved:
        """`data` with the document its hash names; `PersistedQueryError` when it cannot run."""
        try:
            return self._resolve(data)
        except PersistedQueryError as refusal:
            refusal.operation_name = data.operation_name
            raise

    def _resolve(self, data: GraphQLRequestData) -> Resolved:
        sha256 = requested_hash(data.extensions)
        if sha256 is None:
            return Resolved(data)
        if data.query is None:
            query = self.get(sha256)
            if query is None:
                raise not_found()
            return Resolved(replace(data, query=query), sha256)
        if document_hash(data.query) != sha256:
            raise PersistedQueryError(
                HASH_MISMATCH_MESSAGE, GraphQLErrorCode.PERSISTED_QUERY_HASH_MISMATCH, 400
            )
        return Resolved(data, sha256, to_keep=self.get(sha256) is None)
