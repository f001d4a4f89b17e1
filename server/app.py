"""The Starlette application: /graphql, /health, and the lifespan that opens the database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from auth.passwords import PasswordHasher
from auth.rate_limits import RateLimiter
from auth.sessions import viewer_for_token
from resolvers.runtime import Runtime
from schema import schema
from schema.context import Context, CookiePolicy
from server.background import background_work
from server.cors import cross_origin
from server.database import database
from server.request_hygiene import (
    BodySizeLimit,
    UnreadableRequest,
    decode_request_json,
    refused_http_request,
)
from server.request_ids import RequestIdMiddleware
from server.settings import Settings


def build_runtime(settings: Settings) -> Runtime:
    return Runtime(
        passwords=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
        ),
        session_lifetime=settings.session_lifetime,
        invitation_lifetime=settings.invitation_lifetime,
        password_reset_lifetime=settings.password_reset_lifetime,
        public_url=settings.public_url,
        admin_url=settings.admin_url,
        rate_limits=RateLimiter(settings.rate_limit_storage, settings.rate_limits),
    )


def bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


class GatehouseGraphQL(GraphQL[Context, None]):
    def __init__(self, runtime: Runtime, cookie: CookiePolicy, *, debug: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if debug else None)
        self.runtime = runtime
        self.cookie = cookie

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except UnreadableRequest as refusal:
            return refusal.response()
        except HTTPException as refusal:  # Strawberry's own, answered in plain text otherwise
            return refused_http_request(refusal.status_code, refusal.reason)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if not isinstance(request, Request) or not isinstance(response, Response):
            raise TypeError("Gatehouse serves GraphQL over HTTP only, not over WebSocket.")
        token = bearer_token(request) or request.cookies.get(self.cookie.name)
        return Context(
            request=request,
            response=response,
            runtime=self.runtime,
            cookie=self.cookie,
            request_id=request.state.request_id,
            viewer=await viewer_for_token(token, self.runtime.now()),
            client_address=request.client.host if request.client else None,
        )


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """The application for `settings`.

    `manage_database=False` leaves opening the database to the caller (the
    tests open one per test, in their own task).
    """
    settings = settings or Settings.from_environ()
    runtime = build_runtime(settings)
    cookie = CookiePolicy(
        name=settings.cookie_name,
        secure=settings.cookie_secure,
        max_age_seconds=int(settings.session_lifetime.total_seconds()),
    )
    graphql = GatehouseGraphQL(runtime, cookie, debug=settings.debug)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with database(settings.database_url), background_work(settings, runtime):
            yield

    # Outermost first. The body limit sits inside CORS, so its refusal reaches a storefront
    # on another origin with the CORS headers it needs to read it.
    middleware = [
        Middleware(RequestIdMiddleware),
        cross_origin(settings.cors_origins),
        Middleware(BodySizeLimit),
    ]
    app = Starlette(
        debug=False,
        routes=[
            # Every method reaches the view, so a PUT is refused in GraphQL's shape too.
            Route("/graphql", graphql),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
