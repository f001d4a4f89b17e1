"""Staff two-factor sign-in: enrolling, the second step of signing in, switching off, resets."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsSignedIn, IsStaff, may, staff_only, unrestricted
from auth.roles import Capability
from resolvers import mfa
from schema.accounts import AdminUser
from schema.context import GatehouseInfo
from schema.errors import refusals_as
from schema.inputs import INPUT
from schema.mfa import (
    ConfirmMfaEnrolmentInput,
    DisableMfaInput,
    MfaEnrolmentPayload,
    RecoveryCodesPayload,
    RegenerateRecoveryCodesInput,
    ResetStaffMfaInput,
    VerifyMfaInput,
)
from schema.nodes import pk_of
from schema.session_mutations import SessionPayload, session_payload
from schema.staff import StaffPayload


@strawberry.type
class MfaMutations:
    # Signed-in staff only, and open to a session that must enrol first: enrolling is its way out.
    @strawberry.mutation(
        permission_classes=[IsSignedIn, IsStaff],
        description="Start setting up two-factor sign-in (staff, your own account): a new TOTP "
        "secret for an authenticator app, which takes effect once confirmMfaEnrolment gets a "
        "code of it. Starting again replaces a secret not yet confirmed. Already on: "
        "MFA_ALREADY_ENABLED; a server without GATEHOUSE_SECRET_KEY: MFA_UNAVAILABLE.",
    )
    @refusals_as(MfaEnrolmentPayload)
    async def start_mfa_enrolment(self, info: GatehouseInfo) -> MfaEnrolmentPayload:
        ctx = info.context
        enrolment = await mfa.start_enrolment(ctx.runtime, ctx.caller)
        return MfaEnrolmentPayload(
            secret=enrolment.secret, provisioning_uri=enrolment.provisioning_uri
        )

    @strawberry.mutation(
        permission_classes=[IsSignedIn, IsStaff],
        description="Finish setting up two-factor sign-in (staff) with a code of the new secret: "
        "from now on every sign-in asks for a code (verifyMfa), and a session that could only "
        "enrol may do everything its role may. Answers ten recovery codes, this once. A wrong "
        "code: INVALID_CREDENTIALS; no enrolment started: MFA_ENROLMENT_NOT_STARTED.",
    )
    @refusals_as(RecoveryCodesPayload)
    async def confirm_mfa_enrolment(
        self, info: GatehouseInfo, input: Annotated[ConfirmMfaEnrolmentInput, INPUT]
    ) -> RecoveryCodesPayload:
        ctx = info.context
        codes = await mfa.confirm_enrolment(ctx.runtime, ctx.caller, input.code)
        return RecoveryCodesPayload(recovery_codes=codes)

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="The second step of a staff sign-in (anyone holding a challenge may try): the "
        "mfaChallenge and a code of the app or a recovery code. A right code starts the session, "
        "and the challenge and the code are used up; a wrong or used code is INVALID_CREDENTIALS "
        "and the challenge stays for another try; an unknown, used or expired challenge is "
        "INVALID_TOKEN. Rate-limited.",
    )
    @refusals_as(SessionPayload)
    async def verify_mfa(
        self, info: GatehouseInfo, input: Annotated[VerifyMfaInput, INPUT]
    ) -> SessionPayload:
        ctx = info.context
        signed_in = await mfa.verify(ctx.runtime, ctx.caller, input.challenge, input.code)
        return session_payload(info, signed_in)

    @strawberry.mutation(
        permission_classes=staff_only(),
        description="Switch your own two-factor sign-in off (staff), with your password: the "
        "secret and the recovery codes are gone. Where the server requires MFA, your sessions may "
        "then only enrol again. Off already: MFA_NOT_ENABLED.",
    )
    @refusals_as(StaffPayload)
    async def disable_mfa(
        self, info: GatehouseInfo, input: Annotated[DisableMfaInput, INPUT]
    ) -> StaffPayload:
        ctx = info.context
        admin = await mfa.disable(ctx.runtime, ctx.caller, input.password)
        return StaffPayload(admin_user=AdminUser.from_model(admin))

    @strawberry.mutation(
        permission_classes=staff_only(),
        description="Ten new recovery codes for your own account (staff), with your password; the "
        "old ones stop working. Two-factor sign-in off: MFA_NOT_ENABLED.",
    )
    @refusals_as(RecoveryCodesPayload)
    async def regenerate_recovery_codes(
        self, info: GatehouseInfo, input: Annotated[RegenerateRecoveryCodesInput, INPUT]
    ) -> RecoveryCodesPayload:
        ctx = info.context
        codes = await mfa.regenerate_recovery_codes(ctx.runtime, ctx.caller, input.password)
        return RecoveryCodesPayload(recovery_codes=codes)

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_STAFF),
        description="Reset a colleague's two-factor sign-in, for one who lost the device (staff who "
        "manage staff): secret and recovery codes are gone and their sessions end, so they sign "
        "in with the password and enrol again. Your own: disableMfa (INVALID here).",
    )
    @refusals_as(StaffPayload)
    async def reset_staff_mfa(
        self, info: GatehouseInfo, input: Annotated[ResetStaffMfaInput, INPUT]
    ) -> StaffPayload:
        ctx = info.context
        admin = await mfa.reset_staff_mfa(ctx.runtime, ctx.caller, pk_of(input.id, "AdminUser"))
        return StaffPayload(admin_user=AdminUser.from_model(admin))
