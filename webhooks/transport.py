"""The HTTP client deliveries go out through: it connects only to addresses it has just checked.

A check of a name followed by a connection that resolves the name again could be fooled by
a name that answers with a public address first and an inward one next (DNS rebinding). So
this transport resolves the target itself at every new connection
(webhooks.addresses.allowed_addresses), refuses the connection when any address is refused,
and connects to one of the addresses it checked. TLS still verifies the certificate against
the URL's host name (sent as SNI), since httpcore starts TLS for the origin, not for the
address. No proxy from the environment is used, and no redirect is followed.

httpx takes no network backend of its own, so this is an httpx transport around an httpcore
connection pool that takes one; both are the libraries' public interfaces.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

import httpcore
import httpx

from webhooks.addresses import allowed_addresses

# How many connections one deliverer keeps open at most, to all receivers together.
MAX_CONNECTIONS = 64
# An idle connection to a receiver is kept this long for its next delivery: less than the
# 5 s after which Node's and uvicorn's servers close one, so a delivery never goes out on a
# connection the receiver is closing at that moment (a ReadError, and a retry 30 s later).
KEEPALIVE_SECONDS = 4.0


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to the checked addresses of the name asked for."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._sockets = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface: per connection attempt)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await allowed_addresses(host, port, allow_private=self.allow_private)
        except OSError:
            raise httpcore.ConnectError(f"{host} does not resolve to any address") from None
        *earlier, last = addresses
        for address in earlier:  # the resolver's order; the last one's failure is the one told
            with contextlib.suppress(httpcore.ConnectError, httpcore.ConnectTimeout):
                return await self._sockets.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
        return await self._sockets.connect_tcp(
            str(last), port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks are delivered over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._sockets.sleep(seconds)


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections go through `GuardedBackend`."""

    def __init__(self, *, allow_private: bool, ssl_context: ssl.SSLContext | None = None) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=MAX_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_SECONDS,
            network_backend=GuardedBackend(allow_private=allow_private),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("GuardedTransport serves httpx.AsyncClient only")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors(request):
            response = await self._pool.handle_async_request(core_request)
        if not isinstance(response.stream, AsyncIterable):
            raise TypeError("an async connection pool answers with an async stream")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def guarded_client(
    *, allow_private: bool, timeout: float, ssl_context: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """A client for deliveries: guarded connections, no redirects, no proxies or .netrc."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_private=allow_private, ssl_context=ssl_context),
        follow_redirects=False,
        timeout=timeout,
        trust_env=False,
    )


class _ResponseStream(httpx.AsyncByteStream):
    """A response body as httpx reads it, with httpcore's errors turned into httpx's."""

    def __init__(self, stream: AsyncIterable[bytes], request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors(self._request):
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        # Returns the connection to the pool, or closes it when the body was not read to the end.
        if (close := getattr(self._stream, "aclose", None)) is not None:
            await close()


@contextlib.contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """httpcore's errors as httpx's of the same name (httpx names each of its transport errors
    after httpcore's), so that callers need to know httpx's alone."""
    try:
        yield
    except httpcore.TimeoutException as error:
        raise _httpx_error(error, httpx.TimeoutException, request) from error
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise _httpx_error(error, httpx.TransportError, request) from error


def _httpx_error(
    error: Exception, fallback: type[httpx.TransportError], request: httpx.Request
) -> httpx.TransportError:
    kind = getattr(httpx, type(error).__name__, fallback)
    if not (isinstance(kind, type) and issubclass(kind, fallback)):
        kind = fallback
    return kind(str(error), request=request)
