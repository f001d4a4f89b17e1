"""Staff MFA: enrolling a TOTP app, recovery codes, the second step of signing in, and resets.

The TOTP secret is kept encrypted (GATEHOUSE_SECRET_KEY), recovery codes only hashed. Every
code is accepted once: a conditional UPDATE decides, so two requests racing with one code
(on either database) cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from tortoise.transactions import in_transaction

from auth import recovery_codes, totp
from auth.one_time_tokens import redeem
from auth.secret_box import SecretBox
from auth.sessions import end_sessions_of, reaches
from auth.tokens import hash_token
from auth.viewer import Caller
from models import ActorKind, AdminUser, MfaRecoveryCode, OneTimeToken, TokenPurpose
from models.changes import Changed, announce
from models.normalise import normalise_email
from resolvers import audit, staff_sign_in
from resolvers.errors import ErrorCode, UserInputError
from resolvers.events import SignInKind
from resolvers.passwords import refuse_overlong_password
from resolvers.runtime import Runtime
from resolvers.signed_in import SignedIn

# Longer than any code with spaces and hyphens a person might type; anything longer is wrong.
MAX_CODE_LENGTH = 32
MAX_CHALLENGE_LENGTH = 128
WRONG_CODE = "Wrong code, or one used already."


@dataclass(frozen=True)
class Enrolment:
    """What the app needs to add the account: the secret, and the same as an otpauth:// URI."""

    secret: str
    provisioning_uri: str


class CodeKind(str, Enum):
    TOTP = "TOTP"
    RECOVERY = "RECOVERY"


class _WrongCode(Exception):
    """A code that signs nobody in; raised inside the transaction, so it rolls back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def start_enrolment(runtime: Runtime, caller: Caller) -> Enrolment:
    """A new secret for the caller's app, kept until confirmMfaEnrolment (a new start replaces it)."""
    admin = await _signed_in_admin(caller)
    box = _secret_box(runtime)
    if admin.mfa_enabled:
        raise _already_enabled()
    secret = totp.new_secret()
    async with in_transaction():
        # Conditional: an enrolment confirmed meanwhile (another tab) is not overwritten.
        if not await AdminUser.filter(id=admin.id, mfa_enabled_at__isnull=True).update(
            mfa_secret_encrypted=box.encrypt(secret)
        ):
            raise _already_enabled()
        await announce(Changed.ADMIN, [admin.id])
        await audit.record(caller, "admin.mfa_enrolment_started", admin)
    return Enrolment(secret, totp.provisioning_uri(secret, admin.email))


async def confirm_enrolment(runtime: Runtime, caller: Caller, code: str) -> list[str]:
    """Turns MFA on with a right code of the new secret; returns the recovery codes, once."""
    admin = await _signed_in_admin(caller)
    if admin.mfa_enabled:
        raise _already_enabled()
    sealed = admin.mfa_secret_encrypted
    if sealed is None:
        raise UserInputError.of(
            ErrorCode.MFA_ENROLMENT_NOT_STARTED, "Start the enrolment first (startMfaEnrolment)."
        )
    secret = _secret_box(runtime).decrypt(sealed)
    if secret is None:
        raise _unreadable_secret()
    now = runtime.now()
    step = totp.matched_step(secret, code[:MAX_CODE_LENGTH], now)
    if step is None:
        raise UserInputError.of(ErrorCode.INVALID_CREDENTIALS, WRONG_CODE, "code")
    async with in_transaction():
        # The step becomes the newest accepted, so this very code cannot sign in afterwards.
        confirmed = await AdminUser.filter(
            id=admin.id, mfa_enabled_at__isnull=True, mfa_secret_encrypted=sealed,
            mfa_last_step__lt=step,
        ).update(mfa_enabled_at=now, mfa_last_step=step)
        if not confirmed:
            raise await _why_not_confirmed(admin.id)
        await announce(Changed.ADMIN, [admin.id])
        codes = await _replace_recovery_codes(admin)
        await audit.record(caller, "admin.mfa_enrolled", admin)
    return codes


async def disable(runtime: Runtime, caller: Caller, password: str) -> AdminUser:
    """Turns MFA off (secret and recovery codes gone) once the password is given again."""
    admin = await _signed_in_admin(caller)
    await _check_password(runtime, caller, admin, password, "disableMfa")
    if not admin.mfa_enabled:
        raise _not_enabled()
    async with in_transaction():
        await _clear_mfa(admin, runtime.now())
        await audit.record(caller, "admin.mfa_disabled", admin)
    return admin


async def regenerate_recovery_codes(runtime: Runtime, caller: Caller, password: str) -> list[str]:
    """Ten new recovery codes, once the password is given again; the old ones stop working."""
    admin = await _signed_in_admin(caller)
    await _check_password(runtime, caller, admin, password, "regenerateRecoveryCodes")
    if not admin.mfa_enabled:
        raise _not_enabled()
    async with in_transaction():
        codes = await _replace_recovery_codes(admin)
        await audit.record(caller, "admin.recovery_codes_regenerated", admin)
    return codes


async def reset_staff_mfa(runtime: Runtime, caller: Caller, admin_pk: int | None) -> AdminUser:
    """For a colleague who lost the device: MFA off, and their sessions end (sign in, enrol again).

    A colleague whose shops reach beyond the caller's reads as not found; one's own MFA
    is switched off with disableMfa, which asks for the password.
    """
    viewer = caller.viewer
    if viewer is None or viewer.admin is None:
        raise ValueError("the schema lets only staff through")
    colleague = await AdminUser.get_or_none(id=admin_pk) if admin_pk is not None else None
    if colleague is None or not await reaches(caller.scope, colleague):
        raise UserInputError.of(ErrorCode.NOT_FOUND, "No staff member has this id.", "id")
    if colleague.id == viewer.admin.id:
        raise UserInputError.of(
            ErrorCode.INVALID, "Your own MFA is switched off with disableMfa (and your password).", "id"
        )
    await reset_mfa_of(runtime, caller, colleague)
    return colleague


async def reset_mfa_by_email(runtime: Runtime, caller: Caller, email: str) -> AdminUser:
    """`gatehouse reset-mfa`: for the owner who lost their own device and has no colleague to ask."""
    admin = await AdminUser.get_or_none(email=normalise_email(email.strip()) or "")
    if admin is None:
        raise UserInputError.of(ErrorCode.NOT_FOUND, "No staff member has this email.", "email")
    await reset_mfa_of(runtime, caller, admin)
    return admin


async def reset_mfa_of(runtime: Runtime, caller: Caller, admin: AdminUser) -> None:
    async with in_transaction():
        await _clear_mfa(admin, runtime.now())
        ended = await end_sessions_of(admin)
        await audit.record(caller, "admin.mfa_reset", admin, email=admin.email, sessions_ended=ended)


async def verify(runtime: Runtime, caller: Caller, challenge: str, code: str) -> SignedIn:
    """The second step of a staff sign-in: the challenge of adminLogin and a TOTP or recovery
    code. A right code uses the challenge up and starts the session; a wrong one leaves the
    challenge for another try, and is audited and counted against the rate limits."""
    now = runtime.now()
    row = await _live_challenge(challenge, now)
    admin = row.admin if row is not None else None
    await runtime.limit("verifyMfa", caller.client_address, f"admin:{admin.email}" if admin else None)
    if row is None or admin is None or not admin.is_active or not admin.mfa_enabled:
        raise _expired_challenge()
    kind = _kind_of(code)
    secret = _totp_secret(runtime, admin) if kind is CodeKind.TOTP else None
    try:
        async with in_transaction():
            # The staff member's row first, as a reset or a deactivation takes it first: rows
            # locked in one order cannot deadlock (PostgreSQL; SQLite writes one at a time).
            await AdminUser.filter(id=admin.id).select_for_update().only("id").first()
            await _accept_code(admin, kind, secret, code, now)
            if not await redeem(row, now=now):
                # Another request with this challenge won; this one changes nothing.
                raise _expired_challenge()
            signed_in = await staff_sign_in.start_staff_session(runtime, caller, admin)
            if kind is CodeKind.RECOVERY:
                left = await MfaRecoveryCode.filter(admin_id=admin.id, used_at__isnull=True).count()
                await audit.record(
                    Caller(signed_in.viewer, caller.client_address), "admin.recovery_code_used",
                    admin, recovery_codes_left=left,
                )
    except _WrongCode as wrong:
        await audit.record(
            caller, "admin.mfa_failed", admin,
            actor_kind=ActorKind.ANONYMOUS, actor_label=admin.email, reason=wrong.reason,
        )
        runtime.events.sign_in_failed(SignInKind.STAFF)
        raise UserInputError.of(ErrorCode.INVALID_CREDENTIALS, WRONG_CODE, "code") from None
    return signed_in


async def _live_challenge(challenge: str, now: datetime) -> OneTimeToken | None:
    if not challenge or len(challenge) > MAX_CHALLENGE_LENGTH:
        return None
    return (
        await OneTimeToken.filter(
            token_hash=hash_token(challenge), purpose=TokenPurpose.MFA_CHALLENGE,
            used_at__isnull=True, expires_at__gt=now,
        )
        .select_related("admin")
        .first()
    )


def _kind_of(code: str) -> CodeKind | None:
    """What the typed code is by its shape: six digits, a recovery code, or neither (None)."""
    if len(code) > MAX_CODE_LENGTH:
        return None
    if totp.looks_like_code(code.replace(" ", "")):
        return CodeKind.TOTP
    if recovery_codes.looks_like_code(recovery_codes.normalised(code)):
        return CodeKind.RECOVERY
    return None


async def _accept_code(
    admin: AdminUser, kind: CodeKind | None, secret: str | None, code: str, now: datetime
) -> None:
    """Uses the code up, or raises _WrongCode."""
    if kind is CodeKind.TOTP and secret is not None:
        step = totp.matched_step(secret, code, now)
        if step is None:
            raise _WrongCode("wrong code")
        # The row count decides: of two requests with one code, only one moves the step. (No
        # cache hears of it: the step is only ever judged by this UPDATE, never read from one.)
        if not await AdminUser.filter(id=admin.id, mfa_last_step__lt=step).update(mfa_last_step=step):
            raise _WrongCode("code used already")
        return
    if kind is CodeKind.RECOVERY:
        if not await MfaRecoveryCode.filter(
            admin_id=admin.id, code_hash=recovery_codes.code_hash(code), used_at__isnull=True
        ).update(used_at=now):
            raise _WrongCode("wrong or used recovery code")
        return
    raise _WrongCode("not a code")


async def _replace_recovery_codes(admin: AdminUser) -> list[str]:
    await MfaRecoveryCode.filter(admin_id=admin.id).delete()
    codes = recovery_codes.new_codes()
    await MfaRecoveryCode.bulk_create(
        [MfaRecoveryCode(admin_id=admin.id, code_hash=recovery_codes.code_hash(c)) for c in codes]
    )
    return codes


async def _clear_mfa(admin: AdminUser, now: datetime) -> None:
    """No secret, no recovery codes, no challenge waiting for a code: MFA as never enrolled."""
    await AdminUser.filter(id=admin.id).update(
        mfa_secret_encrypted=None, mfa_enabled_at=None, mfa_last_step=0
    )
    await announce(Changed.ADMIN, [admin.id])
    admin.mfa_secret_encrypted, admin.mfa_enabled_at, admin.mfa_last_step = None, None, 0
    await MfaRecoveryCode.filter(admin_id=admin.id).delete()
    await OneTimeToken.filter(
        admin_id=admin.id, purpose=TokenPurpose.MFA_CHALLENGE, used_at__isnull=True
    ).update(used_at=now)


async def _check_password(
    runtime: Runtime, caller: Caller, admin: AdminUser, password: str, operation: str
) -> None:
    refuse_overlong_password(password, "password")
    await runtime.limit(operation, caller.client_address, f"admin:{admin.email}")
    if not (await runtime.passwords.verify(admin.password_hash, password)).valid:
        raise UserInputError.of(ErrorCode.INVALID_CREDENTIALS, "The password is wrong.", "password")


async def _signed_in_admin(caller: Caller) -> AdminUser:
    """The caller's own row, read afresh: what another request changed a moment ago counts."""
    viewer = caller.viewer
    if viewer is None or viewer.admin is None:
        raise ValueError("the schema lets only staff through")
    return await AdminUser.get(id=viewer.admin.id)


async def _why_not_confirmed(admin_id: int) -> UserInputError:
    """The refusal when the conditional UPDATE of a confirmation found nothing to change."""
    admin = await AdminUser.get(id=admin_id)
    if admin.mfa_enabled:
        return _already_enabled()
    # Restarted meanwhile: the code was of the secret replaced.
    return UserInputError.of(ErrorCode.INVALID_CREDENTIALS, WRONG_CODE, "code")


def _secret_box(runtime: Runtime) -> SecretBox:
    if runtime.secrets is None:
        raise UserInputError.of(
            ErrorCode.MFA_UNAVAILABLE,
            "This server has no secret key (GATEHOUSE_SECRET_KEY), so it cannot keep MFA secrets.",
        )
    return runtime.secrets


def _totp_secret(runtime: Runtime, admin: AdminUser) -> str:
    sealed = admin.mfa_secret_encrypted
    secret = _secret_box(runtime).decrypt(sealed) if sealed is not None else None
    if secret is None:
        raise _unreadable_secret()
    return secret


def _unreadable_secret() -> UserInputError:
    return UserInputError.of(
        ErrorCode.MFA_UNAVAILABLE,
        "This server's secret key (GATEHOUSE_SECRET_KEY) cannot read the MFA secret; sign in with "
        "a recovery code, or ask an owner to reset your MFA.",
    )


def _already_enabled() -> UserInputError:
    return UserInputError.of(
        ErrorCode.MFA_ALREADY_ENABLED, "Two-factor sign-in is on already; disableMfa first."
    )


def _not_enabled() -> UserInputError:
    return UserInputError.of(ErrorCode.MFA_NOT_ENABLED, "Two-factor sign-in is off.")


def _expired_challenge() -> UserInputError:
    return UserInputError.of(
        ErrorCode.INVALID_TOKEN, "This sign-in has expired or was used; sign in again.", "challenge"
    )
