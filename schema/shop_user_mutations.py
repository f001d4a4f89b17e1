"""Shop users made and managed by staff: creation, invitations, exclusion."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff
from resolvers import shop_users
from schema.customers import ShopUser
from schema.errors import UserError, refusals_as
from schema.nodes import pk_of


@strawberry.input(
    description="A login for an existing contact person: a password typed twice (to be changed "
    "at first sign-in), or sendInvitation for a set-password link by mail."
)
class CreateShopUserInput:
    contact_person_id: strawberry.ID
    shop: str = strawberry.field(description="The shop's handle.")
    username: str = strawberry.field(description="Unique per shop, ignoring case.")
    language: str = strawberry.field(description="One of the shop's languages.")
    password: str | None = None
    password_confirmation: str | None = None
    send_invitation: bool = False
    may_be_excluded: bool = strawberry.field(
        default=True, description="Whether staff may exclude this user, e.g. for unpaid bills."
    )


@strawberry.input
class ResendInvitationInput:
    shop_user_id: strawberry.ID


@strawberry.input(
    description="Exclude (reason, and optionally until when) or readmit (excluded: false) a user."
)
class SetExclusionInput:
    shop_user_id: strawberry.ID
    excluded: bool
    reason: str | None = None
    until: datetime | None = strawberry.field(
        default=None, description="The exclusion lifts by itself at this moment (with a time zone)."
    )


@strawberry.type
class CreateShopUserPayload:
    shop_user: ShopUser | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ResendInvitationPayload:
    shop_user: ShopUser | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetExclusionPayload:
    shop_user: ShopUser | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ShopUserMutations:
    @strawberry.mutation(permission_classes=[IsStaff], description="Give a contact person a login.")
    @refusals_as(CreateShopUserPayload)
    async def create_shop_user(self, info: Info, input: CreateShopUserInput) -> CreateShopUserPayload:
        ctx = info.context
        new = shop_users.NewShopUser(
            contact_pk=pk_of(input.contact_person_id, "ContactPerson"),
            shop_handle=input.shop,
            username=input.username,
            language=input.language,
            password=input.password,
            password_confirmation=input.password_confirmation,
            send_invitation=input.send_invitation,
            may_be_excluded=input.may_be_excluded,
        )
        shop_user = await shop_users.create_shop_user(ctx.runtime, ctx.caller, new)
        return CreateShopUserPayload(shop_user=ShopUser.from_model(shop_user))

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Mail a new invitation link to a user who has not set a password; "
        "the link sent before stops working.",
    )
    @refusals_as(ResendInvitationPayload)
    async def resend_invitation(self, info: Info, input: ResendInvitationInput) -> ResendInvitationPayload:
        ctx = info.context
        shop_user = await shop_users.resend_invitation(
            ctx.runtime, ctx.caller, pk_of(input.shop_user_id, "ShopUser")
        )
        return ResendInvitationPayload(shop_user=ShopUser.from_model(shop_user))

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Exclude a user (their sessions end at once) or readmit them.",
    )
    @refusals_as(SetExclusionPayload)
    async def set_exclusion(self, info: Info, input: SetExclusionInput) -> SetExclusionPayload:
        ctx = info.context
        shop_user = await shop_users.set_exclusion(
            ctx.runtime, ctx.caller, pk_of(input.shop_user_id, "ShopUser"),
            input.excluded, input.reason, input.until,
        )
        return SetExclusionPayload(shop_user=ShopUser.from_model(shop_user))
