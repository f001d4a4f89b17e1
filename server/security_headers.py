"""The headers every answer carries, set in one pure ASGI middleware.

Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
`Cache-Control` (see `cache_control`), and with secure cookies
`Strict-Transport-Security`; any `Server` header is dropped. An HTML answer (the
GraphiQL page, in debug mode) gets `GRAPHIQL_CONTENT_SECURITY_POLICY` unless it
brings a Content-Security-Policy of its own.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_PATH = "/graphql"
NO_STORE = b"no-store"
# Two years, the preload lists' minimum; only sent when the session cookie is Secure,
# i.e. when the site is served over https.
STRICT_TRANSPORT_SECURITY = b"max-age=63072000; includeSubDomains"

_GRAPHIQL_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    # GraphiQL's React components set style attributes, which only 'unsafe-inline' allows.
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self' data:",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def graphiql_content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """GraphiQL's policy: its own assets only, from this server; `script_hashes` (see
    `inline_script_hash`) also allow those exact inline scripts."""
    directives = dict(_GRAPHIQL_DIRECTIVES)
    directives["script-src"] = " ".join(["'self'", *script_hashes])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def inline_script_hash(source: str) -> str:
    """The CSP source expression that allows the inline `<script>` whose text is `source`."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


GRAPHIQL_CONTENT_SECURITY_POLICY = graphiql_content_security_policy()

_CACHE_CONTROL_STATE = "gatehouse_cache_control"


def allow_public_caching(request: Request, max_age_seconds: int) -> None:
    """Marks this request's answer as cacheable by anyone for `max_age_seconds`.

    Only for an answer that is the same whoever asks (an anonymous GET reading public
    data only); everything else on /graphql stays `no-store`.
    """
    value = f"public, max-age={max_age_seconds}".encode("ascii")
    request.scope.setdefault("state", {})[_CACHE_CONTROL_STATE] = value


def cache_control(scope: Scope, own: bytes | None) -> bytes:
    """THE decision on whether an answer may be cached, for every path.

    On /graphql, `no-store` unless the request was marked with `allow_public_caching`:
    a header the GraphQL layer (or Strawberry) set itself is not trusted to decide.
    Elsewhere, an answer's `own` Cache-Control (static assets, say) stands; without one,
    `no-store`.
    """
    marked = scope.get("state", {}).get(_CACHE_CONTROL_STATE)
    if marked is not None:
        return bytes(marked)
    if own is not None and scope["path"] != GRAPHQL_PATH:
        return own
    return NO_STORE


# Headers this middleware writes itself; an answer's own copies are dropped, and so is
# `Server`, which would name the library that built the answer.
_REPLACED = frozenset({
    b"server", b"cache-control", b"x-content-type-options", b"referrer-policy",
    b"strict-transport-security",
})


class SecurityHeaders:
    """Adds the headers above to each answer's start; one pass over its headers, no body work."""

    def __init__(self, app: ASGIApp, *, strict_transport_security: bool) -> None:
        self.app = app
        self.fixed = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        if strict_transport_security:
            self.fixed.append((b"strict-transport-security", STRICT_TRANSPORT_SECURITY))
        self.graphiql_policy = GRAPHIQL_CONTENT_SECURITY_POLICY.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.headers_for(scope, message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def headers_for(self, scope: Scope, given: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        headers: list[tuple[bytes, bytes]] = []
        own_cache_control: bytes | None = None
        is_html = has_policy = False
        for name, value in given:
            lowered = name.lower()
            if lowered == b"cache-control":
                own_cache_control = value
            elif lowered == b"content-type":
                is_html = value[:9].lower() == b"text/html"
            elif lowered == b"content-security-policy":
                has_policy = True
            if lowered not in _REPLACED:
                headers.append((name, value))
        headers.extend(self.fixed)
        headers.append((b"cache-control", cache_control(scope, own_cache_control)))
        if is_html and not has_policy:
            headers.append((b"content-security-policy", self.graphiql_policy))
        return headers
