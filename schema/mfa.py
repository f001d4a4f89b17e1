"""The inputs and payloads of staff two-factor sign-in (TOTP, RFC 6238)."""

from __future__ import annotations

import strawberry

from schema.errors import USER_ERRORS, UserError

CODE = (
    "The 6-digit code the authenticator app shows now (spaces are ignored); the one before or "
    "after it is accepted too, each code once."
)
ASKED_AGAIN = "Your password, asked again; a wrong one is INVALID_CREDENTIALS. Rate-limited."


@strawberry.input(description="A code of the app just set up, to show the enrolment works.")
class ConfirmMfaEnrolmentInput:
    code: str = strawberry.field(description=CODE)


@strawberry.input(description="The second step of a staff sign-in.")
class VerifyMfaInput:
    challenge: str = strawberry.field(
        description="The mfaChallenge of adminLogin (or of acceptInvitation, resetPassword): "
        "good for 5 minutes and one sign-in."
    )
    code: str = strawberry.field(
        description="A code of the authenticator app (6 digits, each accepted once), or one of the "
        "recovery codes (xxxxx-xxxxx; case, hyphens and spaces are ignored; each works once)."
    )


@strawberry.input(description="Switching two-factor sign-in off: the password again.")
class DisableMfaInput:
    password: str = strawberry.field(description=ASKED_AGAIN)


@strawberry.input(description="New recovery codes: the password again.")
class RegenerateRecoveryCodesInput:
    password: str = strawberry.field(description=ASKED_AGAIN)


@strawberry.input(description="The colleague whose two-factor sign-in is reset.")
class ResetStaffMfaInput:
    id: strawberry.ID = strawberry.field(
        description="The colleague's global id (an AdminUser); an unknown one, or one with shops "
        "beyond yours, is NOT_FOUND."
    )


@strawberry.type(description="What startMfaEnrolment answers: the secret for the authenticator app.")
class MfaEnrolmentPayload:
    secret: str | None = strawberry.field(
        default=None,
        description="The TOTP secret in base32, to type into the app by hand (SHA-1, 6 digits, "
        "30 seconds); null when userErrors refused the call. Shown this once.",
    )
    provisioning_uri: str | None = strawberry.field(
        default=None,
        description="The same secret as an otpauth:// URI (issuer Gatehouse, the account's email), "
        "for the dashboard to show as a QR code; null when userErrors refused the call.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(
    description="What confirmMfaEnrolment and regenerateRecoveryCodes answer: the recovery codes."
)
class RecoveryCodesPayload:
    recovery_codes: list[str] | None = strawberry.field(
        default=None,
        description="Ten codes (xxxxx-xxxxx), each good for one sign-in without the app (verifyMfa). "
        "Shown this once and stored only hashed: keep them somewhere safe. Any codes from before "
        "stop working. Null when userErrors refused the call.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)
