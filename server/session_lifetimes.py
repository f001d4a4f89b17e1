"""What `gatehouse serve` checks of the session lifetimes before it serves: each must be positive.

A lifetime of zero or less would end every session at once, which looks like a broken sign-in.
"""

from __future__ import annotations

from datetime import timedelta

from server.settings import Settings


class SessionLifetimesUnusable(Exception):
    """`serve` must not start with these session lifetimes; the message names the setting."""


def verify_session_lifetimes(settings: Settings) -> None:
    """Raises SessionLifetimesUnusable when a session lifetime is zero or negative."""
    lifetimes = {
        "GATEHOUSE_STAFF_SESSION_IDLE_MINUTES": settings.staff_session_idle,
        "GATEHOUSE_STAFF_SESSION_HOURS": settings.staff_session_lifetime,
        "GATEHOUSE_CUSTOMER_SESSION_IDLE_DAYS": settings.customer_session_idle,
        "GATEHOUSE_CUSTOMER_SESSION_DAYS": settings.customer_session_lifetime,
    }
    for variable, lifetime in lifetimes.items():
        if lifetime <= timedelta(0):
            raise SessionLifetimesUnusable(f"{variable} must be a number above 0.")
