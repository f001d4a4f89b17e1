"""Shop users made and managed by staff: creation, changes, invitations, exclusion."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from auth.permissions import may
from auth.roles import Capability
from models import CompanyRole
from resolvers import shop_users
from schema.context import GatehouseInfo
from schema.customers import ShopUser
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT, given_fields
from schema.nodes import pk_of

SHOP_USER_ID = (
    "The shop user's global id; an unknown one, or a user of a shop outside the caller's, is NOT_FOUND."
)


@strawberry.input(
    description="A login for an existing contact person: a password typed twice (to be changed "
    "at first sign-in), or sendInvitation for a set-password link by mail."
)
class CreateShopUserInput:
    contact_person_id: strawberry.ID = strawberry.field(
        description="Global id of the contact person the login is for; an unknown one is "
        "CONTACT_NOT_FOUND, one with a user in this shop already ALREADY_HAS_ACCOUNT."
    )
    shop: str = strawberry.field(description="The shop's handle.")
    username: str = strawberry.field(
        description="1 to 150 characters without spaces; unique per shop, ignoring case (else "
        "USERNAME_TAKEN)."
    )
    language: str = strawberry.field(
        description="The language of the user's mail; one of the shop's (else LANGUAGE_NOT_OFFERED)."
    )
    password: str | None = strawberry.field(
        default=None,
        description="A first password, 8 to 128 characters with letters and digits; the user "
        "must change it at first sign-in. Not with sendInvitation.",
    )
    password_confirmation: str | None = strawberry.field(
        default=None, description="The password typed again; a different one is PASSWORD_MISMATCH."
    )
    send_invitation: bool = strawberry.field(
        default=False,
        description="Mail the contact person a link to choose a password instead of giving one; "
        "the user is INVITED until then.",
    )
    may_be_excluded: bool = strawberry.field(
        default=True, description="Whether staff may exclude this user, e.g. for unpaid bills."
    )


@strawberry.input(description="The invited user to send a new link to.")
class ResendInvitationInput:
    shop_user_id: strawberry.ID = strawberry.field(description=SHOP_USER_ID)


@strawberry.input(
    description="Exclude (reason, and optionally until when) or readmit (excluded: false) a user."
)
class SetExclusionInput:
    shop_user_id: strawberry.ID = strawberry.field(description=SHOP_USER_ID)
    excluded: bool = strawberry.field(
        description="True excludes (again, with the new reason and end); false readmits."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why, at most 1000 characters; staff see it as exclusionReason."
    )
    until: datetime | None = strawberry.field(
        default=None,
        description="The exclusion lifts by itself at this moment, which must be in the future and "
        "carry its UTC offset; null: until readmitted.",
    )


@strawberry.input(
    description="The shop user and the fields to change; a field left out keeps its value, and "
    "none may be null (INVALID)."
)
class UpdateShopUserInput:
    id: strawberry.ID = strawberry.field(
        description="The shop user's global id; an unknown one, or a user of a shop outside the "
        "caller's, is NOT_FOUND at [\"id\"]."
    )
    username: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="1 to 150 characters without spaces; unique per shop, ignoring case (else "
        "USERNAME_TAKEN). The user signs in with the new one from now on; its sessions stay.",
    )
    language: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The language of the user's mail; one of the shop's (else LANGUAGE_NOT_OFFERED).",
    )
    may_be_excluded: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether staff may exclude this user; false keeps an exclusion already in "
        "force, but refuses new ones.",
    )
    company_role: CompanyRole | None = strawberry.field(
        default=strawberry.UNSET,
        description="ADMIN lets the user list, invite and remove the logins of its own company "
        "in this shop (inviteColleague, removeColleague); MEMBER takes that away at its next request.",
    )


@strawberry.type(description="What updateShopUser, inviteColleague and removeColleague answer.")
class ShopUserPayload:
    shop_user: ShopUser | None = strawberry.field(
        default=None,
        description="The user as it is now (removeColleague: as it was before it was removed; its "
        "id names nothing any more); null when userErrors refused the call.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What createShopUser answers.")
class CreateShopUserPayload:
    shop_user: ShopUser | None = strawberry.field(
        default=None, description="The user made; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What resendInvitation answers.")
class ResendInvitationPayload:
    shop_user: ShopUser | None = strawberry.field(
        default=None, description="The user invited again; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What setExclusion answers.")
class SetExclusionPayload:
    shop_user: ShopUser | None = strawberry.field(
        default=None, description="The user as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class ShopUserMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_USERS),
        description="Give a contact person a login to a shop (OWNER, MANAGER; a shop outside the "
        "caller's is NOT_FOUND): with a first password "
        "typed twice, or with sendInvitation for a set-password link by mail.",
    )
    @refusals_as(CreateShopUserPayload)
    async def create_shop_user(
        self, info: GatehouseInfo, input: Annotated[CreateShopUserInput, INPUT]
    ) -> CreateShopUserPayload:
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
        permission_classes=may(Capability.MANAGE_SHOP_USERS),
        description="Change a shop user's username, language, mayBeExcluded or companyRole "
        "(OWNER, MANAGER; a user of a shop outside the caller's is NOT_FOUND). Audited with "
        "each change, from and to.",
    )
    @refusals_as(ShopUserPayload)
    async def update_shop_user(
        self, info: GatehouseInfo, input: Annotated[UpdateShopUserInput, INPUT]
    ) -> ShopUserPayload:
        ctx = info.context
        shop_user = await shop_users.update_shop_user(
            ctx.caller, pk_of(input.id, "ShopUser"), given_fields(input, leave_out=("id",))
        )
        return ShopUserPayload(shop_user=ShopUser.from_model(shop_user))

    @strawberry.mutation(
        permission_classes=may(Capability.SUPPORT_SHOP_USERS),
        description="Mail a new invitation link to a user who has not set a password (OWNER, "
        "MANAGER, SUPPORT); "
        "the link sent before stops working. An excluded user: ACCOUNT_EXCLUDED.",
    )
    @refusals_as(ResendInvitationPayload)
    async def resend_invitation(
        self, info: GatehouseInfo, input: Annotated[ResendInvitationInput, INPUT]
    ) -> ResendInvitationPayload:
        ctx = info.context
        shop_user = await shop_users.resend_invitation(
            ctx.runtime, ctx.caller, pk_of(input.shop_user_id, "ShopUser")
        )
        return ResendInvitationPayload(shop_user=ShopUser.from_model(shop_user))

    @strawberry.mutation(
        permission_classes=may(Capability.SUPPORT_SHOP_USERS),
        description="Exclude a user (OWNER, MANAGER, SUPPORT; its sessions and mailed links end at once) or "
        "readmit it. A user whose mayBeExcluded is false: NOT_EXCLUDABLE.",
    )
    @refusals_as(SetExclusionPayload)
    async def set_exclusion(
        self, info: GatehouseInfo, input: Annotated[SetExclusionInput, INPUT]
    ) -> SetExclusionPayload:
        ctx = info.context
        shop_user = await shop_users.set_exclusion(
            ctx.runtime, ctx.caller, pk_of(input.shop_user_id, "ShopUser"),
            input.excluded, input.reason, input.until,
        )
        return SetExclusionPayload(shop_user=ShopUser.from_model(shop_user))
