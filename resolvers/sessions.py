"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from auth.sessions import end_session, end_sessions_of, start_session
from auth.viewer import Caller, Viewer
from models import ActorKind, AdminUser, Shop, ShopUser
from models.normalise import normalise_email, username_key
from resolvers import audit, staff_sign_in
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.events import SignInKind
from resolvers.passwords import hash_new_password, password_length, refuse_overlong_password
from resolvers.runtime import Runtime
from resolvers.shops import shop_id_of
from resolvers.signed_in import SignedIn
from resolvers.validation import fits_column

# One message for an unknown account and a wrong password, so neither is revealed.
BAD_CREDENTIALS = "Unknown account or wrong password."


async def admin_login(runtime: Runtime, caller: Caller, email: str, password: str) -> SignedIn:
    refuse_overlong_password(password, "password")
    email_key = normalise_email(email) or ""
    await runtime.limit("adminLogin", caller.client_address, f"admin:{email_key[:254]}")
    admin = (
        await AdminUser.get_or_none(email=email_key, is_active=True)
        if fits_column(AdminUser, "email", email_key)
        else None
    )
    verification = await runtime.passwords.verify(admin.password_hash if admin else None, password)
    if admin is None or not verification.valid:
        await audit.record(
            caller, "admin.login_failed", admin,
            actor_kind=ActorKind.ANONYMOUS, actor_label=email[:254],
        )
        runtime.events.sign_in_failed(SignInKind.STAFF)
        raise UserInputError.of(ErrorCode.INVALID_CREDENTIALS, BAD_CREDENTIALS)
    if verification.new_hash:
        admin.password_hash = verification.new_hash
        await admin.save(update_fields=["password_hash"])
    return await staff_sign_in.finish(runtime, caller, admin)


async def login(
    runtime: Runtime, caller: Caller, shop_handle: str, username: str, password: str
) -> SignedIn:
    refuse_overlong_password(password, "password")
    key = username_key(username)
    await runtime.limit("login", caller.client_address, f"{shop_handle[:64]}:{key[:150]}")
    shop_user = (
        await ShopUser.filter(shop__handle=shop_handle, username_key=key)
        .select_related("shop")
        .first()
        if fits_column(Shop, "handle", shop_handle) and fits_column(ShopUser, "username_key", key)
        else None
    )
    verification = await runtime.passwords.verify(
        shop_user.password_hash if shop_user else None, password
    )
    if shop_user is None or shop_user.password_hash is None or not verification.valid:
        await audit.record(
            caller, "customer.login_failed", shop_user,
            actor_kind=ActorKind.ANONYMOUS, actor_label=username[:254], shop=shop_handle[:64],
            # The shop's staff read of tries on it, also for a username it does not have.
            shop_id=shop_user.shop_id if shop_user else await shop_id_of(shop_handle),
        )
        runtime.events.sign_in_failed(SignInKind.CUSTOMER)
        raise UserInputError.of(ErrorCode.INVALID_CREDENTIALS, BAD_CREDENTIALS)
    now = runtime.now()
    if shop_user.is_excluded_at(now):
        # Told only to whoever knows the password: a stranger learns nothing.
        await audit.record(
            caller, "customer.login_refused_excluded", shop_user,
            actor_kind=ActorKind.CUSTOMER, actor_id=shop_user.id, actor_label=shop_user.username,
        )
        raise UserInputError.of(
            ErrorCode.ACCOUNT_EXCLUDED, "This account is excluded from signing in for now."
        )
    async with in_transaction():
        if verification.new_hash:
            shop_user.password_hash = verification.new_hash
        shop_user.last_login_at = now
        await shop_user.save(update_fields=["password_hash", "last_login_at"])
        token, session = await start_session(
            now=now, policy=runtime.sessions, shop_user=shop_user,
            client_address=caller.client_address, user_agent=caller.user_agent,
        )
        viewer = Viewer(session.id, shop_user=shop_user)
        await audit.record(Caller(viewer, caller.client_address), "customer.login", shop_user)
    return SignedIn(token, viewer)


async def logout(caller: Caller) -> None:
    if caller.viewer is not None:
        await end_session(caller.viewer.session_id)


async def change_password(
    runtime: Runtime,
    caller: Caller,
    current_password: str,
    new_password: str,
    new_password_confirmation: str,
) -> Viewer:
    """Sets a new password and ends every other session of the same account."""
    viewer = caller.viewer
    if viewer is None:
        raise ValueError("the schema lets only signed-in viewers through")
    account = viewer.account
    problems = Problems()
    # The current password is verified only when it is short enough to hash.
    if password_length(problems, current_password, "currentPassword"):
        verification = await runtime.passwords.verify(account.password_hash, current_password)
        if not verification.valid:
            problems.add(
                ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.", "currentPassword"
            )
    user_inputs = [viewer.label]
    if isinstance(account, ShopUser):
        shop = await Shop.get(id=account.shop_id)
        user_inputs.append(shop.name)
    new_hash = await hash_new_password(
        runtime.passwords, problems, new_password, new_password_confirmation,
        user_inputs=user_inputs, field="newPassword",
        confirmation_field="newPasswordConfirmation",
    )
    now = runtime.now()
    async with in_transaction():
        account.password_hash = new_hash
        changed = ["password_hash"]
        if isinstance(account, ShopUser):
            account.must_change_password = False
            account.password_changed_at = now
            changed += ["must_change_password", "password_changed_at"]
        await account.save(update_fields=changed)
        await end_sessions_of(account, keep_session_id=viewer.session_id)
        await audit.record(caller, "password.changed", account)
    return viewer
