"""Whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: GATEHOUSE_TRUSTED_PROXIES.

The client address feeds the rate limits and the audit log, so it must not be
whatever a client writes in a header. Uvicorn's own `ProxyHeadersMiddleware`
does the work (addresses and networks; from a chain of proxies, the client is
the last address in `X-Forwarded-For` that is not itself trusted). It runs
inside the application rather than in uvicorn, so the tests (through
`httpx.ASGITransport`) and every server see the same; `gatehouse serve` turns
uvicorn's own proxy handling off.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, cast

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

SETTING = "GATEHOUSE_TRUSTED_PROXIES"
_CONNECTION_CLIENT = "gatehouse.connection_client"


class TrustedProxiesError(ValueError):
    """GATEHOUSE_TRUSTED_PROXIES holds what is not an address or a network."""


def _checked(entry: str) -> str:
    if entry == "*":
        raise TrustedProxiesError(
            f"{SETTING} may not be '*': anyone could then choose their client address; "
            "list the proxies' addresses or networks (10.0.0.5,10.1.0.0/16)."
        )
    try:
        if "/" in entry:
            ipaddress.ip_network(entry)
        else:
            ipaddress.ip_address(entry)
    except ValueError:
        raise TrustedProxiesError(
            f"{SETTING}: {entry!r} is not an IP address or network "
            "(such as 10.0.0.5 or 10.1.0.0/16, without host bits after the slash)."
        ) from None
    return entry


def trusted_proxies(entries: Iterable[str]) -> list[str]:
    """The addresses and networks of `entries`; `TrustedProxiesError` for anything else.

    Uvicorn would take a typo for a literal host name and silently trust nobody, so
    every entry is checked here first.
    """
    return [_checked(entry.strip()) for entry in entries if entry.strip()]


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class ForwardedClient:
    """Uvicorn's `ProxyHeadersMiddleware`, believing only an IP address as the client's.

    From a chain of trusted proxies alone, uvicorn takes the header's first entry, which
    the client wrote itself and may be any text: that is no address to count or log.
    """

    def __init__(self, app: ASGIApp, *, trusted_hosts: list[str]) -> None:
        self.app = app
        # Uvicorn types its ASGI callables more narrowly than Starlette; they are the same.
        self.read_headers = cast(ASGIApp, ProxyHeadersMiddleware(
            cast(Any, self._only_addresses), trusted_hosts=trusted_hosts
        ))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A WebSocket's too: its address is audited, its scheme (wss) names its page's origin.
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope[_CONNECTION_CLIENT] = scope.get("client")
        await self.read_headers(scope, receive, send)

    async def _only_addresses(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection = scope.pop(_CONNECTION_CLIENT)
        client = scope.get("client")
        if client is not None and client is not connection and not _is_ip_address(client[0]):
            scope["client"] = connection
        await self.app(scope, receive, send)


def forwarded_client(entries: Iterable[str]) -> Middleware:
    """Sets the request's client address and scheme from the forwarding headers, when the
    connection comes from one of `entries` (none: the connection's own address, always)."""
    return Middleware(ForwardedClient, trusted_hosts=trusted_proxies(entries))
