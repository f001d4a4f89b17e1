"""Keyset pagination over a queryset ordered newest first by id.

A cursor names the last id seen, so a page costs the same on row 20,000 as
on row 10 (no OFFSET).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.errors import ErrorCode, UserInputError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_CURSOR_PREFIX = "after:"

M = TypeVar("M", bound=Model)


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(cursor)
        row_id = int(text.removeprefix(_CURSOR_PREFIX))
        # Ids are 32-bit: anything beyond cannot exist and must not reach the query.
        if not 0 < row_id < 2**31:
            raise ValueError(cursor)
        return row_id
    except (ValueError, binascii.Error, UnicodeError):
        raise UserInputError.of(ErrorCode.INVALID, "This cursor is not valid.", "after") from None


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise UserInputError.of(
            ErrorCode.INVALID, f"Ask for 0 to {MAX_PAGE_SIZE} items a page.", "first"
        )
    return first


@dataclass
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    # Counting is a query of its own, run only when a client asks for totalCount.
    filtered: QuerySet[M]

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.items[-1].pk) if self.items else None

    async def total_count(self) -> int:
        return await self.filtered.count()


async def newest_first(queryset: QuerySet[M], first: int | None, after: str | None) -> Page[M]:
    size = page_size(first)
    rows = queryset
    if after is not None:
        rows = rows.filter(id__lt=decode_cursor(after))
    items = await rows.order_by("-id").limit(size + 1) if size else []
    return Page(items=list(items[:size]), has_next_page=len(items) > size, filtered=queryset)
