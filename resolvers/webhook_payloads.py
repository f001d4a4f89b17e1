"""What a webhook's `data` holds: the object's global id and its fields as the API names them.

Builders only: they read the objects they are given, never the database, so the catalogue
(resolvers/webhook_catalogue.py) makes its examples through them from objects in memory.
Relations come as arguments, found by the caller (resolvers/webhook_events.py). Moments are
ISO 8601 in UTC and money is a string, as the API writes them (docs/partners.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from models import ContactPerson, Debtor, RegistrationAnswer, RegistrationRequest, ShopUser
from resolvers.global_ids import global_id

Data = dict[str, Any]
CENT = Decimal("0.01")


def moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def money(value: Decimal | None) -> str | None:
    return str(value.quantize(CENT)) if value is not None else None


def debtor_reference(debtor: Debtor) -> Data:
    return {"id": global_id("Debtor", debtor.id), "number": debtor.number}


def debtor_data(debtor: Debtor) -> Data:
    """The fields of the API's `Debtor` (its contact persons are not sent)."""
    return {
        **debtor_reference(debtor),
        "name": debtor.name,
        "email": debtor.email,
        "phone": debtor.phone,
        "vatNumber": debtor.vat_number,
        "address": debtor.address,
        "priceListTags": list(debtor.price_list_tags),
        "minimumOrderAmount": money(debtor.minimum_order_amount),
        "checkoutPaymentLimit": money(debtor.checkout_payment_limit),
    }


def debtors_merged_data(target: Debtor, merged_numbers: Sequence[str]) -> Data:
    """The debtor that remains, and the numbers of those merged into it (now gone)."""
    return {"target": debtor_data(target), "mergedNumbers": list(merged_numbers)}


def answer_data(answer: RegistrationAnswer) -> Data:
    """An answer with its question's label as the applicant read it."""
    return {
        "key": answer.key,
        "type": answer.type.value,
        "label": answer.label,
        "value": answer.value,
        "values": list(answer.values),
    }


def registration_data(
    request: RegistrationRequest,
    *,
    shop_handle: str,
    answers: Sequence[RegistrationAnswer],
    debtor: Debtor | None,
    shop_user_id: int | None,
) -> Data:
    """The API's `RegistrationRequest`, with its answers, debtor and shop user (null until approved)."""
    return {
        "id": global_id("RegistrationRequest", request.id),
        "shop": shop_handle,
        "name": request.name,
        "email": request.email,
        "company": request.company,
        "language": request.language,
        "status": request.status.value,
        "submittedAt": moment(request.submitted_at),
        "decidedAt": moment(request.decided_at),
        "rejectionReason": request.rejection_reason,
        "answers": [answer_data(answer) for answer in sorted(answers, key=lambda a: a.position)],
        "debtor": debtor_reference(debtor) if debtor is not None else None,
        "shopUser": {"id": global_id("ShopUser", shop_user_id)} if shop_user_id is not None else None,
    }


def deleted_registration_data(request: RegistrationRequest, *, shop_handle: str) -> Data:
    """What is left to say of a request that is gone: which one it was."""
    return {
        "id": global_id("RegistrationRequest", request.id),
        "shop": shop_handle,
        "email": request.email,
        "status": request.status.value,
    }


def contact_data(contact: ContactPerson) -> Data:
    return {
        "id": global_id("ContactPerson", contact.id),
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
    }


def shop_user_data(
    user: ShopUser, *, shop_handle: str, contact: ContactPerson, debtor: Debtor, now: datetime
) -> Data:
    """The API's `ShopUser` as it reads at `now` (status and exclusion are of that moment)."""
    excluded = user.is_excluded_at(now)
    return {
        "id": global_id("ShopUser", user.id),
        "shop": shop_handle,
        "username": user.username,
        "status": user.status_at(now).value,
        "language": user.language,
        "mayBeExcluded": user.may_be_excluded,
        "createdAt": moment(user.created_at),
        "activatedAt": moment(user.activated_at),
        "excluded": excluded,
        "exclusionReason": user.exclusion_reason if excluded else None,
        "excludedSince": moment(user.excluded_since) if excluded else None,
        "excludedUntil": moment(user.excluded_until) if excluded else None,
        "contact": contact_data(contact),
        "debtor": debtor_reference(debtor),
    }


def envelope(type_name: str, timestamp: datetime, data: Data) -> str:
    """The body as sent and signed: compact JSON, non-ASCII as it is."""
    body = {"type": type_name, "timestamp": moment(timestamp), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
