"""What every resolver of one request sees: who calls, fresh loaders, the runtime."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry import Info

from auth.scopes import EVERY_SHOP
from auth.sessions import SessionLookup, viewer_for_token
from auth.viewer import Caller, Viewer
from resolvers.loaders import Loaders
from resolvers.runtime import Runtime


async def session_lookup(runtime: Runtime, token: str | None, *, touch: bool = True) -> SessionLookup:
    """Whom `token` signs in now, under the running server's session rules and cache."""
    return await viewer_for_token(
        token, runtime.now(), runtime.sessions,
        mfa_required=runtime.staff_mfa_required, cache=runtime.session_cache, touch=touch,
    )


@dataclass(frozen=True)
class CookiePolicy:
    name: str = "gatehouse_session"
    secure: bool = True


@dataclass
class Context:
    # A WebSocket for a live subscription (then `response` is the same WebSocket).
    request: Request | WebSocket
    response: Response | WebSocket
    runtime: Runtime
    cookie: CookiePolicy
    request_id: str
    viewer: Viewer | None
    client_address: str | None
    user_agent: str | None = None
    # True when the request's token signed nobody in: the answer says so (extensions.session).
    session_ended: bool = False
    _loaders: Loaders | None = field(default=None, repr=False)
    # What a WebSocket signed in with at connect: a subscription checks it again as it lives.
    session_token: str | None = field(default=None, repr=False)
    # A WebSocket's connection_init payload (Strawberry sets it).
    connection_params: object = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        """This request's loaders, read through the viewer's shops. A sign-in that changes
        them (anonymous to a staff member of some shops) gets fresh ones: nothing loaded for
        the earlier viewer is served to the new one."""
        scope = self.viewer.scope if self.viewer is not None else EVERY_SHOP
        if self._loaders is None or self._loaders.scope != scope:
            self.forget_loaders()
            self._loaders = Loaders(scope, self.runtime.shop_cache)
        return self._loaders

    def forget_loaders(self) -> None:
        """Lets go of what the loaders hold (Loaders.forget): once the request is answered, or
        when a sign-in gives it loaders of another scope."""
        if self._loaders is not None:
            self._loaders.forget()
            self._loaders = None

    @property
    def caller(self) -> Caller:
        return Caller(self.viewer, self.client_address, self.request_id, user_agent=self.user_agent)

    async def signed_in_still(self) -> bool:
        """Whether the session this context signed in with still signs the same account in;
        the viewer is read afresh (its role and shops may have changed). Checking is no use of
        the session: one left alone idles out however long a subscription watches."""
        if self.viewer is None or self.session_token is None:
            return False
        lookup = await session_lookup(self.runtime, self.session_token, touch=False)
        if lookup.viewer is None or lookup.viewer.session_id != self.viewer.session_id:
            self.viewer = None
            return False
        self.viewer = lookup.viewer
        return True

    def sign_in(self, token: str, viewer: Viewer) -> None:
        """From now on this request acts as `viewer`, and the browser keeps the cookie for as
        long as the session can live."""
        self.viewer = viewer
        response = self._http_response()
        lifetimes = self.runtime.sessions.staff if viewer.is_staff else self.runtime.sessions.customer
        self.session_ended = False
        response.set_cookie(
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
        self._http_response().delete_cookie(
            self.cookie.name, httponly=True, samesite="lax", secure=self.cookie.secure, path="/"
        )

    def _http_response(self) -> Response:
        # Signing in and out happen in mutations, which a WebSocket does not carry.
        if not isinstance(self.response, Response):
            raise TypeError("cookies are set on HTTP responses only")
        return self.response

    def end_of_session(self) -> None:
        """The token sent signs nobody in any more: answer as anonymous, clear the cookie, say so."""
        self.sign_out()
        self.session_ended = True


# What resolvers receive: our Context, and no root value (Strawberry's second parameter).
GatehouseInfo = Info[Context, None]
