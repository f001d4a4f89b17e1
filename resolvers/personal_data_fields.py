"""The one registry of what every stored field is to a person's data (rule 17 of docs/api.md).

Each field of each model (its column, or a many-to-many link) is listed exactly once: personal,
with what exportPersonalData and erasePersonalData do with it, or not personal, with why. A
field added to a model without a line here fails tests/models/test_personal_data_coverage.py,
so whoever adds it decides how it is exported and erased. docs/personal-data.md says the same
for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Handling(str, Enum):
    """What erasePersonalData does with a field."""

    # The row goes with the person (a shop user, a request, a mail, a session).
    DELETED = "deleted"
    # The row stays; the value is replaced with a placeholder or emptied.
    ANONYMISED = "anonymised"
    # The row stays; the address (and the person's names) in it become the keyed pseudonym.
    PSEUDONYMISED = "pseudonymised"
    # Personal, exported, and left as it is, for the reason given (a staff account, a company's
    # master data, what tells nothing of who once the names are gone).
    KEPT = "kept"
    # Says nothing about any one person.
    NOT_PERSONAL = "not personal"


@dataclass(frozen=True)
class Coverage:
    handling: Handling
    # Whether exportPersonalData lists it (hashes, secrets and copies of other fields are not).
    exported: bool
    why: str = ""


def deleted(exported: bool = True, why: str = "") -> Coverage:
    return Coverage(Handling.DELETED, exported, why)


def deleted_unexported(why: str) -> Coverage:
    """Deleted with its row and never exported (a hash, a copy of another field, a row number)."""
    return Coverage(Handling.DELETED, False, why)


def anonymised(why: str = "") -> Coverage:
    return Coverage(Handling.ANONYMISED, True, why)


def pseudonymised(why: str = "") -> Coverage:
    return Coverage(Handling.PSEUDONYMISED, True, why)


def kept(why: str, exported: bool = True) -> Coverage:
    return Coverage(Handling.KEPT, exported, why)


def not_personal(why: str) -> Coverage:
    return Coverage(Handling.NOT_PERSONAL, False, why)


SETTING = not_personal("a shop's setting")
FORM = not_personal("a question of a shop's form")
COMPANY = not_personal("the company's master data: the debtor stays")
WEBHOOK = not_personal("a partner's endpoint")
HASH = deleted_unexported("a hash or secret, never handed out")
STAFF = kept("a staff account's: erasure leaves staff accounts (ended with deactivateStaff)")
STAFF_SECRET = kept("a staff account's secret or hash, never handed out", exported=False)
AFTER_ANONYMISING = kept("tells nothing of who once the names and addresses are gone")
HISTORY = kept("what happened and when: the history stays, read through the pseudonym")
DELIVERY = deleted_unexported("how it was sent, of no interest to the person")
ROW_NUMBER = deleted_unexported("a row number")

# (model, fields, coverage): each field of each model in exactly one line.
REGISTRY: list[tuple[str, tuple[str, ...], Coverage]] = [
    ("Shop", (
        "id", "handle", "name", "registration_enabled", "approval_mode", "default_price_list_tags",
        "minimum_order_amount", "checkout_payment_limit", "currency", "languages",
        "notify_customer_on_rejection", "storefront_url", "reminder_delay_hours",
        "require_email_verification", "bot_protection", "default_country",
        "rejected_request_retention_days", "reminder_sent_at", "created_at", "updated_at",
    ), SETTING),
    ("Shop", ("notification_email",), not_personal("the shop's mailbox for staff notices")),
    ("RegistrationField", (
        "id", "shop_id", "key", "type", "required", "labels", "help_texts", "options", "position",
        "created_at",
    ), FORM),
    ("Debtor", (
        "id", "number", "name", "name_key", "phone", "vat_number", "address", "price_list_tags",
        "minimum_order_amount", "checkout_payment_limit", "created_at", "updated_at",
    ), COMPANY),
    ("Debtor", ("email",), kept(
        "the company's address, exported when it is the person's; the debtor stays, so staff "
        "change it with updateDebtor"
    )),
    ("MergedDebtor", ("id", "debtor_id", "number", "name_key", "vat_number", "merged_at"), COMPANY),
    ("MergedDebtor", ("email",), kept(
        "a merged company's address, kept so that registrations naming it still match; exported "
        "when it is the person's"
    )),
    ("ContactPerson", ("first_name", "last_name"), anonymised("replaced with 'Erased person'")),
    ("ContactPerson", ("email", "phone"), anonymised("emptied")),
    ("ContactPerson", ("id", "debtor_id", "language", "created_at", "updated_at"), AFTER_ANONYMISING),
    ("ShopUser", (
        "id", "shop_id", "contact_id", "username", "language", "may_be_excluded", "company_role",
        "excluded", "exclusion_reason", "excluded_since", "excluded_until", "must_change_password",
        "created_at", "activated_at", "password_changed_at", "last_login_at",
    ), deleted()),
    ("ShopUser", ("username_key",), deleted_unexported("a folded copy of username")),
    ("ShopUser", ("password_hash",), HASH),
    ("Session", (
        "id", "shop_user_id", "admin_id", "created_at", "last_seen_at", "expires_at",
        "client_address", "user_agent",
    ), deleted(why="a shop user's sessions end with it; a staff member's stay with the account")),
    ("Session", ("token_hash",), HASH),
    ("OneTimeToken", (
        "id", "purpose", "shop_user_id", "admin_id", "created_at", "expires_at", "used_at",
    ), deleted(why="a shop user's links go with it; a staff member's stay with the account")),
    ("OneTimeToken", ("token_hash",), HASH),
    ("MfaRecoveryCode", ("id", "admin_id", "code_hash", "created_at", "used_at"), STAFF_SECRET),
    ("AdminUser", (
        "id", "email", "name", "is_active", "role", "all_shops", "shops", "mfa_enabled_at",
        "created_at", "last_login_at",
    ), STAFF),
    ("AdminUser", ("password_hash", "mfa_secret_encrypted"), STAFF_SECRET),
    ("AdminUser", ("mfa_last_step",), not_personal("a counter of TOTP time steps")),
    ("RegistrationRequest", (
        "id", "shop_id", "name", "email", "company", "language", "status", "submitted_at",
        "decided_at", "rejection_reason", "debtor_id", "shop_user_id",
    ), deleted()),
    ("RegistrationRequest", ("decided_by_id",), deleted_unexported("names the staff member who decided")),
    ("RegistrationRequest", ("open_email",), deleted_unexported("a copy of email while the request is open")),
    ("RegistrationRequest", ("verification_token_hash", "password_hash"), HASH),
    ("RegistrationAnswer", ("key", "type", "label", "value", "values"), deleted()),
    ("RegistrationAnswer", ("id",), ROW_NUMBER),
    ("RegistrationAnswer", ("request_id",), deleted_unexported("listed under its request")),
    ("RegistrationAnswer", ("labels", "option_labels"), deleted_unexported("the question in every language")),
    ("RegistrationAnswer", ("position",), deleted_unexported("the answers are listed in this order")),
    ("OutboxMessage", (
        "id", "recipient", "template", "language", "status", "attempts", "created_at", "sent_at",
        "shop_id",
    ), deleted()),
    ("OutboxMessage", ("context",), deleted_unexported("the mail's content: links and tokens")),
    ("OutboxMessage", ("message_id", "next_attempt_at", "last_error", "forget_once_sent"), DELIVERY),
    ("OutboxMessage", ("registration_request_id",), deleted_unexported("the request is exported itself")),
    ("AuditEvent", ("actor_label",), pseudonymised("the address or one of the person's usernames")),
    ("AuditEvent", ("details",), pseudonymised(
        "the address anywhere; the person's names where the event is about them"
    )),
    ("AuditEvent", ("client_address",), anonymised("emptied where the person was the actor")),
    ("AuditEvent", (
        "id", "occurred_at", "actor_kind", "actor_id", "action", "object_type", "object_id", "shop_id",
    ), HISTORY),
    ("Webhook", (
        "id", "url", "description", "events", "all_shops", "shops", "secret_sealed",
        "previous_secret_sealed", "previous_secret_until", "active", "disabled_reason",
        "failing_since", "created_at", "created_by_id",
    ), WEBHOOK),
    ("WebhookMessage", ("message_id", "event", "shop_id", "body", "created_at"), deleted(
        why="an event that carried the person: deleted, a partner that got it keeps its copy"
    )),
    ("WebhookMessage", ("id",), ROW_NUMBER),
    ("WebhookDelivery", ("webhook_id", "status", "attempts", "delivered_at"), deleted(why="with its event")),
    ("WebhookDelivery", (
        "id", "message_id", "next_attempt_at", "last_status_code", "last_error", "created_at",
    ), DELIVERY),
    # aerich's own table, which Tortoise loads beside the models.
    ("Aerich", ("id", "version", "app", "content"), not_personal("the migrations applied")),
]


def _by_model(registry: list[tuple[str, tuple[str, ...], Coverage]]) -> dict[str, dict[str, Coverage]]:
    """The registry as model -> field -> coverage; a field listed twice is an error at import."""
    fields: dict[str, dict[str, Coverage]] = {}
    for model, names, coverage in registry:
        for name in names:
            if name in fields.setdefault(model, {}):
                raise ValueError(f"{model}.{name} is classified twice")
            fields[model][name] = coverage
    return fields


FIELDS = _by_model(REGISTRY)


def coverage_of(model: str, field: str) -> Coverage | None:
    return FIELDS.get(model, {}).get(field)


def personal_fields() -> list[tuple[str, str]]:
    """Every field that holds personal data, as (model, field)."""
    return [
        (model, field)
        for model, fields in FIELDS.items()
        for field, coverage in fields.items()
        if coverage.handling is not Handling.NOT_PERSONAL
    ]
