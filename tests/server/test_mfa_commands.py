"""The MFA side of the command line: `gatehouse secret-key`, `gatehouse reset-mfa`, and what
`serve` refuses to start with (one line each, no traceback)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from auth.secret_box import SecretBox
from tests.conftest import TEST_SECRET_KEY
from tests.server.command import rows, run_gatehouse

STRONG_PASSWORD = "tulip-Harvest-2026"
EMAIL = "owner@example.com"
SOME_TIME = "2026-03-14 09:26:53+00:00"
FAR_AHEAD = "2099-01-01 00:00:00+00:00"


@pytest.fixture
def gatehouse(database_file: Path) -> Callable[..., Result]:
    def run(*args: str, **env: str) -> Result:
        return run_gatehouse(database_file, *args, env=env)

    return run


def write(database_file: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Runs each `(sql, parameters)` on the SQLite file, straight, and commits."""
    connection = sqlite3.connect(database_file)
    try:
        for sql, parameters in statements:
            connection.execute(sql, parameters)
        connection.commit()
    finally:
        connection.close()


def the_one_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: ")
    return line.removeprefix("Error: ")


@pytest.fixture
def enrolled_owner(gatehouse, database_file: Path) -> None:
    """An owner with MFA on, two recovery codes, a challenge waiting and a live session."""
    assert gatehouse("migrate").exit_code == 0
    made = gatehouse("create-admin", "--email", EMAIL, GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)
    assert made.exit_code == 0, made.output
    sealed = SecretBox(TEST_SECRET_KEY).encrypt("JBSWY3DPEHPK3PXP")
    write(
        database_file,
        (
            "UPDATE admin_user SET mfa_secret_encrypted = ?, mfa_enabled_at = ?, mfa_last_step = 12345",
            (sealed, SOME_TIME),
        ),
        *(
            ("INSERT INTO mfa_recovery_code (admin_id, code_hash, created_at) VALUES (1, ?, ?)",
             (digit * 64, SOME_TIME))
            for digit in "ab"
        ),
        (
            "INSERT INTO one_time_token (purpose, token_hash, admin_id, created_at, expires_at) "
            "VALUES ('MFA_CHALLENGE', ?, 1, ?, ?)",
            ("c" * 64, SOME_TIME, FAR_AHEAD),
        ),
        (
            "INSERT INTO session (token_hash, admin_id, created_at, last_seen_at, expires_at) "
            "VALUES (?, 1, ?, ?, ?)",
            ("d" * 64, SOME_TIME, SOME_TIME, FAR_AHEAD),
        ),
    )


def test_secret_key_prints_a_new_key_each_time_that_the_server_can_use(gatehouse):
    first = gatehouse("secret-key")
    second = gatehouse("secret-key")

    assert first.exit_code == second.exit_code == 0
    key = first.output.strip()
    assert key != second.output.strip()
    box = SecretBox(key)
    assert box.decrypt(box.encrypt("a secret")) == "a secret"


@pytest.mark.usefixtures("enrolled_owner")
def test_reset_mfa_switches_mfa_off_ends_the_sessions_and_audits_it_as_the_system(gatehouse, database_file):
    result = gatehouse("reset-mfa", "--email", "Owner@Example.com")

    assert result.exit_code == 0, result.output
    assert EMAIL in result.output
    assert rows(
        database_file, "SELECT mfa_secret_encrypted, mfa_enabled_at, mfa_last_step FROM admin_user"
    ) == [(None, None, 0)]
    assert rows(database_file, "SELECT count(*) FROM mfa_recovery_code") == [(0,)]
    assert rows(database_file, "SELECT count(*) FROM session") == [(0,)]
    assert rows(database_file, "SELECT count(*) FROM one_time_token WHERE used_at IS NULL") == [(0,)]
    assert rows(
        database_file,
        "SELECT actor_kind, actor_label, object_type, object_id FROM audit_event "
        "WHERE action = 'admin.mfa_reset'",
    ) == [("SYSTEM", "gatehouse reset-mfa", "AdminUser", 1)]


@pytest.mark.usefixtures("enrolled_owner")
def test_reset_mfa_of_an_unknown_email_fails_readably_and_changes_nothing(gatehouse, database_file):
    result = gatehouse("reset-mfa", "--email", "nobody@example.com")

    assert the_one_line(result) == "email: No staff member has this email. (NOT_FOUND)"
    assert rows(database_file, "SELECT mfa_last_step FROM admin_user") == [(12345,)]
    assert rows(database_file, "SELECT count(*) FROM session") == [(1,)]


def test_serve_refuses_an_unknown_mfa_mode(gatehouse):
    result = gatehouse("serve", GATEHOUSE_STAFF_MFA="sometimes", GATEHOUSE_SECRET_KEY=TEST_SECRET_KEY)

    assert the_one_line(result) == (
        "GATEHOUSE_STAFF_MFA is 'sometimes'; it must be one of required, optional."
    )


def test_serve_refuses_to_require_mfa_without_a_secret_key(gatehouse):
    result = gatehouse("serve")

    line = the_one_line(result)
    assert line.startswith("GATEHOUSE_SECRET_KEY is unset, and GATEHOUSE_STAFF_MFA=required")
    assert "gatehouse secret-key" in line


@pytest.mark.parametrize("mode", ["required", "optional"])
def test_serve_refuses_a_secret_key_that_is_no_key(gatehouse, mode):
    result = gatehouse("serve", GATEHOUSE_STAFF_MFA=mode, GATEHOUSE_SECRET_KEY="not-a-key")

    line = the_one_line(result)
    assert line.startswith("GATEHOUSE_SECRET_KEY must be one or more comma-separated keys")


def test_the_demo_help_says_whether_staff_must_enrol_first(gatehouse):
    required = gatehouse("demo")
    optional = gatehouse("demo", "--reset", "--yes", GATEHOUSE_STAFF_MFA="optional")

    assert "staff MFA: required" in required.output
    assert "staff MFA: optional here" in optional.output
