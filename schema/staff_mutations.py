"""Staff managed by owners (invite, change, deactivate, reactivate), and a staff member's
forgotten password."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import may, unrestricted
from auth.roles import Capability
from resolvers import admin_password_resets, staff
from schema.accounts import AdminUser
from schema.context import GatehouseInfo
from schema.errors import refusals_as
from schema.inputs import INPUT, given_fields
from schema.nodes import pk_of
from schema.staff import (
    DeactivateStaffInput,
    InviteStaffInput,
    ReactivateStaffInput,
    RequestAdminPasswordResetInput,
    RequestAdminPasswordResetPayload,
    StaffPayload,
    UpdateStaffInput,
)


@strawberry.type
class StaffMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_STAFF),
        description="Invite a colleague (owners: MANAGE_STAFF): a staff account without a password "
        "and a mail (in English) with a link to the dashboard's /accept-invitation page, or, where "
        "no dashboard is configured, the bare token; acceptInvitation redeems either. They cannot "
        "sign in before.",
    )
    @refusals_as(StaffPayload)
    async def invite_staff(
        self, info: GatehouseInfo, input: Annotated[InviteStaffInput, INPUT]
    ) -> StaffPayload:
        ctx = info.context
        new = staff.NewStaff(email=input.email, name=input.name, role=input.role, shops=input.shops)
        admin = await staff.invite_staff(ctx.runtime, ctx.caller, new)
        return StaffPayload(admin_user=AdminUser.from_model(admin))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_STAFF),
        description="Change a colleague's name, role or shops (owners: MANAGE_STAFF). The last "
        "active owner of every shop stays one (LAST_OWNER).",
    )
    @refusals_as(StaffPayload)
    async def update_staff(
        self, info: GatehouseInfo, input: Annotated[UpdateStaffInput, INPUT]
    ) -> StaffPayload:
        changes = staff.StaffChanges(**given_fields(input, leave_out=("id",)))
        admin = await staff.update_staff(info.context.caller, pk_of(input.id, "AdminUser"), changes)
        return StaffPayload(admin_user=AdminUser.from_model(admin))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_STAFF),
        description="Deactivate a colleague (owners: MANAGE_STAFF): their sessions end at once, "
        "their mailed links stop working, and they cannot sign in until reactivateStaff. Already "
        "deactivated: answered as it is.",
    )
    @refusals_as(StaffPayload)
    async def deactivate_staff(
        self, info: GatehouseInfo, input: Annotated[DeactivateStaffInput, INPUT]
    ) -> StaffPayload:
        ctx = info.context
        admin = await staff.deactivate_staff(ctx.runtime, ctx.caller, pk_of(input.id, "AdminUser"))
        return StaffPayload(admin_user=AdminUser.from_model(admin))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_STAFF),
        description="Let a deactivated colleague sign in again with their password (owners: "
        "MANAGE_STAFF). Already active: answered as it is.",
    )
    @refusals_as(StaffPayload)
    async def reactivate_staff(
        self, info: GatehouseInfo, input: Annotated[ReactivateStaffInput, INPUT]
    ) -> StaffPayload:
        admin = await staff.reactivate_staff(info.context.caller, pk_of(input.id, "AdminUser"))
        return StaffPayload(admin_user=AdminUser.from_model(admin))

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Mail a staff member a password-reset link (valid one hour) to the dashboard's "
        "/reset-password page, or the bare token where no dashboard is configured; resetPassword "
        "redeems it (anyone may ask). One who has not accepted their invitation gets a new "
        "invitation instead, a deactivated one nothing. Rate-limited.",
    )
    @refusals_as(RequestAdminPasswordResetPayload)
    async def request_admin_password_reset(
        self, info: GatehouseInfo, input: Annotated[RequestAdminPasswordResetInput, INPUT]
    ) -> RequestAdminPasswordResetPayload:
        ctx = info.context
        await admin_password_resets.request_admin_password_reset(ctx.runtime, ctx.caller, input.email)
        return RequestAdminPasswordResetPayload(requested=True)
