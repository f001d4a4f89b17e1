"""What the HTTP edge costs per request: forwarded client, security headers, origin policy.

Each layer wraps an app that answers at once, and is called in-process through
ASGI, so the figure is the layer's own work with no server or network around
it. `python -m bench.edge_headers` prints microseconds per request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from server.cors import OriginPolicy
from server.proxies import ForwardedClient
from server.security_headers import SecurityHeaders

REQUESTS = 50_000
STOREFRONT = "https://shop.flora.test"


async def answer(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"{}"})


def scope(origin: str | None) -> dict[str, Any]:
    headers = [(b"host", b"gatehouse.flora.test"), (b"content-type", b"application/json"),
               (b"x-forwarded-for", b"198.51.100.9"), (b"x-forwarded-proto", b"https")]
    if origin:
        headers.append((b"origin", origin.encode()))
    return {"type": "http", "method": "POST", "scheme": "http", "path": "/graphql",
            "query_string": b"", "headers": headers, "client": ("127.0.0.1", 4711)}


async def microseconds_per_request(app: ASGIApp, origin: str | None = None) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: Any) -> None:
        return None

    start = time.perf_counter()
    for _ in range(REQUESTS):
        await app(scope(origin), receive, send)
    return (time.perf_counter() - start) / REQUESTS * 1e6


async def main() -> None:
    own = "https://gatehouse.flora.test"
    layers: list[tuple[str, Callable[[ASGIApp], ASGIApp], str | None]] = [
        ("no layer (the scope and the calls alone)", lambda app: app, None),
        ("ForwardedClient, from a trusted proxy",
         lambda app: ForwardedClient(app, trusted_hosts=["127.0.0.1"]), None),
        ("SecurityHeaders, with HSTS",
         lambda app: SecurityHeaders(app, strict_transport_security=True), None),
        ("OriginPolicy, a listed origin (Starlette's CORS)",
         lambda app: OriginPolicy(app, origins=(STOREFRONT,), public_url=own), STOREFRONT),
        ("OriginPolicy, no Origin",
         lambda app: OriginPolicy(app, origins=(STOREFRONT,), public_url=own), None),
        ("OriginPolicy, no origins listed, no Origin",
         lambda app: OriginPolicy(app, origins=(), public_url=own), None),
    ]
    base = await microseconds_per_request(answer)
    print(f"In-process, {REQUESTS:,} requests each; µs per request (added to the bare call):")
    for name, wrap, origin in layers:
        cost = await microseconds_per_request(wrap(answer), origin)
        print(f"  {name:<52} {cost:6.2f} µs  ({cost - base:+5.2f})")


if __name__ == "__main__":
    asyncio.run(main())
