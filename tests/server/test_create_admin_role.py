"""`gatehouse create-admin --role`: a staff member of every shop, an OWNER unless told otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.command import rows, run_gatehouse

STRONG_PASSWORD = "tulip-Harvest-2026"


def create_admin(database_file: Path, *options: str):
    assert run_gatehouse(database_file, "migrate").exit_code == 0
    return run_gatehouse(
        database_file, "create-admin", "--email", "a@gatehouse.test", *options,
        env={"GATEHOUSE_ADMIN_PASSWORD": STRONG_PASSWORD},
    )


def test_the_first_admin_is_an_owner_of_every_shop(database_file):
    result = create_admin(database_file)

    assert result.exit_code == 0, result.output
    assert "OWNER" in result.output
    assert rows(database_file, "SELECT role, all_shops FROM admin_user") == [("OWNER", 1)]
    [(details,)] = rows(database_file, "SELECT details FROM audit_event WHERE action = 'admin.created'")
    assert json.loads(details) == {"email": "a@gatehouse.test", "role": "OWNER"}


@pytest.mark.parametrize("given", ["AUDITOR", "auditor"])
def test_another_role_is_taken_in_any_case(database_file, given):
    result = create_admin(database_file, "--role", given)

    assert result.exit_code == 0, result.output
    assert rows(database_file, "SELECT role, all_shops FROM admin_user") == [("AUDITOR", 1)]


def test_an_unknown_role_is_refused_naming_the_roles_and_creates_nobody(database_file):
    result = create_admin(database_file, "--role", "JANITOR")

    assert result.exit_code != 0
    assert "JANITOR" in result.output
    assert "--role" in result.output
    assert all(role in result.output.lower() for role in ("owner", "manager", "auditor"))
    assert "Traceback" not in result.output
    assert rows(database_file, "SELECT count(*) FROM admin_user") == [(0,)]
