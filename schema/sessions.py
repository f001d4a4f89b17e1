"""`Session`: a signed-in browser or program, as its account (or staff who manage it) sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from auth.permissions import SeesSessions, unrestricted
from auth.sessions import SessionPolicy
from models import Session as SessionModel
from resolvers import session_lists
from schema.context import GatehouseInfo
from schema.nodes import Node, global_id


@strawberry.type(
    description="A signed-in browser or program of one account. Listed only while it lives; "
    "end one with endSession, all others of your own with endOtherSessions."
)
class Session(Node):
    created_at: datetime = strawberry.field(description="When it signed in.")
    last_seen_at: datetime = strawberry.field(
        description="Its latest request, to the minute (it is written at most once a minute)."
    )
    expires_at: datetime = strawberry.field(
        description="When it ends unless used before: the idle end (lastSeenAt plus the idle "
        "lifetime) or the absolute end after sign-in, whichever comes first. Each request moves "
        "the idle end on, never past the absolute one."
    )
    client_address: str | None = strawberry.field(
        description="The IP address it signed in from; null if unknown."
    )
    user_agent: str | None = strawberry.field(
        description="The User-Agent it signed in with (at most 255 characters); null if none was sent."
    )
    current: bool = strawberry.field(description="True for the session of the request asking.")

    @classmethod
    def from_model(
        cls, session: SessionModel, policy: SessionPolicy, current_session_id: int | None
    ) -> Session:
        return cls(
            id=global_id("Session", session.id),
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=policy.ends_at(session),
            client_address=session.client_address,
            user_agent=session.user_agent,
            current=session.id == current_session_id,
        )


def _session_type(info: GatehouseInfo, session: SessionModel) -> Session:
    viewer = info.context.viewer
    return Session.from_model(
        session, info.context.runtime.sessions, viewer.session_id if viewer else None
    )


async def _sessions_of_source(root: Any, info: GatehouseInfo) -> list[Session]:
    ctx = info.context
    rows = await session_lists.listed_sessions(ctx.runtime, ctx.loaders, root.model)
    return [_session_type(info, row) for row in rows]


def sessions_field(who: str) -> Any:
    """The `sessions` field of an account type (its `model` is the account); `who` says who
    besides the account itself may read it."""
    return strawberry.field(
        resolver=_sessions_of_source,
        permission_classes=[*unrestricted(), SeesSessions],
        description="Its live sessions, newest first (ended, expired and idle ones are not "
        f"listed). Readable by the account itself and by {who}; anyone else: FORBIDDEN.",
    )


async def session_node(info: GatehouseInfo, pk: int) -> Session | None:
    """`node(id:)` of a Session: visible exactly when its account's `sessions` would list it."""
    ctx = info.context
    row = await session_lists.session_in_reach(ctx.runtime, ctx.viewer, pk)
    return _session_type(info, row) if row else None
