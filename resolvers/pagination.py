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

from resolvers.errors import Problems

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_CURSOR_PREFIX = "after:"

M = TypeVar("M", bound=Model)


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{row_id}".encode()).decode()


def _cursor_id(cursor: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        row_id = int(text.removeprefix(_CURSOR_PREFIX)) if text.startswith(_CURSOR_PREFIX) else 0
    except (ValueError, binascii.Error, UnicodeError):
        return None
    # Ids are 32-bit: anything beyond cannot exist and must not reach the query.
    return row_id if 0 < row_id < 2**31 else None


def decode_cursor(problems: Problems, cursor: str) -> int:
    """The last id seen; 0 (and a problem at `after`) for a cursor that is not ours."""
    row_id = _cursor_id(cursor)
    if row_id is None:
        problems.invalid("This cursor is not valid.", "after")
    return row_id or 0


def page_size(problems: Problems, first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        problems.invalid(f"Ask for 0 to {MAX_PAGE_SIZE} items a page.", "first")
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


async def newest_first(
    queryset: QuerySet[M], first: int | None, after: str | None, problems: Problems | None = None
) -> Page[M]:
    """A page of `queryset`; refused, with the call's other `problems`, when `first` or `after` is."""
    problems = Problems() if problems is None else problems
    size = page_size(problems, first)
    last_seen = decode_cursor(problems, after) if after is not None else None
    problems.raise_if_any()
    rows = queryset
    if last_seen is not None:
        rows = rows.filter(id__lt=last_seen)
    items = await rows.order_by("-id").limit(size + 1) if size else []
    return Page(items=list(items[:size]), has_next_page=len(items) > size, filtered=queryset)
