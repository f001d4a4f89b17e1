"""The `gatehouse` command line, run through click's CliRunner against a SQLite file.

The commands run `asyncio.run` themselves, so these tests are plain functions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result

from server.cli import main
from server.demo import ADMIN_EMAIL, CUSTOMER_PASSWORD, CUSTOMERS, REVIEWER_EMAIL
from tests.server.command import rows, run_gatehouse

STRONG_PASSWORD = "tulip-Harvest-2026"
# The demo data and the docs use addresses at the reserved `.test` domain, which
# email_validator refuses by default; two tests below show Gatehouse accepts them.

# The demo's team: an owner of every shop, and a reviewer of flora alone.
DEMO_STAFF = [(ADMIN_EMAIL, "OWNER", 1), (REVIEWER_EMAIL, "REVIEWER", 0)]


@pytest.fixture
def gatehouse(database_file: Path) -> Callable[..., Result]:
    """Runs `gatehouse ARGS...` with the database in a temporary file."""

    def run(*args: str, **env: str) -> Result:
        return run_gatehouse(database_file, *args, env=env)

    return run


def test_migrate_creates_the_tables_then_has_nothing_left_to_do(gatehouse, database_file):
    first = gatehouse("migrate")
    again = gatehouse("migrate")

    assert first.exit_code == 0, first.output
    assert first.output.startswith("Applied: ")
    tables = {name for (name,) in rows(database_file, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"shop", "admin_user", "shop_user", "debtor", "audit_event"} <= tables
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output


def test_create_admin_takes_the_password_from_the_environment(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse(
        "create-admin", "--email", "a@example.com", "--name", "A",
        GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD,
    )

    assert result.exit_code == 0, result.output
    assert "a@example.com" in result.output
    [(email, name, password_hash)] = rows(database_file, "SELECT email, name, password_hash FROM admin_user")
    assert (email, name) == ("a@example.com", "A")
    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PasswordHasher().verify(password_hash, STRONG_PASSWORD)
    [(action, actor_kind)] = rows(database_file, "SELECT action, actor_kind FROM audit_event")
    assert (action, actor_kind) == ("admin.created", "SYSTEM")


def test_create_admin_twice_with_one_email_fails_saying_it_exists(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0
    first = gatehouse("create-admin", "--email", "a@example.com", "--name", "A",
                      GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)
    assert first.exit_code == 0, first.output

    second = gatehouse("create-admin", "--email", "A@Example.com", "--name", "Again",
                       GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)

    assert second.exit_code != 0
    assert "exists" in second.output
    assert "Traceback" not in second.output
    assert rows(database_file, "SELECT count(*) FROM admin_user") == [(1,)]


def test_create_admin_with_a_weak_password_fails_readably_and_creates_nobody(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse("create-admin", "--email", "a@example.com", "--name", "A",
                       GATEHOUSE_ADMIN_PASSWORD="password1")

    assert result.exit_code != 0
    assert "Error:" in result.output
    assert "PASSWORD_TOO_WEAK" in result.output
    assert "Traceback" not in result.output
    assert rows(database_file, "SELECT count(*) FROM admin_user") == [(0,)]
    # Nothing half-made blocks a second try with a good password.
    retry = gatehouse("create-admin", "--email", "a@example.com", "--name", "A",
                      GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)
    assert retry.exit_code == 0, retry.output


def test_create_admin_with_a_bad_email_fails_readably(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse("create-admin", "--email", "not-an-email", GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)

    assert result.exit_code != 0
    assert "email" in result.output
    assert rows(database_file, "SELECT count(*) FROM admin_user") == [(0,)]


def test_create_shop_with_its_settings(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse(
        "create-shop", "--handle", "h", "--name", "N", "--registration",
        "--approval", "automatic", "--notification-email", "x@example.org",
    )

    assert result.exit_code == 0, result.output
    assert "h" in result.output
    assert rows(
        database_file,
        "SELECT handle, name, registration_enabled, approval_mode, notification_email FROM shop",
    ) == [("h", "N", 1, "AUTOMATIC", "x@example.org")]


def test_create_shop_defaults_to_closed_registration_and_manual_approval(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse("create-shop", "--handle", "plain", "--name", "Plain")

    assert result.exit_code == 0, result.output
    stored = rows(database_file, "SELECT registration_enabled, approval_mode, notification_email FROM shop")
    assert stored == [(0, "MANUAL", None)]


def test_create_shop_with_a_taken_handle_fails_readably(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0
    assert gatehouse("create-shop", "--handle", "h", "--name", "N").exit_code == 0

    again = gatehouse("create-shop", "--handle", "h", "--name", "Other")

    assert again.exit_code != 0
    assert "taken" in again.output
    assert "Traceback" not in again.output
    assert rows(database_file, "SELECT name FROM shop") == [("N",)]


def test_create_shop_refuses_an_unknown_approval_mode(gatehouse):
    assert gatehouse("migrate").exit_code == 0
    result = gatehouse("create-shop", "--handle", "h", "--name", "N", "--approval", "sometimes")
    assert result.exit_code == 2  # click's usage error
    assert "sometimes" in result.output


def test_demo_loads_once_and_refuses_a_second_time(gatehouse, database_file):
    first = gatehouse("demo")

    assert first.exit_code == 0, first.output
    assert ADMIN_EMAIL in first.output
    assert CUSTOMER_PASSWORD in first.output
    assert rows(database_file, "SELECT handle FROM shop ORDER BY handle") == [("flora",), ("greenhouse",)]
    assert rows(database_file, "SELECT count(*) FROM shop_user") == [(len(CUSTOMERS),)]
    assert rows(database_file, "SELECT count(*) FROM registration_request WHERE status = 'PENDING'") == [(2,)]

    second = gatehouse("demo")

    assert second.exit_code != 0
    assert "data already" in second.output
    assert rows(database_file, "SELECT count(*) FROM shop") == [(2,)]
    assert rows(database_file, "SELECT email, role, all_shops FROM admin_user ORDER BY id") == DEMO_STAFF


def test_demo_refuses_a_database_that_has_a_shop(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0
    assert gatehouse("create-shop", "--handle", "mine", "--name", "Mine").exit_code == 0

    result = gatehouse("demo")

    assert result.exit_code != 0
    assert rows(database_file, "SELECT handle FROM shop") == [("mine",)]


def test_demo_reset_empties_the_database_and_loads_the_demo_afresh(gatehouse, database_file):
    assert gatehouse("demo").exit_code == 0
    assert gatehouse("create-shop", "--handle", "mine", "--name", "Mine").exit_code == 0

    result = gatehouse("demo", "--reset", "--yes")

    assert result.exit_code == 0, result.output
    assert ADMIN_EMAIL in result.output
    assert rows(database_file, "SELECT handle FROM shop ORDER BY handle") == [("flora",), ("greenhouse",)]
    assert rows(database_file, "SELECT email, role, all_shops FROM admin_user ORDER BY id") == DEMO_STAFF
    assert rows(database_file, "SELECT count(*) FROM shop_user") == [(len(CUSTOMERS),)]
    # Ids start again at 1, as in a new database.
    assert rows(database_file, "SELECT min(id) FROM shop") == [(1,)]


def test_demo_reset_asks_first_and_keeps_everything_when_told_no(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0
    assert gatehouse("create-shop", "--handle", "mine", "--name", "Mine").exit_code == 0

    result = CliRunner().invoke(
        main, ["demo", "--reset"], input="n\n",
        env={"GATEHOUSE_DATABASE_URL": f"sqlite://{database_file.resolve()}"},
    )

    assert result.exit_code == 1
    assert "Delete every row" in result.output
    assert rows(database_file, "SELECT handle FROM shop") == [("mine",)]


def test_export_schema_prints_the_sdl(gatehouse):
    from schema import schema

    result = gatehouse("export-schema")

    assert result.exit_code == 0
    assert "type Query" in result.output
    assert "union Viewer = AdminUser | ShopUser" in result.output
    assert result.output == schema.as_str() + "\n"


def test_create_admin_accepts_an_address_at_the_test_domain(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse("create-admin", "--email", "a@b.test", "--name", "A",
                       GATEHOUSE_ADMIN_PASSWORD=STRONG_PASSWORD)

    assert result.exit_code == 0, result.output
    assert rows(database_file, "SELECT email FROM admin_user") == [("a@b.test",)]


def test_create_shop_accepts_a_notification_email_at_the_test_domain(gatehouse, database_file):
    assert gatehouse("migrate").exit_code == 0

    result = gatehouse(
        "create-shop", "--handle", "h", "--name", "N", "--registration",
        "--approval", "automatic", "--notification-email", "x@y.test",
    )

    assert result.exit_code == 0, result.output
    assert rows(database_file, "SELECT notification_email FROM shop") == [("x@y.test",)]


def test_send_mail_once_delivers_what_is_queued_and_remind_reports_nothing_due(tmp_path):
    from mail.outbox import enqueue
    from mail.template_names import MailTemplate
    from server.database import apply_migrations, database

    url = f"sqlite://{tmp_path / 'mail.sqlite3'}"

    async def queue_one() -> None:
        await apply_migrations(url)
        async with database(url, global_fallback=False):
            from datetime import UTC, datetime

            await enqueue(
                recipient="eva@x.test", template=MailTemplate.REQUEST_RECEIVED, language="en",
                context={"shop_name": "Flora", "name": "Eva"}, now=datetime.now(UTC),
            )

    asyncio.run(queue_one())
    env = {"GATEHOUSE_DATABASE_URL": url, "GATEHOUSE_MAIL_BACKEND": "console"}
    first = CliRunner().invoke(main, ["send-mail", "--once"], env=env)
    second = CliRunner().invoke(main, ["send-mail", "--once"], env=env)
    remind = CliRunner().invoke(main, ["remind"], env=env)
    assert first.exit_code == 0, first.output
    assert "Sent 1," in first.output, first.output
    assert second.exit_code == 0, second.output
    assert "Sent 0," in second.output, second.output
    assert remind.exit_code == 0
    assert "No digest due." in remind.output


def test_demo_points_at_graphiql_only_where_debug_serves_it(gatehouse):
    without = gatehouse("demo")
    again = gatehouse("demo", "--reset", "--yes", GATEHOUSE_DEBUG="1")

    assert "GraphiQL needs GATEHOUSE_DEBUG=1" in without.output
    assert "GraphiQL: http" not in without.output
    assert "GraphiQL: http" in again.output
