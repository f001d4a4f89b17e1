"""Cross-origin access: storefronts on the origins of GATEHOUSE_CORS_ORIGINS, and nobody else.

A request whose `Origin` is neither listed nor the server's own is refused with
a 403 in GraphQL's error shape (`INVALID`, as every refusal before GraphQL
begins), preflight or not, so that a page on another site cannot even make
Gatehouse run a query it cannot read. The server's own origin is the one the
request was addressed to (its `Host`, and the scheme a trusted proxy forwarded)
or GATEHOUSE_PUBLIC_URL's: GraphiQL and a storefront on the same origin send an
`Origin` with their POSTs too. Listed origins get Starlette's CORS answers, with
credentials, and may read `X-Request-Id` and `Retry-After`.

Browsers apply no CORS to WebSockets but do send their page's `Origin`: a WebSocket from an
origin neither listed nor our own is closed before it opens, so no other site's page can use a
visitor's session cookie to subscribe to live events.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.request_hygiene import refusal

SETTING = "GATEHOUSE_CORS_ORIGINS"
ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("Authorization", "Content-Type")
# What a storefront's script may read of an answer besides the safelisted headers.
EXPOSED_HEADERS = ("X-Request-Id", "Retry-After")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A WebSocket's scheme, as the origin of the page that opens it is written.
_PAGE_SCHEMES = {"ws": "http", "wss": "https"}
# The close code a refused WebSocket gets (the HTTP 403 of a refused handshake).
WEBSOCKET_REFUSED = 4403

CORS_OFF = (
    "Cross-origin requests are off: this server lists no storefront origins "
    f"({SETTING}). Serve the storefront from this origin, or list its origin there."
)
ORIGIN_NOT_LISTED = (
    f"This origin may not call this server: it is not among the storefront origins of {SETTING}."
)
PREFLIGHT_REFUSED = (
    "This cross-origin request asks for more than is allowed: the methods GET and POST, "
    "the headers Authorization and Content-Type."
)


class CorsOriginsError(ValueError):
    """GATEHOUSE_CORS_ORIGINS holds `*` or what is not an origin."""


def _origin(scheme: str, host: str, port: int | None) -> str:
    shown_port = "" if port in (None, _DEFAULT_PORTS.get(scheme)) else f":{port}"
    return f"{scheme}://{host}{shown_port}"


def normalized_origin(url: str) -> str | None:
    """`url`'s origin as a browser writes it (lower case, no default port); None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return _origin(scheme, host.lower(), port)


def _listed(entry: str) -> str:
    if entry == "*":
        raise CorsOriginsError(
            f"{SETTING} may not hold '*': with credentials, every site could act as the "
            "signed-in user; list each storefront's origin (https://shop.example.com)."
        )
    parts = urlsplit(entry)
    origin = normalized_origin(entry)
    if origin is None or parts.path or parts.query or parts.fragment or parts.username is not None:
        raise CorsOriginsError(
            f"{SETTING}: {entry!r} is not an origin; write scheme://host[:port], with no path "
            "and no trailing slash (https://shop.example.com)."
        )
    return origin


def listed_origins(entries: Iterable[str]) -> tuple[str, ...]:
    """The origins of `entries` as browsers send them; `CorsOriginsError` for `*` or a non-origin."""
    return tuple(_listed(entry.strip()) for entry in entries if entry.strip())


def addressed_origin(scope: Scope, headers: Headers) -> str | None:
    """The origin this request was sent to: its scheme and `Host`."""
    host = headers.get("host")
    scheme = _PAGE_SCHEMES.get(scope["scheme"], scope["scheme"])
    return normalized_origin(f"{scheme}://{host}") if host else None


class StorefrontCors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in GraphQL's shape, not plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        answer = refusal(PREFLIGHT_REFUSED, 400)
        answer.headers.update({
            name: value for name, value in response.headers.items()
            if name.startswith("access-control-") or name == "vary"
        })
        return answer


class OriginPolicy:
    """Refuses requests from origins neither listed nor our own; CORS for the listed ones."""

    def __init__(self, app: ASGIApp, *, origins: tuple[str, ...], public_url: str) -> None:
        self.app = app
        self.listed = frozenset(origins)
        self.public_origin = normalized_origin(public_url)
        # Without listed origins no answer carries CORS headers: there is no one to read them.
        self.cors: ASGIApp = app if not origins else StorefrontCors(
            app,
            allow_origins=list(origins),
            allow_methods=list(ALLOWED_METHODS),
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            allow_credentials=True,
            max_age=600,
        )
        self.refusal_message = ORIGIN_NOT_LISTED if origins else CORS_OFF

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        refused = origin is not None and not self._may_call(origin, scope, headers)
        if scope["type"] == "websocket":
            if refused:
                await send({"type": "websocket.close", "code": WEBSOCKET_REFUSED, "reason": ""})
                return
            await self.app(scope, receive, send)
            return
        if refused:
            await refusal(self.refusal_message, 403)(scope, receive, send)
            return
        await self.cors(scope, receive, send)

    def _may_call(self, origin: str, scope: Scope, headers: Headers) -> bool:
        return origin in self.listed or origin in (self.public_origin, addressed_origin(scope, headers))


def cross_origin(origins: Iterable[str], public_url: str) -> Middleware:
    """The origin policy for `origins` (checked: `CorsOriginsError`) and the server at `public_url`."""
    return Middleware(OriginPolicy, origins=listed_origins(origins), public_url=public_url)
