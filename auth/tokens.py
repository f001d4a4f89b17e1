"""Opaque tokens: 256 random bits for the client, only a SHA-256 hash in the database."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_credentials(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` value; None for any other scheme or none."""
    scheme, _, credentials = authorization.partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None
