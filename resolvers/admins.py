"""Staff accounts made from the command line (`gatehouse create-admin`)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import AdminUser, StaffRole
from resolvers import audit
from resolvers import validation as check
from resolvers.errors import Problems
from resolvers.passwords import hash_new_password
from resolvers.runtime import Runtime


async def create_admin(
    runtime: Runtime,
    caller: Caller,
    email: str,
    name: str | None,
    password: str,
    role: StaffRole = StaffRole.OWNER,
) -> AdminUser:
    """A staff member of every shop with a password: the first owner is made so."""
    problems = Problems()
    email = check.email_address(problems, email, "email")
    name = check.optional_text(problems, name, "name", max_length=200)
    password_hash = await hash_new_password(
        runtime.passwords, problems, password, None, user_inputs=[email, name or ""]
    )
    try:
        async with in_transaction():
            admin = await AdminUser.create(
                email=email, name=name, password_hash=password_hash, role=role, all_shops=True
            )
            await audit.record(caller, "admin.created", admin, email=email, role=role.value)
    except IntegrityError:
        raise check.invalid("An admin with this email exists already.", "email") from None
    return admin
