"""Merging duplicate debtors into one (rule 15 of docs/api.md): `mergeDebtors` and
`gatehouse merge-debtors`.

Everything happens in one transaction, in a number of statements that does not grow with the
debtors' contact persons, shop users or requests: rows move by UPDATEs keyed on the debtor,
only the contacts of an email that another contact shares are read, and only those folded
into another (one person twice, see `_folding`) are named one by one, in batches. What each
source was known by stays with the target (`_remember_merged`), for matching. On
PostgreSQL the debtors are locked first, in id order, then the contacts of shared emails, so
that two merges of the same debtors, a change of one of them, a contact person added to one,
or a shop user made for a contact being folded, wait for the merge instead of interleaving
with it; SQLite has one writer at a time anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import ContactPerson, Debtor, MergedDebtor, RegistrationRequest, ShopUser
from models.normalise import normalise_email
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems
from resolvers.runtime import Pause, Runtime, no_pause

MAX_SOURCES = 50
# What createDebtor and updateDebtor allow (resolvers/validation.tag_list); a merge whose tags
# together exceed it is refused rather than losing any: tags choose prices.
MAX_PRICE_LIST_TAGS = 100
# Ids named in one statement (folded contacts): well within both engines' parameter limits.
BATCH = 500

# The target's fields a source may fill when the target's is empty, in this order: the
# minimum before the limit, so that a limit filled is checked against the minimum filled.
FILLABLE = (
    "email", "phone", "vat_number", "address", "minimum_order_amount", "checkout_payment_limit",
)
# A folded contact's fields that fill the kept one's when empty (its email is the same, its
# language is never empty).
CONTACT_FILLABLE = ("first_name", "last_name", "phone")


@dataclass(frozen=True)
class MergeOutcome:
    """The debtor that remains, as it is now, and what the merge did."""

    target: Debtor
    merged_numbers: list[str]
    contacts_moved: int
    # folded contact's id -> the id of the contact of the same email it was folded into
    contacts_folded: dict[int, int]
    registration_requests_moved: int
    # the API names of the target's fields that a source filled
    filled: list[str]
    price_list_tags_added: list[str]


@dataclass(frozen=True)
class _Naming:
    """How a call names its debtors: by primary key (the API's global ids) or by number (the
    command line), and where in its input a problem is filed."""

    column: str
    target_field: str
    sources_field: str

    def unknown(self, key: Hashable | None) -> str:
        if self.column == "number" and key is not None:
            return f"No debtor numbered '{key}'."
        return "No such debtor."


BY_ID = _Naming("id", "targetId", "sourceIds")
BY_NUMBER = _Naming("number", "target", "sources")


async def merge_debtors(
    runtime: Runtime,
    caller: Caller,
    target_pk: int | None,
    source_pks: Sequence[int | None],
    *,
    after_checks: Pause = no_pause,
) -> MergeOutcome:
    """mergeDebtors: the debtors of `source_pks` into that of `target_pk`; None names nothing.
    `after_checks` is awaited once the debtors are locked and found fit to merge."""
    return await _merge(runtime, caller, BY_ID, target_pk, list(source_pks), after_checks)


async def merge_debtors_by_number(
    runtime: Runtime, caller: Caller, target_number: str, source_numbers: Sequence[str]
) -> MergeOutcome:
    """`gatehouse merge-debtors TARGET SOURCE…`: the same merge, the debtors named by number."""
    return await _merge(
        runtime, caller, BY_NUMBER, target_number.strip() or None,
        [number.strip() or None for number in source_numbers],
    )


async def _merge(
    runtime: Runtime,
    caller: Caller,
    naming: _Naming,
    target_key: Any,
    source_keys: list[Any],
    after_checks: Pause = no_pause,
) -> MergeOutcome:
    problems = Problems()
    if not _sources_countable(problems, naming, source_keys):
        problems.raise_if_any()
    _check_sources(problems, naming, target_key, source_keys)
    async with in_transaction():
        target, sources = await _locked_debtors(problems, naming, target_key, source_keys)
        tags = list(dict.fromkeys(tag for debtor in (target, *sources) for tag in debtor.price_list_tags))
        if len(tags) > MAX_PRICE_LIST_TAGS:
            problems.invalid(
                f"Together these debtors have {len(tags)} price-list tags and a debtor holds at most "
                f"{MAX_PRICE_LIST_TAGS}: remove some (updateDebtor), then merge again.",
                naming.sources_field,
            )
            problems.raise_if_any()
        await after_checks()
        return await _merge_rows(runtime, caller, target, sources, tags)


def _sources_countable(problems: Problems, naming: _Naming, source_keys: list[Any]) -> bool:
    if not source_keys:
        problems.invalid("Name at least one debtor to merge into the target.", naming.sources_field)
        return False
    if len(source_keys) > MAX_SOURCES:
        problems.invalid(f"Merge at most {MAX_SOURCES} debtors at once.", naming.sources_field)
        return False
    return True


def _check_sources(problems: Problems, naming: _Naming, target_key: Any, source_keys: list[Any]) -> None:
    seen: set[Any] = set()
    for index, key in enumerate(source_keys):
        at = (naming.sources_field, str(index))
        if key is not None and key == target_key:
            problems.add(
                ErrorCode.TARGET_AMONG_SOURCES,
                "This is the target: a debtor is not merged into itself.", *at,
            )
        elif key is not None and key in seen:
            problems.invalid("This debtor is named twice; name each once.", *at)
        seen.add(key)


async def _locked_debtors(
    problems: Problems, naming: _Naming, target_key: Any, source_keys: list[Any]
) -> tuple[Debtor, list[Debtor]]:
    """The target and the sources (in the order given), locked in id order; a key that names
    no debtor is NOT_FOUND at its field, raised with every problem found before."""
    keys = sorted({key for key in (target_key, *source_keys) if key is not None})
    found = Debtor.filter(**{f"{naming.column}__in": keys}).order_by("id").select_for_update()
    rows = await found if keys else []
    by_key = {getattr(row, naming.column): row for row in rows}
    target = by_key.get(target_key)
    if target is None:
        problems.add(ErrorCode.NOT_FOUND, naming.unknown(target_key), naming.target_field)
    for index, key in enumerate(source_keys):
        if key not in by_key:
            problems.add(ErrorCode.NOT_FOUND, naming.unknown(key), naming.sources_field, str(index))
    if target is None or problems:
        raise problems.error()
    return target, [by_key[key] for key in source_keys]


async def _merge_rows(
    runtime: Runtime, caller: Caller, target: Debtor, sources: list[Debtor], tags: list[str]
) -> MergeOutcome:
    now = runtime.now()
    source_ids = [source.id for source in sources]
    folding = await _folding(target.id, source_ids)
    folded = sorted(folding.folded)
    for start in range(0, len(folded), BATCH):
        await ContactPerson.filter(id__in=folded[start : start + BATCH]).delete()
    if folding.filled_keepers:
        for keeper in folding.filled_keepers:
            keeper.updated_at = now
        await ContactPerson.bulk_update(
            folding.filled_keepers, fields=[*CONTACT_FILLABLE, "updated_at"], batch_size=BATCH
        )
    moved = await ContactPerson.filter(debtor_id__in=source_ids).update(debtor_id=target.id, updated_at=now)
    requests_moved = await RegistrationRequest.filter(debtor_id__in=source_ids).update(debtor_id=target.id)
    await _remember_merged(target, sources, now)

    filled = _fill(target, sources)
    added = [tag for tag in tags if tag not in target.price_list_tags]
    target.price_list_tags = tags
    await target.save(update_fields=[*filled, "price_list_tags", "updated_at"])
    await Debtor.filter(id__in=source_ids).delete()

    outcome = MergeOutcome(
        target=target,
        merged_numbers=[source.number for source in sources],
        contacts_moved=moved,
        contacts_folded=folding.folded,
        registration_requests_moved=requests_moved,
        filled=[check.camel_case(name) for name in filled],
        price_list_tags_added=added,
    )
    await audit.record(
        caller, "debtors.merged", target,
        number=target.number,
        merged=outcome.merged_numbers,
        filled=outcome.filled,
        priceListTagsAdded=added,
        contactsMoved=moved,
        contactsFolded=[{"contact": pk, "into": into} for pk, into in sorted(folding.folded.items())],
        registrationRequestsMoved=requests_moved,
    )
    await webhook_events.debtors_merged(runtime, target, outcome.merged_numbers)
    return outcome


async def _remember_merged(target: Debtor, sources: list[Debtor], now: datetime) -> None:
    """What each source was known by, kept with the target so that a registration that named a
    source still matches the target (resolvers/matching.py); a source that had others merged
    into it hands theirs on too. Before the sources are deleted, which would take theirs along."""
    await MergedDebtor.filter(debtor_id__in=[source.id for source in sources]).update(debtor_id=target.id)
    await MergedDebtor.bulk_create([
        MergedDebtor(
            debtor_id=target.id, number=source.number, name_key=source.name_key,
            vat_number=source.vat_number, email=source.email, merged_at=now,
        )
        for source in sources
    ])


def _fill(target: Debtor, sources: list[Debtor]) -> list[str]:
    """Fills each empty field of the target from the first source (in the order given) that has
    it, unless that value would put the payment limit below the minimum order amount: the
    target's own rules win. Returns the names of the fields filled."""
    filled = []
    for name in FILLABLE:
        if not _empty(getattr(target, name)):
            continue
        for source in sources:
            value = getattr(source, name)
            if not _empty(value) and _limits_agree(target, name, value):
                setattr(target, name, value)
                filled.append(name)
                break
    return filled


def _limits_agree(target: Debtor, name: str, value: Decimal) -> bool:
    if name == "minimum_order_amount":
        return target.checkout_payment_limit is None or value <= target.checkout_payment_limit
    if name == "checkout_payment_limit":
        return target.minimum_order_amount is None or value >= target.minimum_order_amount
    return True


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Folding:
    # folded contact's id -> the id of the contact it is folded into
    folded: dict[int, int] = field(default_factory=dict)
    # the kept contacts whose empty fields a folded one filled
    filled_keepers: list[ContactPerson] = field(default_factory=list)


async def _folding(target_id: int, source_ids: list[int]) -> _Folding:
    """Which contact persons are one person twice, and go.

    Contacts of one email under two or more of the debtors merged are one person. Each that
    has a shop user stays: a login belongs to its contact, and two contacts may each have a
    login in the same shop, which one contact cannot. One without a shop user is folded into
    the kept contact of its email, filling its empty fields: the target's (the record staff
    chose to keep, whose ids partners already hold), else the oldest; among contacts with shop
    users first, so a login's contact is kept. An email that the contacts of one debtor alone
    share is left as it was: the merge resolves what it brings together, not what staff kept
    apart before.
    """
    order = {debtor_id: position for position, debtor_id in enumerate([target_id, *source_ids])}
    # The emails are read through the debtor index (no model made of each row), and only the
    # contacts of an email that a contact of another debtor shares are read whole, and locked, so
    # that no shop user is made meanwhile for one being folded. Emails are stored normalised.
    # (In the index's own order: SQLite would rather scan the table than sort what it found.)
    emails = await (
        ContactPerson.filter(debtor_id__in=list(order), email__not_isnull=True)
        .order_by("debtor_id", "id").values_list("id", "debtor_id", "email")
    )
    by_email: dict[str, set[int]] = defaultdict(set)
    for _, debtor_id, email in emails:
        by_email[email].add(debtor_id)
    shared = {email for email, debtors in by_email.items() if len(debtors) > 1}
    candidates = sorted(pk for pk, _, email in emails if email in shared)
    folding = _Folding()
    if not candidates:
        return folding
    contacts: list[ContactPerson] = []
    with_users: set[int] = set()
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start : start + BATCH]
        contacts += await ContactPerson.filter(id__in=batch).order_by("id").select_for_update()
        users = ShopUser.filter(contact_id__in=batch).order_by("contact_id")
        with_users.update(pk for (pk,) in await users.values_list("contact_id"))
    groups: dict[str, list[ContactPerson]] = defaultdict(list)
    for contact in contacts:
        if contact.debtor_id in order and (email := normalise_email(contact.email)) is not None:
            groups[email].append(contact)
    groups_to_fold = [group for group in groups.values() if len({c.debtor_id for c in group}) > 1]
    for group in groups_to_fold:
        pool = [contact for contact in group if contact.id in with_users] or group
        keeper = min(pool, key=lambda contact: (contact.debtor_id != target_id, contact.id))
        folded = sorted(
            (c for c in group if c is not keeper and c.id not in with_users),
            key=lambda contact: (order[contact.debtor_id], contact.id),
        )
        if not folded:
            continue
        changed = False
        for contact in folded:
            folding.folded[contact.id] = keeper.id
            for name in CONTACT_FILLABLE:
                value = getattr(contact, name)
                if _empty(getattr(keeper, name)) and not _empty(value):
                    setattr(keeper, name, value)
                    changed = True
        if changed:
            folding.filled_keepers.append(keeper)
    return folding
