"""Which addresses a webhook may reach: public ones, and no IPv6 form of an inward IPv4 one."""

from __future__ import annotations

import ipaddress

import pytest

from webhooks.addresses import address_problem, url_problem

REFUSED = [
    ("127.0.0.1", "127.0.0.1 is this machine."),
    ("10.0.0.1", "10.0.0.1 is a private address."),
    ("169.254.169.254", "169.254.169.254 is a link-local address."),
    ("::1", "::1 is this machine."),
    ("fe80::1", "fe80::1 is a link-local address."),
    ("fc00::1", "fc00::1 is a private address."),
    # IPv4-mapped, also as an IPv4-translated address (::ffff:0:0:0/96).
    ("::ffff:10.0.0.1", "10.0.0.1 is a private address."),
    ("::ffff:0:7f00:1", "127.0.0.1 is this machine."),
    # NAT64's well-known prefix hands the last 32 bits to the IPv4 network.
    ("64:ff9b::a00:1", "10.0.0.1 is a private address."),
    ("64:ff9b::7f00:1", "127.0.0.1 is this machine."),
    ("64:ff9b::a9fe:a9fe", "169.254.169.254 is a link-local address."),
    # Local-use NAT64 translates into the operator's own network, whatever it carries.
    ("64:ff9b:1::101:101", "64:ff9b:1::101:101 is a local-use NAT64 address."),
    # 6to4: the IPv4 address follows 2002:.
    ("2002:7f00:1::", "127.0.0.1 is this machine."),
    ("2002:a00:1::1", "10.0.0.1 is a private address."),
    # IPv4-compatible (::/96).
    ("::127.0.0.1", "127.0.0.1 is this machine."),
    ("::a00:1", "10.0.0.1 is a private address."),
    # Teredo: a public server, and 10.0.0.1 as its client.
    ("2001:0:101:101::f5ff:fffe", "10.0.0.1 is a private address."),
    # Site-local, deprecated but still routed inward by some networks.
    ("fec0::1", "fec0::1 is a site-local address."),
]
ALLOWED = ["1.1.1.1", "2606:4700:4700::1111", "64:ff9b::101:101", "2002:101:101::1"]


@pytest.mark.parametrize(("address", "problem"), REFUSED)
def test_an_inward_address_is_refused_in_any_of_its_forms(address: str, problem: str):
    assert address_problem(ipaddress.ip_address(address), allow_private=False) == problem


@pytest.mark.parametrize("address", ALLOWED)
def test_a_public_address_is_allowed_also_through_nat64_and_6to4(address: str):
    assert address_problem(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize(("address", "problem"), REFUSED)
def test_allowing_private_targets_allows_every_one_of_them(address: str, problem: str):
    assert address_problem(ipaddress.ip_address(address), allow_private=True) is None


def test_a_url_written_with_such_an_address_is_refused_when_made():
    assert url_problem("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", allow_private=False) == (
        "169.254.169.254 is a link-local address."
    )
