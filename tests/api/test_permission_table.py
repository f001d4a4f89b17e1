"""Who may call what: every caller (each staff role, a customer, anonymous) against every
root query and mutation, and against the nested fields that guard what they reach, as the
tables below say, written out by hand.

The tables are the contract's, not auth/roles.py read back: a capability moved to the
wrong role there makes a row here fail. A refused root call answers UNAUTHENTICATED when
nobody is signed in and FORBIDDEN otherwise; an allowed one gets no GraphQL error. Its
input is chosen so that it changes nothing that matters here: unknown ids, handles and
tokens, overlong passwords, wrong codes, refused values. Only requestAdminPasswordReset
(a job queued), endOtherSessions (an audit event, no session ended) and startMfaEnrolment
(a secret kept until a confirmation that never comes) leave a trace.

To add a root field: one entry in OPERATIONS (its document and variables) and one row in
MAY; a root field without them fails test_every_root_field_has_a_row. A nested field is
one entry in NESTED_OPERATIONS and one row in NESTED, each caller's outcome spelled out,
since a caller who cannot see the object around it reads null instead (HIDDEN).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from auth.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from auth.permissions import MfaEnrolmentNotPending, PasswordChangeNotPending
from models import RegistrationStatus, Shop, StaffRole
from schema import schema
from schema.nodes import global_id
from tests.api.sign_in import admin_login, customer_token
from tests.api.staff_members import colleague
from tests.factories import make_admin, make_contact, make_debtor, make_shop, make_shop_user, pending_request
from tests.graphql_answers import error_codes

OWNER, MANAGER, REVIEWER, SUPPORT, AUDITOR = "OWNER", "MANAGER", "REVIEWER", "SUPPORT", "AUDITOR"
CUSTOMER, ANONYMOUS = "CUSTOMER", "ANONYMOUS"
STAFF = frozenset({OWNER, MANAGER, REVIEWER, SUPPORT, AUDITOR})
SIGNED_IN = STAFF | {CUSTOMER}
EVERYONE = SIGNED_IN | {ANONYMOUS}

# The outcomes a call can have.
ALLOWED = "allowed"
FORBIDDEN = "FORBIDDEN"
UNAUTHENTICATED = "UNAUTHENTICATED"
HIDDEN = "null"  # the object around a nested field reads as null, like a missing id

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
    "staff": frozenset({OWNER}),
    "webhooks": frozenset({OWNER}),
    # Signing in and out, passwords, registering: anyone, or one's own account
    "login": EVERYONE,
    "adminLogin": EVERYONE,
    "verifyMfa": EVERYONE,
    "logout": EVERYONE,
    "changePassword": SIGNED_IN,
    "acceptInvitation": EVERYONE,
    "requestPasswordReset": EVERYONE,
    "requestAdminPasswordReset": EVERYONE,
    "resetPassword": EVERYONE,
    "verifyRegistrationEmail": EVERYONE,
    "submitRegistration": EVERYONE,
    # One's own sessions
    "endSession": SIGNED_IN,
    "endOtherSessions": SIGNED_IN,
    # One's own two-factor sign-in
    "startMfaEnrolment": STAFF,
    "confirmMfaEnrolment": STAFF,
    "disableMfa": STAFF,
    "regenerateRecoveryCodes": STAFF,
    # Staff management
    "inviteStaff": frozenset({OWNER}),
    "updateStaff": frozenset({OWNER}),
    "deactivateStaff": frozenset({OWNER}),
    "reactivateStaff": frozenset({OWNER}),
    "resetStaffMfa": frozenset({OWNER}),
    # Partners' webhooks
    "createWebhook": frozenset({OWNER}),
    "updateWebhook": frozenset({OWNER}),
    "deleteWebhook": frozenset({OWNER}),
    "rotateWebhookSecret": frozenset({OWNER}),
    "redeliverWebhook": frozenset({OWNER}),
    # A person's data, by email address (rule 17)
    "exportPersonalData": frozenset({OWNER, MANAGER}),
    "erasePersonalData": frozenset({OWNER, MANAGER}),
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
    "mergeDebtors": frozenset({OWNER, MANAGER}),
    "createContactPerson": frozenset({OWNER, MANAGER}),
    "updateContactPerson": frozenset({OWNER, MANAGER}),
    # Shop users
    "createShopUser": frozenset({OWNER, MANAGER}),
    "resendInvitation": frozenset({OWNER, MANAGER, SUPPORT}),
    "setExclusion": frozenset({OWNER, MANAGER, SUPPORT}),
    "updateShopUser": frozenset({OWNER, MANAGER}),
    # A company admin's (companyRole ADMIN): no caller here, the customer being a MEMBER
    # (tests/api/test_company_admins.py calls them as an admin).
    "inviteColleague": frozenset(),
    "removeColleague": frozenset(),
}

# Ids that name nothing, so an allowed call is refused in its payload and changes nothing.
NO_REQUEST = global_id("RegistrationRequest", 999_999)
NO_FIELD = global_id("RegistrationField", 999_999)
NO_DEBTOR = global_id("Debtor", 999_999)
NO_CONTACT = global_id("ContactPerson", 999_999)
NO_SHOP_USER = global_id("ShopUser", 999_999)
NO_STAFF = global_id("AdminUser", 999_999)
NO_SESSION = global_id("Session", 999_999)
NO_WEBHOOK = global_id("Webhook", 999_999)
NO_DELIVERY = global_id("WebhookDelivery", 999_999)
# Longer than any password may be: refused before argon2 spends time on it.
OVERLONG_PASSWORD = "x" * (MAX_PASSWORD_LENGTH + 1)
NO_TOKEN = "no-such-token"
NEW_PASSWORD = {"password": "a-New-password-2026", "passwordConfirmation": "a-New-password-2026"}

ERRORS = "userErrors { code }"
CONNECTION = "{ totalCount }"


def by_id(operation: str, fields: str, item_id: str) -> tuple[str, dict[str, Any]]:
    """A mutation whose input names one object by `$id`, e.g. `{id: $id}`."""
    document = f"mutation($id: ID!) {{ {operation}(input: {fields}) {{ {ERRORS} }} }}"
    return document, {"id": item_id}


def with_input(operation: str, input_type: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A mutation given its whole input as the variable `$input`."""
    document = f"mutation($input: {input_type}!) {{ {operation}(input: $input) {{ {ERRORS} }} }}"
    return document, {"input": values}


def without_input(operation: str, selection: str = ERRORS) -> tuple[str, dict[str, Any]]:
    return f"mutation {{ {operation} {{ {selection} }} }}", {}


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
    "staff": (f"{{ staff(first: 1) {CONNECTION} }}", {}),
    "webhooks": (f"{{ webhooks(first: 1) {CONNECTION} }}", {}),
    "login": with_input(
        "login", "LoginInput", {"shop": "flora", "username": "nobody", "password": OVERLONG_PASSWORD}
    ),
    "adminLogin": with_input(
        "adminLogin", "AdminLoginInput", {"email": "nobody@example.com", "password": OVERLONG_PASSWORD}
    ),
    "verifyMfa": with_input("verifyMfa", "VerifyMfaInput", {"challenge": NO_TOKEN, "code": "123456"}),
    "logout": without_input("logout", "loggedOut"),
    "changePassword": with_input(
        "changePassword",
        "ChangePasswordInput",
        {"currentPassword": OVERLONG_PASSWORD, "newPassword": "a", "newPasswordConfirmation": "b"},
    ),
    "acceptInvitation": with_input(
        "acceptInvitation", "AcceptInvitationInput", {"token": NO_TOKEN, **NEW_PASSWORD}
    ),
    "requestPasswordReset": with_input(
        "requestPasswordReset", "RequestPasswordResetInput", {"shop": "nowhere", "email": "x@example.com"}
    ),
    "requestAdminPasswordReset": with_input(
        "requestAdminPasswordReset", "RequestAdminPasswordResetInput", {"email": "nobody@example.com"}
    ),
    "resetPassword": with_input("resetPassword", "ResetPasswordInput", {"token": NO_TOKEN, **NEW_PASSWORD}),
    "verifyRegistrationEmail": with_input(
        "verifyRegistrationEmail", "VerifyRegistrationEmailInput", {"token": NO_TOKEN}
    ),
    "submitRegistration": with_input(
        "submitRegistration",
        "SubmitRegistrationInput",
        {"shop": "nowhere", "name": "Eva", "email": "eva@example.com"},
    ),
    "endSession": by_id("endSession", "{id: $id}", NO_SESSION),
    "endOtherSessions": without_input("endOtherSessions"),  # the caller has no other session
    # startMfaEnrolment has no input to refuse: it keeps a secret, which confirms nothing.
    "startMfaEnrolment": without_input("startMfaEnrolment"),
    "confirmMfaEnrolment": with_input(
        "confirmMfaEnrolment", "ConfirmMfaEnrolmentInput", {"code": "not-a-code"}
    ),
    "disableMfa": with_input("disableMfa", "DisableMfaInput", {"password": OVERLONG_PASSWORD}),
    "regenerateRecoveryCodes": with_input(
        "regenerateRecoveryCodes", "RegenerateRecoveryCodesInput", {"password": OVERLONG_PASSWORD}
    ),
    "inviteStaff": with_input(
        "inviteStaff", "InviteStaffInput", {"email": "not an email", "role": "SUPPORT"}
    ),
    "updateStaff": by_id("updateStaff", '{id: $id, name: "X"}', NO_STAFF),
    "deactivateStaff": by_id("deactivateStaff", "{id: $id}", NO_STAFF),
    "reactivateStaff": by_id("reactivateStaff", "{id: $id}", NO_STAFF),
    "resetStaffMfa": by_id("resetStaffMfa", "{id: $id}", NO_STAFF),
    # An address refused as written, before any name is looked up.
    "createWebhook": with_input(
        "createWebhook", "CreateWebhookInput", {"url": "ftp://nowhere", "events": ["DEBTOR_CREATED"]}
    ),
    "updateWebhook": by_id("updateWebhook", '{id: $id, description: "X"}', NO_WEBHOOK),
    "deleteWebhook": by_id("deleteWebhook", "{id: $id}", NO_WEBHOOK),
    "rotateWebhookSecret": by_id("rotateWebhookSecret", "{id: $id}", NO_WEBHOOK),
    "redeliverWebhook": by_id("redeliverWebhook", "{deliveryId: $id}", NO_DELIVERY),
    # An address refused as written: nothing is read, erased or audited.
    "exportPersonalData": with_input("exportPersonalData", "PersonalDataInput", {"email": "not an email"}),
    "erasePersonalData": with_input("erasePersonalData", "PersonalDataInput", {"email": "not an email"}),
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
    "mergeDebtors": (
        f"mutation($id: ID!) {{ mergeDebtors(input: {{targetId: $id, sourceIds: [$id]}}) {{ {ERRORS} }} }}",
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
    "updateShopUser": by_id("updateShopUser", "{id: $id, companyRole: ADMIN}", NO_SHOP_USER),
    "inviteColleague": with_input(
        "inviteColleague", "InviteColleagueInput",
        {"firstName": "A", "lastName": "B", "email": "not an email", "language": "nl"},
    ),
    "removeColleague": by_id("removeColleague", "{shopUserId: $id}", NO_SHOP_USER),
}

# Nested field -> each caller's outcome. But for the caller's own account (viewer), what
# they reach is someone else's (others_to_reach), in the shop every role acts in.
NESTED: dict[str, dict[str, str]] = {
    # Every account reads its own sessions.
    "own sessions (viewer)": {
        OWNER: ALLOWED, MANAGER: ALLOWED, REVIEWER: ALLOWED, SUPPORT: ALLOWED, AUDITOR: ALLOWED,
        CUSTOMER: ALLOWED, ANONYMOUS: HIDDEN,
    },
    # A shop user's: staff who support shop users; an auditor reads the user, not its sessions.
    "ShopUser.sessions": {
        OWNER: ALLOWED, MANAGER: ALLOWED, REVIEWER: HIDDEN, SUPPORT: ALLOWED, AUDITOR: FORBIDDEN,
        CUSTOMER: HIDDEN, ANONYMOUS: HIDDEN,
    },
    # A colleague's, reached as the one who decided a request: owners only.
    "AdminUser.sessions": {
        OWNER: ALLOWED, MANAGER: FORBIDDEN, REVIEWER: FORBIDDEN, SUPPORT: HIDDEN, AUDITOR: FORBIDDEN,
        CUSTOMER: HIDDEN, ANONYMOUS: HIDDEN,
    },
    # A shop user's colleagues: only itself, as a company admin (a MEMBER, the customer here, is
    # told so); staff read shop users, not this.
    "ShopUser.colleagues": {
        OWNER: FORBIDDEN, MANAGER: FORBIDDEN, REVIEWER: HIDDEN, SUPPORT: FORBIDDEN, AUDITOR: FORBIDDEN,
        CUSTOMER: HIDDEN, ANONYMOUS: HIDDEN,
    },
    "own colleagues (viewer)": {
        # Staff: the ShopUser fragment does not apply to their viewer, so nothing is asked.
        OWNER: ALLOWED, MANAGER: ALLOWED, REVIEWER: ALLOWED, SUPPORT: ALLOWED, AUDITOR: ALLOWED,
        CUSTOMER: FORBIDDEN, ANONYMOUS: HIDDEN,
    },
    # A contact's logins: staff who read shop users; a reviewer reads the contact only.
    "ContactPerson.shopUsers": {
        OWNER: ALLOWED, MANAGER: ALLOWED, REVIEWER: FORBIDDEN, SUPPORT: ALLOWED, AUDITOR: ALLOWED,
        CUSTOMER: HIDDEN, ANONYMOUS: HIDDEN,
    },
}

# Nested field -> (document, which of others_to_reach its $id names; None: no $id).
NESTED_OPERATIONS: dict[str, tuple[str, str | None]] = {
    "own sessions (viewer)": (
        "{ viewer { ... on AdminUser { sessions { id } } ... on ShopUser { sessions { id } } } }", None
    ),
    "ShopUser.sessions": (
        "query($id: ID!) { node(id: $id) { ... on ShopUser { sessions { id } } } }", "shop_user"
    ),
    "AdminUser.sessions": (
        "query($id: ID!) { node(id: $id) { ... on RegistrationRequest { decidedBy { sessions { id } } } } }",
        "request",
    ),
    "ContactPerson.shopUsers": (
        "query($id: ID!) { node(id: $id) { ... on ContactPerson { shopUsers { id } } } }", "contact"
    ),
    "ShopUser.colleagues": (
        "query($id: ID!) { node(id: $id) { ... on ShopUser { colleagues { id } } } }", "shop_user"
    ),
    "own colleagues (viewer)": ("{ viewer { ... on ShopUser { colleagues { id } } } }", None),
}

# Root fields a restricted session may still call, per restriction: a customer who must change
# its password (the MFA fields are staff-only anyway), and a staff member who must enrol MFA.
OPEN_WHILE_PASSWORD_CHANGE_PENDING = frozenset(
    {"viewer", "logout", "changePassword", "startMfaEnrolment", "confirmMfaEnrolment"}
)
OPEN_WHILE_MFA_ENROLMENT_PENDING = frozenset(
    {"viewer", "logout", "startMfaEnrolment", "confirmMfaEnrolment"}
)


def expected(operation: str, caller: str) -> str:
    if caller in MAY[operation]:
        return ALLOWED
    return UNAUTHENTICATED if caller == ANONYMOUS else FORBIDDEN


def outcome(body: dict[str, Any]) -> str:
    """ALLOWED when the call went through; else its refusal's code (or all codes it got)."""
    codes = error_codes(body)
    return ",".join(codes) if codes else ALLOWED


def nested_outcome(body: dict[str, Any]) -> str:
    """As `outcome`, and HIDDEN when the object the query starts from reads as null."""
    if error_codes(body):
        return outcome(body)
    (reached,) = body["data"].values()
    return HIDDEN if reached is None else ALLOWED


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


async def others_to_reach(shop: Shop) -> dict[str, str]:
    """Global ids of what the nested rows reach: another shop user of `shop` and its contact,
    and a request of `shop` that a colleague (an owner) rejected. None of them signs in."""
    contact = await make_contact(await make_debtor(), "Bert")
    shop_user = await make_shop_user(shop, contact, "bert", password=None)
    decider = await colleague("decider@example.com", password=None)
    request = await pending_request(
        shop, status=RegistrationStatus.REJECTED, decided_by=decider, decided_at=datetime.now(UTC)
    )
    return {
        "shop_user": global_id("ShopUser", shop_user.id),
        "contact": global_id("ContactPerson", contact.id),
        "request": global_id("RegistrationRequest", request.id),
    }


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
async def test_each_caller_may_call_exactly_what_the_tables_say(client, caller):
    # Given the shop the form belongs to, someone else's objects in it, and the caller
    # signed in (or not)
    shop = await make_shop("flora")
    ids = await others_to_reach(shop)
    token = await token_of(client, caller)

    # When the caller reads every nested field, then calls every operation (logout last:
    # it ends the caller's session)
    nested = {}
    for name, (document, id_of) in NESTED_OPERATIONS.items():
        variables = {"id": ids[id_of]} if id_of else {}
        nested[name] = nested_outcome(await client.execute(document, variables, token=token))
    outcomes = {}
    for operation in sorted(OPERATIONS, key=lambda name: name == "logout"):
        document, variables = OPERATIONS[operation]
        outcomes[operation] = outcome(await client.execute(document, variables, token=token))

    # Then each is allowed or refused as the tables say (one comparison: every wrong row shows)
    assert {**nested, **outcomes} == {
        **{name: row[caller] for name, row in NESTED.items()},
        **{operation: expected(operation, caller) for operation in OPERATIONS},
    }


def test_the_tables_and_the_operations_name_the_same_operations():
    assert set(MAY) == set(OPERATIONS)
    assert set(NESTED) == set(NESTED_OPERATIONS)
    assert not set(NESTED) & set(OPERATIONS)  # one comparison holds both


def test_every_nested_row_names_every_caller():
    assert all(set(row) == EVERYONE for row in NESTED.values())


def test_every_root_field_has_a_row():
    names = {graphql_name(field) for fields in root_fields().values() for field in fields}

    assert names == set(MAY)


def test_every_root_field_tells_a_restricted_session_what_to_do_first():
    # A new field that forgets its permission list fails here: it would let a session that
    # must change its password or enrol MFA through.
    forgetful = [
        (graphql_name(field), check.__name__)
        for fields in root_fields().values()
        for field in fields
        for check, open_fields in (
            (PasswordChangeNotPending, OPEN_WHILE_PASSWORD_CHANGE_PENDING),
            (MfaEnrolmentNotPending, OPEN_WHILE_MFA_ENROLMENT_PENDING),
        )
        if graphql_name(field) not in open_fields and check not in field.permission_classes
    ]

    assert forgetful == []
