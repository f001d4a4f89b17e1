"""Cross-origin access: storefronts on other origins, and a clear word when none is allowed."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from server.request_hygiene import refusal

CORS_OFF = (
    "Cross-origin requests are off: this server lists no storefront origins "
    "(GATEHOUSE_CORS_ORIGINS). Serve the storefront from this origin, or list its origin there."
)


class CorsOff:
    """Answers a browser's preflight, when no origin is allowed, with why, instead of a bare 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                await refusal(CORS_OFF, 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def cross_origin(origins: tuple[str, ...]) -> Middleware:
    """CORS for the storefronts of `origins`; with none, preflights hear that CORS is off."""
    if not origins:
        return Middleware(CorsOff)
    return Middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        allow_credentials=True,
        max_age=600,
    )
