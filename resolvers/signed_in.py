"""What every sign-in answers."""

from __future__ import annotations

from dataclasses import dataclass

from auth.viewer import Viewer


@dataclass(frozen=True)
class SignedIn:
    """A sign-in's outcome: a session (token and viewer), or for staff with MFA a challenge
    to answer with verifyMfa first (token and viewer None until then)."""

    token: str | None
    viewer: Viewer | None
    mfa_challenge: str | None = None
