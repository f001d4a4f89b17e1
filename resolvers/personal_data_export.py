"""exportPersonalData and `gatehouse export-personal-data`: everything held about an address, as
one JSON document (version 1, described field by field in docs/personal-data.md).

No hash, secret, link or mail body leaves: the export is handed to the person, and a link in
it would still work. Staff who acted on the person are not named (the document is the
person's, the audit log keeps who did what). An address nothing is held about answers the
same document with every list empty: not an error, since "nothing" is an answer too.

Each kind of row is read in one query for all of the person's rows, so a person with many
sessions or events costs no more statements than one with a few.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from auth.viewer import Caller
from models import (
    AuditEvent,
    OneTimeToken,
    OutboxMessage,
    Session,
    Shop,
    WebhookDelivery,
    WebhookMessage,
)
from resolvers import audit
from resolvers.errors import Problems
from resolvers.global_ids import global_id
from resolvers.personal_data import (
    VERSION,
    Person,
    audit_events_about,
    checked_address,
    find_person,
    mails_about,
    webhook_messages_about,
)
from resolvers.runtime import Runtime

Document = dict[str, Any]


def moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


async def export_personal_data(runtime: Runtime, caller: Caller, email: str) -> Document:
    """The document of `email`; the export is audited, naming the person by pseudonym (by
    address where the server has no key: an erasure pseudonymises that mention later)."""
    problems = Problems()
    address = checked_address(caller, email, problems)
    problems.raise_if_any()
    document = await personal_data_document(runtime, address)
    named = runtime.pseudonyms.of(address) if runtime.pseudonyms is not None else address
    counts: dict[str, Any] = {name: len(rows) for name, rows in document.items() if isinstance(rows, list)}
    await audit.record(caller, "personal_data.exported", person=named, **counts)
    return document


async def personal_data_document(runtime: Runtime, address: str) -> Document:
    person = await find_person(address)
    mails, digests = await mails_about(person)
    messages = await webhook_messages_about(person)
    events = await audit_events_about(person)
    shops = await _shop_handles(person, mails + digests, messages, events)
    now = runtime.now()
    return {
        "version": VERSION,
        "email": address,
        "exportedAt": moment(now),
        "pseudonym": runtime.pseudonyms.of(address) if runtime.pseudonyms is not None else None,
        "contactPersons": [_contact(contact) for contact in person.contacts],
        "shopUsers": await _shop_users(person, now),
        "registrationRequests": [_request(request) for request in person.requests],
        "mails": [_mail(mail, shops) for mail in sorted(mails + digests, key=lambda mail: mail.id)],
        "webhookMessages": await _webhook_messages(messages, shops),
        "auditEvents": [_event(person, event, shops) for event in events],
        "staffAccounts": await _staff_accounts(person),
        "debtorsWithThisEmail": [
            *(_debtor_reference(debtor) for debtor in person.debtors),
            # Merged away: the number it had, and the debtor it became.
            *({"number": merged.number, "mergedInto": _debtor_reference(merged.debtor)}
              for merged in person.merged_debtors),
        ],
    }


async def _shop_handles(
    person: Person, mails: Iterable[OutboxMessage], messages: Iterable[WebhookMessage],
    events: Iterable[AuditEvent],
) -> dict[int, str]:
    """The handle of every shop the rows name, read in one query."""
    ids = {user.shop_id for user in person.users} | {request.shop_id for request in person.requests}
    for rows in (mails, messages, events):
        ids |= {row.shop_id for row in rows if row.shop_id is not None}
    if not ids:
        return {}
    return dict(await Shop.filter(id__in=sorted(ids)).values_list("id", "handle"))


def _debtor_reference(debtor: Any) -> Document:
    return {"id": global_id("Debtor", debtor.id), "number": debtor.number, "name": debtor.name}


def _contact(contact: Any) -> Document:
    return {
        "id": global_id("ContactPerson", contact.id),
        "debtor": {"number": contact.debtor.number, "name": contact.debtor.name},
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "createdAt": moment(contact.created_at),
        "updatedAt": moment(contact.updated_at),
    }


async def _shop_users(person: Person, now: datetime) -> list[Document]:
    sessions: dict[int, list[Document]] = defaultdict(list)
    links: dict[int, list[Document]] = defaultdict(list)
    if person.users:
        for session in await Session.filter(shop_user_id__in=person.user_ids).order_by("id"):
            sessions[session.shop_user_id or 0].append(_session(session))
        for link in await OneTimeToken.filter(shop_user_id__in=person.user_ids).order_by("id"):
            links[link.shop_user_id or 0].append(_link(link))
    return [
        {
            "id": global_id("ShopUser", user.id),
            "shop": user.shop.handle,
            "contactPerson": global_id("ContactPerson", user.contact_id),
            "username": user.username,
            "status": user.status_at(now).value,
            "language": user.language,
            "companyRole": user.company_role.value,
            "mayBeExcluded": user.may_be_excluded,
            "excluded": user.excluded,
            "exclusionReason": user.exclusion_reason,
            "excludedSince": moment(user.excluded_since),
            "excludedUntil": moment(user.excluded_until),
            "mustChangePassword": user.must_change_password,
            "createdAt": moment(user.created_at),
            "activatedAt": moment(user.activated_at),
            "passwordChangedAt": moment(user.password_changed_at),
            "lastLoginAt": moment(user.last_login_at),
            "sessions": sessions[user.id],
            "links": links[user.id],
        }
        for user in person.users
    ]


def _session(session: Session) -> Document:
    return {
        "createdAt": moment(session.created_at),
        "lastSeenAt": moment(session.last_seen_at),
        "expiresAt": moment(session.expires_at),
        "clientAddress": session.client_address,
        "userAgent": session.user_agent,
    }


def _link(link: OneTimeToken) -> Document:
    return {
        "purpose": link.purpose.value,
        "createdAt": moment(link.created_at),
        "expiresAt": moment(link.expires_at),
        "usedAt": moment(link.used_at),
    }


def _request(request: Any) -> Document:
    return {
        "id": global_id("RegistrationRequest", request.id),
        "shop": request.shop.handle,
        "name": request.name,
        "email": request.email,
        "company": request.company,
        "language": request.language,
        "status": request.status.value,
        "submittedAt": moment(request.submitted_at),
        "decidedAt": moment(request.decided_at),
        "rejectionReason": request.rejection_reason,
        "debtor": request.debtor.number if request.debtor is not None else None,
        "shopUser": global_id("ShopUser", request.shop_user_id) if request.shop_user_id else None,
        "answers": [
            {
                "key": answer.key, "type": answer.type.value, "label": answer.label,
                "value": answer.value, "values": list(answer.values),
            }
            for answer in sorted(request.answers, key=lambda answer: (answer.position, answer.id))
        ],
    }


def _mail(mail: OutboxMessage, shops: dict[int, str]) -> Document:
    return {
        "template": mail.template,
        "language": mail.language,
        "recipient": mail.recipient,
        "status": mail.status.value,
        "attempts": mail.attempts,
        "shop": shops.get(mail.shop_id) if mail.shop_id is not None else None,
        "createdAt": moment(mail.created_at),
        "sentAt": moment(mail.sent_at),
    }


async def _webhook_messages(messages: list[WebhookMessage], shops: dict[int, str]) -> list[Document]:
    deliveries: dict[int, list[Document]] = defaultdict(list)
    if messages:
        for delivery in await WebhookDelivery.filter(message_id__in=[m.id for m in messages]).order_by("id"):
            deliveries[delivery.message_id].append({
                "webhook": global_id("Webhook", delivery.webhook_id),
                "status": delivery.status.value,
                "attempts": delivery.attempts,
                "deliveredAt": moment(delivery.delivered_at),
            })
    return [
        {
            "messageId": message.message_id,
            "event": message.event.type_name,
            "shop": shops.get(message.shop_id) if message.shop_id is not None else None,
            "createdAt": moment(message.created_at),
            # What the partners were (or will be) sent about the person.
            "data": json.loads(message.body).get("data"),
            "deliveries": deliveries[message.id],
        }
        for message in messages
    ]


def _event(person: Person, event: AuditEvent, shops: dict[int, str]) -> Document:
    # The actor and their address only where the person acted: staff are not named to them.
    own = person.acted_in(event)
    return {
        "occurredAt": moment(event.occurred_at),
        "action": event.action,
        "actorKind": event.actor_kind.value,
        "actorLabel": event.actor_label if own else None,
        "objectType": event.object_type,
        "objectId": global_id(event.object_type, event.object_id)
        if event.object_type and event.object_id is not None
        else None,
        "clientAddress": event.client_address if own else None,
        "shop": shops.get(event.shop_id) if event.shop_id is not None else None,
        "details": event.details,
    }


async def _staff_accounts(person: Person) -> list[Document]:
    if not person.staff:
        return []
    sessions: dict[int, list[Document]] = defaultdict(list)
    for session in await Session.filter(admin_id__in=[admin.id for admin in person.staff]).order_by("id"):
        sessions[session.admin_id or 0].append(_session(session))
    return [
        {
            "id": global_id("AdminUser", admin.id),
            "email": admin.email,
            "name": admin.name,
            "role": admin.role.value,
            "shops": None if admin.all_shops else sorted(shop.handle for shop in admin.shops),
            "active": admin.is_active,
            "mfaEnabledAt": moment(admin.mfa_enabled_at),
            "createdAt": moment(admin.created_at),
            "lastLoginAt": moment(admin.last_login_at),
            "sessions": sessions[admin.id],
        }
        for admin in person.staff
    ]
