"""Form tokens: proof that a shop's registration form was read a little while before it is posted.

A token is `1.<shop id>.<issued at, unix milliseconds>.<HMAC-SHA256, base64url>`, signed with a
key derived from each key of GATEHOUSE_SECRET_KEY: the first signs, every one verifies, as for
the secret box. Nothing is stored; the token says only which shop and when, both in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import Enum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from auth.secret_box import InvalidSecretKey

MIN_AGE = timedelta(seconds=2)
MAX_AGE = timedelta(hours=24)
# Servers behind one load balancer may disagree on the time by a little; a token from further
# ahead than this is refused for good (EXPIRED): only a clock gone wrong or a leaked key makes one.
CLOCK_SKEW = timedelta(minutes=5)

VERSION = "1"
# Far above any token minted (about 70 characters), so garbage is refused before any parsing.
MAX_LENGTH = 100
# Binds the derived key to this use: a form token's key is neither the Fernet key nor any other.
KEY_LABEL = b"gatehouse form token"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_SHAPE = re.compile(r"(1\.[0-9]{1,20}\.[0-9]{1,20})\.([A-Za-z0-9_-]{43})")


class FormTokenProblem(str, Enum):
    """Why a form token is refused."""

    TOO_FAST = "TOO_FAST"
    EXPIRED = "EXPIRED"
    OTHER_SHOP = "OTHER_SHOP"
    FORGED = "FORGED"


class FormTokens:
    """Mints and checks form tokens with HMAC keys; the first key signs, every one verifies."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("FormTokens needs at least one key")
        self._keys = tuple(keys)

    @classmethod
    def from_secret_key(cls, secret_key: str) -> FormTokens:
        """Form tokens keyed by GATEHOUSE_SECRET_KEY (one or more comma-separated Fernet keys)."""
        return cls([_derived_key(key) for key in _fernet_keys(secret_key)])

    def mint(self, shop_id: int, now: datetime) -> str:
        """A token for the shop's form read at `now` (an aware datetime)."""
        payload = f"{VERSION}.{shop_id}.{_unix_milliseconds(now)}"
        return f"{payload}.{_signature(self._keys[0], payload)}"

    def check(self, token: str, shop_id: int, now: datetime) -> FormTokenProblem | None:
        """None when the token is one of ours for this shop and its age is within bounds."""
        match = _SHAPE.fullmatch(token) if len(token) <= MAX_LENGTH else None
        if match is None:
            return FormTokenProblem.FORGED
        payload, signature = match.groups()
        # Compared as text, not as decoded bytes: base64 leaves spare bits in the last character,
        # and a token must have one spelling only.
        if not any(hmac.compare_digest(signature, _signature(key, payload)) for key in self._keys):
            return FormTokenProblem.FORGED
        _, signed_shop, issued = payload.split(".")
        if int(signed_shop) != shop_id:
            return FormTokenProblem.OTHER_SHOP
        return _age_problem(_unix_milliseconds(now) - int(issued))


def _age_problem(age_ms: int) -> FormTokenProblem | None:
    if age_ms < -(CLOCK_SKEW // _MILLISECOND) or age_ms > MAX_AGE // _MILLISECOND:
        return FormTokenProblem.EXPIRED
    if age_ms < MIN_AGE // _MILLISECOND:
        return FormTokenProblem.TOO_FAST
    return None


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _unix_milliseconds(moment: datetime) -> int:
    # Whole milliseconds by integer division, so `now` is compared exactly, with no float error.
    return (moment - _EPOCH) // _MILLISECOND


def _fernet_keys(secret_key: str) -> list[bytes]:
    """The raw 32 bytes of each key, refused as the secret box refuses them."""
    parts = [part.strip() for part in secret_key.split(",") if part.strip()]
    if not parts:
        raise InvalidSecretKey("GATEHOUSE_SECRET_KEY is empty")
    keys = [_decoded(part) for part in parts]
    if any(len(key) != 32 for key in keys):
        raise InvalidSecretKey(
            "GATEHOUSE_SECRET_KEY must be one or more comma-separated keys made by "
            "`gatehouse secret-key` (32 bytes, URL-safe base64)"
        )
    return keys


def _decoded(key: str) -> bytes:
    # Decoded as Fernet decodes its key, so the same GATEHOUSE_SECRET_KEY passes or fails both.
    try:
        return base64.urlsafe_b64decode(key.encode("ascii"))
    except ValueError:  # not ASCII, or not base64
        return b""


def _derived_key(fernet_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(fernet_key)
