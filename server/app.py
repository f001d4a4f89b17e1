"""The Starlette application: /graphql, /health, /ready, and the lifespan that opens the database."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from auth.form_tokens import FormTokens
from auth.passwords import PasswordHasher
from auth.pseudonyms import Pseudonyms
from auth.rate_limits import RateLimiter
from auth.secret_box import SecretBox
from auth.sessions import SessionLifetimes, SessionPolicy
from auth.tokens import bearer_credentials
from models.changes import FEED, collect_sent_notices
from resolvers.runtime import Runtime
from schema import schema
from schema.context import Context, CookiePolicy, session_lookup
from server import metrics
from server.background import background_work
from server.change_listener import hearing_changes
from server.cors import cross_origin
from server.database import connection_name, database
from server.graphiql import NODE_MODULES, GraphiQLSite
from server.graphql_outcome import OTHER, note_operation, note_outcome, note_result, noted_operation
from server.live_connections import sign_in_at_connect, websocket_context
from server.log_format import JSON
from server.observed_requests import OPERATION_NAMES, ObservedGraphQL, ObservedRequests
from server.outage import AnswerOutages
from server.persisted_queries import PersistedQueries, PersistedQueryError, Resolved
from server.proxies import forwarded_client
from server.public_answers import (
    MAX_AGE_SECONDS,
    PublicAnswer,
    PublicAnswers,
    Wanted,
    asks_anonymously,
    matches,
    wanted,
)
from server.readiness import readiness_endpoint, readiness_probes
from server.request_hygiene import (
    BodySizeLimit,
    UnreadableRequest,
    decode_request_json,
    refused_http_request,
)
from server.request_ids import RequestIdMiddleware
from server.request_limit import RequestLimit
from server.requests_in_flight import RequestsInFlight
from server.security_headers import SecurityHeaders, allow_public_caching
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
        form_tokens=FormTokens.from_secret_key(settings.secret_key) if settings.secret_key else None,
        pseudonyms=Pseudonyms.from_secret_key(settings.secret_key) if settings.secret_key else None,
        invitation_lifetime=settings.invitation_lifetime,
        password_reset_lifetime=settings.password_reset_lifetime,
        public_url=settings.public_url,
        admin_url=settings.admin_url,
        rate_limits=RateLimiter(settings.rate_limit_storage, settings.rate_limits),
        events=metrics.USE_CASE_EVENTS,
        webhook_allow_private=settings.webhook_allow_private,
    )


def bearer_token(request: Request) -> str | None:
    return bearer_credentials(request.headers.get("authorization", ""))


# The longest a change's answer waits for its notice to come back: far more than it takes, short
# enough that a notice that never comes (its transaction rolled back) costs little.
ECHO_SECONDS = 0.1
# A WebSocket that opens must sign in (connection_init) within this, and may carry so many.
CONNECTION_INIT_WAIT = timedelta(seconds=10)
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10
# Where a request's parsed parameters, and its execution's result, wait on its ASGI scope.
_PARSED = "gatehouse.parsed_request"
_RESULT = "gatehouse.execution_result"
# What the metrics count an answer from memory as: it had data and no errors.
_ANSWERED = ExecutionResult(data={}, errors=None)
# What a request's parameters may fail with before GraphQL: answered by the view as ever.
_REFUSALS = (HTTPException, UnreadableRequest, PersistedQueryError, json.JSONDecodeError)


class KeptRequestAdapter(StarletteRequestAdapter):
    """Starlette's adapter, keeping its request: the view parses each request once."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


@dataclass(frozen=True)
class ParsedRequest:
    """A request's GraphQL parameters, persisted query resolved; or why they cannot be read."""

    parsed: Resolved | list[GraphQLRequestData] | None
    error: Exception | None = None


def document_ran(result: ExecutionResult) -> bool:
    """Whether the document parsed, validated and ran: errors, if any, come from fields."""
    errors = result.errors or []
    return result.data is not None or (bool(errors) and all(error.path for error in errors))


class GatehouseGraphQL(ObservedGraphQL):
    request_adapter_class = KeptRequestAdapter

    def __init__(
        self, runtime: Runtime, cookie: CookiePolicy, *, graphiql: GraphiQLSite | None
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if graphiql else None,
            # The protocol of today's clients; the older graphql-ws is not spoken.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # A dashboard needs a few; a socket that asks for more is not one.
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
        )
        self.graphiql = graphiql
        self.runtime = runtime
        self.cookie = cookie
        self.persisted_queries = PersistedQueries()
        self.public_answers = PublicAnswers()

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def encode_json(self, data: object) -> str:
        # A page of 100 requests is some 2,000 values: orjson writes them in a tenth of the time.
        # Text, not bytes: the same encoder writes the WebSocket's messages, and Strawberry sends
        # bytes as binary frames, which graphql-transport-ws clients refuse.
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        # Gatehouse's own page, its files served from here: Strawberry's loads them from a CDN.
        if self.graphiql is None:
            raise HTTPException(404, "Not Found")
        return self.graphiql.page()

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET of a persisted query has no `query` either: it asks for an answer, not the page.
        return super().should_render_graphql_ide(request) and "extensions" not in request.query_params

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        sent = collect_sent_notices()
        try:
            if isinstance(request, Request):
                return await self._answer(request, context, root_value)
            return await super().run(request, context, root_value)
        except PersistedQueryError as refusal:  # nothing ran: counted here
            note_operation(request.scope, OPERATION_NAMES.label(refusal.operation_name, None))
            note_outcome(request.scope, refusal.code)
            return refusal.response()
        except UnreadableRequest as refusal:
            return refusal.response()
        except HTTPException as refusal:  # Strawberry's own, answered in plain text otherwise
            return refused_http_request(refusal.status_code, refusal.reason)
        finally:
            # The answer is sent: state[_RESULT] (kept for _remembered) would hold its result
            # tree until the collector frees the request's cycles (docs/operations.md "Memory").
            if isinstance(request, Request):
                request.scope.get("state", {}).pop(_RESULT, None)
            if sent:
                # A change is answered once this instance heard its notice back: the next
                # request, on any instance, then finds it heard (models/changes.py).
                await FEED.echoed(sent, seconds=ECHO_SECONDS)

    async def _answer(self, request: Request, context: Any, root_value: Any) -> Response:
        """From memory when an anonymous public query was answered before, else by Strawberry."""
        asked = await self._wanted(request)
        if asked is None:
            return await super().run(request, context, root_value)
        remembered = self.public_answers.get(asked.key)
        if remembered is not None:
            return self._from_memory(request, remembered)
        generation = self.public_answers.generation
        response = await super().run(request, context, root_value)
        return self._remembered(request, asked, response, generation)

    async def _wanted(self, request: Request) -> Wanted | None:
        """What an anonymous GraphQL request asks, parsed (once) before Strawberry reads it."""
        if request.method not in ("GET", "POST") or not asks_anonymously(request, self.cookie.name):
            return None
        adapter = KeptRequestAdapter(request)
        if self.should_render_graphql_ide(adapter):
            return None
        parsed = (await self._parsed(adapter)).parsed
        if not isinstance(parsed, Resolved):
            return None  # refused (Strawberry's run raises it again), or a batch
        return wanted(parsed.data, parsed.document_hash)

    def _remembered(self, request: Request, asked: Wanted, response: Response, generation: int) -> Response:
        """Keeps a public answer Strawberry computed; a GET's leaves cacheable, with its ETag."""
        result = request.scope.get("state", {}).get(_RESULT)
        if (
            not isinstance(result, ExecutionResult) or result.errors or result.data is None
            or response.status_code != 200 or "set-cookie" in response.headers
            or not self.public_answers.is_public(asked.document_hash, asked.operation_name, asked.query)
        ):
            return response
        answer = self.public_answers.answer(bytes(response.body), noted_operation(request.scope) or OTHER)
        if not self.public_answers.keep(asked.key, answer, computed_at_generation=generation):
            return response  # a shop changed while it was computed: it may show the old form
        return self._from_memory(request, answer) if request.method == "GET" else response

    def _from_memory(self, request: Request, answer: PublicAnswer) -> Response:
        note_operation(request.scope, answer.operation)
        note_result(request.scope, _ANSWERED)
        if request.method != "GET":
            return Response(answer.body, media_type="application/json")  # a POST's stays no-store
        allow_public_caching(request, MAX_AGE_SECONDS)
        headers = {"etag": answer.etag}
        if matches(request.headers.get("if-none-match"), answer.etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type="application/json", headers=headers)

    async def _parsed(self, adapter: KeptRequestAdapter) -> ParsedRequest:
        state = adapter.request.scope.setdefault("state", {})
        parsed = state.get(_PARSED)
        if parsed is None:
            try:
                data = await super().parse_http_body(adapter)
                resolved = data if isinstance(data, list) else self.persisted_queries.resolve(data)
                parsed = ParsedRequest(resolved)
            except _REFUSALS as refusal:
                parsed = ParsedRequest(None, refusal)
            state[_PARSED] = parsed
        return parsed

    async def parse_http_body(
        self, request_adapter: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if not isinstance(request_adapter, KeptRequestAdapter):
            raise TypeError("GatehouseGraphQL reads requests through its KeptRequestAdapter.")
        parsed = await self._parsed(request_adapter)
        if parsed.error is not None or parsed.parsed is None:
            raise parsed.error or TypeError("A request parsed to nothing.")
        return parsed.parsed if isinstance(parsed.parsed, list) else parsed.parsed.data

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        finally:
            # Batching is off: one operation a request, so nothing else still reads them.
            context.forget_loaders()
        state = request.scope.setdefault("state", {})
        parsed = state.get(_PARSED)
        resolved = parsed.parsed if isinstance(parsed, ParsedRequest) else None
        if (
            isinstance(resolved, Resolved) and resolved.to_keep and resolved.document_hash
            and request_data.query is not None and document_ran(result)
        ):
            self.persisted_queries.keep(resolved.document_hash, request_data.query)
        state[_RESULT] = result
        return result

    async def on_ws_connect(self, context: Context) -> None:
        await sign_in_at_connect(context, context.connection_params)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, WebSocket):
            return websocket_context(request, self.runtime, self.cookie)
        if not isinstance(response, Response):
            raise TypeError("An HTTP request is answered with an HTTP response.")
        token = bearer_token(request) or request.cookies.get(self.cookie.name)
        runtime = self.runtime
        lookup = await session_lookup(runtime, token)
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
    in_flight = RequestsInFlight()

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        if runtime.form_tokens is None:
            logging.getLogger("gatehouse").warning(
                "GATEHOUSE_SECRET_KEY is unset: registration forms carry no formToken, and no "
                "shop's botProtection is enforced (set a key made by `gatehouse secret-key`)"
            )
        async with (
            database(settings.database_url),
            hearing_changes(settings.database_url),
            background_work(settings, runtime, gives_way_to=in_flight.busy),
            metrics.worker_lifetime(),
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
        Middleware(
            ObservedRequests, access_log=settings.access_log and settings.log_format == JSON,
            in_flight=in_flight,
        ),
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
            WebSocketRoute("/graphql", graphql),
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
