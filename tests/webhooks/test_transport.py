"""The guarded client: it connects only to addresses it checked, and TLS still checks the name."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.webhooks.receiver import Receiver
from webhooks.addresses import RefusedTarget
from webhooks.transport import guarded_client


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for the DNS name `name` alone (no address in it), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / f"{name}.pem", folder / f"{name}.key"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    return certfile, keyfile


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
async def test_a_target_that_is_this_machine_is_refused_before_connecting(receiver, host):
    async with guarded_client(allow_private=False, timeout=5) as client:
        with pytest.raises(RefusedTarget, match="is this machine"):
            await client.post(receiver.url(host=host), content=b"{}")

    assert receiver.received == []


async def test_allowed_private_targets_are_reached_by_name(receiver):
    async with guarded_client(allow_private=True, timeout=5) as client:
        answer = await client.post(receiver.url(host="localhost"), content=b'{"a": 1}')

    assert answer.status_code == 200
    [request] = receiver.received
    assert (request.body, request.headers["host"]) == (b'{"a": 1}', f"localhost:{receiver.port}")


async def test_tls_checks_the_certificate_against_the_url_name_not_the_address_connected_to(tmp_path):
    certfile, keyfile = self_signed(tmp_path, "localhost")
    receiver = Receiver(certificate=(certfile, keyfile)).start()
    try:
        trusting = ssl.create_default_context(cafile=str(certfile))
        async with guarded_client(allow_private=True, timeout=5, ssl_context=trusting) as client:
            by_name = await client.post(receiver.url(host="localhost"), content=b"{}")
            # The same server, the same address: but the certificate does not name 127.0.0.1.
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.post(receiver.url(host="127.0.0.1"), content=b"{}")
    finally:
        receiver.stop()

    assert by_name.status_code == 200
    assert [request.headers["host"] for request in receiver.received] == [f"localhost:{receiver.port}"]


async def test_a_certificate_of_another_name_is_refused(tmp_path):
    certfile, keyfile = self_signed(tmp_path, "erp.example.com")
    receiver = Receiver(certificate=(certfile, keyfile)).start()
    try:
        trusting = ssl.create_default_context(cafile=str(certfile))
        async with guarded_client(allow_private=True, timeout=5, ssl_context=trusting) as client:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.post(receiver.url(host="localhost"), content=b"{}")
    finally:
        receiver.stop()

    assert receiver.received == []


async def test_a_name_that_does_not_resolve_fails_to_connect():
    async with guarded_client(allow_private=True, timeout=5) as client:
        with pytest.raises(httpx.ConnectError, match=r"no-such-host\.invalid does not resolve"):
            await client.post("http://no-such-host.invalid/hook", content=b"{}")


async def test_a_redirect_is_answered_not_followed(receiver):
    receiver.redirect("/hook", receiver.url("/elsewhere"))

    async with guarded_client(allow_private=True, timeout=5) as client:
        answer = await client.post(receiver.url("/hook"), content=b"{}")

    assert answer.status_code == 302
    assert [request.path for request in receiver.received] == ["/hook"]
