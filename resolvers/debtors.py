"""Debtors (customer companies) and their contact persons (staff)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import ContactPerson, Debtor, WebhookEvent
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.pagination import Page, newest_first
from resolvers.runtime import Runtime

_DEBTOR_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
_VAT_NUMBER = re.compile(r"^[A-Z0-9+*]{4,20}$")
_VAT_SEPARATORS = re.compile(r"[\s.\-]")
MAX_SEARCH_LENGTH = 100

DEBTOR_FIELDS = (
    "number", "name", "email", "phone", "vat_number", "address", "price_list_tags",
    "minimum_order_amount", "checkout_payment_limit",
)
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "language")


def normalise_vat_number(value: str) -> str:
    """`NL 8538.65.392-B01` and `nl853865392b01` are the same number."""
    return _VAT_SEPARATORS.sub("", value).upper()


def debtor_number(problems: Problems, value: str | None, field: str = "number") -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _DEBTOR_NUMBER.match(value):
        problems.invalid("Use 1 to 32 letters, digits, dots, slashes, hyphens or underscores.", field)
    return value


def vat_number(problems: Problems, value: str | None, field: str = "vatNumber") -> str | None:
    if value is None or not value.strip():
        return None
    value = normalise_vat_number(value)
    if not _VAT_NUMBER.match(value):
        problems.invalid("Enter a VAT number such as 'NL853865392B01'.", field)
    return value


def _debtor_field(problems: Problems, name: str, value: Any) -> Any:
    field = check.camel_case(name)
    match name:
        case "number":
            return debtor_number(problems, value, field)
        case "name":
            return check.required_text(problems, value or "", field, max_length=200)
        case "email":
            return check.optional_email_address(problems, value, field)
        case "phone":
            return check.optional_text(problems, value, field, max_length=64)
        case "vat_number":
            return vat_number(problems, value, field)
        case "address":
            return check.optional_text(problems, value, field, max_length=1000)
        case "price_list_tags":
            return check.tag_list(problems, value or [], field)
        case "minimum_order_amount" | "checkout_payment_limit":
            return check.money(problems, value, field)
    raise ValueError(f"not a debtor field: {name}")


def validated_debtor(problems: Problems, values: dict[str, Any]) -> dict[str, Any]:
    """Debtor fields checked and normalised; a field not in `values` is left out."""
    return {name: _debtor_field(problems, name, value) for name, value in values.items()}


def _contact_field(problems: Problems, name: str, value: Any) -> Any:
    field = check.camel_case(name)
    match name:
        case "first_name" | "last_name":
            return check.required_text(problems, value or "", field, max_length=100)
        case "email":
            return check.optional_email_address(problems, value, field)
        case "phone":
            return check.optional_text(problems, value, field, max_length=64)
        case "language":
            return check.language_code(problems, (value or "").strip(), field)
    raise ValueError(f"not a contact field: {name}")


def validated_contact(problems: Problems, values: dict[str, Any]) -> dict[str, Any]:
    """Contact person fields checked and normalised; a field not in `values` is left out."""
    return {name: _contact_field(problems, name, value) for name, value in values.items()}


def _number_taken(number: str) -> UserInputError:
    return check.invalid(f"The debtor number '{number}' is taken.", "number")


async def _generated_number(debtor: Debtor) -> str:
    """`D000042` for debtor 42, or the first free variant when an import already took it."""
    candidate = f"D{debtor.id:06d}"
    suffix = 1
    while await Debtor.filter(number=candidate).exists():
        suffix += 1
        candidate = f"D{debtor.id:06d}-{suffix}"
    return candidate


async def insert_debtor(clean: dict[str, Any]) -> Debtor:
    """Stores checked debtor values, generating the number when none is given.

    Raises IntegrityError when the number given is taken; call in a transaction.
    """
    values = dict(clean)
    number = values.pop("number", None)
    # A unique placeholder until the id that the generated number is made of exists.
    placeholder = f"~{uuid.uuid4().hex[:31]}"
    debtor = await Debtor.create(number=number or placeholder, **values)
    if number is None:
        debtor.number = await _generated_number(debtor)
        await debtor.save(update_fields=["number"])
    return debtor


async def create_debtor(runtime: Runtime, caller: Caller, values: dict[str, Any]) -> Debtor:
    problems = Problems()
    clean = validated_debtor(problems, values)
    if "name" not in clean:
        problems.add(ErrorCode.FIELD_REQUIRED, "This field is required.", "name")
    check.check_limits_agree(
        problems, clean.get("minimum_order_amount"), clean.get("checkout_payment_limit")
    )
    problems.raise_if_any()
    try:
        async with in_transaction():
            debtor = await insert_debtor(clean)
            await audit.record(caller, "debtor.created", debtor, number=debtor.number)
            await webhook_events.debtor_event(runtime, WebhookEvent.DEBTOR_CREATED, debtor)
    except IntegrityError:
        raise _number_taken(clean.get("number") or "") from None
    return debtor


async def find_debtor(pk: int | None) -> Debtor | None:
    return await Debtor.get_or_none(id=pk) if pk is not None else None


async def _locked_debtor(pk: int | None) -> Debtor | None:
    """The debtor, locked until the transaction ends (call in one). A change waits for a merge
    that holds it (resolvers/debtor_merge.py), then reads it as the merge left it, or finds it
    gone; SQLite has one writer at a time anyway."""
    return await Debtor.filter(id=pk).select_for_update().first() if pk is not None else None


async def update_debtor(runtime: Runtime, caller: Caller, pk: int | None, values: dict[str, Any]) -> Debtor:
    problems = Problems()
    clean = validated_debtor(problems, values)
    if "number" in clean and clean["number"] is None:
        problems.invalid("A debtor keeps a number.", "number")
    try:
        async with in_transaction():
            debtor = await _locked_debtor(pk)
            if debtor is None:
                problems.add(ErrorCode.NOT_FOUND, "No such debtor.", "id")
                raise problems.error()
            check.check_limits_agree(
                problems,
                clean.get("minimum_order_amount", debtor.minimum_order_amount),
                clean.get("checkout_payment_limit", debtor.checkout_payment_limit),
            )
            problems.raise_if_any()
            changes_something = any(getattr(debtor, name) != value for name, value in clean.items())
            debtor.update_from_dict(clean)
            # Only what the call names: nothing else is written back as it was read.
            await debtor.save(update_fields=[*clean, "updated_at"])
            await audit.record(
                caller, "debtor.updated", debtor,
                changed=sorted(check.camel_case(name) for name in clean),
            )
            if changes_something:
                await webhook_events.debtor_event(runtime, WebhookEvent.DEBTOR_UPDATED, debtor)
    except IntegrityError:
        raise _number_taken(clean.get("number") or "") from None
    return debtor


async def create_contact_person(
    caller: Caller, debtor_pk: int | None, values: dict[str, Any]
) -> ContactPerson:
    problems = Problems()
    clean = validated_contact(problems, values)
    async with in_transaction():
        # Locked, so that a merge taking the debtor away is waited for and the debtor found gone,
        # instead of the new contact failing on its foreign key.
        debtor = await _locked_debtor(debtor_pk)
        if debtor is None:
            problems.add(ErrorCode.NOT_FOUND, "No such debtor.", "debtorId")
            raise problems.error()
        problems.raise_if_any()
        contact = await ContactPerson.create(debtor=debtor, **clean)
        await audit.record(caller, "contact_person.created", contact, debtor=debtor.number)
    return contact


async def find_contact_person(pk: int | None) -> ContactPerson | None:
    return await ContactPerson.get_or_none(id=pk) if pk is not None else None


async def update_contact_person(caller: Caller, pk: int | None, values: dict[str, Any]) -> ContactPerson:
    problems = Problems()
    clean = validated_contact(problems, values)
    async with in_transaction():
        # Locked, and only the fields named written: a merge that moves the contact to another
        # debtor, or folds it into another contact, is waited for rather than undone.
        contact = await ContactPerson.filter(id=pk).select_for_update().first() if pk is not None else None
        if contact is None:
            problems.add(ErrorCode.NOT_FOUND, "No such contact person.", "id")
            raise problems.error()
        problems.raise_if_any()
        contact.update_from_dict(clean)
        await contact.save(update_fields=[*clean, "updated_at"])
        await audit.record(
            caller, "contact_person.updated", contact,
            changed=sorted(check.camel_case(name) for name in clean),
        )
    return contact


def search_term(problems: Problems, search: str | None) -> str | None:
    """The trimmed search text, or None to list everything."""
    if search is None or not search.strip():
        return None
    if len(search) > MAX_SEARCH_LENGTH:
        problems.invalid(f"Search with at most {MAX_SEARCH_LENGTH} characters.", "search")
        return None
    return check.searchable(problems, search.strip())


async def search_debtors(search: str | None, first: int | None, after: str | None) -> Page[Debtor]:
    """Debtors whose number, name, email or VAT number contains `search`, newest first."""
    debtors = Debtor.all()
    problems = Problems()
    term = search_term(problems, search)
    if term is not None:
        matches = Q(number__icontains=term) | Q(name__icontains=term) | Q(email__icontains=term)
        vat = normalise_vat_number(term)
        if vat:
            matches |= Q(vat_number__contains=vat)
        debtors = debtors.filter(matches)
    return await newest_first(debtors, first, after, problems)
