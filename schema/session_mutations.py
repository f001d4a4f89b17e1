"""Signing in and out, and changing one's password."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsSignedIn, MfaEnrolmentNotPending, unrestricted
from resolvers import sessions
from resolvers.signed_in import SignedIn
from schema.accounts import Viewer, viewer_type
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT


@strawberry.input(description="A shop user's credentials.")
class LoginInput:
    shop: str = strawberry.field(description="The shop's handle.")
    username: str = strawberry.field(description="The username, in any case.")
    password: str = strawberry.field(description="The password.")


@strawberry.input(description="A staff member's credentials.")
class AdminLoginInput:
    email: str = strawberry.field(description="The staff member's email, in any case.")
    password: str = strawberry.field(description="The password.")


@strawberry.input(description="The current password, and the new one typed twice.")
class ChangePasswordInput:
    current_password: str = strawberry.field(
        description="The password now; a wrong one is INVALID_CREDENTIALS."
    )
    new_password: str = strawberry.field(
        description="8 to 128 characters with letters and digits, not a well-known password "
        "(else PASSWORD_TOO_WEAK)."
    )
    new_password_confirmation: str = strawberry.field(
        description="The new password typed again; a different one is PASSWORD_MISMATCH."
    )


@strawberry.type(
    description="A new session (login, adminLogin, verifyMfa, acceptInvitation, resetPassword). "
    "Its token is also set as an HttpOnly, SameSite=Lax cookie; send either that cookie or "
    "`Authorization: Bearer <token>`. A staff member with two-factor sign-in gets no session "
    "from the password (or link) alone: token null and an mfaChallenge, for verifyMfa."
)
class SessionPayload:
    token: str | None = strawberry.field(
        default=None,
        description="The opaque session token; null when userErrors refused the call, and null "
        "until verifyMfa when mfaChallenge is set. It ends on logout, on exclusion, on a password "
        "change elsewhere, and when it expires.",
    )
    viewer: Viewer | None = strawberry.field(
        default=None,
        description="Who is signed in now; null when userErrors refused the call or an "
        "mfaChallenge is owed first.",
    )
    mfa_challenge: str | None = strawberry.field(
        default=None,
        description="Staff with two-factor sign-in: the password (or link) was right, and this "
        "opaque challenge, with a code from the app or a recovery code, goes to verifyMfa within "
        "5 minutes. No session exists yet (token null). Null otherwise.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What logout answers.")
class LogoutPayload:
    logged_out: bool = strawberry.field(
        default=False, description="True: the session (if any) has ended and the cookie is cleared."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What changePassword answers.")
class ChangePasswordPayload:
    viewer: Viewer | None = strawberry.field(
        default=None, description="Who changed the password; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


def session_payload(info: GatehouseInfo, signed_in: SignedIn) -> SessionPayload:
    """The answer of every sign-in: a session (and its cookie), or the MFA challenge owed first."""
    if signed_in.token is not None and signed_in.viewer is not None:
        info.context.sign_in(signed_in.token, signed_in.viewer)
    return SessionPayload(
        token=signed_in.token,
        viewer=viewer_type(signed_in.viewer),
        mfa_challenge=signed_in.mfa_challenge,
    )


@strawberry.type
class SessionMutations:
    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Sign in as staff (anyone may try). Wrong email or password: "
        "INVALID_CREDENTIALS, the same for both. Rate-limited. With two-factor sign-in enrolled, "
        "the answer is no session but an mfaChallenge for verifyMfa."
    )
    @refusals_as(SessionPayload)
    async def admin_login(
        self, info: GatehouseInfo, input: Annotated[AdminLoginInput, INPUT]
    ) -> SessionPayload:
        ctx = info.context
        signed_in = await sessions.admin_login(ctx.runtime, ctx.caller, input.email, input.password)
        return session_payload(info, signed_in)

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Sign in as a shop user of the shop named by its handle (anyone may try). Wrong "
        "username or password: INVALID_CREDENTIALS, the same for both; an excluded user: "
        "ACCOUNT_EXCLUDED. Rate-limited."
    )
    @refusals_as(SessionPayload)
    async def login(self, info: GatehouseInfo, input: Annotated[LoginInput, INPUT]) -> SessionPayload:
        ctx = info.context
        signed_in = await sessions.login(
            ctx.runtime, ctx.caller, input.shop, input.username, input.password
        )
        return session_payload(info, signed_in)

    @strawberry.mutation(
        description="End this request's session (anyone may call it): its token stops working at once."
    )
    @refusals_as(LogoutPayload)
    async def logout(self, info: GatehouseInfo) -> LogoutPayload:
        await sessions.logout(info.context.caller)
        info.context.sign_out()
        return LogoutPayload(logged_out=True)

    @strawberry.mutation(
        permission_classes=[IsSignedIn, MfaEnrolmentNotPending],
        description="Change your own password (signed-in staff or shop users); your other sessions "
        "end, this one lives on, and mustChangePassword is cleared. A staff session that must "
        "enrol MFA first answers MFA_ENROLMENT_REQUIRED: a password alone changes nothing.",
    )
    @refusals_as(ChangePasswordPayload)
    async def change_password(
        self, info: GatehouseInfo, input: Annotated[ChangePasswordInput, INPUT]
    ) -> ChangePasswordPayload:
        ctx = info.context
        viewer = await sessions.change_password(
            ctx.runtime, ctx.caller,
            input.current_password, input.new_password, input.new_password_confirmation,
        )
        return ChangePasswordPayload(viewer=viewer_type(viewer))
