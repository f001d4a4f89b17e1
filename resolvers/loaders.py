"""DataLoaders, made fresh for every request, so a page of N rows costs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
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


def _matching_debtors(
    answers: DataLoader[int, list[RegistrationAnswer]],
) -> DataLoader[RegistrationRequest, list[Debtor]]:
    async def load(requests: Sequence[RegistrationRequest]) -> list[list[Debtor]]:
        answer_lists = await answers.load_many([request.id for request in requests])
        return await matching_debtors(
            [clues_of(request, given) for request, given in zip(requests, answer_lists, strict=True)]
        )

    return DataLoader(load_fn=load, cache_key_fn=lambda request: request.id)


class Loaders:
    """One set of loaders per request: a cache that never outlives what it saw.

    Each loader is made when the request first asks for it: most requests use one
    or two, and the ones never made leave no garbage for the collector.
    """

    @cached_property
    def shop_by_id(self) -> DataLoader[int, Shop | None]:
        return _by_id(Shop)

    @cached_property
    def debtor_by_id(self) -> DataLoader[int, Debtor | None]:
        return _by_id(Debtor)

    @cached_property
    def contact_person_by_id(self) -> DataLoader[int, ContactPerson | None]:
        return _by_id(ContactPerson)

    @cached_property
    def shop_user_by_id(self) -> DataLoader[int, ShopUser | None]:
        return _by_id(ShopUser)

    @cached_property
    def admin_user_by_id(self) -> DataLoader[int, AdminUser | None]:
        return _by_id(AdminUser)

    @cached_property
    def contacts_by_debtor(self) -> DataLoader[int, list[ContactPerson]]:
        return _grouped_by(ContactPerson, "debtor_id")

    @cached_property
    def shop_users_by_contact(self) -> DataLoader[int, list[ShopUser]]:
        return _grouped_by(ShopUser, "contact_id")

    @cached_property
    def registration_fields_by_shop(self) -> DataLoader[int, list[RegistrationField]]:
        return _grouped_by(RegistrationField, "shop_id")

    @cached_property
    def answers_by_request(self) -> DataLoader[int, list[RegistrationAnswer]]:
        return _grouped_by(RegistrationAnswer, "request_id")

    @cached_property
    def matching_debtors_by_request(self) -> DataLoader[RegistrationRequest, list[Debtor]]:
        return _matching_debtors(self.answers_by_request)
