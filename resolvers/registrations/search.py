"""Staff's list of registration requests: by shop and status, searched, a page at a time."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.scopes import ShopScope
from models import RegistrationRequest, RegistrationStatus
from resolvers.debtors import search_term
from resolvers.errors import Problems
from resolvers.pagination import Page, newest_first
from resolvers.shops import shop_if_any


async def search_registration_requests(
    scope: ShopScope,
    shop_handle: str | None,
    status: RegistrationStatus | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[RegistrationRequest]:
    """Requests of the scope's shops by shop and status; `search` looks in name, email and
    company. Newest first. A shop outside the scope is NOT_FOUND, like an unknown one."""
    requests = scope.applied(RegistrationRequest.all())
    problems = Problems()
    # In the arguments' order, so an unknown shop speaks first, as a client reading one code expects.
    shop = await shop_if_any(shop_handle, problems, scope=scope) if shop_handle is not None else None
    term = search_term(problems, search)
    if shop is not None:
        requests = requests.filter(shop_id=shop.id)
    if status is not None:
        requests = requests.filter(status=status)
    if term is not None:
        requests = requests.filter(
            Q(name__icontains=term) | Q(email__icontains=term) | Q(company__icontains=term)
        )
    return await newest_first(requests, first, after, problems)
