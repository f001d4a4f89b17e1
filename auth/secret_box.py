"""Encryption of secrets kept at rest (MFA seeds), with the keys of GATEHOUSE_SECRET_KEY.

Several comma-separated keys may be given: the first encrypts, every one decrypts, so a
key is rotated by putting the new one first and dropping the old one once nothing needs it.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class InvalidSecretKey(ValueError):
    """GATEHOUSE_SECRET_KEY holds something that is not a key (see `gatehouse secret-key`)."""


class SecretBox:
    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise InvalidSecretKey("GATEHOUSE_SECRET_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(part.encode("ascii")) for part in parts])
        except (ValueError, UnicodeEncodeError):
            raise InvalidSecretKey(
                "GATEHOUSE_SECRET_KEY must be one or more comma-separated keys made by "
                "`gatehouse secret-key` (32 bytes, URL-safe base64)"
            ) from None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, sealed: str) -> str | None:
        """The plain text, or None when no key given can open it (a key was dropped too soon)."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            return None
