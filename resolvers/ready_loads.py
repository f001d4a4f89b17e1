"""Values a request's loaders already hold, handed out at once instead of as awaitables.

graphql-core completes a field whose resolver returns a value on the spot; an awaitable costs
a coroutine, and every object and list holding one is gathered in a task of its own. A page of
100 requests with four nested fields each made some 500 tasks that way, about a quarter of the
page's CPU (docs/benchmarks.md). A page's root resolver therefore loads what the page will ask
for before it returns (resolvers/registrations/page_reads.py), and the nested fields take it
from the loaders' caches with `now_or_later`; a field reached any other way (`node(id:)`, a
payload) still loads, batched as before.
"""

from __future__ import annotations

from asyncio import Future
from collections.abc import Awaitable, Callable
from typing import TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")

# What a nested field returns: its value when the loaders hold it, else the awaitable of it.
Soon: TypeAlias = R | Awaitable[R]


def settled(loader: DataLoader[K, V], key: K) -> Future[V] | None:
    """The loader's future for `key` when a batch has already filled it without error."""
    future = loader.cache_map.get(key) if loader.cache else None
    # A failed batch is not settled: `load` hands its future back and the field raises its
    # error as it always did (reading `exception()` here marks it retrieved, as intended).
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return None
    return future


def now_or_later(loader: DataLoader[K, V], key: K, then: Callable[[V], R]) -> Soon[R]:
    """`then` of the loader's value for `key`: at once when it is loaded, else once it is."""
    ready = settled(loader, key)
    if ready is not None:
        return then(ready.result())
    return _later(loader, key, then)


async def _later(loader: DataLoader[K, V], key: K, then: Callable[[V], R]) -> R:
    return then(await loader.load(key))
