"""DataLoaders of staff pages: a page of N staff members costs the same few queries."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader
from tortoise.query_utils import Prefetch

from models import AdminUser, Shop


def shops_by_admin() -> DataLoader[int, list[Shop]]:
    """The shops listed on each staff member's account (by admin id), in handle order; one
    query for the staff rows and one for their shops, however many are asked for."""

    async def load(ids: Sequence[int]) -> list[list[Shop]]:
        admins = await AdminUser.filter(id__in=list(ids)).prefetch_related(
            Prefetch("shops", queryset=Shop.all().order_by("handle"))
        )
        found = {admin.id: list(admin.shops) for admin in admins}
        return [found.get(key, []) for key in ids]

    return DataLoader(load_fn=load)
