"""Who may call what: every caller (each staff role, a customer, anonymous) against every
query and staff mutation, as the table below says, written out by hand.

The table is the contract's, not auth/roles.py read back: a capability moved to the
wrong role there makes a row here fail. A refused call answers UNAUTHENTICATED when
nobody is signed in and FORBIDDEN otherwise; an allowed one gets no GraphQL error (its
input is chosen so that it changes nothing: unknown ids and handles, refused values).

To add an operation: one entry in OPERATIONS (its document and variables) and one row
in MAY. A root field in neither, nor in NOT_IN_THE_TABLE, fails
test_every_root_field_has_a_row.
"""

from __future__ import annotations

from typing import Any

import pytest

from auth.permissions import MfaEnrolmentNotPending, PasswordChangeNotPending
from models import StaffRole
from schema import schema
from schema.nodes import global_id
from tests.api.sign_in import admin_login, customer_token
from tests.factories import make_admin, make_shop
from tests.graphql_answers import error_codes

OWNER, MANAGER, REVIEWER, SUPPORT, AUDITOR = "OWNER", "MANAGER", "REVIEWER", "SUPPORT", "AUDITOR"
CUSTOMER, ANONYMOUS = "CUSTOMER", "ANONYMOUS"
STAFF = frozenset({OWNER, MANAGER, REVIEWER, SUPPORT, AUDITOR})
EVERYONE = STAFF | {CUSTOMER, ANONYMOUS}

# operation -> who may call it (each role acting in every shop).
MAY: dict[str, frozenset[str]] = {
    # Query
    "viewer": EVERYONE,
    "node": EVERYONE,
    "registrationForm": EVERYONE,
    "registrationRequests": frozenset({OWNER, MANAGER, REVIEWER, AUDITOR}),
    "shops": STAFF,
    "debtors": STAFF,
    "shopUsers": frozenset({OWNER, MANAGER, SUPPORT, AUDITOR}),
    "auditEvents": frozenset({OWNER, AUDITOR}),
    "outboxMessages": frozenset({OWNER, MANAGER, SUPPORT, AUDITOR}),
    # Registration decisions
    "approve": frozenset({OWNER, MANAGER, REVIEWER}),
    "reject": frozenset({OWNER, MANAGER, REVIEWER}),
    "deleteRegistrations": frozenset({OWNER, MANAGER, REVIEWER}),
    # Shops and their forms
    "createShop": frozenset({OWNER}),
    "updateShopSettings": frozenset({OWNER, MANAGER}),
    "createRegistrationField": frozenset({OWNER, MANAGER}),
    "updateRegistrationField": frozenset({OWNER, MANAGER}),
    "deleteRegistrationField": frozenset({OWNER, MANAGER}),
    "reorderRegistrationFields": frozenset({OWNER, MANAGER}),
    # Debtors and contact persons
    "createDebtor": frozenset({OWNER, MANAGER}),
    "updateDebtor": frozenset({OWNER, MANAGER}),
    "createContactPerson": frozenset({OWNER, MANAGER}),
    "updateContactPerson": frozenset({OWNER, MANAGER}),
    # Shop users
    "createShopUser": frozenset({OWNER, MANAGER}),
    "resendInvitation": frozenset({OWNER, MANAGER, SUPPORT}),
    "setExclusion": frozenset({OWNER, MANAGER, SUPPORT}),
}

# Ids that name nothing, so an allowed call is refused in its payload and changes nothing.
NO_REQUEST = global_id("RegistrationRequest", 999_999)
NO_FIELD = global_id("RegistrationField", 999_999)
NO_DEBTOR = global_id("Debtor", 999_999)
NO_CONTACT = global_id("ContactPerson", 999_999)
NO_SHOP_USER = global_id("ShopUser", 999_999)

ERRORS = "userErrors { code }"
CONNECTION = "{ totalCount }"

# operation -> (document, variables)
OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "viewer": ("{ viewer { __typename } }", {}),
    "node": ("query($id: ID!) { node(id: $id) { id } }", {"id": NO_DEBTOR}),
    "registrationForm": ('{ registrationForm(shop: "flora") { shop } }', {}),
    "registrationRequests": (f"{{ registrationRequests(first: 1) {CONNECTION} }}", {}),
    "shops": ("{ shops { handle } }", {}),
    "debtors": (f"{{ debtors(first: 1) {CONNECTION} }}", {}),
    "shopUsers": (f"{{ shopUsers(first: 1) {CONNECTION} }}", {}),
    "auditEvents": (f"{{ auditEvents(first: 1) {CONNECTION} }}", {}),
    "outboxMessages": (f"{{ outboxMessages(first: 1) {CONNECTION} }}", {}),
    "approve": (
        f"mutation($ids: [ID!]!) {{ approve(input: {{ids: $ids}}) {{ {ERRORS} }} }}", {"ids": [NO_REQUEST]}
    ),
    "reject": (
        f"mutation($ids: [ID!]!) {{ reject(input: {{ids: $ids}}) {{ {ERRORS} }} }}", {"ids": [NO_REQUEST]}
    ),
    "deleteRegistrations": (
        f"mutation($ids: [ID!]!) {{ deleteRegistrations(input: {{ids: $ids}}) {{ {ERRORS} }} }}",
        {"ids": [NO_REQUEST]},
    ),
    "createShop": (
        f'mutation {{ createShop(input: {{handle: "Not A Handle!", name: "X"}}) {{ {ERRORS} }} }}', {}
    ),
    "updateShopSettings": (
        f'mutation {{ updateShopSettings(input: {{shop: "nowhere", name: "X"}}) {{ {ERRORS} }} }}', {}
    ),
    "createRegistrationField": (
        f'mutation {{ createRegistrationField(input: {{shop: "nowhere", key: "vat", label: "VAT"}}) '
        f"{{ {ERRORS} }} }}",
        {},
    ),
    "updateRegistrationField": (
        f'mutation($id: ID!) {{ updateRegistrationField(input: {{id: $id, label: "X"}}) {{ {ERRORS} }} }}',
        {"id": NO_FIELD},
    ),
    "deleteRegistrationField": (
        f"mutation($id: ID!) {{ deleteRegistrationField(input: {{id: $id}}) {{ {ERRORS} }} }}",
        {"id": NO_FIELD},
    ),
    "reorderRegistrationFields": (
        f'mutation {{ reorderRegistrationFields(input: {{shop: "nowhere", ids: []}}) {{ {ERRORS} }} }}', {}
    ),
    "createDebtor": (f'mutation {{ createDebtor(input: {{name: ""}}) {{ {ERRORS} }} }}', {}),
    "updateDebtor": (
        f'mutation($id: ID!) {{ updateDebtor(input: {{id: $id, name: "X"}}) {{ {ERRORS} }} }}',
        {"id": NO_DEBTOR},
    ),
    "createContactPerson": (
        "mutation($id: ID!) { createContactPerson(input: "
        f'{{debtorId: $id, firstName: "A", lastName: "B", language: "nl"}}) {{ {ERRORS} }} }}',
        {"id": NO_DEBTOR},
    ),
    "updateContactPerson": (
        f'mutation($id: ID!) {{ updateContactPerson(input: {{id: $id, firstName: "A"}}) {{ {ERRORS} }} }}',
        {"id": NO_CONTACT},
    ),
    "createShopUser": (
        "mutation($id: ID!) { createShopUser(input: {contactPersonId: $id, shop: \"nowhere\", "
        f'username: "u", language: "nl", sendInvitation: true}}) {{ {ERRORS} }} }}',
        {"id": NO_CONTACT},
    ),
    "resendInvitation": (
        f"mutation($id: ID!) {{ resendInvitation(input: {{shopUserId: $id}}) {{ {ERRORS} }} }}",
        {"id": NO_SHOP_USER},
    ),
    "setExclusion": (
        f"mutation($id: ID!) {{ setExclusion(input: {{shopUserId: $id, excluded: true}}) {{ {ERRORS} }} }}",
        {"id": NO_SHOP_USER},
    ),
}

# Root fields this table leaves to their own tests: what anyone may call (sign-ins, links,
# the form), one's own session and password, and operations of staff, MFA and sessions
# whose rows are still to be written here.
NOT_IN_THE_TABLE = frozenset({
    "login", "adminLogin", "logout", "changePassword", "acceptInvitation",
    "requestPasswordReset", "resetPassword", "submitRegistration",
    "staff", "inviteStaff", "updateStaff", "deactivateStaff", "reactivateStaff",
    "requestAdminPasswordReset", "startMfaEnrolment", "confirmMfaEnrolment", "disableMfa",
    "regenerateRecoveryCodes", "resetStaffMfa", "verifyMfa", "endSession", "endOtherSessions",
})

# Root fields a session that must change its password or enrol MFA may still call.
OPEN_TO_RESTRICTED_SESSIONS = frozenset(
    {"viewer", "logout", "changePassword", "startMfaEnrolment", "confirmMfaEnrolment"}
)


def expected(operation: str, caller: str) -> str | None:
    """None: allowed; else the code of the refusal."""
    if caller in MAY[operation]:
        return None
    return "UNAUTHENTICATED" if caller == ANONYMOUS else "FORBIDDEN"


def outcome(body: dict[str, Any]) -> str | None:
    """None when the call went through; else its refusal's code (or all codes it got)."""
    codes = error_codes(body)
    if not codes:
        return None
    return codes[0] if len(codes) == 1 else ",".join(codes)


async def token_of(client, caller: str) -> str | None:
    if caller == ANONYMOUS:
        return None
    if caller == CUSTOMER:
        return await customer_token(client)
    email = f"{caller.lower()}@example.com"
    await make_admin(email, role=StaffRole(caller))
    payload = await admin_login(client, email)
    assert payload["userErrors"] == [], payload
    return payload["token"]


def root_fields() -> dict[str, list[Any]]:
    """Each root type's fields, by GraphQL name."""
    fields: dict[str, list[Any]] = {}
    for root in ("Query", "Mutation"):
        definition = schema.get_type_by_name(root)
        assert definition is not None
        fields[root] = list(definition.fields)  # type: ignore[union-attr]
    return fields


def graphql_name(field: Any) -> str:
    return schema.config.name_converter.get_graphql_name(field)


@pytest.mark.parametrize("caller", [OWNER, MANAGER, REVIEWER, SUPPORT, AUDITOR, CUSTOMER, ANONYMOUS])
async def test_each_caller_may_call_exactly_what_the_table_says(client, caller):
    # Given the shop the form belongs to, and the caller signed in (or not)
    await make_shop("flora")
    token = await token_of(client, caller)

    # When the caller calls every operation
    outcomes = {}
    for operation, (document, variables) in OPERATIONS.items():
        outcomes[operation] = outcome(await client.execute(document, variables, token=token))

    # Then each is allowed or refused as the table says
    assert outcomes == {operation: expected(operation, caller) for operation in OPERATIONS}


def test_the_table_and_the_operations_name_the_same_operations():
    assert set(MAY) == set(OPERATIONS)


def test_every_root_field_has_a_row():
    names = {graphql_name(field) for fields in root_fields().values() for field in fields}

    assert names - set(MAY) - NOT_IN_THE_TABLE == set()


def test_every_root_field_tells_a_restricted_session_what_to_do_first():
    # A new field that forgets its permission list fails here: it would let a session that
    # must change its password or enrol MFA through.
    forgetful = [
        graphql_name(field)
        for fields in root_fields().values()
        for field in fields
        if graphql_name(field) not in OPEN_TO_RESTRICTED_SESSIONS
        and not {PasswordChangeNotPending, MfaEnrolmentNotPending} <= set(field.permission_classes)
    ]

    assert forgetful == []
