"""Keyed pseudonyms of email addresses: what the audit log keeps of a person whose data was erased.

A pseudonym is `person-` and the first 24 hex digits (96 bits) of the HMAC-SHA256 of the
normalised address, under a key derived from the FIRST key of GATEHOUSE_SECRET_KEY. So one
person always gets the same pseudonym (their history stays readable as one person's), and
without the key nobody can test guessed addresses against it, as they could a plain hash.

Only the first key is used, never the others: a pseudonym names, it is not checked, so there
is nothing for an older key to verify. After a rotation (a new key put first) the same address
gets another pseudonym; the ones already written stay as they are (docs/personal-data.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from auth.secret_box import InvalidSecretKey
from models.normalise import normalise_email

PREFIX = "person-"
HEX_DIGITS = 24
# Binds the derived key to this use: it is neither the Fernet key nor the form tokens' key.
KEY_LABEL = b"gatehouse personal data pseudonym"


class Pseudonyms:
    """Makes the pseudonym of an address with one HMAC key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a pseudonym key has at least 32 bytes")
        self._key = key

    @classmethod
    def from_secret_key(cls, secret_key: str) -> Pseudonyms:
        """Pseudonyms keyed by the first of GATEHOUSE_SECRET_KEY's comma-separated keys."""
        first = next((part.strip() for part in secret_key.split(",") if part.strip()), "")
        raw = _decoded(first)
        if len(raw) != 32:
            raise InvalidSecretKey(
                "GATEHOUSE_SECRET_KEY must be one or more comma-separated keys made by "
                "`gatehouse secret-key` (32 bytes, URL-safe base64)"
            )
        return cls(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(raw))

    def of(self, email: str) -> str:
        """The pseudonym of `email`, the same for every spelling that normalises alike."""
        address = normalise_email(email) or ""
        digest = hmac.new(self._key, address.encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:HEX_DIGITS]


def _decoded(key: str) -> bytes:
    # Decoded as Fernet decodes its key, so a key the secret box takes is taken here too.
    try:
        return base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return b""
