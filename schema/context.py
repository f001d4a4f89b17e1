"""What every resolver of one request sees: who calls, fresh loaders, the runtime."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from strawberry import Info

from auth.scopes import EVERY_SHOP
from auth.viewer import Caller, Viewer
from resolvers.loaders import Loaders
from resolvers.runtime import Runtime


@dataclass(frozen=True)
class CookiePolicy:
    name: str = "gatehouse_session"
    secure: bool = True


@dataclass
class Context:
    request: Request
    response: Response
    runtime: Runtime
    cookie: CookiePolicy
    request_id: str
    viewer: Viewer | None
    client_address: str | None
    user_agent: str | None = None
    # True when the request's token signed nobody in: the answer says so (extensions.session).
    session_ended: bool = False
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        """This request's loaders, read through the viewer's shops. A sign-in that changes
        them (anonymous to a staff member of some shops) gets fresh ones: nothing loaded for
        the earlier viewer is served to the new one."""
        scope = self.viewer.scope if self.viewer is not None else EVERY_SHOP
        if self._loaders is None or self._loaders.scope != scope:
            self._loaders = Loaders(scope, self.runtime.shop_cache)
        return self._loaders

    @property
    def caller(self) -> Caller:
        return Caller(self.viewer, self.client_address, self.request_id, user_agent=self.user_agent)

    def sign_in(self, token: str, viewer: Viewer) -> None:
        """From now on this request acts as `viewer`, and the browser keeps the cookie for as
        long as the session can live."""
        self.viewer = viewer
        lifetimes = self.runtime.sessions.staff if viewer.is_staff else self.runtime.sessions.customer
        self.session_ended = False
        self.response.set_cookie(
            self.cookie.name,
            token,
            max_age=int(lifetimes.absolute.total_seconds()),
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

    def end_of_session(self) -> None:
        """The token sent signs nobody in any more: answer as anonymous, clear the cookie, say so."""
        self.sign_out()
        self.session_ended = True


# What resolvers receive: our Context, and no root value (Strawberry's second parameter).
GatehouseInfo = Info[Context, None]
