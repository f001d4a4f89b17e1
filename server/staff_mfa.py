"""What `gatehouse serve` checks of the MFA settings before it serves: one clear line, or nothing.

GATEHOUSE_STAFF_MFA must be a mode Gatehouse knows, GATEHOUSE_SECRET_KEY a key it can use, and
a server that requires MFA of its staff needs a key to keep their secrets with.
"""

from __future__ import annotations

from auth.secret_box import InvalidSecretKey, SecretBox
from server.settings import Settings

REQUIRED = "required"
OPTIONAL = "optional"
MODES = (REQUIRED, OPTIONAL)


class StaffMfaUnusable(Exception):
    """`serve` must not start with these MFA settings; the message says why, in one line."""


def verify_staff_mfa(settings: Settings) -> None:
    """Raises StaffMfaUnusable unless staff MFA can work as the settings ask."""
    if settings.staff_mfa not in MODES:
        raise StaffMfaUnusable(
            f"GATEHOUSE_STAFF_MFA is '{settings.staff_mfa}'; it must be one of {', '.join(MODES)}."
        )
    if settings.secret_key is not None:
        try:
            SecretBox(settings.secret_key)
        except InvalidSecretKey as error:
            raise StaffMfaUnusable(f"{error}.") from None
    elif settings.staff_mfa == REQUIRED:
        raise StaffMfaUnusable(
            "GATEHOUSE_SECRET_KEY is unset, and GATEHOUSE_STAFF_MFA=required (the default) needs it "
            "to keep the staff's MFA secrets: set it to a key made by `gatehouse secret-key`, or "
            "set GATEHOUSE_STAFF_MFA=optional."
        )
