"""Time-based one-time codes (RFC 6238) for staff MFA: 6 digits, a new one every 30 seconds."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "Gatehouse"
DIGITS = 6
PERIOD_SECONDS = 30
# A code of the step before or after now is accepted too: a phone's clock a little off,
# or a code typed as it changes.
WINDOW_STEPS = 1


def new_secret() -> str:
    """A fresh secret: 160 random bits in base32, as authenticator apps take them."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_name: str) -> str:
    """The `otpauth://` URI an authenticator app reads (as a QR code) to add the account."""
    return _totp(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def step_at(moment: datetime) -> int:
    """The number of the 30-second step `moment` falls in, counted from the Unix epoch."""
    return int(moment.timestamp()) // PERIOD_SECONDS


def looks_like_code(text: str) -> bool:
    """Whether `text` (spaces already taken out) has the shape of a code: six digits."""
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def matched_step(secret: str, code: str, moment: datetime) -> int | None:
    """The step whose code `code` is, within the window around `moment`; None for a wrong code.

    Spaces in the code are ignored (apps show "123 456"). The caller refuses a step at
    or before the newest one accepted, so a code works once.
    """
    code = code.replace(" ", "")
    if not looks_like_code(code):
        return None
    totp = _totp(secret)
    now = step_at(moment)
    # Newest first: of two steps that happen to share a code, the later one is kept, so
    # the replay guard refuses more rather than less.
    for step in range(now + WINDOW_STEPS, now - WINDOW_STEPS - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS)
