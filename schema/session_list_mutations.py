"""Ending sessions one can see: one by its id, or all of one's own but this one."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import signed_in
from resolvers import session_lists
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT
from schema.nodes import pk_of


@strawberry.input(description="The session to end.")
class EndSessionInput:
    id: strawberry.ID = strawberry.field(
        description="The session's global id (Session.id). One the caller may not end, one "
        "already ended, or an unknown one: NOT_FOUND, alike."
    )


@strawberry.type(description="What endSession and endOtherSessions answer.")
class EndSessionsPayload:
    ended: int = strawberry.field(
        default=0, description="How many sessions ended; 0 when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class SessionListMutations:
    @strawberry.mutation(
        permission_classes=signed_in(),
        description="End one session: any of your own (this one too: then the cookie is cleared, "
        "as by logout), a shop user's if your role supports shop users of its shop, or a "
        "colleague's if your role manages staff and your shops cover theirs. Its token stops "
        "working at once; its next request is answered as anonymous with "
        '`extensions.session = "ENDED"`.',
    )
    @refusals_as(EndSessionsPayload)
    async def end_session(
        self, info: GatehouseInfo, input: Annotated[EndSessionInput, INPUT]
    ) -> EndSessionsPayload:
        ctx = info.context
        ended = await session_lists.end_session(ctx.runtime, ctx.caller, pk_of(input.id, "Session"))
        if ended.current:
            ctx.sign_out()
        return EndSessionsPayload(ended=ended.count)

    @strawberry.mutation(
        permission_classes=signed_in(),
        description="End every session of your own account but this request's, e.g. after "
        "signing in on a computer you no longer trust.",
    )
    @refusals_as(EndSessionsPayload)
    async def end_other_sessions(self, info: GatehouseInfo) -> EndSessionsPayload:
        ctx = info.context
        ended = await session_lists.end_other_sessions(ctx.runtime, ctx.caller)
        return EndSessionsPayload(ended=ended.count)
