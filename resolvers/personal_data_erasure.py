"""erasePersonalData and `gatehouse erase-personal-data`: a person's data goes, in ONE
transaction (rule 17 of docs/api.md, docs/personal-data.md).

- Their shop users go, and with them their sessions (ended at once on every instance) and
  their invitation and reset links.
- Their registration requests go, with the answers.
- Mails to the address go, a QUEUED one too (it is never sent: the person asked to be
  forgotten), and so do the staff notices about their requests; a reminder digest that lists
  other requests as well only loses their entry.
- Webhook events that carry them are deleted with their deliveries: a partner that got one
  keeps its copy (the operator tells the partner), a queued one is never sent.
- Their contact persons stay on their debtors, anonymised: "Erased person", no email or phone;
  the debtor stays as it is.
- The audit log keeps every event, with the keyed pseudonym (auth/pseudonyms.py) wherever the
  address was, the person's names where the event is about them, and no client address where
  they were the actor. The same person always gets the same pseudonym, so their history still
  reads as one person's.
- Staff accounts with the address stay (deactivateStaff ends those), and so do their own
  actions' labels.

No webhook event tells of the erasure: it would carry the person again. The erasure is
audited (`personal_data.erased`) with the pseudonym and the counts, never the address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import (
    ActorKind,
    AuditEvent,
    ContactPerson,
    OneTimeToken,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationRequest,
    Session,
    ShopUser,
    WebhookDelivery,
    WebhookMessage,
)
from models.changes import Changed, announce
from resolvers import audit
from resolvers.errors import ErrorCode, Problems
from resolvers.personal_data import (
    VERSION,
    Person,
    audit_events_about,
    checked_address,
    find_person,
    mails_about,
    rewritten,
    webhook_messages_about,
)
from resolvers.runtime import Runtime

NO_KEY = (
    "This server has no secret key (GATEHOUSE_SECRET_KEY), so it cannot make the pseudonym the "
    "audit log keeps instead of the address: nothing was erased."
)
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "person"
# Rows written per statement when the audit log is rewritten: well within both engines' limits.
BATCH = 200

Counts = dict[str, Any]


async def erase_personal_data(runtime: Runtime, caller: Caller, email: str) -> Counts:
    """Erases what is held about `email`; answers the pseudonym and what each step did. An
    address nothing is held about answers zero counts (and is audited all the same)."""
    problems = Problems()
    address = checked_address(caller, email, problems)
    pseudonym = runtime.pseudonyms.of(address) if runtime.pseudonyms is not None else None
    if pseudonym is None:
        problems.add(ErrorCode.PERSONAL_DATA_UNAVAILABLE, NO_KEY)
    problems.raise_if_any()
    assert pseudonym is not None  # noqa: S101 (refused just above otherwise; for the type checker)
    async with in_transaction():
        person = await find_person(address, for_update=True)
        counts: Counts = {
            "auditEventsPseudonymised": await _pseudonymise_audit(person, pseudonym),
            **await _delete_webhook_messages(person),
            **await _delete_mails(person),
            **await _delete_requests(person),
            **await _delete_shop_users(person),
            "contactPersonsAnonymised": await _anonymise_contacts(person, runtime.now()),
            "staffAccountsKept": len(person.staff),
            "debtorsKept": len(person.debtors) + len(person.merged_debtors),
        }
        await audit.record(caller, "personal_data.erased", person=pseudonym, **counts)
    return {"version": VERSION, "pseudonym": pseudonym, **counts}


def _pseudonymised(person: Person, event: AuditEvent, pseudonym: str) -> bool:
    """Rewrites `event` in memory; whether anything changed."""
    names = person.names

    def change(text: str) -> str:
        if text.strip().casefold() in names:
            return pseudonym
        return person.replaced(text, pseudonym)

    before = (event.actor_label, event.details, event.client_address)
    event.details = rewritten(event.details, change)
    # Staff keep their own label: their actions stay attributable.
    if event.actor_kind is not ActorKind.ADMIN and event.actor_label is not None and (
        person.is_the_label(event) or person.acted_in(event)
    ):
        event.actor_label = pseudonym
    if person.acted_in(event):
        event.client_address = None
    return (event.actor_label, event.details, event.client_address) != before


async def _pseudonymise_audit(person: Person, pseudonym: str) -> int:
    events = [event for event in await audit_events_about(person) if _pseudonymised(person, event, pseudonym)]
    if events:
        await AuditEvent.bulk_update(
            events, fields=["actor_label", "details", "client_address"], batch_size=BATCH
        )
    return len(events)


async def _delete_webhook_messages(person: Person) -> Counts:
    ids = [message.id for message in await webhook_messages_about(person)]
    deliveries = await WebhookDelivery.filter(message_id__in=ids).delete() if ids else 0
    messages = await WebhookMessage.filter(id__in=ids).delete() if ids else 0
    return {"webhookMessagesDeleted": messages, "webhookDeliveriesDeleted": deliveries}


async def _delete_mails(person: Person) -> Counts:
    mails, digests = await mails_about(person)
    deleted = await OutboxMessage.filter(id__in=[mail.id for mail in mails]).delete() if mails else 0
    shortened = 0
    # Read again under lock: a request deleted meanwhile strikes itself from the same digests.
    locked = await OutboxMessage.filter(id__in=[d.id for d in digests]).select_for_update() if digests else []
    for digest in locked:
        theirs, others = person.digest_entries(digest)
        if not theirs:
            continue
        if others:
            digest.context = {**digest.context, "requests": others, "count": len(others)}
            await digest.save(update_fields=["context"])
            shortened += 1
        else:
            await digest.delete()
            deleted += 1
    return {"mailsDeleted": deleted, "digestsShortened": shortened}


async def _delete_requests(person: Person) -> Counts:
    ids = person.request_ids
    answers = await RegistrationAnswer.filter(request_id__in=ids).delete() if ids else 0
    requests = await RegistrationRequest.filter(id__in=ids).delete() if ids else 0
    return {"registrationRequestsDeleted": requests, "registrationAnswersDeleted": answers}


async def _delete_shop_users(person: Person) -> Counts:
    ids = person.user_ids
    if not ids:
        return {"shopUsersDeleted": 0, "sessionsEnded": 0, "linksDeleted": 0}
    sessions = await Session.filter(shop_user_id__in=ids).delete()
    links = await OneTimeToken.filter(shop_user_id__in=ids).delete()
    users = await ShopUser.filter(id__in=ids).delete()
    # Every instance's session cache forgets them when (and only if) this commits.
    await announce(Changed.SHOP_USER, ids)
    return {"shopUsersDeleted": users, "sessionsEnded": sessions, "linksDeleted": links}


async def _anonymise_contacts(person: Person, now: datetime) -> int:
    if not person.contacts:
        return 0
    return await ContactPerson.filter(id__in=person.contact_ids).update(
        first_name=ERASED_FIRST_NAME, last_name=ERASED_LAST_NAME, email=None, phone=None, updated_at=now
    )
