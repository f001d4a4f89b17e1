"""What a company admin does for its own company: inviting and removing colleagues (rule 16)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, ParamSpec, TypeVar

import strawberry
from strawberry.exceptions import StrawberryGraphQLError

from auth.error_codes import GraphQLErrorCode
from auth.permissions import IsCompanyAdmin, company_admin
from resolvers import colleagues
from schema.context import GatehouseInfo
from schema.customers import ShopUser
from schema.errors import refusals_as
from schema.inputs import INPUT
from schema.nodes import pk_of
from schema.shop_user_mutations import ShopUserPayload

P = ParamSpec("P")
T = TypeVar("T")

WHO = "A company admin only (companyRole ADMIN); staff, a MEMBER: a GraphQL error FORBIDDEN."


def _no_longer_admin(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A caller found to be no company admin inside the use case (excluded, or its role taken
    away, since its request signed in) hears what the permission check would have said."""

    @functools.wraps(resolver)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await resolver(*args, **kwargs)
        except colleagues.NotCompanyAdmin:
            raise StrawberryGraphQLError(
                IsCompanyAdmin.message, extensions={"code": GraphQLErrorCode.FORBIDDEN}
            ) from None

    return wrapper


@strawberry.input(
    description="A colleague to invite: a contact person of the company admin's own debtor and "
    "an INVITED login to its shop, whose username is the email."
)
class InviteColleagueInput:
    first_name: str = strawberry.field(
        description="Given name, 1 to 100 characters; kept as the contact person's unless the "
        "debtor has a contact person with this email already, which is used as it is."
    )
    last_name: str = strawberry.field(description="Family name, 1 to 100 characters; as firstName.")
    email: str = strawberry.field(
        description="Where the invitation goes, and the username: a valid address of at most 150 "
        "characters (else INVALID). One with a login to this shop already: ALREADY_HAS_ACCOUNT; "
        "one of a colleague the shop's staff excluded: ACCOUNT_EXCLUDED."
    )
    language: str = strawberry.field(
        description="The language of the invitation and later mail; one of the shop's (else "
        "LANGUAGE_NOT_OFFERED)."
    )


@strawberry.input(description="The colleague whose login goes.")
class RemoveColleagueInput:
    shop_user_id: strawberry.ID = strawberry.field(
        description="The colleague's global id (from viewer's colleagues). Any other, another "
        "debtor's or another shop's user included: NOT_FOUND; one's own: INVALID; an excluded "
        "colleague: ACCOUNT_EXCLUDED."
    )


@strawberry.type
class ColleagueMutations:
    @strawberry.mutation(
        permission_classes=company_admin(),
        description="Invite a colleague to the shop: a new contact person of the company admin's "
        "debtor (or the one with this email it has already) and an INVITED shop user, mailed a "
        "link to choose a password. At most 20 an hour per company admin (RATE_LIMITED). " + WHO,
    )
    @refusals_as(ShopUserPayload)
    @_no_longer_admin
    async def invite_colleague(
        self, info: GatehouseInfo, input: Annotated[InviteColleagueInput, INPUT]
    ) -> ShopUserPayload:
        ctx = info.context
        new = colleagues.NewColleague(
            first_name=input.first_name, last_name=input.last_name, email=input.email,
            language=input.language,
        )
        shop_user = await colleagues.invite_colleague(ctx.runtime, ctx.caller, new)
        return ShopUserPayload(shop_user=ShopUser.from_model(shop_user))

    @strawberry.mutation(
        permission_classes=company_admin(),
        description="Remove a colleague's login: its sessions end at once, its contact person "
        "stays with the debtor. " + WHO,
    )
    @refusals_as(ShopUserPayload)
    @_no_longer_admin
    async def remove_colleague(
        self, info: GatehouseInfo, input: Annotated[RemoveColleagueInput, INPUT]
    ) -> ShopUserPayload:
        ctx = info.context
        shop_user = await colleagues.remove_colleague(
            ctx.runtime, ctx.caller, pk_of(input.shop_user_id, "ShopUser")
        )
        return ShopUserPayload(shop_user=ShopUser.from_model(shop_user))
