"""DataLoaders, made fresh for every request, so a page of N rows costs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models import (
    AdminUser,
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Shop,
    ShopUser,
)
from resolvers.matching import clues_of, matching_debtors

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


def _matching_debtors(answers: DataLoader[int, list[RegistrationAnswer]]) -> DataLoader:
    async def load(requests: Sequence[RegistrationRequest]) -> list[list[Debtor]]:
        answer_lists = await answers.load_many([request.id for request in requests])
        return await matching_debtors(
            [clues_of(request, given) for request, given in zip(requests, answer_lists)]
        )

    return DataLoader(load_fn=load, cache_key_fn=lambda request: request.id)


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
        self.answers_by_request = _grouped_by(RegistrationAnswer, "request_id")
        self.matching_debtors_by_request = _matching_debtors(self.answers_by_request)
