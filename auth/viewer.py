"""Who is calling: the signed-in admin or shop user, or nobody."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models import AdminUser, ShopUser


class Role(str, Enum):
    ADMIN = "ADMIN"
    CUSTOMER = "CUSTOMER"


@dataclass(frozen=True)
class Viewer:
    session_id: int
    admin: AdminUser | None = None
    shop_user: ShopUser | None = None

    @property
    def role(self) -> Role:
        return Role.ADMIN if self.admin is not None else Role.CUSTOMER

    @property
    def is_staff(self) -> bool:
        return self.admin is not None

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

    @classmethod
    def system(cls, label: str) -> Caller:
        return cls(viewer=None, system_actor=label)

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.is_staff
