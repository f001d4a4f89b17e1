"""DataLoaders, made fresh for every request, so a page of N rows costs a fixed number of queries.

The loaders of what belongs to a shop read through the viewer's `ShopScope`, in the one
query of each batch: a row of a shop outside the scope loads as missing, exactly like an
id that does not exist, and a group leaves it out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.scopes import EVERY_SHOP, ShopScope
from models import (
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Session,
    Shop,
    ShopUser,
)
from resolvers.compiled_reads import rows_where_in
from resolvers.matching import clues_of, matching_debtors
from resolvers.shop_cache import ShopCache
from resolvers.staff_loaders import shops_by_admin

M = TypeVar("M", bound=Model)


class _Narrowing(Protocol[M]):
    """What a loader's query goes through before it is sent: the scope, or nothing."""

    def __call__(self, rows: QuerySet[M], /) -> QuerySet[M]: ...


def _unnarrowed(rows: QuerySet[M]) -> QuerySet[M]:
    return rows


async def _where_in(model: type[M], column: str, keys: Sequence[int], narrowed: _Narrowing[M]) -> list[M]:
    if narrowed is _unnarrowed:
        return await rows_where_in(model, column, keys)
    return await narrowed(model.filter(**{f"{column}__in": list(keys)}))


def _by_id(model: type[M], narrowed: _Narrowing[M] = _unnarrowed) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        found = {row.pk: row for row in await _where_in(model, "id", ids, narrowed)}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _shops_by_id(scope: ShopScope, cache: ShopCache | None) -> DataLoader[int, Shop | None]:
    """Shops from the process's cache where it holds them; the scope is applied to both."""

    async def load(ids: Sequence[int]) -> list[Shop | None]:
        wanted = [pk for pk in ids if scope.allows(pk)]
        found = cache.known(wanted) if cache is not None else {}
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            read_at = cache.generation if cache is not None else 0
            read = await Shop.filter(id__in=missing)
            if cache is not None:
                cache.keep(read, read_at_generation=read_at)
            found.update((shop.id, shop) for shop in read)
        return [found.get(pk) for pk in ids]

    return DataLoader(load_fn=load)


def _contacts_with_their_debtors(
    debtors: DataLoader[int, Debtor | None],
) -> DataLoader[int, ContactPerson | None]:
    """Contact persons by id, each read with its debtor in the same query, which then waits in
    `debtors` for whoever asks next: a shop user's company costs one query, not two in a row."""

    async def load(ids: Sequence[int]) -> list[ContactPerson | None]:
        found = {row.pk: row for row in await rows_where_in(ContactPerson, "id", ids, related=("debtor",))}
        for contact in found.values():
            debtors.prime(contact.debtor_id, contact.debtor)
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _grouped_by(
    model: type[M], foreign_key: str, narrowed: _Narrowing[M] = _unnarrowed
) -> DataLoader[int, list[M]]:
    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await _where_in(model, foreign_key, keys, narrowed):
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
    """One set of loaders per request and scope: a cache that never outlives what it saw.

    Each loader is made when the request first asks for it: most requests use one
    or two, and the ones never made leave no garbage for the collector. Debtors and
    contact persons are shared by every shop and are not narrowed; staff accounts are
    not a shop's, and who may read which is decided where they are read.
    """

    def __init__(self, scope: ShopScope = EVERY_SHOP, shops: ShopCache | None = None) -> None:
        self.scope = scope
        self._shops = shops

    def forget(self) -> None:
        """Lets go of everything loaded: once a request is answered its rows are garbage, and
        dropped here they are freed at once instead of waiting, held in the loaders' cycles
        (batch, future, callback), for a collection of the oldest generation (docs/operations.md
        "Memory")."""
        for name, made in list(vars(self).items()):
            if isinstance(made, DataLoader):
                made.clear_all()
                del self.__dict__[name]

    def _in_scope(self, shop_field: str = "shop_id") -> _Narrowing[M]:
        scope = self.scope
        if scope.is_every_shop:
            return _unnarrowed
        return lambda rows: scope.applied(rows, shop_field)

    @cached_property
    def shop_by_id(self) -> DataLoader[int, Shop | None]:
        return _shops_by_id(self.scope, self._shops)

    @cached_property
    def debtor_by_id(self) -> DataLoader[int, Debtor | None]:
        return _by_id(Debtor)

    @cached_property
    def contact_person_by_id(self) -> DataLoader[int, ContactPerson | None]:
        return _contacts_with_their_debtors(self.debtor_by_id)

    @cached_property
    def shop_user_by_id(self) -> DataLoader[int, ShopUser | None]:
        return _by_id(ShopUser, self._in_scope())

    @cached_property
    def admin_user_by_id(self) -> DataLoader[int, AdminUser | None]:
        return _by_id(AdminUser)

    @cached_property
    def registration_request_by_id(self) -> DataLoader[int, RegistrationRequest | None]:
        return _by_id(RegistrationRequest, self._in_scope())

    @cached_property
    def registration_field_by_id(self) -> DataLoader[int, RegistrationField | None]:
        return _by_id(RegistrationField, self._in_scope())

    @cached_property
    def audit_event_by_id(self) -> DataLoader[int, AuditEvent | None]:
        return _by_id(AuditEvent, self._in_scope())

    @cached_property
    def outbox_message_by_id(self) -> DataLoader[int, OutboxMessage | None]:
        return _by_id(OutboxMessage, self._in_scope())

    @cached_property
    def contacts_by_debtor(self) -> DataLoader[int, list[ContactPerson]]:
        return _grouped_by(ContactPerson, "debtor_id")

    @cached_property
    def shop_users_by_contact(self) -> DataLoader[int, list[ShopUser]]:
        return _grouped_by(ShopUser, "contact_id", self._in_scope())

    @cached_property
    def registration_fields_by_shop(self) -> DataLoader[int, list[RegistrationField]]:
        return _grouped_by(RegistrationField, "shop_id", self._in_scope())

    @cached_property
    def answers_by_request(self) -> DataLoader[int, list[RegistrationAnswer]]:
        return _grouped_by(RegistrationAnswer, "request_id", self._in_scope("request__shop_id"))

    @cached_property
    def matching_debtors_by_request(self) -> DataLoader[RegistrationRequest, list[Debtor]]:
        return _matching_debtors(self.answers_by_request)

    # Every session of the accounts, ended ones too: who may see them, and which still live,
    # is decided where they are read (resolvers/session_lists.py).
    @cached_property
    def sessions_by_admin(self) -> DataLoader[int, list[Session]]:
        return _grouped_by(Session, "admin_id")

    @cached_property
    def sessions_by_shop_user(self) -> DataLoader[int, list[Session]]:
        return _grouped_by(Session, "shop_user_id")

    # The shops listed on staff accounts; who may read them is decided by the reach of the
    # field that found the staff member (resolvers/staff.py).
    @cached_property
    def shops_by_admin(self) -> DataLoader[int, list[Shop]]:
        return shops_by_admin()
