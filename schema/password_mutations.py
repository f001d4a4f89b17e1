"""Invitation and password-reset links, redeemed by the customer or staff member they were mailed to."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import unrestricted
from resolvers import invitations, password_resets
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT
from schema.session_mutations import SessionPayload, session_payload

POLICY = (
    "The new password: 8 to 128 characters with letters and digits, not a well-known one "
    "(else PASSWORD_TOO_WEAK)."
)
CONFIRMATION = "The new password typed again; a different one is PASSWORD_MISMATCH."


@strawberry.input(description="An invitation link redeemed: its token and the first password.")
class AcceptInvitationInput:
    token: str = strawberry.field(
        description="The `token` parameter of the invitation link (/account/invitation?token=... "
        "for customers, /accept-invitation?token=... for staff), or the token a staff invitation "
        "mailed without a link."
    )
    password: str = strawberry.field(description=POLICY)
    password_confirmation: str = strawberry.field(description=CONFIRMATION)


@strawberry.input(description="Who forgot their password: the shop and the email.")
class RequestPasswordResetInput:
    shop: str = strawberry.field(description="The shop's handle; an unknown one is NOT_FOUND.")
    email: str = strawberry.field(
        description="The shop user's email (its contact person's, or a username that is an email)."
    )


@strawberry.input(description="A reset link redeemed: its token and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(
        description="The `token` parameter of the reset link (/account/reset-password?token=... "
        "for customers, /reset-password?token=... for staff), or the token a staff reset mail "
        "carried without a link."
    )
    password: str = strawberry.field(description=POLICY)
    password_confirmation: str = strawberry.field(description=CONFIRMATION)


@strawberry.type(
    description="The same answer whether or not the email belongs to a user of the shop."
)
class RequestPasswordResetPayload:
    requested: bool = strawberry.field(
        default=False, description="True once the request was taken, whether or not a mail went out."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class PasswordMutations:
    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Set the first password with an invitation link (anyone holding the link): "
        "activates the user, signs it in and tells staff. A staff invitation (inviteStaff) signs "
        "the staff member in likewise. A used, expired or replaced link is INVALID_TOKEN."
    )
    @refusals_as(SessionPayload)
    async def accept_invitation(
        self, info: GatehouseInfo, input: Annotated[AcceptInvitationInput, INPUT]
    ) -> SessionPayload:
        ctx = info.context
        signed_in = await invitations.accept_invitation(
            ctx.runtime, ctx.caller, input.token, input.password, input.password_confirmation
        )
        return session_payload(info, signed_in)

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Mail a password-reset link (valid one hour) to the shop's user with this email "
        "(anyone may ask); a user who has no password yet gets a new invitation instead, an "
        "excluded one nothing. Rate-limited."
    )
    @refusals_as(RequestPasswordResetPayload)
    async def request_password_reset(
        self, info: GatehouseInfo, input: Annotated[RequestPasswordResetInput, INPUT]
    ) -> RequestPasswordResetPayload:
        ctx = info.context
        await password_resets.request_password_reset(ctx.runtime, ctx.caller, input.shop, input.email)
        return RequestPasswordResetPayload(requested=True)

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Set a new password with a reset link (anyone holding the link), a shop "
        "user's (requestPasswordReset) or a staff member's (requestAdminPasswordReset); every "
        "other session of the account ends and this one is signed in (a staff member with "
        "two-factor sign-in gets an mfaChallenge first). A used or expired link is INVALID_TOKEN."
    )
    @refusals_as(SessionPayload)
    async def reset_password(
        self, info: GatehouseInfo, input: Annotated[ResetPasswordInput, INPUT]
    ) -> SessionPayload:
        ctx = info.context
        signed_in = await password_resets.reset_password(
            ctx.runtime, ctx.caller, input.token, input.password, input.password_confirmation
        )
        return session_payload(info, signed_in)
