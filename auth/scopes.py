"""Where a staff member acts: every shop, or the shops listed on their account.

One mechanism scopes every read and write of what belongs to a shop (its settings and
fields, shop users, requests, their mails and audit events): querysets pass through
`ShopScope.applied`, single rows through `ShopScope.allows`. What is outside reads as
missing, exactly like an id that does not exist. Debtors and contact persons are the
company's master data, shared by its shops, and are not scoped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ShopScope:
    # None: every shop, today's and tomorrow's.
    shop_ids: frozenset[int] | None = None

    @property
    def is_every_shop(self) -> bool:
        return self.shop_ids is None

    def allows(self, shop_id: int | None) -> bool:
        """Whether an object of `shop_id` is in scope; one of no shop is for every-shop staff only."""
        if self.shop_ids is None:
            return True
        return shop_id is not None and shop_id in self.shop_ids

    def applied(self, query: QuerySet[M], shop_field: str = "shop_id") -> QuerySet[M]:
        """`query` narrowed to the scope's shops, through `shop_field` (a path such as `request__shop_id`)."""
        if self.shop_ids is None:
            return query
        return query.filter(**{f"{shop_field}__in": sorted(self.shop_ids)})

    def covers(self, other: ShopScope) -> bool:
        """Whether everything `other` reaches is within this scope (a colleague one may manage)."""
        if self.shop_ids is None:
            return True
        return other.shop_ids is not None and other.shop_ids <= self.shop_ids


EVERY_SHOP = ShopScope()
