"""What a page of registration requests will show, loaded before the page is returned.

Staff's review list asks the same nested data of every request on it (answers, debtor, shop
user and its contact, matching debtors). Loaded here, in the batches the loaders would make
anyway, the nested fields find it in the loaders' caches and answer without awaiting
(resolvers/ready_loads.py): the same statements, without some 500 coroutines and tasks a page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from models import RegistrationRequest
from resolvers.loaders import Loaders


@dataclass(frozen=True, slots=True)
class RequestPageNeeds:
    """Which nested data of each request the page's selection asks for."""

    answers: bool = False
    shop: bool = False
    decided_by: bool = False
    debtor: bool = False
    shop_user: bool = False
    shop_user_contact: bool = False
    matching_debtors: bool = False


async def load_request_page(
    loaders: Loaders, requests: Sequence[RegistrationRequest], needs: RequestPageNeeds
) -> None:
    """Fills the loaders with what `needs` names for every request of the page."""
    if not requests:
        return
    loads: list[Awaitable[Any]] = []
    if needs.answers or needs.matching_debtors:
        loads.append(loaders.answers_by_request.load_many([request.id for request in requests]))
    if needs.answers or needs.shop:
        # Answers read their shop's languages to order labels.
        loads.append(loaders.shop_by_id.load_many({request.shop_id for request in requests}))
    if needs.decided_by:
        loads.append(loaders.admin_user_by_id.load_many(_present(r.decided_by_id for r in requests)))
    if needs.debtor:
        loads.append(loaders.debtor_by_id.load_many(_present(r.debtor_id for r in requests)))
    if needs.matching_debtors:
        loads.append(loaders.matching_debtors_by_request.load_many(requests))
    if needs.shop_user or needs.shop_user_contact:
        loads.append(_shop_users_with_contacts(loaders, requests, needs.shop_user_contact))
    # A batch that fails stays in its loader as a failed future: each field asking for it then
    # raises that error at its own path, as without this read, instead of the whole page failing.
    await asyncio.gather(*loads, return_exceptions=True)


async def _shop_users_with_contacts(
    loaders: Loaders, requests: Sequence[RegistrationRequest], with_contacts: bool
) -> None:
    users = await loaders.shop_user_by_id.load_many(_present(r.shop_user_id for r in requests))
    if with_contacts:
        await loaders.contact_person_by_id.load_many({user.contact_id for user in users if user})


def _present(ids: Iterable[int | None]) -> list[int]:
    return sorted({pk for pk in ids if pk is not None})
