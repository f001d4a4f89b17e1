"""The StaffRole enum of the schema, each role described by what it may do: import StaffRole
from here in `schema/`, so the enum is described before any type names it."""

from __future__ import annotations

from models import StaffRole
from schema.enums import describe_enum

describe_enum(
    StaffRole,
    name="StaffRole",
    description="What a staff member may do, within their shops (AdminUser.shops; null: every "
    "shop). A role short of what a field or mutation needs gets a GraphQL error FORBIDDEN.",
    values={
        StaffRole.OWNER: "Everything, including staff, shops, security settings and webhooks.",
        StaffRole.MANAGER: "Shop settings and registration fields, debtors and contacts, shop "
        "users, registration decisions, exclusion.",
        StaffRole.REVIEWER: "Read registration requests, debtors and contacts; approve, reject and "
        "delete requests.",
        StaffRole.SUPPORT: "Read shop users, debtors and contacts; resend invitations, exclude and "
        "readmit, end a shop user's sessions.",
        StaffRole.AUDITOR: "Read everything in its shops, the audit log included; no mutation but "
        "its own sign-in, password, MFA and sessions.",
    },
)

__all__ = ["StaffRole"]
