"""Signing in and out, and changing one's password."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.permissions import IsSignedIn
from resolvers import sessions
from schema.accounts import Viewer, viewer_type
from schema.errors import UserError, refusals_as


@strawberry.input
class LoginInput:
    shop: str = strawberry.field(description="The shop's handle.")
    username: str
    password: str


@strawberry.input
class AdminLoginInput:
    email: str
    password: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str
    new_password_confirmation: str


@strawberry.type(description="A session: its token is also set as an HttpOnly cookie.")
class SessionPayload:
    token: str | None = None
    viewer: Viewer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    logged_out: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChangePasswordPayload:
    viewer: Viewer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def session_payload(info: Info, signed_in: sessions.SignedIn) -> SessionPayload:
    info.context.sign_in(signed_in.token, signed_in.viewer)
    return SessionPayload(token=signed_in.token, viewer=viewer_type(signed_in.viewer))


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Sign in as staff.")
    @refusals_as(SessionPayload)
    async def admin_login(self, info: Info, input: AdminLoginInput) -> SessionPayload:
        ctx = info.context
        signed_in = await sessions.admin_login(ctx.runtime, ctx.caller, input.email, input.password)
        return session_payload(info, signed_in)

    @strawberry.mutation(description="Sign in as a shop user of the shop named by its handle.")
    @refusals_as(SessionPayload)
    async def login(self, info: Info, input: LoginInput) -> SessionPayload:
        ctx = info.context
        signed_in = await sessions.login(
            ctx.runtime, ctx.caller, input.shop, input.username, input.password
        )
        return session_payload(info, signed_in)

    @strawberry.mutation(description="End this session; its token stops working at once.")
    @refusals_as(LogoutPayload)
    async def logout(self, info: Info) -> LogoutPayload:
        await sessions.logout(info.context.caller)
        info.context.sign_out()
        return LogoutPayload(logged_out=True)

    @strawberry.mutation(
        permission_classes=[IsSignedIn],
        description="Change your own password; your other sessions end.",
    )
    @refusals_as(ChangePasswordPayload)
    async def change_password(self, info: Info, input: ChangePasswordInput) -> ChangePasswordPayload:
        ctx = info.context
        viewer = await sessions.change_password(
            ctx.runtime, ctx.caller,
            input.current_password, input.new_password, input.new_password_confirmation,
        )
        return ChangePasswordPayload(viewer=viewer_type(viewer))
