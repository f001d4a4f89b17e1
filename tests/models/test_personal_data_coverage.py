"""Every stored field of every model is classified in resolvers/personal_data_fields.py: personal
(and then exported, deleted, anonymised, pseudonymised or kept for a stated reason) or not
personal, with why. A field added to a model without a line there fails here, naming it, so
the export and the erasure (rule 17 of docs/api.md) never miss a new column by oversight.
"""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise

from resolvers.personal_data_fields import FIELDS, REGISTRY, Coverage, Handling, _by_model


def stored_fields(model: Any) -> list[str]:
    """A model's columns (a foreign key as its `_id` column) and its own many-to-many links
    (not the other side's reverse view of them)."""
    meta = model._meta
    links = [name for name in meta.m2m_fields if not meta.fields_map[name]._generated]
    return [*meta.fields_db_projection, *links]


def every_model_field() -> set[tuple[str, str]]:
    return {
        (name, field)
        for models in Tortoise.apps.values()
        for name, model in models.items()
        for field in stored_fields(model)
    }


async def test_every_field_of_every_model_is_classified(db):
    # Given every model Tortoise knows of the app, and the registry
    fields = every_model_field()

    # When the fields are looked up in the registry
    missing = sorted(f"{model}.{field}" for model, field in fields if field not in FIELDS.get(model, {}))

    # Then none is missing (the message names each one and where to classify it)
    assert missing == [], (
        "Classify these fields in resolvers/personal_data_fields.py (personal and how the "
        f"export and the erasure cover them, or not personal and why): {', '.join(missing)}"
    )
    assert len(fields) > 150  # the lookup did see the models, not an empty app


async def test_the_registry_names_no_field_that_does_not_exist(db):
    fields = every_model_field()

    unknown = sorted(
        f"{model}.{field}"
        for model, names in FIELDS.items()
        for field in names
        if (model, field) not in fields
    )

    assert unknown == [], f"resolvers/personal_data_fields.py classifies what no model has: {unknown}"


async def test_the_fields_of_this_issue_are_classified_as_not_personal_or_deleted(db):
    # A shop's retention is a setting; a company role goes with the shop user it belongs to.
    assert FIELDS["Shop"]["rejected_request_retention_days"].handling is Handling.NOT_PERSONAL
    assert FIELDS["ShopUser"]["company_role"].handling is Handling.DELETED


def test_every_personal_field_says_how_it_is_covered_and_every_other_why():
    vague = [
        f"{model}.{field}"
        for model, names in FIELDS.items()
        for field, coverage in names.items()
        if (coverage.handling in (Handling.NOT_PERSONAL, Handling.KEPT) and not coverage.why)
        or (coverage.handling is Handling.NOT_PERSONAL and coverage.exported)
    ]

    assert vague == []


def test_what_identifies_a_person_is_never_kept_as_it_was_except_for_staff_and_companies():
    # The address and names of a customer are deleted, anonymised or pseudonymised, never kept.
    identifying = [
        ("ContactPerson", "first_name"), ("ContactPerson", "last_name"), ("ContactPerson", "email"),
        ("ContactPerson", "phone"), ("ShopUser", "username"), ("RegistrationRequest", "email"),
        ("RegistrationRequest", "name"), ("OutboxMessage", "recipient"), ("AuditEvent", "actor_label"),
        ("AuditEvent", "details"), ("Session", "client_address"), ("WebhookMessage", "body"),
    ]

    assert {FIELDS[model][field].handling for model, field in identifying} <= {
        Handling.DELETED, Handling.ANONYMISED, Handling.PSEUDONYMISED,
    }


def test_hashes_and_secrets_are_never_exported():
    secret = [
        (model, field)
        for model, names in FIELDS.items()
        for field in names
        if field.endswith(("_hash", "_sealed", "_encrypted")) or field == "context"
    ]

    assert secret  # the rule below looks at something
    assert [pair for pair in secret if FIELDS[pair[0]][pair[1]].exported] == []


def test_a_field_classified_twice_is_refused():
    twice = [*REGISTRY, ("Shop", ("handle",), Coverage(Handling.NOT_PERSONAL, False, "again"))]

    with pytest.raises(ValueError, match=r"Shop\.handle is classified twice"):
        _by_model(twice)
