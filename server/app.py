"""The Starlette application: /graphql, /health, /ready, and the lifespan that opens the database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.types.unset import UNSET

from auth.passwords import PasswordHasher
from auth.rate_limits import RateLimiter
from auth.secret_box import SecretBox
from auth.sessions import SessionLifetimes, SessionPolicy, viewer_for_token
from resolvers.runtime import Runtime
from schema import schema
from schema.context import Context, CookiePolicy
from server import metrics
from server.background import background_work
from server.cors import cross_origin
from server.database import connection_name, database
from server.graphiql import NODE_MODULES, GraphiQLSite
from server.log_format import JSON
from server.observed_requests import ObservedGraphQL, ObservedRequests
from server.outage import AnswerOutages
from server.proxies import forwarded_client
from server.readiness import readiness_endpoint, readiness_probes
from server.request_hygiene import (
    BodySizeLimit,
    UnreadableRequest,
    decode_request_json,
    refused_http_request,
)
from server.request_ids import RequestIdMiddleware
from server.request_limit import RequestLimit
from server.security_headers import SecurityHeaders
from server.settings import Settings
from server.staff_mfa import OPTIONAL


def build_runtime(settings: Settings) -> Runtime:
    return Runtime(
        passwords=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
        ),
        sessions=SessionPolicy(
            staff=SessionLifetimes(settings.staff_session_idle, settings.staff_session_lifetime),
            customer=SessionLifetimes(
                settings.customer_session_idle, settings.customer_session_lifetime
            ),
        ),
        # Anything but "optional" requires it: a mistyped mode must not switch MFA off
        # (`serve` refuses such a value at start, server/staff_mfa.py).
        staff_mfa_required=settings.staff_mfa != OPTIONAL,
        secrets=SecretBox(settings.secret_key) if settings.secret_key else None,
        invitation_lifetime=settings.invitation_lifetime,
        password_reset_lifetime=settings.password_reset_lifetime,
        public_url=settings.public_url,
        admin_url=settings.admin_url,
        rate_limits=RateLimiter(settings.rate_limit_storage, settings.rate_limits),
        events=metrics.USE_CASE_EVENTS,
    )


def bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


class GatehouseGraphQL(ObservedGraphQL):
    def __init__(
        self, runtime: Runtime, cookie: CookiePolicy, *, graphiql: GraphiQLSite | None
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self.graphiql = graphiql
        self.runtime = runtime
        self.cookie = cookie

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Gatehouse's own page, its files served from here: Strawberry's loads them from a CDN.
        if self.graphiql is None:
            raise HTTPException(404, "Not Found")
        return self.graphiql.page()

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
        runtime = self.runtime
        lookup = await viewer_for_token(
            token, runtime.now(), runtime.sessions, mfa_required=runtime.staff_mfa_required
        )
        context = Context(
            request=request,
            response=response,
            runtime=runtime,
            cookie=self.cookie,
            request_id=request.state.request_id,
            viewer=lookup.viewer,
            client_address=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
        if lookup.ended:
            context.end_of_session()
        return context


def create_app(
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    graphiql_node_modules: Path = NODE_MODULES,
) -> Starlette:
    """The application for `settings`.

    `manage_database=False` leaves opening the database to the caller (the
    tests open one per test, in their own task). In debug mode GraphiQL's npm
    files are read from `graphiql_node_modules` (see server/graphiql.py).
    """
    settings = settings or Settings.from_environ()
    runtime = build_runtime(settings)
    cookie = CookiePolicy(name=settings.cookie_name, secure=settings.cookie_secure)
    graphiql = (
        GraphiQLSite.load(graphiql_node_modules, f"{settings.public_url}/graphql")
        if settings.debug else None
    )
    graphql = GatehouseGraphQL(runtime, cookie, graphiql=graphiql)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with (
            database(settings.database_url), background_work(settings, runtime), metrics.worker_lifetime()
        ):
            yield

    # Outermost first. The client address is settled before anything counts or logs it; the
    # security headers reach every answer, refusals and internal errors included. The body
    # limit sits inside CORS, so its refusal reaches a storefront on another origin with the
    # CORS headers it needs to read it.
    middleware = [
        forwarded_client(settings.trusted_proxies),
        Middleware(SecurityHeaders, strict_transport_security=settings.cookie_secure),
        Middleware(RequestIdMiddleware),
        # Times and counts every answer, refusals of the middleware below included.
        Middleware(ObservedRequests, access_log=settings.access_log and settings.log_format == JSON),
        cross_origin(settings.cors_origins, settings.public_url),
        # Inside CORS, so a storefront can read its 429; first after it, so a flood costs little.
        Middleware(RequestLimit, runtime=runtime),
        # Inside CORS and the request id, outside all that may meet an outage: a 503 for it.
        Middleware(AnswerOutages),
        Middleware(BodySizeLimit),
    ]
    app = Starlette(
        debug=False,
        routes=[
            # Every method reaches the view, so a PUT is refused in GraphQL's shape too.
            Route("/graphql", graphql),
            *(graphiql.routes() if graphiql else ()),
            Route("/health", health, methods=["GET"]),
            *metrics.metrics_routes(settings.metrics_token),
            Route(
                "/ready",
                readiness_endpoint(
                    readiness_probes(connection_name(settings.database_url), runtime.rate_limits)
                ),
                methods=["GET"],
            ),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
