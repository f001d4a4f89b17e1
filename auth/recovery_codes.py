"""MFA recovery codes: ten single-use codes like `k7m2p-x9qrt`, kept only as SHA-256 hashes.

Ten characters from 31 that cannot be mistaken for one another (no 0/o, 1/l/i) hold
about 50 random bits: far beyond guessing through the rate limits, so a fast hash will do.
"""

from __future__ import annotations

import secrets

from auth.tokens import hash_token

COUNT = 10
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 10
GROUP = 5


def new_codes() -> list[str]:
    return [_new_code() for _ in range(COUNT)]


def _new_code() -> str:
    plain = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(plain[start:start + GROUP] for start in range(0, LENGTH, GROUP))


def normalised(text: str) -> str:
    """What is compared: the code without case, hyphens or spaces, as a person may type it."""
    return "".join(text.split()).replace("-", "").lower()


def looks_like_code(text: str) -> bool:
    """Whether `text` (normalised) has the shape of a recovery code."""
    return len(text) == LENGTH and all(character in ALPHABET for character in text)


def code_hash(text: str) -> str:
    """The stored hash of a code, typed in any of the ways `normalised` forgives."""
    return hash_token(normalised(text))
