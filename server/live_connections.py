"""WebSocket connections at /graphql: signed in at connect, carrying subscriptions only.

A connection speaks graphql-transport-ws. Its `connection_init` payload carries a staff token
(`{"authorization": "Bearer …"}`), else the session cookie is read (the origin policy,
server/cors.py, has already closed a WebSocket opened by another site's page); a connection
that signs no staff member in is closed with 4403 before any subscription starts. Queries and
mutations sent over it are refused (schema/subscription_transport.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from auth.tokens import bearer_credentials
from resolvers.runtime import Runtime
from schema.context import Context, CookiePolicy, session_lookup


def websocket_context(websocket: WebSocket, runtime: Runtime, cookie: CookiePolicy) -> Context:
    """A connection's context before it signs in: anonymous until `sign_in_at_connect`."""
    return Context(
        request=websocket,
        response=websocket,
        runtime=runtime,
        cookie=cookie,
        request_id=uuid.uuid4().hex,
        viewer=None,
        client_address=websocket.client.host if websocket.client else None,
        user_agent=websocket.headers.get("user-agent"),
    )


def _token(context: Context, connection_params: Any) -> str | None:
    given = connection_params.get("authorization") if isinstance(connection_params, dict) else None
    if isinstance(given, str):
        return bearer_credentials(given)
    return context.request.cookies.get(context.cookie.name)


async def sign_in_at_connect(context: Context, connection_params: Any) -> None:
    """Signs the connection in as the staff member its token names; ConnectionRejectionError
    (closed with 4403) for anyone else, or a session only allowed to enrol in MFA."""
    token = _token(context, connection_params)
    viewer = (await session_lookup(context.runtime, token)).viewer
    if viewer is None or not viewer.is_staff or viewer.restriction is not None:
        raise ConnectionRejectionError()
    context.viewer = viewer
    context.session_token = token
