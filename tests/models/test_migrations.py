"""The checked-in migrations describe exactly the models: nobody forgot `aerich migrate`."""

from __future__ import annotations

import importlib.util
import json
import shutil
import uuid
from pathlib import Path

import pytest
from aerich.utils import decompress_dict, get_models_describe
from tortoise import Tortoise

from models import Debtor, RegistrationAnswer, RegistrationField, RegistrationRequest, Shop
from models.field_types import RegistrationFieldType
from server.database import apply_migrations, connection_name, database
from tests.conftest import NO_POSTGRES, run_in_fresh_loop

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "models"


def _latest_models_state() -> dict:
    latest = max(MIGRATIONS.glob("*.py"), key=lambda path: int(path.name.split("_")[0]))
    spec = importlib.util.spec_from_file_location("latest_migration", latest)
    assert spec is not None, latest
    assert spec.loader is not None, latest
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return decompress_dict(module.MODELS_STATE)


async def test_latest_migration_matches_the_models(db):
    # Through JSON, as aerich stores it: tuples become lists.
    current = json.loads(json.dumps(get_models_describe("models")))
    assert _latest_models_state() == current, (
        "The models changed without a migration: write one (see README, 'Migrations')."
    )


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables yet, of each engine."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'upgraded.sqlite3'}"
    cluster = request.getfixturevalue("postgres_cluster")
    if cluster is None:
        pytest.skip(NO_POSTGRES)
    return cluster.create_database(f"upgraded_{uuid.uuid4().hex[:12]}")


def _only_the_first_migration(folder: Path) -> str:
    (folder / "models").mkdir(parents=True)
    first = min(MIGRATIONS.glob("*.py"), key=lambda path: int(path.name.split("_")[0]))
    shutil.copy(first, folder / "models" / first.name)
    return str(folder)


async def test_the_name_key_migration_folds_existing_company_names_in_python(empty_database_url, tmp_path):
    # aerich runs on a loop of its own, as the suite's fixtures run it (it keeps Tortoise state).
    first_only = _only_the_first_migration(tmp_path / "before")
    run_in_fresh_loop(apply_migrations(empty_database_url, location=first_only))
    async with database(empty_database_url, global_fallback=False):
        connection = Tortoise.get_connection(connection_name(empty_database_url))
        await connection.execute_script(
            """INSERT INTO "debtor" ("number", "name", "price_list_tags", "created_at", "updated_at")
               VALUES ('D1', 'GÄRTNEREI  Müller', '[]', '2026-01-01', '2026-01-01'),
                      ('D2', 'Blumen Straße', '[]', '2026-01-01', '2026-01-01');"""
        )

    applied = run_in_fresh_loop(apply_migrations(empty_database_url))

    async with database(empty_database_url, global_fallback=False):
        keys = dict(await Debtor.all().order_by("id").values_list("number", "name_key"))
        found = await Debtor.filter(name_key="blumen strasse").values_list("number", flat=True)
    assert len(applied) == len(list(MIGRATIONS.glob("*.py"))) - 1
    assert keys == {"D1": "gärtnerei müller", "D2": "blumen strasse"}
    assert found == ["D2"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples


async def test_the_name_key_migration_cut_short_after_adding_the_column_runs_again(
    empty_database_url, tmp_path
):
    first_only = _only_the_first_migration(tmp_path / "before")
    run_in_fresh_loop(apply_migrations(empty_database_url, location=first_only))
    async with database(empty_database_url, global_fallback=False):
        connection = Tortoise.get_connection(connection_name(empty_database_url))
        await connection.execute_script(
            """INSERT INTO "debtor" ("number", "name", "price_list_tags", "created_at", "updated_at")
               VALUES ('D1', 'Gärtnerei', '[]', '2026-01-01', '2026-01-01');
               ALTER TABLE "debtor" ADD "name_key" VARCHAR(600) NOT NULL DEFAULT '';"""
        )

    run_in_fresh_loop(apply_migrations(empty_database_url))

    async with database(empty_database_url, global_fallback=False):
        found = await Debtor.filter(name_key="gärtnerei").values_list("number", flat=True)
        assert found == ["D1"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples


def _migrations_before(folder: Path, latest: str) -> str:
    """A copy of the migrations up to but not including the one named `latest`."""
    (folder / "models").mkdir(parents=True)
    for path in MIGRATIONS.glob("*.py"):
        if int(path.name.split("_")[0]) < int(latest.split("_")[0]):
            shutil.copy(path, folder / "models" / path.name)
    return str(folder)


TYPED_FORMS = "5_typed_registration_forms"
FORMS_BEFORE_TYPES = """
INSERT INTO "shop" ("handle", "name", "registration_enabled", "approval_mode", "default_price_list_tags",
    "currency", "languages", "notify_customer_on_rejection", "reminder_delay_hours", "created_at",
    "updated_at")
    VALUES ('blumen', 'Blumen', {true}, 'MANUAL', '[]', 'EUR', '["de", "en"]', {true}, 24,
    '2026-01-01', '2026-01-01');
INSERT INTO "registration_field" ("shop_id", "key", "label", "position", "created_at")
    VALUES (1, 'vat_number', 'USt-IdNr.', 1, '2026-01-01');
INSERT INTO "registration_request" ("shop_id", "name", "email", "language", "status", "submitted_at")
    VALUES (1, 'Anna', 'anna@blumen.test', 'en', 'PENDING', '2026-01-01'),
           (1, 'Anna', 'anna@blumen.test', 'en', 'PENDING', '2026-01-02'),
           (1, 'Bert', 'bert@blumen.test', 'de', 'REJECTED', '2026-01-02');
INSERT INTO "registration_answer" ("request_id", "key", "label", "value", "position")
    VALUES (1, 'vat_number', 'USt-IdNr.', 'DE136695976', 0);
"""


async def test_the_typed_forms_migration_keeps_every_label_answer_and_shop_as_it_was(
    empty_database_url, tmp_path
):
    before = _migrations_before(tmp_path / "before", TYPED_FORMS)
    run_in_fresh_loop(apply_migrations(empty_database_url, location=before))
    async with database(empty_database_url, global_fallback=False):
        connection = Tortoise.get_connection(connection_name(empty_database_url))
        true = "TRUE" if connection.capabilities.dialect == "postgres" else "1"
        await connection.execute_script(FORMS_BEFORE_TYPES.format(true=true))

    applied = run_in_fresh_loop(apply_migrations(empty_database_url))

    async with database(empty_database_url, global_fallback=False):
        field = await RegistrationField.get(key="vat_number")
        answer = await RegistrationAnswer.get(key="vat_number")
        requests = await RegistrationRequest.all().order_by("id").values_list("id", "open_email")
        old_shop = await Shop.get(handle="blumen")
        new_shop = await Shop.create(handle="rosen", name="Rosen")
    assert applied[0].split("_")[0] == TYPED_FORMS.split("_")[0]
    german = {"de": "USt-IdNr."}
    assert (field.type, field.required, field.labels) == (RegistrationFieldType.TEXT, True, german)
    assert (field.help_texts, field.options) == ({}, [])
    assert (answer.type, answer.label, answer.labels) == (RegistrationFieldType.TEXT, "USt-IdNr.", german)
    assert (answer.value, answer.values) == ("DE136695976", ["DE136695976"])
    # Only the newest of the two open requests of one email holds it open; a rejected one none.
    assert list(requests) == [(1, None), (2, "anna@blumen.test"), (3, None)]
    assert (old_shop.bot_protection, old_shop.require_email_verification, old_shop.default_country) == (
        False, False, None,
    )
    assert new_shop.bot_protection is True
