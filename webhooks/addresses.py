"""Where a webhook may point: https to a public address, never into the network Gatehouse runs in.

A URL is checked when a webhook is made or changed and again at every delivery, after its name
is resolved, so a name that later resolves inward is caught (webhooks/transport.py connects only
to the addresses checked here). `allow_private` (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE) lifts both
rules for tests and intranets.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

MAX_URL_LENGTH = 2048
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """What is wrong with `url` as written (no lookup), or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"Use a URL of at most {MAX_URL_LENGTH} characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Use a URL such as https://erp.example.com/hooks/gatehouse."
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        return "Use an https URL."
    if not parts.hostname or parts.username is not None or parts.password is not None:
        return "Use a URL with a host name and no user name or password in it."
    if port == 0:
        return "Use a URL with a port from 1 to 65535."
    if not allow_private and (literal := _literal_address(parts)) is not None:
        return address_problem(literal, allow_private=False)
    return None


def address_problem(address: Address, *, allow_private: bool) -> str | None:
    """Why a delivery may not go to `address`, or None when it may."""
    if allow_private:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast:
        return f"{address} is a multicast address."
    if address.is_loopback or address.is_unspecified:
        return f"{address} is this machine."
    if address.is_link_local:
        return f"{address} is a link-local address."
    if not address.is_global:  # private, shared (CGNAT), reserved, documentation ranges
        return f"{address} is a private address."
    return None


async def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, in the resolver's order; OSError when it resolves to none."""
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for *_, socket_address in found:
        address = ipaddress.ip_address(str(socket_address[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"{host} resolves to no address")
    return addresses


async def allowed_addresses(host: str, port: int, *, allow_private: bool) -> list[Address]:
    """The addresses of `host` a delivery may connect to: all of them, or a `RefusedTarget`
    when any is refused (a name with one inward address is not to be trusted at all)."""
    addresses = await resolve(host, port)
    for address in addresses:
        if (problem := address_problem(address, allow_private=allow_private)) is not None:
            raise RefusedTarget(f"{host} resolves to {address}: {problem}")
    return addresses


async def target_problem(url: str, *, allow_private: bool) -> str | None:
    """What is wrong with `url` as a webhook's target, its name resolved now, or None."""
    if (problem := url_problem(url, allow_private=allow_private)) is not None:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        await allowed_addresses(host, parts.port or _default_port(parts), allow_private=allow_private)
    except RefusedTarget as refused:
        return str(refused)
    except OSError:
        return f"{host} does not resolve to any address."
    return None


class RefusedTarget(Exception):
    """A delivery's target resolves to an address it may not go to."""


def _literal_address(parts: SplitResult) -> Address | None:
    try:
        return ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return None


def _default_port(parts: SplitResult) -> int:
    return 443 if parts.scheme == "https" else 80
