"""Invitation and password-reset links, redeemed by the customer they were mailed to."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import invitations, password_resets
from schema.errors import UserError, refusals_as
from schema.session_mutations import SessionPayload, session_payload


@strawberry.input
class AcceptInvitationInput:
    token: str = strawberry.field(description="The `token` of the invitation link.")
    password: str
    password_confirmation: str


@strawberry.input
class RequestPasswordResetInput:
    shop: str = strawberry.field(description="The shop's handle.")
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str = strawberry.field(description="The `token` of the reset link.")
    password: str
    password_confirmation: str


@strawberry.type(
    description="The same answer whether or not the email belongs to a user of the shop."
)
class RequestPasswordResetPayload:
    requested: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PasswordMutations:
    @strawberry.mutation(
        description="Set the first password with an invitation link; signs the user in."
    )
    @refusals_as(SessionPayload)
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> SessionPayload:
        ctx = info.context
        signed_in = await invitations.accept_invitation(
            ctx.runtime, ctx.caller, input.token, input.password, input.password_confirmation
        )
        return session_payload(info, signed_in)

    @strawberry.mutation(
        description="Mail a password-reset link (valid one hour) to the shop's user with this email."
    )
    @refusals_as(RequestPasswordResetPayload)
    async def request_password_reset(
        self, info: Info, input: RequestPasswordResetInput
    ) -> RequestPasswordResetPayload:
        ctx = info.context
        await password_resets.request_password_reset(ctx.runtime, ctx.caller, input.shop, input.email)
        return RequestPasswordResetPayload(requested=True)

    @strawberry.mutation(
        description="Set a new password with a reset link; the user's other sessions end and "
        "this one is signed in."
    )
    @refusals_as(SessionPayload)
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> SessionPayload:
        ctx = info.context
        signed_in = await password_resets.reset_password(
            ctx.runtime, ctx.caller, input.token, input.password, input.password_confirmation
        )
        return session_payload(info, signed_in)
