"""DataLoaders, made fresh for every request, so a page of N rows costs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models import AdminUser, ContactPerson, Debtor, RegistrationField, Shop, ShopUser

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(ids))}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _grouped_by(model: type[M], foreign_key: str) -> DataLoader[int, list[M]]:
    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{foreign_key}__in": list(keys)}):
            groups[getattr(row, foreign_key)].append(row)
        return [groups.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """One set of loaders per request: a cache that never outlives what it saw."""

    def __init__(self) -> None:
        self.shop_by_id = _by_id(Shop)
        self.debtor_by_id = _by_id(Debtor)
        self.contact_person_by_id = _by_id(ContactPerson)
        self.shop_user_by_id = _by_id(ShopUser)
        self.admin_user_by_id = _by_id(AdminUser)
        self.contacts_by_debtor = _grouped_by(ContactPerson, "debtor_id")
        self.shop_users_by_contact = _grouped_by(ShopUser, "contact_id")
        self.registration_fields_by_shop = _grouped_by(RegistrationField, "shop_id")
