"""Bulk onboarding: debtors and contact persons from an ERP's CSV export.

The debtor number is the key: a second run updates what changed and creates
nothing twice. A contact person is known by its debtor and email, or by its
debtor and name when it has no email. A bad row is reported by its line and
the good rows still load. Rows are written in chunks, a transaction each, with
a fixed number of statements per chunk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO, TypeVar

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import ContactPerson, Debtor, WebhookEvent
from models.normalise import name_key
from resolvers import audit, webhook_events
from resolvers.debtors import validated_contact, validated_debtor
from resolvers.errors import ErrorCode, Problem, Problems
from resolvers.runtime import utc_now
from resolvers.validation import camel_case, check_limits_agree

M = TypeVar("M", Debtor, ContactPerson)
CHUNK_SIZE = 500
TAG_SEPARATOR = "|"

# CSV column -> debtor field. Only `debtor_number` and `debtor_name` are required;
# a column left out of the file leaves that field alone, an empty cell clears it.
DEBTOR_COLUMNS = {
    "debtor_number": "number",
    "debtor_name": "name",
    "debtor_email": "email",
    "debtor_phone": "phone",
    "vat_number": "vat_number",
    "address": "address",
    "price_list_tags": "price_list_tags",
    "minimum_order_amount": "minimum_order_amount",
    "checkout_payment_limit": "checkout_payment_limit",
}
CONTACT_COLUMNS = {
    "contact_first_name": "first_name",
    "contact_last_name": "last_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_language": "language",
}
REQUIRED_COLUMNS = ("debtor_number", "debtor_name")


class ImportFileError(Exception):
    """The file as a whole cannot be read (no header, missing required columns)."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    rows: int = 0
    debtors: Counts = field(default_factory=Counts)
    contacts: Counts = field(default_factory=Counts)
    refused: list[tuple[int, str]] = field(default_factory=list)
    # Debtor numbers already taken from an earlier row: the first row of a debtor
    # gives its values, later rows only add contact persons.
    numbers_seen: set[str] = field(default_factory=set, repr=False)


@dataclass
class _Row:
    line: int
    debtor: dict[str, Any]
    contact: dict[str, Any] | None


def _money(text: str) -> Decimal | None:
    """`1234.50`, or `1234,50` as European ERPs write it."""
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")  # refused by the money check, with its message


def _debtor_values(problems: Problems, cells: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, name in DEBTOR_COLUMNS.items():
        if column not in cells:
            continue
        text = cells[column]
        if name == "price_list_tags":
            values[name] = [tag for tag in text.split(TAG_SEPARATOR) if tag.strip()]
        elif name in ("minimum_order_amount", "checkout_payment_limit"):
            values[name] = _money(text)
        else:
            values[name] = text or None
    if not values.get("number"):
        problems.add(ErrorCode.FIELD_REQUIRED, "This column is required.", "number")
    clean = validated_debtor(problems, values)
    check_limits_agree(problems, clean.get("minimum_order_amount"), clean.get("checkout_payment_limit"))
    if "name" in clean:  # bulk writes skip Debtor.save, which keeps the key otherwise
        clean["name_key"] = name_key(clean["name"])
    return clean


def _contact_values(
    problems: Problems, cells: dict[str, str], default_language: str
) -> dict[str, Any] | None:
    given = {name: cells[column] for column, name in CONTACT_COLUMNS.items() if column in cells}
    if not any(given.values()):
        return None
    # In the columns' order, so problems are told as the file reads; the names are asked for
    # even when their columns are missing, since a contact person needs them.
    values: dict[str, Any] = {
        name: given.get(name) or None
        for name in CONTACT_COLUMNS.values()
        if name in given or name in ("first_name", "last_name")
    }
    # Without the column an existing contact keeps its language; a new one gets the default.
    if "language" in values:
        values["language"] = values["language"] or default_language
    return validated_contact(problems, values)


def _refusal(problem: Problem, columns: dict[str, str]) -> str:
    """The problem named by its CSV column, e.g. `vat_number: Enter a VAT number ...`."""
    if not problem.field:
        return problem.message
    column = next(
        (c for c, name in columns.items() if camel_case(name) == problem.field[0]), problem.field[0]
    )
    return f"{column}: {problem.message}"


def _checked_row(line: int, cells: dict[str, str], default_language: str) -> _Row | str:
    """The row's values, or why it is refused: each problem by its column, `; ` between."""
    debtor_problems, contact_problems = Problems(), Problems()
    debtor = _debtor_values(debtor_problems, cells)
    contact = _contact_values(contact_problems, cells, default_language)
    refusals = [_refusal(p, DEBTOR_COLUMNS) for p in debtor_problems]
    refusals += [_refusal(p, CONTACT_COLUMNS) for p in contact_problems]
    return "; ".join(refusals) if refusals else _Row(line, debtor, contact)


def _delimiter(header_line: str) -> str:
    """The separator of an export: whichever of `,` `;` and tab the header uses most."""
    return max([",", ";", "\t"], key=header_line.count)


def read_rows(source: TextIO, default_language: str, report: ImportReport) -> Iterator[_Row]:
    """The valid rows of the file; each bad one goes to `report.refused` with its line."""
    text = source.read()
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text.partition("\n")[0]))
    header = [name.strip().lower().lstrip("\ufeff") for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(f"The header lacks the column(s): {', '.join(missing)}.")
    reader.fieldnames = header
    for record in reader:
        report.rows += 1
        # The line the record starts on: csv skips blank lines, and a quoted cell may span several.
        line = reader.line_num - sum(
            value.count("\n") for value in record.values() if isinstance(value, str)
        )
        cells = {key: (value or "").strip() for key, value in record.items() if key in header}
        row = (
            "The row has more cells than the header has columns."
            if None in record
            else _checked_row(line, cells, default_language)
        )
        if isinstance(row, str):
            report.refused.append((line, row))
        else:
            yield row


def _touched(rows: list[M], now: datetime) -> list[M]:
    """bulk_update skips `auto_now`: stamp the rows it is about to write."""
    for row in rows:
        row.updated_at = now
    return rows


def _changed(row: Any, values: dict[str, Any]) -> bool:
    """Copies `values` onto `row`; True when anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


async def _import_debtors(rows: list[_Row], report: ImportReport, now: datetime) -> dict[str, Debtor]:
    numbers = {row.debtor["number"] for row in rows}
    existing = {d.number: d for d in await Debtor.filter(number__in=numbers)}
    new: list[Debtor] = []
    changed: list[Debtor] = []
    fields: set[str] = set()
    for row in rows:
        number = row.debtor["number"]
        if number in report.numbers_seen:
            continue
        report.numbers_seen.add(number)
        debtor = existing.get(number)
        if debtor is None:
            new.append(Debtor(**row.debtor))
        elif _changed(debtor, row.debtor):
            changed.append(debtor)
            fields.update(row.debtor)
        else:
            report.debtors.unchanged += 1
    if new:
        await Debtor.bulk_create(new)
    if changed:
        await Debtor.bulk_update(_touched(changed, now), fields=sorted(fields - {"number"} | {"updated_at"}))
    report.debtors.created += len(new)
    report.debtors.updated += len(changed)
    saved = {d.number: d for d in await Debtor.filter(number__in=numbers)} if new else existing
    created = [saved[d.number] for d in new]
    # No cache: this process hears no change of a webhook, so each chunk reads them afresh and
    # one made during a long import gets the chunks after it.
    await webhook_events.debtor_events(None, WebhookEvent.DEBTOR_CREATED, created, now=now)
    await webhook_events.debtor_events(None, WebhookEvent.DEBTOR_UPDATED, changed, now=now)
    return saved


class _KnownContacts:
    """The contact persons of some debtors, found by email first and by name second."""

    def __init__(self, contacts: Iterable[ContactPerson]) -> None:
        self.by_email: dict[tuple[int, str], ContactPerson] = {}
        self.by_name: dict[tuple[int, str, str], ContactPerson] = {}
        for contact in contacts:
            self.add(contact)

    def add(self, contact: ContactPerson) -> None:
        if contact.email:
            self.by_email.setdefault((contact.debtor_id, contact.email), contact)
        name = (contact.debtor_id, contact.first_name.lower(), contact.last_name.lower())
        self.by_name.setdefault(name, contact)

    def find(self, debtor_id: int, values: dict[str, Any]) -> ContactPerson | None:
        email = values.get("email")
        if email and (debtor_id, email) in self.by_email:
            return self.by_email[(debtor_id, email)]
        namesake = self.by_name.get((debtor_id, values["first_name"].lower(), values["last_name"].lower()))
        # A namesake with another email is another person.
        if namesake is not None and email and namesake.email and namesake.email != email:
            return None
        return namesake


async def _import_contacts(
    rows: list[_Row], debtors: dict[str, Debtor], report: ImportReport, default_language: str, now: datetime
) -> None:
    known = _KnownContacts(
        await ContactPerson.filter(debtor_id__in=[debtor.id for debtor in debtors.values()])
    )
    new: list[ContactPerson] = []
    changed: dict[int, ContactPerson] = {}
    fields: set[str] = set()
    for row in rows:
        if row.contact is None:
            continue
        debtor_id = debtors[row.debtor["number"]].id
        contact = known.find(debtor_id, row.contact)
        if contact is None:
            contact = ContactPerson(debtor_id=debtor_id, **{"language": default_language, **row.contact})
            known.add(contact)
            new.append(contact)
        elif _changed(contact, row.contact) and contact.id is not None:
            changed[contact.id] = contact
            fields.update(row.contact)
        elif contact.id is not None and contact.id not in changed:
            report.contacts.unchanged += 1
    if new:
        await ContactPerson.bulk_create(new)
    if changed:
        await ContactPerson.bulk_update(
            _touched(list(changed.values()), now), fields=sorted(fields | {"updated_at"})
        )
    report.contacts.created += len(new)
    report.contacts.updated += len(changed)


def _chunks(rows: Iterable[_Row], size: int) -> Iterator[list[_Row]]:
    chunk: list[_Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def import_debtors(
    caller: Caller,
    source: TextIO,
    *,
    default_language: str = "nl",
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Load the CSV export in `source`; returns what was created, updated and refused.

    `on_progress(rows_done, rows_in_file)` is called after each chunk.
    """
    report = ImportReport()
    rows = list(read_rows(source, default_language, report))
    done = report.rows - len(rows)  # refused rows count as done
    on_progress(done, report.rows)
    for chunk in _chunks(rows, chunk_size):
        # One moment per chunk: its rows' updated_at and its events' timestamp.
        now = utc_now()
        async with in_transaction():
            debtors = await _import_debtors(chunk, report, now)
            await _import_contacts(chunk, debtors, report, default_language, now)
        done += len(chunk)
        on_progress(done, report.rows)
    await audit.record(
        caller, "debtors.imported",
        rows=report.rows,
        debtors={"created": report.debtors.created, "updated": report.debtors.updated},
        contacts={"created": report.contacts.created, "updated": report.contacts.updated},
        refused_lines=[line for line, _ in report.refused][:100],
    )
    return report
