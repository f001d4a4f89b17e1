"""What each staff role may do: the one table every permission check reads.

A capability names one thing staff do; the schema declares, on each field and
mutation, the capability it needs (auth/permissions.py). Where a role acts is a
separate question, answered by its shops (auth/scopes.py).
"""

from __future__ import annotations

from enum import Enum

from models import StaffRole


class Capability(str, Enum):
    READ_SHOPS = "READ_SHOPS"
    CREATE_SHOPS = "CREATE_SHOPS"
    MANAGE_SHOP_SETTINGS = "MANAGE_SHOP_SETTINGS"  # a shop's settings and registration fields
    READ_REQUESTS = "READ_REQUESTS"
    DECIDE_REQUESTS = "DECIDE_REQUESTS"  # approve, reject, delete
    READ_CUSTOMERS = "READ_CUSTOMERS"  # debtors and contact persons
    MANAGE_CUSTOMERS = "MANAGE_CUSTOMERS"
    READ_SHOP_USERS = "READ_SHOP_USERS"
    MANAGE_SHOP_USERS = "MANAGE_SHOP_USERS"  # create shop users
    SUPPORT_SHOP_USERS = "SUPPORT_SHOP_USERS"  # resend invitations, exclude, readmit, end sessions
    READ_MAIL = "READ_MAIL"
    READ_AUDIT = "READ_AUDIT"
    MANAGE_STAFF = "MANAGE_STAFF"
    MANAGE_WEBHOOKS = "MANAGE_WEBHOOKS"  # partners' webhooks and their deliveries


_EVERYTHING = frozenset(Capability)
_READING = frozenset(
    {
        Capability.READ_SHOPS, Capability.READ_REQUESTS, Capability.READ_CUSTOMERS,
        Capability.READ_SHOP_USERS, Capability.READ_MAIL, Capability.READ_AUDIT,
    }
)

CAPABILITIES: dict[StaffRole, frozenset[Capability]] = {
    StaffRole.OWNER: _EVERYTHING,
    StaffRole.MANAGER: frozenset(
        {
            Capability.READ_SHOPS, Capability.MANAGE_SHOP_SETTINGS,
            Capability.READ_REQUESTS, Capability.DECIDE_REQUESTS,
            Capability.READ_CUSTOMERS, Capability.MANAGE_CUSTOMERS,
            Capability.READ_SHOP_USERS, Capability.MANAGE_SHOP_USERS,
            Capability.SUPPORT_SHOP_USERS, Capability.READ_MAIL,
        }
    ),
    StaffRole.REVIEWER: frozenset(
        {
            Capability.READ_SHOPS, Capability.READ_REQUESTS, Capability.DECIDE_REQUESTS,
            Capability.READ_CUSTOMERS,
        }
    ),
    StaffRole.SUPPORT: frozenset(
        {
            Capability.READ_SHOPS, Capability.READ_CUSTOMERS, Capability.READ_SHOP_USERS,
            Capability.SUPPORT_SHOP_USERS, Capability.READ_MAIL,
        }
    ),
    StaffRole.AUDITOR: _READING,
}


def role_may(role: StaffRole, capability: Capability) -> bool:
    return capability in CAPABILITIES[role]
