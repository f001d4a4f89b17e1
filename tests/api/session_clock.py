"""For the session tests: the app's clock in the test's hand, and staff of a role and shops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models import AdminUser, Shop, StaffRole
from tests.factories import ADMIN_PASSWORD, password_hash

SESSION_ENDED = {"session": "ENDED"}


class Clock:
    """What the app's runtime takes for now; a test moves it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def hold_clock(app: Any, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """From now on every request to `app` (and every sign-in) reads the time from the clock returned."""
    clock = Clock()
    monkeypatch.setattr(app.state.runtime, "clock", clock)
    return clock


async def make_staff(
    email: str, role: StaffRole = StaffRole.OWNER, shops: list[Shop] | None = None
) -> AdminUser:
    """A staff member of `role`, in every shop (shops=None) or in the shops listed."""
    admin = await AdminUser.create(
        email=email, name="Staff", password_hash=password_hash(ADMIN_PASSWORD), role=role,
        all_shops=shops is None,
    )
    if shops:
        await admin.shops.add(*shops)
    return admin
