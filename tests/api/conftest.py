"""Fixtures of the API tests."""

from __future__ import annotations

import pytest

from auth.passwords import PasswordHasher


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the server hashes (the spy still hashes, with the real argon2id)."""
    seen: list[str] = []
    original = PasswordHasher.hash

    async def spy(self: PasswordHasher, password: str) -> str:
        seen.append(password)
        return await original(self, password)

    monkeypatch.setattr(PasswordHasher, "hash", spy)
    return seen
