"""Relay cursor connections: edges, pageInfo, and totalCount counted only when asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from resolvers.pagination import Page, encode_cursor

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results, newest first; at most 100 a page.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    page: strawberry.Private[Page]

    @strawberry.field(description="How many results there are in all (one extra query).")
    async def total_count(self) -> int:
        return await self.page.total_count()


def connection(page: Page, to_node: Callable[[object], T]) -> Connection[T]:
    return Connection(
        edges=[Edge(cursor=encode_cursor(item.pk), node=to_node(item)) for item in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        page=page,
    )
