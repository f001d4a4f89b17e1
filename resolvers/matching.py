"""Rule 7 of docs/api.md: an existing customer is linked, never duplicated.

A registration matches a debtor that has a contact person with the same email, the same
email itself, the same VAT number (the answer to a VAT_NUMBER field, or to a field keyed
`vat_number`, compared in compact form), or the same name as the company given (ignoring
case and runs of blanks). The strongest clue comes first: approval links to the first match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import Q

from models import ContactPerson, Debtor, RegistrationAnswer, RegistrationRequest
from models.field_types import RegistrationFieldType
from models.normalise import name_key
from resolvers.answer_types import compact_vat_number
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
    """For each set of clues, the debtors it matches, strongest clue first; two queries in all."""
    emails = sorted({c.email for c in clues})
    if not emails:
        return [[] for _ in clues]
    contacts = await ContactPerson.filter(email__in=emails).only("id", "debtor_id", "email")
    debtor_ids_by_email: dict[str | None, list[int]] = defaultdict(list)
    for contact in contacts:
        debtor_ids_by_email[contact.email].append(contact.debtor_id)

    candidates = await Debtor.filter(_any_clue(clues, {c.debtor_id for c in contacts})).order_by("id")
    by_id = {debtor.id: debtor for debtor in candidates}
    by_email: dict[str | None, list[Debtor]] = defaultdict(list)
    by_vat: dict[str | None, list[Debtor]] = defaultdict(list)
    by_name: dict[str, list[Debtor]] = defaultdict(list)
    for debtor in candidates:
        by_email[debtor.email].append(debtor)
        by_vat[debtor.vat_number].append(debtor)
        by_name[debtor.name_key].append(debtor)

    matches: list[list[Debtor]] = []
    for clue in clues:
        found = [by_id[i] for i in debtor_ids_by_email[clue.email] if i in by_id]
        found += by_email[clue.email]
        found += by_vat[clue.vat_number] if clue.vat_number else []
        found += by_name[clue.company_key] if clue.company_key else []
        matches.append(list({debtor.id: debtor for debtor in found}.values()))
    return matches


def _any_clue(clues: Sequence[Clues], contact_debtor_ids: set[int]) -> Q:
    """Debtors matching any clue. Only non-empty terms, so each can use its index (an empty
    IN compiles to `1=0`, and `1=0 OR …` makes SQLite scan the whole table)."""
    wanted = Q(email__in=sorted({c.email for c in clues}))
    if contact_debtor_ids:
        wanted |= Q(id__in=sorted(contact_debtor_ids))
    vats = sorted({c.vat_number for c in clues if c.vat_number})
    if vats:
        wanted |= Q(vat_number__in=vats)
    companies = sorted({c.company_key for c in clues if c.company_key})
    if companies:
        wanted |= Q(name_key__in=companies)
    return wanted
