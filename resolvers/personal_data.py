"""A person's data, found by email address: what export and erasure both work on (rule 17 of
docs/api.md, docs/personal-data.md).

The person is the address, normalised as the models store it. Theirs are the contact persons
with that address, the shop users of those contacts or named by it, the registration requests
made with it or that made one of those users; what mentions any of these (mails, webhook
events, audit events) is found from them. A staff account with the address is the person's
too, for the export; erasure leaves staff accounts alone.

Text that may hold the address (audit details, mail contexts, webhook bodies) is searched in
SQL with a loose LIKE, then each candidate is read in Python for the address as a whole, so
"joanna@x.test" never counts as "anna@x.test".

The split: export in resolvers/personal_data_export.py, erasure in
resolvers/personal_data_erasure.py, the classification of every field in
resolvers/personal_data_fields.py.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from auth.viewer import Caller
from mail.template_names import MailTemplate
from models import (
    ActorKind,
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    MergedDebtor,
    OutboxMessage,
    RegistrationRequest,
    ShopUser,
    WebhookEvent,
    WebhookMessage,
)
from models.normalise import normalise_email, username_key
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems
from resolvers.global_ids import global_id

# The version of the JSON documents the export and the erasure answer; a change of their shape
# that could break a reader makes it 2.
VERSION = 1

EVERY_SHOP_NEEDED = (
    "A person's data spans every shop: only staff of every shop may export or erase it."
)
# The webhook events that carry a person; debtor events carry only the company.
PERSON_EVENTS = frozenset(
    event for event in WebhookEvent if event.value.startswith(("REGISTRATION_", "SHOP_USER_"))
)
DIGEST = MailTemplate.STAFF_REMINDER_DIGEST.value
# The mails whose content names a shop user by username only (no address).
WITH_USERNAME = (MailTemplate.WELCOME.value, MailTemplate.STAFF_ACCOUNT_ACTIVATED.value)

# The text of a JSON column, for LIKE: the same SQL on SQLite (text) and PostgreSQL (jsonb).
DETAILS_TEXT = RawSQL("CAST(details AS TEXT)")
CONTEXT_TEXT = RawSQL("CAST(context AS TEXT)")


def checked_address(caller: Caller, email: str, problems: Problems) -> str:
    """The normalised address asked about; OUTSIDE_OWN_SHOPS for staff of some shops."""
    address = check.email_address(problems, email, "email")
    if not caller.scope.is_every_shop:
        problems.add(ErrorCode.OUTSIDE_OWN_SHOPS, EVERY_SHOP_NEEDED)
    return normalise_email(address) or address


def any_of(conditions: Sequence[Q]) -> Q:
    return reduce(operator.or_, conditions)


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value, however deeply nested (keys are no data)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def rewritten(value: Any, change: Callable[[str], str]) -> Any:
    """A JSON value with each string passed through `change`, its shape kept."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: rewritten(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [rewritten(item, change) for item in value]
    return value


@dataclass
class Person:
    """Everything found directly by the address; what mentions it is found through `mentions`."""

    address: str
    contacts: list[ContactPerson] = field(default_factory=list)
    # With their shop and contact read.
    users: list[ShopUser] = field(default_factory=list)
    # With their shop, debtor and answers read.
    requests: list[RegistrationRequest] = field(default_factory=list)
    staff: list[AdminUser] = field(default_factory=list)
    # Companies whose own address is this one: exported, never changed (the debtor stays),
    # and companies merged away that had it (with the debtor they became read).
    debtors: list[Debtor] = field(default_factory=list)
    merged_debtors: list[MergedDebtor] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The address as a whole: not inside a longer local part or domain.
        self._pattern = re.compile(
            r"(?<![\w.%+-])" + re.escape(self.address) + r"(?![\w-]|\.\w)", re.IGNORECASE
        )

    @property
    def user_ids(self) -> list[int]:
        return [user.id for user in self.users]

    @property
    def contact_ids(self) -> list[int]:
        return [contact.id for contact in self.contacts]

    @property
    def request_ids(self) -> list[int]:
        return [request.id for request in self.requests]

    @property
    def global_ids(self) -> list[str]:
        """How webhook bodies name the person's rows."""
        return [
            *(global_id("ShopUser", pk) for pk in self.user_ids),
            *(global_id("ContactPerson", pk) for pk in self.contact_ids),
            *(global_id("RegistrationRequest", pk) for pk in self.request_ids),
        ]

    @property
    def needles(self) -> list[str]:
        """The address as it may be written in a JSON text: as it is, and with its non-ASCII
        characters escaped (the SQLite columns are written so)."""
        escaped = json.dumps(self.address)[1:-1]
        return sorted({self.address, escaped})

    @property
    def names(self) -> set[str]:
        """What the person was called, folded: a details value equal to one of these, in an
        event about them, is theirs."""
        found = {request.name for request in self.requests}
        found |= {contact.full_name for contact in self.contacts}
        found |= {user.username for user in self.users}
        return {name.strip().casefold() for name in found if name.strip()}

    def named_in(self, text: str) -> bool:
        return self._pattern.search(text) is not None

    def mentioned_in(self, value: Any) -> bool:
        """Whether the address is anywhere in a JSON value."""
        return any(self.named_in(text) for text in strings_in(value))

    def replaced(self, text: str, pseudonym: str) -> str:
        return self._pattern.sub(pseudonym, text)

    def username_in_shop(self, shop_id: int | None, label: str | None) -> bool:
        """Whether `label` is the username of one of the person's users of that shop."""
        if label is None or shop_id is None:
            return False
        key = username_key(label)
        return any(user.shop_id == shop_id and user.username_key == key for user in self.users)

    def is_the_label(self, event: AuditEvent) -> bool:
        """Whether the event's actor label is the address or, in its shop, a username of theirs."""
        label = event.actor_label
        return label is not None and (
            normalise_email(label) == self.address or self.username_in_shop(event.shop_id, label)
        )

    def acted_in(self, event: AuditEvent) -> bool:
        """Whether the person was the actor: signed in as theirs, or anonymous in an event
        about them (a failed sign-in with their name, their registration, their link)."""
        if event.actor_kind is ActorKind.CUSTOMER:
            return event.actor_id in self.user_ids
        return event.actor_kind is ActorKind.ANONYMOUS

    def is_about(self, event: AuditEvent) -> bool:
        theirs = {
            "ShopUser": self.user_ids, "ContactPerson": self.contact_ids,
            "RegistrationRequest": self.request_ids,
        }
        return (
            (event.actor_kind is ActorKind.CUSTOMER and event.actor_id in self.user_ids)
            or (event.object_type in theirs and event.object_id in theirs[event.object_type or ""])
            or self.is_the_label(event)
            or self.mentioned_in(event.details)
        )

    def mail_is_about(self, mail: OutboxMessage) -> bool:
        """A mail to the address, about one of their requests, or whose content names the
        address or (in its shop) one of their usernames. Digests are struck, not read here."""
        return (
            normalise_email(mail.recipient) == self.address
            or mail.registration_request_id in self.request_ids
            or self.mentioned_in(mail.context)
            or self.username_in_shop(mail.shop_id, _text(mail.context.get("username")))
        )

    def digest_entries(self, digest: OutboxMessage) -> tuple[list[Any], list[Any]]:
        """A digest's listed requests split into (the person's, the others')."""
        listed = digest.context.get("requests", [])
        theirs = [entry for entry in listed if self._lists_them(entry)]
        return theirs, [entry for entry in listed if not self._lists_them(entry)]

    def _lists_them(self, entry: Any) -> bool:
        return isinstance(entry, dict) and (
            entry.get("id") in self.request_ids or self.mentioned_in(entry)
        )

    def webhook_body_is_about(self, message: WebhookMessage) -> bool:
        try:
            body = json.loads(message.body)
        except ValueError:
            return False
        ids = set(self.global_ids)
        return any(self.named_in(text) or text in ids for text in strings_in(body))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def find_person(address: str, *, for_update: bool = False) -> Person:
    """The rows found by the address. `for_update`: locked until the transaction ends
    (PostgreSQL), so an approval racing an erasure waits and is then seen, or finds them gone."""

    def locked(rows: QuerySet[Any]) -> QuerySet[Any]:
        # Only the rows' own table: PostgreSQL locks no row of an outer join's nullable side.
        return rows.select_for_update(of=(rows.model._meta.db_table,)) if for_update else rows

    contacts = await locked(ContactPerson.filter(email=address)).select_related("debtor").order_by("id")
    contact_ids = [contact.id for contact in contacts]
    users = await locked(
        ShopUser.filter(Q(contact_id__in=contact_ids) | Q(username_key=username_key(address)))
    ).select_related("shop", "contact").order_by("id")
    user_ids = [user.id for user in users]
    requests = await locked(
        RegistrationRequest.filter(Q(email=address) | Q(shop_user_id__in=user_ids))
    ).select_related("shop", "debtor").prefetch_related("answers").order_by("id")
    staff = await AdminUser.filter(email=address).prefetch_related("shops").order_by("id")
    debtors = await Debtor.filter(email=address).order_by("id")
    merged = await MergedDebtor.filter(email=address).select_related("debtor").order_by("id")
    return Person(address, contacts, users, requests, staff, debtors, merged)


def audit_candidates(person: Person) -> QuerySet[AuditEvent]:
    """Audit events that may be about the person, oldest first: confirm each with `is_about`."""
    conditions = [Q(actor_label__iexact=person.address)]
    conditions += [Q(details_text__icontains=needle) for needle in person.needles]
    if person.users:
        conditions.append(Q(actor_kind=ActorKind.CUSTOMER, actor_id__in=person.user_ids))
        conditions.append(Q(object_type="ShopUser", object_id__in=person.user_ids))
        conditions += [
            Q(shop_id=user.shop_id, actor_label__iexact=user.username) for user in person.users
        ]
    if person.contacts:
        conditions.append(Q(object_type="ContactPerson", object_id__in=person.contact_ids))
    if person.requests:
        conditions.append(Q(object_type="RegistrationRequest", object_id__in=person.request_ids))
    return AuditEvent.annotate(details_text=DETAILS_TEXT).filter(any_of(conditions)).order_by("id")


async def audit_events_about(person: Person) -> list[AuditEvent]:
    return [event for event in await audit_candidates(person) if person.is_about(event)]


async def mails_about(person: Person) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """(mails that are the person's or about them, digests that list them), oldest first."""
    conditions = [Q(recipient=person.address)]
    conditions += [Q(context_text__icontains=needle) for needle in person.needles]
    if person.requests:
        conditions.append(Q(registration_request_id__in=person.request_ids))
        # A digest lists a request by id as well as by address: any since the first came in.
        first_in = min(request.submitted_at for request in person.requests)
        conditions.append(Q(template=DIGEST, created_at__gte=first_in))
    conditions += [
        Q(shop_id=user.shop_id, template__in=WITH_USERNAME, context_text__icontains=user.username)
        for user in person.users
    ]
    found = await OutboxMessage.annotate(context_text=CONTEXT_TEXT).filter(any_of(conditions)).order_by("id")
    digests = [mail for mail in found if mail.template == DIGEST and person.digest_entries(mail)[0]]
    mails = [mail for mail in found if mail.template != DIGEST and person.mail_is_about(mail)]
    return mails, digests


async def webhook_messages_about(person: Person) -> list[WebhookMessage]:
    """The events sent (or to be sent) to partners that carry the person, oldest first."""
    conditions = [Q(body__icontains=needle) for needle in person.needles]
    conditions += [Q(body__contains=pk) for pk in person.global_ids]
    found = await WebhookMessage.filter(any_of(conditions), event__in=sorted(PERSON_EVENTS)).order_by("id")
    return [message for message in found if person.webhook_body_is_about(message)]
