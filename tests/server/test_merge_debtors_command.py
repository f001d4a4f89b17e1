"""`gatehouse merge-debtors TARGET SOURCE…`: the mergeDebtors use case from the command line,
the debtors named by number (rule 15 of docs/api.md).

Runs the real command through click's CliRunner against a temporary SQLite file, loaded by the
real `gatehouse import-debtors`; the merge itself is tested on both engines in
tests/api/test_merge_debtors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.server.command import rows, run_gatehouse

EXPORT = (
    "debtor_number,debtor_name,debtor_email,vat_number,price_list_tags,"
    "contact_first_name,contact_last_name,contact_email\n"
    "K-1,Bloemenhuis Jansen,,,wholesale,Anna,Jansen,anna@jansen.test\n"
    "K-2,Jansen BV,inkoop@jansen.test,NL853865392B01,plants|wholesale,Bram,Jansen,bram@jansen.test\n"
    "K-3,Jansen Bloemen,info@jansen.test,,export,Anna,Jansen,anna@jansen.test\n"
    "K-4,Elsewhere BV,,,,Eva,Smit,eva@elsewhere.test\n"
)

MERGE_EVENTS = (
    "SELECT action, actor_kind, actor_label, details FROM audit_event WHERE action = 'debtors.merged'"
)
STATE = (
    "SELECT d.number, d.email, d.vat_number, d.price_list_tags, c.first_name, c.email "
    "FROM debtor d LEFT JOIN contact_person c ON c.debtor_id = d.id ORDER BY d.number, c.id"
)


@pytest.fixture
def gatehouse(database_file: Path, tmp_path: Path) -> Callable[..., Result]:
    """Runs `gatehouse ARGS...` on a migrated database holding the four debtors of EXPORT."""

    def run(*args: str) -> Result:
        return run_gatehouse(database_file, *args, catch_exceptions=False)

    assert run("migrate").exit_code == 0
    export = tmp_path / "debtors.csv"
    export.write_text(EXPORT, encoding="utf-8")
    loaded = run("import-debtors", str(export))
    assert loaded.exit_code == 0, loaded.output
    return run


def test_merge_debtors_merges_the_sources_into_the_target_and_says_what_it_did(gatehouse, database_file):
    # When K-2 and K-3 are merged into K-1
    result = gatehouse("merge-debtors", "K-1", "K-2", "K-3")

    # Then K-1 holds their contacts (K-3's Anna, who has no login, folded into K-1's), their
    # tags, and the first source's email and VAT number; the sources are gone
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Merged K-2, K-3 into K-1: 1 contact person(s) moved, 1 folded into a contact of the same "
        "email; 0 registration request(s) moved; fields filled: email, vatNumber.\n"
    )
    merged = ("K-1", "inkoop@jansen.test", "NL853865392B01", '["wholesale","plants","export"]')
    assert rows(database_file, STATE) == [
        (*merged, "Anna", "anna@jansen.test"),
        (*merged, "Bram", "bram@jansen.test"),
        ("K-4", None, None, "[]", "Eva", "eva@elsewhere.test"),
    ]
    assert rows(database_file, MERGE_EVENTS) == [(
        "debtors.merged", "SYSTEM", "gatehouse merge-debtors",
        '{"number":"K-1","merged":["K-2","K-3"],"filled":["email","vatNumber"],'
        '"priceListTagsAdded":["plants","export"],"contactsMoved":1,'
        '"contactsFolded":[{"contact":3,"into":1}],"registrationRequestsMoved":0}',
    )]


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (("K-1", "K-2", "K-9"), "sources.1: No debtor numbered 'K-9'. (NOT_FOUND)"),
        (("K-9", "K-2"), "target: No debtor numbered 'K-9'. (NOT_FOUND)"),
        (("K-1", "K-2", "K-1"), "sources.1: This is the target: a debtor is not merged into itself. "
                                "(TARGET_AMONG_SOURCES)"),
        (("K-1", "K-2", "K-2"), "sources.1: This debtor is named twice; name each once. (INVALID)"),
        (("K-1",), "sources: Name at least one debtor to merge into the target. (INVALID)"),
        (("K-1", *(f"X-{i}" for i in range(51))), "sources: Merge at most 50 debtors at once. (INVALID)"),
    ],
)
def test_a_refused_merge_says_why_exits_1_and_changes_nothing(gatehouse, database_file, args, told):
    before = rows(database_file, STATE), rows(database_file, "SELECT count(*) FROM audit_event")

    result = gatehouse("merge-debtors", *args)

    assert result.exit_code == 1
    assert result.output == f"Error: {told}\n"
    assert (rows(database_file, STATE), rows(database_file, "SELECT count(*) FROM audit_event")) == before


def test_merge_debtors_names_what_it_takes(gatehouse):
    result = gatehouse("merge-debtors", "--help")

    assert result.exit_code == 0
    assert "Usage: main merge-debtors [OPTIONS] TARGET [SOURCES]..." in result.output
