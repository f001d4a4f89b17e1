"""Staff members for the staff tests: colleagues of a role and some shops, signed in or not."""

from __future__ import annotations

from models import AdminUser, Shop, StaffRole
from tests.api.sign_in import admin_login
from tests.conftest import GraphQLClient
from tests.factories import ADMIN_PASSWORD, password_hash

INVITE_STAFF = """
mutation($input: InviteStaffInput!) {
  inviteStaff(input: $input) {
    adminUser { id email name role active mfaEnabled lastLoginAt shops { handle } }
    userErrors { field code message }
  }
}"""


async def colleague(
    email: str,
    role: StaffRole = StaffRole.OWNER,
    shops: list[Shop] | None = None,
    *,
    password: str | None = ADMIN_PASSWORD,
    active: bool = True,
) -> AdminUser:
    """A staff member of `role` acting in `shops` (None: every shop); `password=None`: invited,
    not yet accepted."""
    admin = await AdminUser.create(
        email=email, name=email.split("@")[0].title(), role=role, all_shops=shops is None,
        password_hash=password_hash(password) if password else None, is_active=active,
    )
    if shops:
        await admin.shops.add(*shops)
    return admin


async def token_of(client: GraphQLClient, admin: AdminUser) -> str:
    """`admin` signed in with adminLogin (ADMIN_PASSWORD); the bearer token."""
    payload = await admin_login(client, admin.email)
    assert payload["userErrors"] == [], payload
    return payload["token"]


async def signed_in(
    client: GraphQLClient, email: str, role: StaffRole = StaffRole.OWNER, shops: list[Shop] | None = None
) -> str:
    """A new colleague (see `colleague`), signed in; the bearer token."""
    return await token_of(client, await colleague(email, role, shops))
