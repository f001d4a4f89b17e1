"""`gatehouse export-personal-data EMAIL` and `gatehouse erase-personal-data EMAIL`: the same
document and the same erasure as the mutations, run on the demo data (rule 17 of docs/api.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auth.pseudonyms import Pseudonyms
from server.cli import main
from tests.conftest import TEST_SECRET_KEY
from tests.server.command import rows

ANNA = "anna@bloemenhuis.test"
PSEUDONYM = Pseudonyms.from_secret_key(TEST_SECRET_KEY).of(ANNA)
ERASURES = "SELECT count(*) FROM audit_event WHERE action = 'personal_data.erased'"
ANNAS_ROWS = (
    "SELECT (SELECT count(*) FROM shop_user WHERE username = 'anna@bloemenhuis.test'), "
    "(SELECT count(*) FROM contact_person WHERE email = 'anna@bloemenhuis.test'), "
    "(SELECT count(*) FROM debtor WHERE number = '10001')"
)


@pytest.fixture
def gatehouse(database_file: Path) -> Callable[..., Result]:
    """`gatehouse ARGS...` on the test's SQLite file, with the tests' secret key unless `env`
    says otherwise, typing `input` at any question."""

    def run(*args: str, input: str | None = None, **env: str) -> Result:
        environment = {
            "GATEHOUSE_DATABASE_URL": f"sqlite://{database_file.resolve()}",
            "GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY,
            **env,
        }
        return CliRunner().invoke(main, list(args), input=input, env=environment, catch_exceptions=False)

    return run


@pytest.fixture
def demo(gatehouse) -> None:
    loaded = gatehouse("demo")
    assert loaded.exit_code == 0, loaded.output


def the_one_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    return line.removeprefix("Error: ")


def test_export_prints_the_document_of_the_address_as_json(gatehouse, demo, database_file):
    result = gatehouse("export-personal-data", "Anna@Bloemenhuis.test")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["version"], document["email"], document["pseudonym"]) == (1, ANNA, PSEUDONYM)
    contacts = [(c["firstName"], c["debtor"]["number"]) for c in document["contactPersons"]]
    assert contacts == [("Anna", "10001")]
    assert [(u["shop"], u["username"]) for u in document["shopUsers"]] == [("flora", ANNA)]
    # Audited as the command, naming her by pseudonym
    [(kind, label, details)] = rows(
        database_file,
        "SELECT actor_kind, actor_label, details FROM audit_event WHERE action = 'personal_data.exported'",
    )
    assert (kind, label) == ("SYSTEM", "gatehouse export-personal-data")
    assert json.loads(details) == {
        "person": PSEUDONYM,
        **{name: len(value) for name, value in document.items() if isinstance(value, list)},
    }


def test_export_of_an_unknown_address_prints_an_empty_document(gatehouse, demo):
    result = gatehouse("export-personal-data", "nobody@example.com")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [value for value in document.values() if isinstance(value, list)] == [[]] * 8


def test_erase_with_yes_erases_and_prints_what_each_step_did(gatehouse, demo, database_file):
    assert rows(database_file, ANNAS_ROWS) == [(1, 1, 1)]

    result = gatehouse("erase-personal-data", ANNA, "--yes")

    assert result.exit_code == 0, result.output
    assert PSEUDONYM in result.output
    assert "  shopUsersDeleted: 1" in result.output
    assert "  contactPersonsAnonymised: 1" in result.output
    # Her login went, her contact is anonymised on its debtor, the debtor stays
    assert rows(database_file, ANNAS_ROWS) == [(0, 0, 1)]
    contacts = rows(
        database_file,
        "SELECT first_name, last_name, email FROM contact_person "
        "WHERE debtor_id = (SELECT id FROM debtor WHERE number = '10001')",
    )
    assert contacts == [("Erased", "person", None)]
    assert rows(database_file, ERASURES.replace("count(*)", "actor_label")) == [
        ("gatehouse erase-personal-data",)
    ]
    said = rows(database_file, "SELECT actor_label, details FROM audit_event")
    assert ANNA not in json.dumps(said)


def test_erase_asks_first_and_keeps_everything_when_told_no(gatehouse, demo, database_file):
    result = gatehouse("erase-personal-data", ANNA, input="n\n")

    assert result.exit_code == 1
    assert f"Erase the personal data of {ANNA}" in result.output
    assert rows(database_file, ANNAS_ROWS) == [(1, 1, 1)]
    assert rows(database_file, ERASURES) == [(0,)]


def test_erase_goes_ahead_when_told_yes_at_the_question(gatehouse, demo, database_file):
    result = gatehouse("erase-personal-data", ANNA, input="y\n")

    assert result.exit_code == 0, result.output
    assert rows(database_file, ANNAS_ROWS) == [(0, 0, 1)]


def test_erase_without_a_secret_key_refuses_before_asking(gatehouse, demo, database_file):
    result = gatehouse("erase-personal-data", ANNA, GATEHOUSE_SECRET_KEY="")

    line = the_one_line(result)
    assert "GATEHOUSE_SECRET_KEY is unset" in line
    assert "PERSONAL_DATA_UNAVAILABLE" in line
    assert rows(database_file, ANNAS_ROWS) == [(1, 1, 1)]


@pytest.mark.parametrize("command", ["export-personal-data", "erase-personal-data"])
def test_an_address_that_is_none_is_refused_in_one_line(gatehouse, demo, command):
    options = ["--yes"] if command == "erase-personal-data" else []

    result = gatehouse(command, "not an address", *options)

    assert the_one_line(result) == "email: Enter a valid email address. (INVALID)"
