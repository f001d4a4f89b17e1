"""Relay cursor connections: edges, pageInfo, and totalCount counted only when asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.models import Model

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound=Model)

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many results a page holds: 0 to {MAX_PAGE_SIZE}, default "
        f"{DEFAULT_PAGE_SIZE}. Outside that range: a GraphQL error INVALID."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="The `pageInfo.endCursor` of the page before; left out, the first page. A "
        "cursor that is not one of ours: a GraphQL error INVALID."
    ),
]


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows this one.")
    end_cursor: str | None = strawberry.field(
        description="Pass it as `after` to read the next page; null when the page is empty."
    )


@strawberry.type(description="One result of a page, with the cursor of its place in the list.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque; pass it as `after` to read on from here.")
    node: T = strawberry.field(description="The result itself.")


@strawberry.type(
    description=f"A page of results, newest first; at most {MAX_PAGE_SIZE} a page (Relay "
    "cursor connection)."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The results of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether there is more, and where it starts.")
    page: strawberry.Private[Page[Any]]

    @strawberry.field(description="How many results there are in all pages together (costs one extra query).")
    async def total_count(self) -> int:
        return await self.page.total_count()


def connection(page: Page[M], to_node: Callable[[M], T]) -> Connection[T]:
    return Connection(
        edges=[Edge(cursor=encode_cursor(item.pk), node=to_node(item)) for item in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        page=page,
    )
