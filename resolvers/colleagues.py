"""Company admins (rule 16 of docs/api.md): a shop user whose companyRole is ADMIN lists, invites
and removes the logins of its own debtor in its own shop, and reaches nothing of any other.

Each mutation reads the company admin afresh inside its transaction: the viewer a request
signed in with may be a moment old, and staff exclusion or a role taken away outranks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from auth.sessions import end_sessions_of
from auth.viewer import Caller
from models import CompanyRole, ContactPerson, ShopUser
from resolvers import audit
from resolvers import validation as check
from resolvers.debtors import validated_contact
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.runtime import Runtime
from resolvers.shop_users import NewShopUser, check_username, insert_shop_user, users_with_email
from resolvers.shops import offered_language

# The rate limit of auth/rate_limits.py counted per company admin.
INVITE_COLLEAGUE = "inviteColleague"

HAS_ACCOUNT = "This address has a login to this shop already."
EXCLUDED = "The shop's staff excluded this person; only they can readmit them."


class NotCompanyAdmin(Exception):
    """The caller is no company admin who may act (any more): staff, a MEMBER, a login excluded
    or removed since its request began. schema/ answers it as the GraphQL error FORBIDDEN."""


@dataclass(frozen=True)
class NewColleague:
    first_name: str
    last_name: str
    email: str
    language: str


def _same_debtor_as(shop_user: ShopUser) -> Subquery:
    """The debtor of `shop_user`'s contact person as it is now (a merge may have moved it)."""
    return Subquery(ContactPerson.filter(id=shop_user.contact_id).values("debtor_id"))


async def colleagues_of(shop_user: ShopUser) -> list[ShopUser]:
    """The shop users of `shop_user`'s debtor in its shop, itself included, oldest first, each
    with its contact person and debtor: one statement, however many there are."""
    return (
        await ShopUser.filter(shop_id=shop_user.shop_id, contact__debtor_id=_same_debtor_as(shop_user))
        .select_related("contact__debtor")
        .order_by("id")
    )


async def _company_admin(runtime: Runtime, caller: Caller) -> ShopUser:
    """The signed-in company admin as stored now, with its shop, contact person and debtor."""
    viewer = caller.viewer
    me = viewer.shop_user if viewer is not None else None
    fresh = (
        await ShopUser.filter(id=me.id).select_related("shop", "contact__debtor").first()
        if me is not None
        else None
    )
    if fresh is None or fresh.company_role != CompanyRole.ADMIN or fresh.is_excluded_at(runtime.now()):
        raise NotCompanyAdmin()
    return fresh


def _checked(problems: Problems, new: NewColleague) -> NewColleague:
    """The input's rules, each problem at its field: the names as a contact person's, the email
    as everywhere, and usable as the username (at most 150 characters)."""
    names = validated_contact(problems, {"first_name": new.first_name, "last_name": new.last_name})
    email = check.email_address(problems, new.email, "email")
    if not problems.has("email"):
        check_username(problems, email, "email")
    return NewColleague(names["first_name"], names["last_name"], email, new.language.strip())


async def _account_problems(
    problems: Problems, admin: ShopUser, email: str, runtime: Runtime
) -> None:
    """An address with a login to this shop is never given a second one. Staff exclusion
    outranks the company admin: an excluded colleague is ACCOUNT_EXCLUDED. Another debtor's
    login is ALREADY_HAS_ACCOUNT whether excluded or not, so nothing of it is told."""
    found = await users_with_email(admin.shop_id, email)
    ours = [user for user in found if user.contact.debtor_id == admin.contact.debtor_id]
    if any(user.is_excluded_at(runtime.now()) for user in ours):
        problems.add(ErrorCode.ACCOUNT_EXCLUDED, EXCLUDED, "email")
    elif found:
        problems.add(ErrorCode.ALREADY_HAS_ACCOUNT, HAS_ACCOUNT, "email")


async def invite_colleague(runtime: Runtime, caller: Caller, new: NewColleague) -> ShopUser:
    """A new INVITED login of the company admin's debtor in its shop, mailed an invitation.

    The contact person of the debtor with this email is used when there is one (the oldest);
    else one is made of the names given. The username is the email, as for an approved
    registration. Every attempt counts against the company admin's rate limit, refused ones
    too, so addresses cannot be tried out in bulk.
    """
    try:
        async with in_transaction():
            admin = await _company_admin(runtime, caller)
            await runtime.limit(INVITE_COLLEAGUE, f"shop_user:{admin.id}")
            problems = Problems()
            new = _checked(problems, new)
            shop, debtor = admin.shop, admin.contact.debtor
            offered_language(problems, shop, new.language)
            if not problems.has("email"):
                await _account_problems(problems, admin, new.email, runtime)
            problems.raise_if_any()
            contact = (
                await ContactPerson.filter(debtor_id=debtor.id, email=new.email).order_by("id").first()
            )
            existing_contact = contact is not None
            if contact is None:
                contact = await ContactPerson.create(
                    debtor=debtor, first_name=new.first_name, last_name=new.last_name,
                    email=new.email, language=new.language,
                )
                # The shop it was made from, so that shop's staff read the event.
                await audit.record(
                    caller, "contact_person.created", contact, shop_id=shop.id, debtor=debtor.number
                )
            invited = NewShopUser(
                contact_pk=contact.id, shop_handle=shop.handle, username=new.email,
                language=new.language, send_invitation=True,
            )
            shop_user = await insert_shop_user(
                runtime, caller, shop, contact, invited, None,
                by_company_admin=True, existing_contact=existing_contact,
            )
    except IntegrityError:
        # Another request gave this address a login between our check and our insert.
        raise UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, HAS_ACCOUNT, "email") from None
    return shop_user


async def remove_colleague(runtime: Runtime, caller: Caller, shop_user_pk: int | None) -> ShopUser:
    """Deletes a colleague's login and ends its sessions at once, on every instance; its contact
    person stays with the debtor. Returns the login as it was."""
    async with in_transaction():
        admin = await _company_admin(runtime, caller)
        colleague = (
            await ShopUser.filter(
                id=shop_user_pk, shop_id=admin.shop_id, contact__debtor_id=admin.contact.debtor_id
            ).first()
            if shop_user_pk is not None
            else None
        )
        if colleague is None:
            # Another debtor's or another shop's user reads exactly like an id that names nothing.
            raise UserInputError.of(ErrorCode.NOT_FOUND, "No such colleague.", "shopUserId")
        if colleague.id == admin.id:
            raise check.invalid(
                "You cannot remove your own login; another company admin or the shop's staff can.",
                "shopUserId",
            )
        if colleague.is_excluded_at(runtime.now()):
            # Removing it would free the address, and inviting it again would readmit the person.
            raise UserInputError.of(ErrorCode.ACCOUNT_EXCLUDED, EXCLUDED, "shopUserId")
        ended = await end_sessions_of(colleague)
        await audit.record(
            caller, "shop_user.removed", colleague,
            username=colleague.username, company_role=colleague.company_role.value, sessions_ended=ended,
        )
        await colleague.delete()
    return colleague
