"""What every resolver of one request sees: who calls, fresh loaders, the runtime."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from strawberry import Info

from auth.viewer import Caller, Viewer
from resolvers.loaders import Loaders
from resolvers.runtime import Runtime


@dataclass(frozen=True)
class CookiePolicy:
    name: str = "gatehouse_session"
    secure: bool = True
    max_age_seconds: int = 14 * 24 * 3600


@dataclass
class Context:
    request: Request
    response: Response
    runtime: Runtime
    cookie: CookiePolicy
    request_id: str
    viewer: Viewer | None
    client_address: str | None
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def caller(self) -> Caller:
        return Caller(self.viewer, self.client_address, self.request_id)

    def sign_in(self, token: str, viewer: Viewer) -> None:
        """From now on this request acts as `viewer`, and the browser keeps the cookie."""
        self.viewer = viewer
        self.response.set_cookie(
            self.cookie.name,
            token,
            max_age=self.cookie.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self.cookie.secure,
            path="/",
        )

    def sign_out(self) -> None:
        self.viewer = None
        self.response.delete_cookie(
            self.cookie.name, httponly=True, samesite="lax", secure=self.cookie.secure, path="/"
        )


# What resolvers receive: our Context, and no root value (Strawberry's second parameter).
GatehouseInfo = Info[Context, None]
