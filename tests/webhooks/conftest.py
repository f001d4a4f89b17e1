"""Fixtures of the webhook tests: the deliverer's clock (the receiver is tests/conftest.py's)."""

from __future__ import annotations

import pytest

from tests.webhooks.factories import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()
