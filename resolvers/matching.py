"""Rule 7 of docs/api.md: an existing customer is linked, never duplicated.

A registration matches a debtor that has a contact person with the same email, the same
email itself, the same VAT number (the answer to a VAT_NUMBER field, or to a field keyed
`vat_number`, compared in compact form), or the same name as the company given (ignoring
case and runs of blanks). The strongest clue comes first: approval links to the first match.

A debtor merged into another (rule 15) is matched by what it was known by too: a clue that
named it names the debtor it became (models.debtors.MergedDebtor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from models import ContactPerson, Debtor, MergedDebtor, RegistrationAnswer, RegistrationRequest
from models.field_types import RegistrationFieldType
from models.normalise import name_key
from resolvers.answer_types import compact_vat_number
from resolvers.compiled_reads import rows_where_any, values_where_any
from resolvers.debtors import normalise_vat_number

VAT_FIELD_KEY = "vat_number"


@dataclass(frozen=True)
class Clues:
    email: str
    company_key: str | None  # the company's name as models.normalise.name_key keeps it
    vat_number: str | None


def clues_of(request: RegistrationRequest, answers: Sequence[RegistrationAnswer]) -> Clues:
    typed = [a for a in answers if a.type is RegistrationFieldType.VAT_NUMBER and a.value]
    keyed = [a for a in answers if a.key == VAT_FIELD_KEY and a.value]
    given = next(iter(typed or keyed), None)
    vat = (compact_vat_number(given.value) or normalise_vat_number(given.value)) if given else None
    return Clues(
        email=request.email,
        company_key=name_key(request.company or "") or None,
        vat_number=vat if vat and len(vat) <= 32 else None,
    )


async def matching_debtors(clues: Sequence[Clues]) -> list[list[Debtor]]:
    """For each set of clues, the debtors it matches, strongest clue first; three queries in all."""
    if not clues:
        return []
    wanted = _Wanted.of(clues)
    known = await _known_elsewhere(wanted)
    candidates = await rows_where_any(
        Debtor, {**wanted.matched(), "id": sorted(known.debtor_ids())}, order_by="id"
    )
    by_id = {debtor.id: debtor for debtor in candidates}
    by_email: dict[str | None, list[Debtor]] = defaultdict(list)
    by_vat: dict[str | None, list[Debtor]] = defaultdict(list)
    by_name: dict[str, list[Debtor]] = defaultdict(list)
    for debtor in candidates:
        by_email[debtor.email].append(debtor)
        by_vat[debtor.vat_number].append(debtor)
        by_name[debtor.name_key].append(debtor)

    def through(ids: list[int]) -> list[Debtor]:
        return [by_id[i] for i in ids if i in by_id]

    matches: list[list[Debtor]] = []
    for clue in clues:
        found = through(known.by_contact_email[clue.email])
        found += by_email[clue.email] + through(known.by_merged_email[clue.email])
        if clue.vat_number:
            found += by_vat[clue.vat_number] + through(known.by_merged_vat[clue.vat_number])
        if clue.company_key:
            found += by_name[clue.company_key] + through(known.by_merged_name[clue.company_key])
        matches.append(list({debtor.id: debtor for debtor in found}.values()))
    return matches


@dataclass
class _Known:
    """The debtors that the clues name through rows other than the debtors' own: their contact
    persons' emails, and the clues of the debtors merged into them; each as clue -> debtor ids."""

    by_contact_email: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_merged_email: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_merged_vat: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_merged_name: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def debtor_ids(self) -> set[int]:
        maps = (self.by_contact_email, self.by_merged_email, self.by_merged_vat, self.by_merged_name)
        return {pk for found in maps for ids in found.values() for pk in ids}


@dataclass(frozen=True)
class _Wanted:
    """The clues of a batch, each kind once, in order."""

    emails: list[str]
    vat_numbers: list[str]
    company_keys: list[str]

    @classmethod
    def of(cls, clues: Sequence[Clues]) -> _Wanted:
        return cls(
            emails=sorted({c.email for c in clues}),
            vat_numbers=sorted({c.vat_number for c in clues if c.vat_number}),
            company_keys=sorted({c.company_key for c in clues if c.company_key}),
        )

    def matched(self) -> dict[str, list[str]]:
        """Rows whose email, VAT number or name key is one of these, as the terms of a read
        where any matches (resolvers/compiled_reads.py). It leaves out a term without keys, so
        each can use its index (an empty IN compiles to `1=0`, and `1=0 OR …` makes SQLite scan
        the whole table)."""
        return {"email": self.emails, "vat_number": self.vat_numbers, "name_key": self.company_keys}


async def _known_elsewhere(wanted: _Wanted) -> _Known:
    """The contact persons of the clues' emails and the merged debtors of any clue: one
    statement each, every term of it on an index."""
    known = _Known()
    # In the order of the email index, so that SQLite sorts nothing.
    contacts = await values_where_any(
        ContactPerson, {"email": wanted.emails}, ("debtor_id", "email"), order_by="email"
    )
    for debtor_id, email in contacts:
        known.by_contact_email[email].append(debtor_id)
    merged = await values_where_any(
        MergedDebtor, wanted.matched(), ("debtor_id", "email", "vat_number", "name_key")
    )
    for debtor_id, email, vat_number, company_key in merged:
        if email is not None:
            known.by_merged_email[email].append(debtor_id)
        if vat_number is not None:
            known.by_merged_vat[vat_number].append(debtor_id)
        known.by_merged_name[company_key].append(debtor_id)
    return known
