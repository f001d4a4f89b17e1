"""The checked-in migrations describe exactly the models: nobody forgot `aerich migrate`."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from aerich.utils import decompress_dict, get_models_describe

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "models"


def _latest_models_state() -> dict:
    latest = max(MIGRATIONS.glob("*.py"), key=lambda path: int(path.name.split("_")[0]))
    spec = importlib.util.spec_from_file_location("latest_migration", latest)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return decompress_dict(module.MODELS_STATE)


async def test_latest_migration_matches_the_models(db):
    # Through JSON, as aerich stores it: tuples become lists.
    current = json.loads(json.dumps(get_models_describe("models")))
    assert _latest_models_state() == current, (
        "The models changed without a migration: write one (see README, 'Migrations')."
    )
