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

# IPv6 prefixes whose last 32 bits are an IPv4 address the packet is delivered to: NAT64's
# well-known prefix (RFC 6052), IPv4-compatible (deprecated, RFC 4291) and IPv4-translated
# (RFC 2765) addresses. 6to4 and Teredo addresses have `ipaddress` properties of their own.
IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
)
# Refused whatever they carry: local-use NAT64 (RFC 8215) translates into the operator's own
# IPv4 network, by rules of its own; site-local (deprecated, RFC 3879) is a private network.
INWARD_IPV6 = {
    ipaddress.IPv6Network("64:ff9b:1::/48"): "a local-use NAT64 address",
    ipaddress.IPv6Network("fec0::/10"): "a site-local address",
}


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
    """Why a delivery may not go to `address`, or None when it may.

    An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4, Teredo, IPv4-compatible or
    -translated) reaches that IPv4 address too, so that is judged as well: the IPv6 form of
    10.0.0.1 is no way in. The ranges are named here rather than left to `is_global`, whose
    table differs between Python releases (3.11 calls 64:ff9b:1::/48 and fec0::/10 global).
    """
    if allow_private:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # judged as IPv4 alone, as Python 3.13 judges it
    if (problem := _own_problem(address)) is not None:
        return problem
    if isinstance(address, ipaddress.IPv6Address):
        for network, what in INWARD_IPV6.items():
            if address in network:
                return f"{address} is {what}."
        for carried in _carried_ipv4(address):
            if (problem := address_problem(carried, allow_private=False)) is not None:
                return problem
    return _not_global(address)


def _own_problem(address: Address) -> str | None:
    if address.is_multicast:
        return f"{address} is a multicast address."
    if address.is_loopback or address.is_unspecified:
        return f"{address} is this machine."
    if address.is_link_local:
        return f"{address} is a link-local address."
    return None


def _not_global(address: Address) -> str | None:
    if not address.is_global:  # private, shared (CGNAT), reserved, documentation ranges
        return f"{address} is a private address."
    return None


def _carried_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a packet to `address` may end up at (Teredo: its server and client)."""
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    if any(address in network for network in IPV4_IN_LAST_32_BITS):
        return [ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)]
    return []


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
