"""Staff as a team: the inputs and payloads of the staff mutations, and the `staff` list."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import may
from auth.roles import Capability
from resolvers import staff
from resolvers.debtors import MAX_SEARCH_LENGTH
from schema.accounts import AdminUser
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as_errors
from schema.pagination import After, Connection, First, connection
from schema.staff_roles import StaffRole

STAFF_ID = (
    "The staff member's global id. An unknown one is NOT_FOUND, and so is one of a colleague "
    "outside your reach: for an owner of some shops, any colleague with a shop not among its "
    "own, or of every shop."
)
NAME = "The name colleagues see, at most 200 characters; blank or null: none."
SHOPS = (
    "The shops the staff member acts in, by handle; null: every shop, today's and tomorrow's. "
    "An unknown handle, or one outside your own shops, is NOT_FOUND at [\"shops\", \"<index>\"]; "
    "an empty list is INVALID. Only owners of every shop may grant every shop (else "
    "OUTSIDE_OWN_SHOPS)."
)


@strawberry.input(description="A new colleague, mailed a link to choose a password (valid 7 days).")
class InviteStaffInput:
    email: str = strawberry.field(
        description="Where the invitation goes, and what they sign in with. An email of a staff "
        "member already (one who accepted, or one deactivated) is ALREADY_HAS_ACCOUNT; one whose "
        "invitation is still open is invited again: a fresh link, with the name, role and shops "
        "given now, and the link before stops working."
    )
    role: StaffRole = strawberry.field(description="What they may do, within `shops`.")
    name: str | None = strawberry.field(default=None, description=NAME)
    shops: list[str] | None = strawberry.field(default=None, description=SHOPS + " Left out: null.")


@strawberry.input(
    description="Changes to a colleague: a field left out keeps its value. The change holds "
    "from the colleague's next request."
)
class UpdateStaffInput:
    id: strawberry.ID = strawberry.field(description=STAFF_ID)
    name: str | None = strawberry.field(default=strawberry.UNSET, description=NAME)
    role: StaffRole | None = strawberry.field(
        default=strawberry.UNSET,
        description="The new role; null is INVALID. Demoting the last active owner of every shop "
        "is LAST_OWNER.",
    )
    shops: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description=SHOPS + " Limiting the last active owner of every shop to some shops is "
        "LAST_OWNER.",
    )


@strawberry.input(description="The colleague to deactivate.")
class DeactivateStaffInput:
    id: strawberry.ID = strawberry.field(
        description=STAFF_ID + " Your own id is INVALID; the last active owner of every shop is "
        "LAST_OWNER."
    )


@strawberry.input(description="The deactivated colleague to let in again.")
class ReactivateStaffInput:
    id: strawberry.ID = strawberry.field(description=STAFF_ID)


@strawberry.input(description="The staff member who forgot their password.")
class RequestAdminPasswordResetInput:
    email: str = strawberry.field(description="The email the staff member signs in with, in any case.")


@strawberry.type(description="What inviteStaff, updateStaff, deactivateStaff and reactivateStaff answer.")
class StaffPayload:
    admin_user: AdminUser | None = strawberry.field(
        default=None, description="The staff member as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="The same answer whether or not the email belongs to a staff member.")
class RequestAdminPasswordResetPayload:
    requested: bool = strawberry.field(
        default=False, description="True once the request was taken, whether or not a mail went out."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@refusals_as_errors
async def _staff(
    info: GatehouseInfo,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="Text to look for, ignoring case, in emails and names; blank lists "
            f"everyone. Over {MAX_SEARCH_LENGTH} characters: a GraphQL error INVALID."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[AdminUser]:
    page = await staff.search_staff(info.context.caller, search, first, after)
    return connection(page, AdminUser.from_model)


# The Query root's `staff` field (schema/query.py names it).
STAFF = strawberry.field(
    resolver=_staff,
    permission_classes=may(Capability.MANAGE_STAFF),
    description="Staff accounts, newest first (owners: MANAGE_STAFF), deactivated and invited "
    "ones included. An owner of some shops sees only colleagues whose shops are all among its "
    "own.",
)
