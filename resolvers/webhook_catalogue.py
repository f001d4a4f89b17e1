"""The event catalogue for partners (docs/webhook-events.md), made by the code that sends events.

Each example body comes from objects in memory through the payload builders that make real
bodies (resolvers/webhook_payloads.py), so the catalogue cannot drift from what is sent; a
test fails when the file in the repository differs from what `catalogue()` makes
(`gatehouse export-webhook-events > docs/webhook-events.md` writes it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models import (
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    ShopUser,
    WebhookEvent,
)
from models.field_types import RegistrationFieldType
from resolvers.webhook_payloads import (
    Data,
    debtor_data,
    debtors_merged_data,
    deleted_registration_data,
    envelope,
    registration_data,
    shop_user_data,
)

# Raised when a body changes in a way a receiver must know of (a field renamed or gone, a
# meaning changed); fields added keep the version.
CATALOGUE_VERSION = 1

SHOP = "flora"
SUBMITTED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
DECIDED_AT = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)
ACTIVATED_AT = datetime(2026, 12, 2, 8, 12, tzinfo=UTC)
EXCLUDED_AT = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)
READMITTED_AT = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    event: WebhookEvent
    when: str
    # The event's moment, and its data.
    example: Callable[[], tuple[datetime, Data]]


def _debtor(**changes: object) -> Debtor:
    values: dict[str, object] = {
        "id": 42, "number": "K-1042", "name": "Kwekerij Jansen", "email": "inkoop@kwekerij-jansen.test",
        "phone": "+31 297 123 456", "vat_number": "NL853865392B01",
        "address": "Legmeerdijk 313\n1431 GB Aalsmeer", "price_list_tags": ["wholesale", "plants"],
        "minimum_order_amount": Decimal("150.00"), "checkout_payment_limit": None,
    }
    return Debtor(**{**values, **changes})


def _contact() -> ContactPerson:
    return ContactPerson(
        id=57, first_name="Eva", last_name="Jansen", email="eva@kwekerij-jansen.test", language="nl"
    )


def _answers() -> list[RegistrationAnswer]:
    return [
        RegistrationAnswer(
            key="chamber_of_commerce", type=RegistrationFieldType.TEXT, label="Chamber of commerce number",
            value="12345678", values=["12345678"], position=1,
        ),
        RegistrationAnswer(
            key="sells", type=RegistrationFieldType.MULTI_CHOICE, label="What do you sell?",
            value="cut_flowers, plants", values=["cut_flowers", "plants"], position=2,
        ),
    ]


def _request(status: RegistrationStatus, **changes: object) -> RegistrationRequest:
    values: dict[str, object] = {
        "id": 7, "name": "Eva Jansen", "email": "eva@kwekerij-jansen.test", "company": "Kwekerij Jansen",
        "language": "nl", "status": status, "submitted_at": SUBMITTED_AT, "decided_at": None,
        "rejection_reason": None,
    }
    return RegistrationRequest(**{**values, **changes})


def _registration(
    status: RegistrationStatus, moment: datetime, *, approved: bool = False, **changes: object
) -> tuple[datetime, Data]:
    data = registration_data(
        _request(status, **changes), shop_handle=SHOP, answers=_answers(),
        debtor=_debtor() if approved else None, shop_user_id=19 if approved else None,
    )
    return moment, data


def _shop_user(moment: datetime, **changes: object) -> tuple[datetime, Data]:
    values: dict[str, object] = {
        "id": 19, "username": "eva@kwekerij-jansen.test", "language": "nl", "password_hash": None,
        "may_be_excluded": True, "created_at": DECIDED_AT, "activated_at": None,
    }
    user = ShopUser(**{**values, **changes})
    return moment, shop_user_data(user, shop_handle=SHOP, contact=_contact(), debtor=_debtor(), now=moment)


ACTIVE = {"password_hash": "set", "activated_at": ACTIVATED_AT}
ENTRIES = (
    Entry(
        WebhookEvent.REGISTRATION_SUBMITTED,
        "A registration form was sent and made a new request: `PENDING` for staff to review, or "
        "`UNVERIFIED` while the applicant has to confirm the email (the shop's "
        "requireEmailVerification). Not sent when the email already has an open request or a "
        "user in the shop, nor by an `AUTOMATIC` shop without email verification, which "
        "approves at once (`registration.approved` only).",
        lambda: _registration(RegistrationStatus.PENDING, SUBMITTED_AT),
    ),
    Entry(
        WebhookEvent.REGISTRATION_VERIFIED,
        "The applicant confirmed the email (verifyRegistrationEmail): the request is `PENDING` now. "
        "In an `AUTOMATIC` shop `registration.approved` follows at once.",
        lambda: _registration(RegistrationStatus.PENDING, SUBMITTED_AT + timedelta(minutes=3)),
    ),
    Entry(
        WebhookEvent.REGISTRATION_APPROVED,
        "A request was approved, by staff (`approve`, one event per request approved) or "
        "automatically: `debtor` and `shopUser` are what the approval linked or made (each also "
        "has its own event).",
        lambda: _registration(
            RegistrationStatus.APPROVED, DECIDED_AT, approved=True, decided_at=DECIDED_AT
        ),
    ),
    Entry(
        WebhookEvent.REGISTRATION_REJECTED,
        "Staff rejected a request (`reject`, one event per request), with the reason given, if any.",
        lambda: _registration(
            RegistrationStatus.REJECTED, DECIDED_AT, decided_at=DECIDED_AT,
            rejection_reason="We sell to florists and garden centres only.",
        ),
    ),
    Entry(
        WebhookEvent.REGISTRATION_DELETED,
        "A request is gone: deleted by staff (`deleteRegistrations`, one event per request), "
        "never confirmed by its applicant within 7 days, or rejected longer ago than the shop's "
        "`rejectedRequestRetentionDays` (the retention purge). `data` says which request it was, "
        "as it was.",
        lambda: (
            DECIDED_AT + timedelta(days=30),
            deleted_registration_data(_request(RegistrationStatus.REJECTED), shop_handle=SHOP),
        ),
    ),
    Entry(
        WebhookEvent.SHOP_USER_CREATED,
        "A shop user was made: by `createShopUser` (with a password, or `INVITED` with an "
        "invitation), or by the approval of a registration.",
        lambda: _shop_user(DECIDED_AT),
    ),
    Entry(
        WebhookEvent.SHOP_USER_ACTIVATED,
        "An `INVITED` user set a first password (acceptInvitation, or a password reset link) and is "
        "`ACTIVE` now.",
        lambda: _shop_user(ACTIVATED_AT, **ACTIVE),
    ),
    Entry(
        WebhookEvent.SHOP_USER_EXCLUDED,
        "Staff excluded a user (setExclusion with `excluded: true`): they cannot sign in until "
        "readmitted or `excludedUntil`. Sent again when staff change the reason or the end.",
        lambda: _shop_user(
            EXCLUDED_AT, **ACTIVE, excluded=True, exclusion_reason="Invoices overdue",
            excluded_since=EXCLUDED_AT, excluded_until=EXCLUDED_AT + timedelta(days=31),
        ),
    ),
    Entry(
        WebhookEvent.SHOP_USER_READMITTED,
        "Staff readmitted a user (setExclusion with `excluded: false`). An exclusion that ends by "
        "its `excludedUntil` sends nothing.",
        lambda: _shop_user(READMITTED_AT, **ACTIVE),
    ),
    Entry(
        WebhookEvent.DEBTOR_CREATED,
        "A debtor was made: by `createDebtor`, by `gatehouse import-debtors` (one event per debtor), "
        "or by an approval that matched no existing debtor.",
        lambda: (DECIDED_AT, debtor_data(_debtor())),
    ),
    Entry(
        WebhookEvent.DEBTOR_UPDATED,
        "A debtor's fields changed: by `updateDebtor`, by `gatehouse import-debtors` (one event per "
        "debtor whose row changed something), or by an approval that added price-list tags. "
        "`data` holds every field as it is now. A merge sends `debtors.merged` instead.",
        lambda: (
            READMITTED_AT,
            debtor_data(_debtor(price_list_tags=["wholesale", "plants", "export"],
                                checkout_payment_limit=Decimal("2500.00"))),
        ),
    ),
    Entry(
        WebhookEvent.DEBTORS_MERGED,
        "Debtors were merged into one, by `mergeDebtors` or `gatehouse merge-debtors`: `target` "
        "is the debtor that remains, with every field as it is now (empty ones filled from the "
        "merged debtors, their price-list tags added), `mergedNumbers` the numbers of those merged "
        "into it, in the order given, which are gone: their contact persons, shop users and "
        "registration requests now belong to the target. One event per merge, however many "
        "debtors it merged; no `debtor.updated` is sent for the target.",
        lambda: (READMITTED_AT, debtors_merged_data(_debtor(), ["K-2077", "D000311"])),
    ),
)

INTRODUCTION = f"""# Webhook events

Event catalogue version {CATALOGUE_VERSION}.

Gatehouse tells a partner's system of changes as they happen: an owner registers a webhook
(`createWebhook`: an `https` URL, the events it wants, the shops they are of) and every event
is `POST`ed to it. This file is made by the code that sends the events (`gatehouse
export-webhook-events` prints it), so each example body below is exactly what such an event
looks like. For the API around it (ids, scalars, versioning) see [partners.md](partners.md).

## The request

Deliveries follow the [Standard Webhooks](https://www.standardwebhooks.com/) specification, so
its libraries verify them. Each is a `POST` with a JSON body and these headers:

| header | holds |
| --- | --- |
| `content-type` | `application/json` |
| `webhook-id` | the event's id (`msg_…`), the same on every retry: drop repeats by it |
| `webhook-timestamp` | when this attempt was signed, in Unix seconds |
| `webhook-signature` | `v1,<signature>`; several, separated by spaces, while a secret is rotated |

The signature is the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed
with the webhook's secret (`whsec_…`, shown once by `createWebhook`): the part after `whsec_`,
base64-decoded. For 24 hours after `rotateWebhookSecret` the old secret signs beside the new
one. Check a signature over the body exactly as received, and refuse a timestamp more than a
few minutes away from your clock.

## The body

```json
{{"type": "registration.approved", "timestamp": "2026-12-01T14:05:00+00:00", "data": {{…}}}}
```

- `type`: what happened, one of the events below.
- `timestamp`: when it happened, ISO 8601 in UTC.
- `data`: the object it happened to, as the API names its fields: its global `id` (pass it to
  `node(id:)`), moments as ISO 8601 strings in UTC, money as strings (`"150.00"`), a shop by its
  handle. It is the object as it was at that moment; read it again through the API for what it
  is now.

New fields may be added to `data` within a catalogue version: ignore those you do not know.

## Delivery

- Answer with any `2xx` status within 10 seconds; anything else, a timeout or a refused
  connection is a failure, retried after 30 seconds, then 1, 2, 4 … minutes, for about a day;
  then the delivery is `FAILED` (staff can send it again, `redeliverWebhook`). Redirects are not
  followed.
- Every event is delivered at least once, and may come more than once: drop repeats by
  `webhook-id`. Events are sent concurrently and retried independently, so they may arrive out of
  order: order them by `timestamp`, or read the object again.
- An event is written with the change it reports: a change that is undone (its transaction
  rolled back) sends nothing.
- A webhook whose deliveries have failed for 5 days running is switched off, with a
  `disabledReason`, and the owners who manage it are mailed.
- A webhook for some shops gets the events of those shops. Debtors belong to no one shop: their
  events go to every webhook that asks for them.

## Events

| `type` | event |
| --- | --- |
"""


def catalogue() -> str:
    """docs/webhook-events.md: the envelope, the headers, and per event when it is sent and an
    example body."""
    listed = {entry.event for entry in ENTRIES}
    if listed != set(WebhookEvent):
        raise LookupError(f"events without a catalogue entry: {sorted(set(WebhookEvent) - listed)}")
    index = "".join(f"| [`{e.event.type_name}`](#{_anchor(e)}) | `{e.event.value}` |\n" for e in ENTRIES)
    return INTRODUCTION + index + "".join(_section(entry) for entry in ENTRIES)


def _anchor(entry: Entry) -> str:
    # GitHub's slug of the heading `registration.approved`: the dot is dropped.
    return entry.event.type_name.replace(".", "")


def _section(entry: Entry) -> str:
    moment, data = entry.example()
    # The body as sent, indented to be read (it is sent without the white space).
    sent = envelope(entry.event.type_name, moment, data)
    example = json.dumps(json.loads(sent), indent=2, ensure_ascii=False)
    return (
        f"\n### {entry.event.type_name}\n\n"
        f"Subscribe with `{entry.event.value}`. {entry.when}\n\n"
        f"```json\n{example}\n```\n"
    )
