"""Shop users made and managed by staff: creation, changes, invitations, exclusion (rules 9, 10
and 16 of docs/api.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from auth.scopes import ShopScope
from auth.sessions import end_sessions_of
from auth.viewer import Caller
from models import ContactPerson, OneTimeToken, Shop, ShopUser, ShopUserStatus, WebhookEvent
from models.normalise import username_key
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.debtors import find_contact_person, search_term
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.invitations import send_invitation
from resolvers.pagination import Page, newest_first
from resolvers.passwords import new_password
from resolvers.runtime import Pause, Runtime, no_pause
from resolvers.shops import find_shop, offered_language, shop_if_any

USERNAME_TAKEN = "This username is taken in this shop."
HAS_ACCOUNT = "This contact person already has a user in this shop."


@dataclass(frozen=True)
class NewShopUser:
    contact_pk: int | None
    shop_handle: str
    username: str
    language: str
    password: str | None = None
    password_confirmation: str | None = None
    send_invitation: bool = False
    may_be_excluded: bool = True


def check_username(problems: Problems, username: str, field: str = "username") -> str:
    """A username's rules, wherever one is chosen (staff, or a company admin's invitation)."""
    if not username:
        problems.add(ErrorCode.FIELD_REQUIRED, "This field is required.", field)
    # The key is compared too: case folding can lengthen a name ("ß" becomes "ss").
    elif not check.fits_column(ShopUser, "username", username) or not check.fits_column(
        ShopUser, "username_key", username_key(username)
    ):
        problems.invalid("Use at most 150 characters.", field)
    elif any(char.isspace() or not char.isprintable() for char in username):
        problems.invalid("A username has no spaces.", field)
    return username


async def username_taken(shop_id: int, username: str, *, other_than: int | None = None) -> bool:
    """Whether a user of the shop (but `other_than`) has this username, ignoring case."""
    taken = ShopUser.filter(shop_id=shop_id, username_key=username_key(username))
    if other_than is not None:
        taken = taken.exclude(id=other_than)
    return await taken.exists()


def _password_choice(problems: Problems, new: NewShopUser) -> bool:
    """Whether the call gives a password (typed twice) or asks for an invitation, not both."""
    if new.send_invitation and new.password:
        problems.invalid("Give a password or send an invitation, not both.", "password")
    elif not new.send_invitation and not new.password:
        problems.add(
            ErrorCode.FIELD_REQUIRED, "Give a password (typed twice) or send an invitation.", "password"
        )
    elif not new.send_invitation and new.password_confirmation is None:
        problems.add(ErrorCode.FIELD_REQUIRED, "Type the password twice.", "passwordConfirmation")
    else:
        return True
    return False


async def _check(
    problems: Problems, new: NewShopUser, contact: ContactPerson | None, shop: Shop | None
) -> None:
    """Everything wrong with the request, each with its field, before anything is hashed."""
    if contact is None:
        problems.add(ErrorCode.CONTACT_NOT_FOUND, "No such contact person.", "contactPersonId")
    if shop is None:
        problems.add(ErrorCode.NOT_FOUND, "No such shop.", "shop")
    check_username(problems, new.username)
    if shop is not None:
        offered_language(problems, shop, new.language)
    if shop is not None and not problems.has("username") and await username_taken(shop.id, new.username):
        problems.add(ErrorCode.USERNAME_TAKEN, USERNAME_TAKEN, "username")
    if (
        shop is not None
        and contact is not None
        and await ShopUser.filter(shop_id=shop.id, contact_id=contact.id).exists()
    ):
        problems.add(ErrorCode.ALREADY_HAS_ACCOUNT, HAS_ACCOUNT, "contactPersonId")
    if new.send_invitation and contact is not None and not contact.email:
        problems.invalid(
            "This contact person has no email address to send the invitation to.", "sendInvitation"
        )
    if _password_choice(problems, new) and not new.send_invitation:
        new_password(
            problems, new.password or "", new.password_confirmation,
            user_inputs=_password_inputs(new, contact, shop),
        )


def _password_inputs(new: NewShopUser, contact: ContactPerson | None, shop: Shop | None) -> list[str]:
    """Words a guesser would try first for this user's password."""
    words = [new.username]
    if contact is not None:
        words += [contact.first_name, contact.last_name]
    if shop is not None:
        words.append(shop.name)
    return words


async def create_shop_user(
    runtime: Runtime, caller: Caller, new: NewShopUser, *, after_checks: Pause = no_pause
) -> ShopUser:
    """A login for an existing contact person, with a first password or an invitation.

    `after_checks` is awaited once every check has passed, before anything is hashed or written.
    """
    new = replace(new, username=new.username.strip(), language=new.language.strip())
    contact = await find_contact_person(new.contact_pk)
    shop = await find_shop(new.shop_handle, scope=caller.scope)
    problems = Problems()
    await _check(problems, new, contact, shop)
    if problems or contact is None or shop is None:
        raise problems.error()
    await after_checks()
    password_hash = None if new.send_invitation else await runtime.passwords.hash(new.password or "")
    try:
        async with in_transaction():
            shop_user = await insert_shop_user(runtime, caller, shop, contact, new, password_hash)
    except IntegrityError:
        raise await _lost_race(shop, contact, new.username) from None
    return shop_user


async def insert_shop_user(
    runtime: Runtime,
    caller: Caller,
    shop: Shop,
    contact: ContactPerson,
    new: NewShopUser,
    password_hash: str | None,
    **audited: Any,
) -> ShopUser:
    """Stores a checked `new` user, mails its invitation if asked, audits `shop_user.created`
    (with `audited` among the details) and writes SHOP_USER_CREATED: what every way of making
    a login by hand does. Call inside the use case's transaction; raises IntegrityError when
    another request made the same user first."""
    shop_user = await ShopUser.create(
        shop=shop,
        contact=contact,
        username=new.username,
        language=new.language,
        password_hash=password_hash,
        may_be_excluded=new.may_be_excluded,
        # A password staff typed is known to two people: the customer replaces it.
        must_change_password=password_hash is not None,
    )
    if new.send_invitation:
        await send_invitation(runtime, shop_user, shop, contact)
    await audit.record(
        caller, "shop_user.created", shop_user,
        shop=shop.handle, invited=new.send_invitation, **audited,
    )
    await webhook_events.shop_user_event(runtime, WebhookEvent.SHOP_USER_CREATED, shop_user, contact=contact)
    return shop_user


async def _lost_race(shop: Shop, contact: ContactPerson, username: str) -> UserInputError:
    """Another request made the same user between our checks and our insert."""
    if await ShopUser.filter(shop_id=shop.id, contact_id=contact.id).exists():
        return UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, HAS_ACCOUNT, "contactPersonId")
    return UserInputError.of(ErrorCode.USERNAME_TAKEN, USERNAME_TAKEN, "username")


async def users_with_email(shop_id: int, email: str) -> list[ShopUser]:
    """The shop's users whose contact has this email, or whose username is it.

    Two statements, each through its own index: one `OR` across the contact join made the
    planner walk every user of the shop (27 ms at 20,000 on SQLite, at every registration).
    """
    if not check.fits_column(ContactPerson, "email", email):
        return []
    with_email = Subquery(ContactPerson.filter(email=email).values("id"))
    # Ordered by the index it is found through (shop, contact): by id, SQLite walks the shop's
    # users in id order instead.
    found = await (
        ShopUser.filter(shop_id=shop_id, contact_id__in=with_email)
        .select_related("contact", "shop")
        .order_by("contact_id")
    )
    key = username_key(email)
    if check.fits_column(ShopUser, "username_key", key):
        known = {user.id for user in found}
        named = await ShopUser.filter(shop_id=shop_id, username_key=key).select_related("contact", "shop")
        found += [user for user in named if user.id not in known]
    return sorted(found, key=lambda user: user.id)


async def _shop_user(
    caller: Caller, pk: int | None, problems: Problems, field: str = "shopUserId"
) -> ShopUser:
    """The shop user of one of the caller's shops, or NOT_FOUND (also for another shop's),
    reported with the call's other `problems` found so far."""
    shop_user = (
        await caller.scope.applied(ShopUser.filter(id=pk)).select_related("shop", "contact").first()
        if pk is not None
        else None
    )
    if shop_user is None:
        problems.add(ErrorCode.NOT_FOUND, "No such shop user.", field)
        raise problems.error()
    return shop_user


async def resend_invitation(runtime: Runtime, caller: Caller, shop_user_pk: int | None) -> ShopUser:
    """A fresh invitation link; the one sent before stops working."""
    problems = Problems()
    async with in_transaction():
        shop_user = await _shop_user(caller, shop_user_pk, problems)
        if shop_user.password_hash is not None:
            problems.invalid(
                "This user has set a password already; a password reset is what helps.", "shopUserId"
            )
        if shop_user.is_excluded_at(runtime.now()):
            problems.add(
                ErrorCode.ACCOUNT_EXCLUDED, "Readmit this user before inviting them.", "shopUserId"
            )
        if not shop_user.contact.email:
            problems.invalid("This contact person has no email address.", "shopUserId")
        problems.raise_if_any()
        await send_invitation(runtime, shop_user, shop_user.shop, shop_user.contact)
        await audit.record(caller, "shop_user.invitation_resent", shop_user)
    return shop_user


UPDATABLE = ("username", "language", "may_be_excluded", "company_role")


async def update_shop_user(caller: Caller, pk: int | None, values: dict[str, Any]) -> ShopUser:
    """Changes the fields of UPDATABLE given in `values` (staff, in their shops); a field left
    out keeps its value, and none may be emptied. Audited with what changed, from and to."""
    problems = Problems()
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            problems.invalid("This field cannot be emptied; leave it out to keep it.", check.camel_case(name))
        else:
            clean[name] = value.strip() if isinstance(value, str) else value
    if "username" in clean:
        check_username(problems, clean["username"])
    try:
        async with in_transaction():
            shop_user = await _shop_user(caller, pk, problems, "id")
            if "language" in clean:
                offered_language(problems, shop_user.shop, clean["language"])
            if (
                "username" in clean
                and not problems.has("username")
                and await username_taken(shop_user.shop_id, clean["username"], other_than=shop_user.id)
            ):
                problems.add(ErrorCode.USERNAME_TAKEN, USERNAME_TAKEN, "username")
            problems.raise_if_any()
            changes = {
                check.camel_case(name): {"from": _plain(getattr(shop_user, name)), "to": _plain(value)}
                for name, value in clean.items()
                if getattr(shop_user, name) != value
            }
            if changes:
                shop_user.update_from_dict(clean)
                # The key follows the username (ShopUser.save), so it is written with it.
                extra = ["username_key"] if "username" in clean else []
                await shop_user.save(update_fields=[*clean, *extra])
            await audit.record(caller, "shop_user.updated", shop_user, changes=changes)
    except IntegrityError:
        # Another request took the username between our check and our write.
        raise UserInputError.of(ErrorCode.USERNAME_TAKEN, USERNAME_TAKEN, "username") from None
    return shop_user


def _plain(value: object) -> object:
    """A value as the audit log's JSON keeps it: an enum by its name."""
    return value.value if isinstance(value, Enum) else value


async def set_exclusion(
    runtime: Runtime,
    caller: Caller,
    shop_user_pk: int | None,
    excluded: bool,
    reason: str | None = None,
    until: datetime | None = None,
) -> ShopUser:
    """Exclude (ending every session at once) or readmit a shop user."""
    now = runtime.now()
    problems = Problems()
    reason = check.optional_text(problems, reason, "reason", max_length=1000)
    end = _exclusion_end(problems, until, now) if excluded else None
    async with in_transaction():
        shop_user = await _shop_user(caller, shop_user_pk, problems)
        if excluded and not shop_user.may_be_excluded:
            problems.add(ErrorCode.NOT_EXCLUDABLE, "This user may not be excluded.", "shopUserId")
        problems.raise_if_any()
        before = _exclusion_at(shop_user, now)
        if excluded:
            if not shop_user.is_excluded_at(now):
                shop_user.excluded_since = now
            shop_user.excluded, shop_user.exclusion_reason, shop_user.excluded_until = True, reason, end
        else:
            shop_user.excluded, shop_user.exclusion_reason = False, None
            shop_user.excluded_since = shop_user.excluded_until = None
        await shop_user.save(
            update_fields=["excluded", "exclusion_reason", "excluded_since", "excluded_until"]
        )
        ended = 0
        if excluded:
            ended = await end_sessions_of(shop_user)
            # Links mailed before stay dead after a readmission too: staff send new ones.
            await OneTimeToken.filter(shop_user_id=shop_user.id, used_at__isnull=True).update(used_at=now)
        await audit.record(
            caller,
            "shop_user.excluded" if excluded else "shop_user.readmitted",
            shop_user,
            reason=reason,
            until=end.isoformat() if end else None,
            sessions_ended=ended,
        )
        if _exclusion_at(shop_user, now) != before:
            event = WebhookEvent.SHOP_USER_EXCLUDED if excluded else WebhookEvent.SHOP_USER_READMITTED
            await webhook_events.shop_user_event(runtime, event, shop_user)
    return shop_user


def _exclusion_at(shop_user: ShopUser, now: datetime) -> tuple[object, ...]:
    """The exclusion as the API reads it at `now`: one lapsed by its end reads as none, so
    readmitting that user (or one never excluded) changes nothing a partner could see."""
    if not shop_user.is_excluded_at(now):
        return ()
    return (shop_user.exclusion_reason, shop_user.excluded_since, shop_user.excluded_until)


def _exclusion_end(problems: Problems, until: datetime | None, now: datetime) -> datetime | None:
    """`until` in UTC, so both databases compare it as a moment; it must lie in the future.

    None when there is no end, or when it is refused."""
    if until is None:
        return None
    if until.tzinfo is None:
        problems.invalid("Give the end with its time zone, e.g. 2027-01-31T18:00:00+01:00.", "until")
        return None
    try:
        until = until.astimezone(UTC)
    except OverflowError:
        problems.invalid("Give an end before the year 9999.", "until")
        return None
    if until <= now:
        problems.invalid("An exclusion ends in the future.", "until")
    return until


def _status_filter(status: ShopUserStatus, now: datetime) -> Q:
    excluded_now = Q(excluded=True) & (Q(excluded_until__isnull=True) | Q(excluded_until__gt=now))
    admitted_now = Q(excluded=False) | Q(excluded_until__lte=now)
    match status:
        case ShopUserStatus.EXCLUDED:
            return excluded_now
        case ShopUserStatus.INVITED:
            return admitted_now & Q(password_hash__isnull=True)
        case ShopUserStatus.ACTIVE:
            return admitted_now & Q(password_hash__isnull=False)


async def search_shop_users(
    runtime: Runtime,
    scope: ShopScope,
    shop_handle: str | None,
    status: ShopUserStatus | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[ShopUser]:
    """Shop users of the scope's shops by shop, status, and username, contact or debtor text,
    newest first. A shop outside the scope is NOT_FOUND, like an unknown one."""
    users = scope.applied(ShopUser.all())
    problems = Problems()
    # In the arguments' order, so an unknown shop speaks first, as a client reading one code expects.
    shop = await shop_if_any(shop_handle, problems, scope=scope) if shop_handle is not None else None
    term = search_term(problems, search)
    if shop is not None:
        users = users.filter(shop_id=shop.id)
    if status is not None:
        users = users.filter(_status_filter(status, runtime.now()))
    if term is not None:
        users = users.filter(
            Q(username__icontains=term)
            | Q(contact__first_name__icontains=term)
            | Q(contact__last_name__icontains=term)
            | Q(contact__email__icontains=term)
            | Q(contact__debtor__name__icontains=term)
            | Q(contact__debtor__number__icontains=term)
        )
    return await newest_first(users, first, after, problems)
