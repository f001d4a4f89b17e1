"""Rule 7: an existing customer is linked, never duplicated.

A registration matches a debtor that has a contact person with the same
email, the same email itself, the same VAT number (the answer to a field keyed
`vat_number`), or the same name as the company given (ignoring case and runs of blanks). The
strongest clue comes first: approval links to the first match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import Q

from models import ContactPerson, Debtor, RegistrationAnswer, RegistrationRequest
from models.normalise import name_key
from resolvers.debtors import normalise_vat_number

VAT_FIELD_KEY = "vat_number"


@dataclass(frozen=True)
class Clues:
    email: str
    company: str | None
    vat_number: str | None


def clues_of(request: RegistrationRequest, answers: Sequence[RegistrationAnswer]) -> Clues:
    vat = next((a.value for a in answers if a.key == VAT_FIELD_KEY), None)
    vat = normalise_vat_number(vat) if vat else None
    return Clues(
        email=request.email,
        company=(request.company or "").strip() or None,
        vat_number=vat if vat and len(vat) <= 32 else None,
    )


async def matching_debtors(clues: Sequence[Clues]) -> list[list[Debtor]]:
    """For each set of clues, the debtors it matches, strongest clue first; two queries in all."""
    emails = sorted({c.email for c in clues})
    contacts = await ContactPerson.filter(email__in=emails).only("id", "debtor_id", "email") if emails else []
    debtor_ids_by_email: dict[str, list[int]] = {}
    for contact in contacts:
        debtor_ids_by_email.setdefault(contact.email, []).append(contact.debtor_id)

    wanted = Q(id__in=sorted({c.debtor_id for c in contacts})) | Q(email__in=emails)
    vats = sorted({c.vat_number for c in clues if c.vat_number})
    if vats:
        wanted |= Q(vat_number__in=vats)
    companies = sorted({name_key(c.company) for c in clues if c.company})
    if companies:
        wanted |= Q(name_key__in=companies)
    candidates = await Debtor.filter(wanted).order_by("id") if emails else []
    by_id = {debtor.id: debtor for debtor in candidates}

    matches: list[list[Debtor]] = []
    for clue in clues:
        found = [by_id[i] for i in debtor_ids_by_email.get(clue.email, []) if i in by_id]
        found += [d for d in candidates if d.email == clue.email]
        found += [d for d in candidates if clue.vat_number and d.vat_number == clue.vat_number]
        found += [d for d in candidates if clue.company and d.name_key == name_key(clue.company)]
        matches.append(list({debtor.id: debtor for debtor in found}.values()))
    return matches
