"""Who is calling: the signed-in staff member or shop user, or nobody."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from auth.roles import Capability, role_may
from auth.scopes import EVERY_SHOP, ShopScope
from models import AdminUser, ShopUser, StaffRole


class Role(str, Enum):
    ADMIN = "ADMIN"
    CUSTOMER = "CUSTOMER"


class Restriction(str, Enum):
    """What a session must do before it may do anything else."""

    # A shop user whose password staff typed: changePassword first.
    PASSWORD_CHANGE = "PASSWORD_CHANGE"  # noqa: S105 (a state, not a password)
    # A staff member without MFA where GATEHOUSE_STAFF_MFA=required: enrol first.
    MFA_ENROLMENT = "MFA_ENROLMENT"


@dataclass(frozen=True)
class Viewer:
    session_id: int
    admin: AdminUser | None = None
    shop_user: ShopUser | None = None
    # Where a staff member acts; customers are scoped by their own account instead.
    scope: ShopScope = EVERY_SHOP
    # Set when GATEHOUSE_STAFF_MFA=required and this staff member has not enrolled yet.
    mfa_enrolment_pending: bool = False

    @property
    def role(self) -> Role:
        return Role.ADMIN if self.admin is not None else Role.CUSTOMER

    @property
    def is_staff(self) -> bool:
        return self.admin is not None

    @property
    def staff_role(self) -> StaffRole | None:
        return self.admin.role if self.admin is not None else None

    def may(self, capability: Capability) -> bool:
        """Whether this viewer's staff role has `capability` (customers have none)."""
        return self.admin is not None and role_may(self.admin.role, capability)

    @property
    def restriction(self) -> Restriction | None:
        if self.mfa_enrolment_pending:
            return Restriction.MFA_ENROLMENT
        if self.shop_user is not None and self.shop_user.must_change_password:
            return Restriction.PASSWORD_CHANGE
        return None

    @property
    def account(self) -> AdminUser | ShopUser:
        """The admin or the shop user signed in: a session is of exactly one of them."""
        if self.admin is not None:
            return self.admin
        if self.shop_user is None:
            raise ValueError(f"session {self.session_id} is of neither an admin nor a shop user")
        return self.shop_user

    @property
    def label(self) -> str:
        account = self.account
        return account.email if isinstance(account, AdminUser) else account.username


@dataclass(frozen=True)
class Caller:
    """The viewer (or None) together with where the call came from, for audit and limits."""

    viewer: Viewer | None
    client_address: str | None = None
    request_id: str | None = None
    # Set for work started by the system itself (the command line, timers), not a person.
    system_actor: str | None = None
    user_agent: str | None = None

    @classmethod
    def system(cls, label: str) -> Caller:
        return cls(viewer=None, system_actor=label)

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.is_staff

    @property
    def scope(self) -> ShopScope:
        """The shops the caller acts in: a staff member's, every shop for the system itself.

        Customers and anonymous callers are never asked: their use cases scope by account.
        """
        return self.viewer.scope if self.viewer is not None else EVERY_SHOP
