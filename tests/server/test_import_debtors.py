"""Bulk onboarding of debtors and contact persons from an ERP's CSV export.

The use case (`resolvers.debtor_import.import_debtors`) runs on SQLite and
PostgreSQL through the `db` fixture; the `gatehouse import-debtors` command runs
through click's CliRunner against a temporary SQLite file (plain functions: the
command runs asyncio itself).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from auth.viewer import Caller
from models import ActorKind, AuditEvent, ContactPerson, Debtor
from resolvers.debtor_import import ImportFileError, ImportReport, import_debtors
from tests.factories import make_contact, make_debtor
from tests.server.command import rows, run_gatehouse

FULL_HEADER = (
    "debtor_number,debtor_name,debtor_email,debtor_phone,vat_number,address,price_list_tags,"
    "minimum_order_amount,checkout_payment_limit,"
    "contact_first_name,contact_last_name,contact_email,contact_phone,contact_language"
)

# Two debtors, three contact persons; D100 has two rows (the first gives its values).
FULL_FILE = (
    FULL_HEADER + "\n"
    'D100,Bloemen BV,Info@Bloemen.Example,+31 20 123,nl 8538.65.392-b01,"Keizersgracht 1, Amsterdam",'
    "wholesale| bulbs |wholesale,1250.50,5000,"
    "Anna,de Vries,Anna.De.Vries@Bloemen.Example,+31 6 111,de\n"
    "D100,Bloemen BV,,,,,,,,Piet,Jansen,,,\n"
    'D200,Tulpen & Co,,,,,,"99,5","1250,5",Eva,Smit,EVA@TULPEN.EXAMPLE,,fr\n'
)


def caller() -> Caller:
    return Caller.system("test")


async def load(text: str, **options: Any) -> ImportReport:
    return await import_debtors(caller(), io.StringIO(text), **options)


DEBTOR_SNAPSHOT_FIELDS = (
    "id", "number", "name", "email", "phone", "vat_number", "address", "price_list_tags",
    "minimum_order_amount", "checkout_payment_limit", "created_at", "updated_at",
)
CONTACT_SNAPSHOT_FIELDS = (
    "id", "debtor_id", "first_name", "last_name", "email", "phone", "language",
    "created_at", "updated_at",
)


async def snapshot(*, with_ids: bool = True) -> tuple[list[dict], list[dict]]:
    """Every debtor and contact person as stored, in a stable order."""
    debtors = await Debtor.all().order_by("number").values(*DEBTOR_SNAPSHOT_FIELDS)
    contacts = await ContactPerson.all().order_by("debtor__number", "last_name", "first_name").values(
        *CONTACT_SNAPSHOT_FIELDS, "debtor__number"
    )
    if not with_ids:
        for row in debtors:
            for name in ("id", "created_at", "updated_at"):
                row.pop(name)
        for row in contacts:
            for name in ("id", "debtor_id", "created_at", "updated_at"):
                row.pop(name)
    return debtors, contacts


def counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {
        "debtors": (report.debtors.created, report.debtors.updated, report.debtors.unchanged),
        "contacts": (report.contacts.created, report.contacts.updated, report.contacts.unchanged),
    }


# --- the use case, on SQLite and PostgreSQL ------------------------------------------------


async def test_first_import_creates_debtors_and_contacts_with_every_column(db):
    # Given a file with every column, on an empty database
    # When it is imported with English as the default contact language
    report = await load(FULL_FILE, default_language="en")

    # Then two debtors and three contact persons exist, normalised
    assert report.refused == []
    assert report.rows == 3
    assert counts(report) == {"debtors": (2, 0, 0), "contacts": (3, 0, 0)}
    bloemen = await Debtor.get(number="D100")
    assert bloemen.name == "Bloemen BV"
    assert bloemen.email == "info@bloemen.example"
    assert bloemen.phone == "+31 20 123"
    assert bloemen.vat_number == "NL853865392B01"
    assert bloemen.address == "Keizersgracht 1, Amsterdam"
    assert bloemen.price_list_tags == ["wholesale", "bulbs"]
    assert bloemen.minimum_order_amount == Decimal("1250.50")
    assert bloemen.checkout_payment_limit == Decimal("5000.00")
    tulpen = await Debtor.get(number="D200")
    assert tulpen.name == "Tulpen & Co"
    assert (tulpen.email, tulpen.phone, tulpen.vat_number, tulpen.address) == (None, None, None, None)
    assert tulpen.price_list_tags == []
    assert tulpen.minimum_order_amount == Decimal("99.50")
    assert tulpen.checkout_payment_limit == Decimal("1250.50")

    contacts = await ContactPerson.all().order_by("id").values(
        "debtor__number", "first_name", "last_name", "email", "phone", "language"
    )
    assert contacts == [
        {"debtor__number": "D100", "first_name": "Anna", "last_name": "de Vries",
         "email": "anna.de.vries@bloemen.example", "phone": "+31 6 111", "language": "de"},
        {"debtor__number": "D100", "first_name": "Piet", "last_name": "Jansen",
         "email": None, "phone": None, "language": "en"},
        {"debtor__number": "D200", "first_name": "Eva", "last_name": "Smit",
         "email": "eva@tulpen.example", "phone": None, "language": "fr"},
    ]


async def test_a_second_run_of_the_same_file_changes_nothing(db):
    # Given a file imported once
    await load(FULL_FILE)
    before = await snapshot()

    # When it is imported again
    again = await load(FULL_FILE)

    # Then nothing is created or updated, and every row (ids, updated_at) is as it was
    assert again.refused == []
    assert counts(again) == {"debtors": (0, 0, 2), "contacts": (0, 0, 3)}
    assert await snapshot() == before
    assert await Debtor.all().count() == 2
    assert await ContactPerson.all().count() == 3


async def test_a_changed_debtor_cell_updates_exactly_that_debtor(db):
    # Given a file imported once
    await load(FULL_FILE)
    debtors_before, contacts_before = await snapshot()

    # When Tulpen's phone (the cell of its only row) changes and the file is imported again
    changed = FULL_FILE.replace('D200,Tulpen & Co,,', 'D200,Tulpen & Co,,+32 9 876')
    assert changed != FULL_FILE
    report = await load(changed)

    # Then only that debtor is updated, in place, and nothing is duplicated
    assert counts(report) == {"debtors": (0, 1, 1), "contacts": (0, 0, 3)}
    debtors_after, contacts_after = await snapshot()
    assert contacts_after == contacts_before
    bloemen_before, tulpen_before = debtors_before
    bloemen_after, tulpen_after = debtors_after
    assert bloemen_after == bloemen_before
    assert tulpen_after["id"] == tulpen_before["id"]
    assert tulpen_after["phone"] == "+32 9 876"
    assert {k: v for k, v in tulpen_after.items() if k not in ("phone", "updated_at")} == {
        k: v for k, v in tulpen_before.items() if k not in ("phone", "updated_at")
    }


async def test_a_changed_contact_cell_updates_exactly_that_contact(db):
    # Given a file imported once
    await load(FULL_FILE)
    debtors_before, contacts_before = await snapshot()

    # When Eva's phone changes (she is matched by her email) and the file is imported again
    changed = FULL_FILE.replace("EVA@TULPEN.EXAMPLE,,fr", "EVA@TULPEN.EXAMPLE,+33 1 999,fr")
    assert changed != FULL_FILE
    report = await load(changed)

    # Then Eva alone is updated; no debtor changes and no contact is added
    assert counts(report) == {"debtors": (0, 0, 2), "contacts": (0, 1, 2)}
    debtors_after, contacts_after = await snapshot()
    assert debtors_after == debtors_before
    assert len(contacts_after) == 3
    eva_before = next(c for c in contacts_before if c["first_name"] == "Eva")
    eva_after = next(c for c in contacts_after if c["first_name"] == "Eva")
    assert eva_after["id"] == eva_before["id"]
    assert eva_after["phone"] == "+33 1 999"
    others = [c for c in contacts_after if c["first_name"] != "Eva"]
    assert others == [c for c in contacts_before if c["first_name"] != "Eva"]


async def test_an_updated_debtor_gets_a_new_updated_at(db):
    # Given a debtor imported once
    await load("debtor_number,debtor_name\nD1,Old Name\n")
    before = await Debtor.get(number="D1")

    # When its name changes in a second run
    report = await load("debtor_number,debtor_name\nD1,New Name\n")

    # Then it is counted as updated and its updated_at moved on
    assert report.debtors.updated == 1
    after = await Debtor.get(number="D1")
    assert after.name == "New Name"
    assert after.updated_at > before.updated_at


async def test_an_absent_column_leaves_a_field_alone_while_an_empty_cell_clears_it(db):
    # Given Bloemen imported with every column
    await load(FULL_FILE)
    before = await Debtor.get(number="D100")

    # When a file with only some columns has empty address, tags and minimum cells
    report = await load(
        "debtor_number,debtor_name,address,price_list_tags,minimum_order_amount\n"
        "D100,Bloemen BV,,,\n"
    )

    # Then those are cleared, while email, phone, VAT and the payment limit stay
    assert report.refused == []
    assert counts(report)["debtors"] == (0, 1, 0)
    after = await Debtor.get(number="D100")
    assert after.id == before.id
    assert (after.address, after.price_list_tags, after.minimum_order_amount) == (None, [], None)
    assert after.email == "info@bloemen.example"
    assert after.phone == "+31 20 123"
    assert after.vat_number == "NL853865392B01"
    assert after.checkout_payment_limit == Decimal("5000.00")
    # The rows without contact columns touch no contact person.
    assert await ContactPerson.filter(debtor_id=after.id).count() == 2
    assert counts(report)["contacts"] == (0, 0, 0)


async def test_an_empty_contact_cell_clears_the_contacts_field_but_an_absent_one_does_not(db):
    # Given Anna with email and phone
    await load(FULL_FILE)

    # When a file has her email but an empty phone cell, and no contact_language column
    report = await load(
        "debtor_number,debtor_name,contact_first_name,contact_last_name,contact_email,contact_phone\n"
        "D100,Bloemen BV,Anna,de Vries,anna.de.vries@bloemen.example,\n",
        default_language="de",
    )

    # Then her phone is cleared and her email stays
    assert report.refused == []
    anna = await ContactPerson.get(first_name="Anna")
    assert anna.phone is None
    assert anna.email == "anna.de.vries@bloemen.example"
    assert counts(report)["contacts"] == (0, 1, 0)


async def test_a_file_without_contact_language_leaves_an_existing_contacts_language_alone(db):
    # Given Anna imported with language `de`
    await load(FULL_FILE)
    assert (await ContactPerson.get(first_name="Anna")).language == "de"

    # When a file without a contact_language column names her again (default language nl)
    report = await load(
        "debtor_number,debtor_name,contact_first_name,contact_last_name,contact_email\n"
        "D100,Bloemen BV,Anna,de Vries,anna.de.vries@bloemen.example\n",
        default_language="nl",
    )

    # Then she keeps `de` and nothing counts as updated
    assert (await ContactPerson.get(first_name="Anna")).language == "de"
    assert counts(report)["contacts"] == (0, 0, 1)


async def test_rows_with_one_debtor_number_make_one_debtor_with_several_contacts(db):
    # Given three rows of D7, the later ones with other debtor values
    text = (
        "debtor_number,debtor_name,debtor_phone,contact_first_name,contact_last_name\n"
        "D7,First Name BV,111,Ann,A\n"
        "D7,Second Name BV,222,Bob,B\n"
        "D7,Third Name BV,,Cas,C\n"
    )

    # When imported
    report = await load(text)

    # Then one debtor with the first row's values has three contacts
    assert report.refused == []
    assert counts(report) == {"debtors": (1, 0, 0), "contacts": (3, 0, 0)}
    [debtor] = await Debtor.all()
    assert (debtor.number, debtor.name, debtor.phone) == ("D7", "First Name BV", "111")
    names = await ContactPerson.filter(debtor_id=debtor.id).order_by("first_name").values_list(
        "first_name", flat=True
    )
    assert names == ["Ann", "Bob", "Cas"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples

    # And a second run keeps it that way
    again = await load(text)
    assert counts(again) == {"debtors": (0, 0, 1), "contacts": (0, 0, 3)}
    assert (await Debtor.get(number="D7")).name == "First Name BV"


async def test_a_contact_is_matched_by_email_first_then_by_name(db):
    # Given a debtor with Anna (an email) and Piet (no email), made outside the import
    debtor = await make_debtor("Bloemen BV", number="D100")
    anna = await make_contact(debtor, "Anna", last_name="de Vries", email="anna@bloemen.example")
    piet = await make_contact(debtor, "Piet", last_name="Jansen")
    # and Kees, the same name as a contact of another debtor
    other = await make_debtor("Other BV", number="D999")
    other_kees = await make_contact(other, "Kees", last_name="Bakker", email="kees@other.example")

    # When a file renames Anna (same email), gives Piet an email (same name, other case)
    # and names a Kees of D100 with the other debtor's Kees' email
    report = await load(
        "debtor_number,debtor_name,contact_first_name,contact_last_name,contact_email\n"
        "D100,Bloemen BV,Annemarie,de Vries,ANNA@bloemen.example\n"
        "D100,Bloemen BV,piet,JANSEN,piet@bloemen.example\n"
        "D100,Bloemen BV,Kees,Bakker,kees@other.example\n"
    )

    # Then Anna and Piet are updated in place and Kees is a new contact of D100
    assert report.refused == []
    assert counts(report)["contacts"] == (1, 2, 0)
    anna_after = await ContactPerson.get(id=anna.id)
    assert (anna_after.first_name, anna_after.email) == ("Annemarie", "anna@bloemen.example")
    piet_after = await ContactPerson.get(id=piet.id)
    assert (piet_after.first_name, piet_after.last_name, piet_after.email) == (
        "piet", "JANSEN", "piet@bloemen.example",
    )
    assert await ContactPerson.filter(debtor_id=debtor.id).count() == 3
    assert await ContactPerson.filter(debtor_id=debtor.id, first_name="Kees").exists()
    assert (await ContactPerson.get(id=other_kees.id)).debtor_id == other.id
    assert await ContactPerson.filter(debtor_id=other.id).count() == 1


async def test_two_namesakes_with_different_emails_are_two_contacts(db):
    # Given a debtor with two different people called Jan Jansen
    text = (
        "debtor_number,debtor_name,contact_first_name,contact_last_name,contact_email\n"
        "D1,Bloemen BV,Jan,Jansen,jan.senior@bloemen.example\n"
        "D1,Bloemen BV,Jan,Jansen,jan.junior@bloemen.example\n"
    )

    # When imported twice
    first = await load(text)
    second = await load(text)

    # Then both are kept, and the second run changes nothing
    emails = await ContactPerson.all().order_by("email").values_list("email", flat=True)
    assert emails == [  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples
        "jan.junior@bloemen.example", "jan.senior@bloemen.example"
    ]
    assert first.contacts.created == 2
    assert (second.contacts.created, second.contacts.updated) == (0, 0)


@pytest.mark.parametrize(
    ("delimiter", "money"),
    [(",", '"12,50"'), (";", "12,50"), ("\t", "12.50")],
    ids=["comma", "semicolon", "tab"],
)
async def test_the_separator_is_sniffed(db, delimiter, money):
    # Given a file separated by `delimiter`, with a mixed-case header and spaces around names
    header = ["Debtor_Number ", " DEBTOR_NAME", "address", "minimum_order_amount", "contact_first_name",
              "contact_last_name"]
    rows = [
        ["D1", "Bloemen BV", "Dorpsstraat 1, Lisse", money, "Anna", "de Vries"],
        ["D2", "Tulpen BV", "", "", "", ""],
    ]
    lines = [delimiter.join(header)]
    for row in rows:
        cells = [f'"{cell}"' if delimiter == "," and "," in cell and not cell.startswith('"') else cell
                 for cell in row]
        lines.append(delimiter.join(cells))

    # When imported
    report = await load("\n".join(lines) + "\n")

    # Then every cell landed in its column
    assert report.refused == []
    assert counts(report) == {"debtors": (2, 0, 0), "contacts": (1, 0, 0)}
    d1 = await Debtor.get(number="D1")
    assert (d1.name, d1.address, d1.minimum_order_amount) == ("Bloemen BV", "Dorpsstraat 1, Lisse",
                                                              Decimal("12.50"))
    assert (await Debtor.get(number="D2")).name == "Tulpen BV"
    assert await ContactPerson.filter(debtor_id=d1.id, first_name="Anna", last_name="de Vries").exists()


async def test_windows_line_endings_are_read_like_unix_ones(db):
    # Given a file with CRLF line endings and a multi-line cell
    text = 'debtor_number,debtor_name,address\r\nD1,Bloemen BV,"Line 1\r\nLine 2"\r\nD2,Tulpen BV,x\r\n'

    # When imported
    report = await load(text)

    # Then both debtors load with clean values
    assert report.refused == []
    assert report.debtors.created == 2
    assert (await Debtor.get(number="D2")).name == "Tulpen BV"
    assert ((await Debtor.get(number="D1")).address or "").splitlines() == ["Line 1", "Line 2"]


BAD_ROWS_FILE = (
    "debtor_number,debtor_name,debtor_email,vat_number,minimum_order_amount,"
    "contact_first_name,contact_last_name,contact_email,contact_language\n"   # line 1
    'G1,Good One,,,,Anna,A,,\n'                                               # line 2
    ',No Number BV,,,,,,,\n'                                                  # line 3
    'B2,Bad VAT BV,,NL8538#B01,,,,,\n'                                       # line 4
    'G2,"Multi\n'                                                             # line 5
    'Line BV",,,,,,,\n'                                                       # line 6
    'B3,Bad Email BV,not-an-email,,,,,,\n'                                    # line 7
    'B4,Bad Money BV,,,12.5.0,,,,\n'                                          # line 8
    'B5,Bad Contact Language BV,,,,Bob,B,,dutch\n'                            # line 9
    'B6,Bad Contact Email BV,,,,Cas,C,cas@,\n'                                # line 10
    'B7,Too Many Cells BV,,,,,,,,extra\n'                                     # line 11
    'B8,,,,,,,,\n'                                                            # line 12
    'G3,Good Three,,,"1234,5",,,,\n'                                          # line 13
)


async def test_bad_rows_are_reported_by_line_and_the_good_rows_still_load(db):
    # Given a file with a multi-line cell and a bad row of each kind between good ones
    # When imported
    report = await load(BAD_ROWS_FILE)

    # Then each bad row is reported at its editor line, naming its column
    assert [line for line, _ in report.refused] == [3, 4, 7, 8, 9, 10, 11, 12]
    reasons = dict(report.refused)
    assert reasons[3] == "debtor_number: This column is required."
    assert reasons[4] == "vat_number: Enter a VAT number such as 'NL853865392B01'."
    assert reasons[7] == "debtor_email: Enter a valid email address."
    assert reasons[8] == "minimum_order_amount: Use an amount from 0 to 999,999,999,999.99."
    assert reasons[9].startswith("contact_language: ")
    assert reasons[10] == "contact_email: Enter a valid email address."
    assert reasons[11] == "The row has more cells than the header has columns."
    assert reasons[12] == "debtor_name: This field is required."
    assert report.rows == 11
    # And the good rows around them are in the database, the bad ones are not
    assert counts(report) == {"debtors": (3, 0, 0), "contacts": (1, 0, 0)}
    numbers = await Debtor.all().order_by("number").values_list("number", flat=True)
    assert numbers == ["G1", "G2", "G3"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples
    assert (await Debtor.get(number="G2")).name == "Multi\nLine BV"
    assert (await Debtor.get(number="G3")).minimum_order_amount == Decimal("1234.50")
    assert await ContactPerson.filter(first_name__in=["Bob", "Cas"]).count() == 0


async def test_a_blank_line_does_not_shift_the_reported_line_numbers(db):
    # Given a file whose bad row follows a blank line
    text = (
        "debtor_number,debtor_name\n"  # line 1
        "G1,Good\n"                    # line 2
        "\n"                           # line 3
        "B1,\n"                        # line 4
    )

    # When imported
    report = await load(text)

    # Then the bad row is reported at line 4, where an editor shows it
    assert await Debtor.filter(number="G1").exists()
    assert report.refused == [(4, "debtor_name: This field is required.")]


async def test_every_problem_of_a_row_is_reported_on_its_line_by_column(db):
    # Given a row with a bad debtor email and VAT number and a bad contact language
    text = (
        "debtor_number,debtor_name,debtor_email,vat_number,contact_first_name,contact_last_name,"
        "contact_language\n"
        "B1,Bad BV,nope,NL#1,Bob,B,dutch\n"
    )

    # When imported
    report = await load(text)

    # Then the one refused line names each problem by its column, in the file's order
    [(line, reason)] = report.refused
    assert line == 2
    assert reason.split("; ") == [
        "debtor_email: Enter a valid email address.",
        "vat_number: Enter a VAT number such as 'NL853865392B01'.",
        "contact_language: Use a language code such as 'nl', 'en' or 'de-AT'.",
    ]
    assert await Debtor.all().count() == 0


async def test_a_contact_without_name_columns_is_refused_in_the_columns_order(db):
    # Given a contact with a bad email and no name columns at all
    text = "debtor_number,debtor_name,contact_email\nB2,Bad BV,nope\n"

    # When imported
    report = await load(text)

    # Then the names a contact person needs come first, as the columns are listed
    [(_, reason)] = report.refused
    assert [part.split(":")[0] for part in reason.split("; ")] == [
        "contact_first_name", "contact_last_name", "contact_email",
    ]


async def test_a_doubled_quote_inside_a_quoted_cell_is_one_quote(db):
    # Given a name with quotes, written the RFC 4180 / Excel way
    text = 'debtor_number,debtor_name,address\nD1,"Bakkerij ""De Molen"" BV",Molenweg 1\n'

    # When imported
    report = await load(text)

    # Then the name has its quotes once and the next cell is intact
    assert report.refused == []
    debtor = await Debtor.get(number="D1")
    assert debtor.name == 'Bakkerij "De Molen" BV'
    assert debtor.address == "Molenweg 1"


async def test_a_payment_limit_below_the_minimum_order_amount_is_refused(db):
    # Given a row whose checkout payment limit is below its minimum order amount
    text = (
        "debtor_number,debtor_name,minimum_order_amount,checkout_payment_limit\n"
        "D1,Good,100,500\n"
        "D2,Inverted,500,100\n"
    )

    # When imported
    report = await load(text)

    # Then that row is refused and the good one loads
    assert [line for line, _ in report.refused] == [3]
    assert report.refused[0][1].startswith("checkout_payment_limit: ")
    numbers = await Debtor.all().values_list("number", flat=True)
    assert numbers == ["D1"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples


@pytest.mark.parametrize("missing", ["debtor_number", "debtor_name"])
async def test_a_header_without_a_required_column_is_refused_and_nothing_is_written(db, missing):
    # Given a file whose header lacks a required column
    columns = [c for c in ("debtor_number", "debtor_name", "address") if c != missing]
    text = ",".join(columns) + "\n" + ",".join(["D1", "x"]) + "\n"

    # When imported, Then the file as a whole is refused, naming the column
    with pytest.raises(ImportFileError, match=missing):
        await load(text)
    assert await Debtor.all().count() == 0
    assert await ContactPerson.all().count() == 0
    assert await AuditEvent.all().count() == 0


async def test_an_empty_file_is_refused_as_a_whole(db):
    with pytest.raises(ImportFileError):
        await load("")
    assert await Debtor.all().count() == 0


def ten_rows() -> str:
    """Ten rows: D3 spans the first chunk boundary (chunk_size 3), D5 the second."""
    lines = ["debtor_number,debtor_name,vat_number,price_list_tags,contact_first_name,"
             "contact_last_name,contact_email"]
    numbers = ["D1", "D2", "D3", "D3", "D4", "D5", "D5", "D5", "D6", "D7"]
    for index, number in enumerate(numbers, start=1):
        lines.append(
            f"{number},Debtor {number},NL{index:09d}B01,a|b{index},First{index},Last{index},"
            f"p{index}@example.com"
        )
    return "\n".join(lines) + "\n"


async def test_chunked_import_equals_the_one_chunk_import_and_reports_progress(db):
    # Given ten rows, imported in chunks of three
    progress: list[tuple[int, int]] = []
    chunked = await load(
        ten_rows(), chunk_size=3, on_progress=lambda done, total: progress.append((done, total))
    )
    chunked_state = await snapshot(with_ids=False)

    # When the same file is imported into an empty database in one chunk
    await ContactPerson.all().delete()
    await Debtor.all().delete()
    whole = await load(ten_rows())
    whole_state = await snapshot(with_ids=False)

    # Then the database and the counts are the same
    assert chunked.refused == whole.refused == []
    assert counts(chunked) == counts(whole) == {"debtors": (7, 0, 0), "contacts": (10, 0, 0)}
    assert chunked_state == whole_state
    assert len(chunked_state[0]) == 7
    assert len(chunked_state[1]) == 10
    # The first row of a debtor gives its values even when its other rows are in a later chunk.
    d3 = next(d for d in chunked_state[0] if d["number"] == "D3")
    assert d3["vat_number"] == "NL000000003B01"
    assert d3["price_list_tags"] == ["a", "b3"]
    # And progress went up chunk by chunk to the total
    assert progress[-1] == (10, 10)
    assert all(total == 10 for _, total in progress)
    dones = [done for done, _ in progress]
    assert dones == sorted(dones)
    assert len(set(dones)) == len(dones)
    assert {3, 6, 9} <= set(dones)

    # And a chunked second run changes nothing
    again = await load(ten_rows(), chunk_size=3)
    assert counts(again) == {"debtors": (0, 0, 7), "contacts": (0, 0, 10)}


async def test_progress_counts_refused_rows_as_done(db):
    progress: list[tuple[int, int]] = []
    report = await load(BAD_ROWS_FILE, chunk_size=2, on_progress=lambda d, t: progress.append((d, t)))

    assert len(report.refused) == 8
    assert progress[0] == (8, 11)
    assert progress[-1] == (11, 11)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


async def test_one_audit_event_records_the_counts(db):
    # Given an earlier import
    await load(FULL_FILE)
    await AuditEvent.all().delete()

    # When a file with one changed debtor, one new debtor and one bad row is imported
    text = FULL_FILE.replace("Tulpen & Co", "Tulpen & Zonen") + "D300,New BV,,,,,,,,,,,,\n,,,,,,,,,,,,,\n"
    report = await load(text)

    # Then one `debtors.imported` event by the system caller holds the counts
    assert counts(report) == {"debtors": (1, 1, 1), "contacts": (0, 0, 3)}
    [event] = await AuditEvent.all()
    assert event.action == "debtors.imported"
    assert event.actor_kind == ActorKind.SYSTEM
    assert event.actor_label == "test"
    assert event.details == {
        "rows": 5,
        "debtors": {"created": 1, "updated": 1},
        "contacts": {"created": 0, "updated": 0},
        "refused_lines": [6],
    }


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def gatehouse(database_file: Path) -> Callable[..., Result]:
    """Runs `gatehouse ARGS...` with a migrated database in a temporary file."""

    def run(*args: str, catch_exceptions: bool = False) -> Result:
        return run_gatehouse(database_file, *args, catch_exceptions=catch_exceptions)

    migrated = run("migrate")
    assert migrated.exit_code == 0, migrated.output
    return run


def summary(rows_: int, debtors: tuple[int, int, int], contacts: tuple[int, int, int], refused: int) -> str:
    return (
        f"{rows_} rows. Debtors: {debtors[0]} created, {debtors[1]} updated, {debtors[2]} unchanged. "
        f"Contact persons: {contacts[0]} created, {contacts[1]} updated, {contacts[2]} unchanged. "
        f"Refused: {refused}."
    )


def test_command_imports_a_good_file_with_a_bom_and_prints_the_summary(gatehouse, database_file, tmp_path):
    # Given a semicolon file saved by Excel as "CSV UTF-8" (with a BOM), without contact languages
    csv_file = tmp_path / "debtors.csv"
    csv_file.write_text(
        "debtor_number;debtor_name;minimum_order_amount;contact_first_name;contact_last_name\n"
        "D1;Bloemen BV;12,50;Anna;de Vries\n"
        "D1;Bloemen BV;;Piet;Jansen\n"
        "D2;Tulpen BV;;;\n",
        encoding="utf-8-sig",
    )

    # When imported with German as the default language
    result = gatehouse("import-debtors", str(csv_file), "--language", "de")

    # Then it succeeds, says what it did, and the rows are stored
    assert result.exit_code == 0, result.output
    assert summary(3, (2, 0, 0), (2, 0, 0), 0) in result.stdout
    assert "line " not in result.stderr
    stored = rows(database_file, "SELECT number, name, minimum_order_amount FROM debtor ORDER BY number")
    assert [(number, name) for number, name, _ in stored] == [("D1", "Bloemen BV"), ("D2", "Tulpen BV")]
    assert Decimal(str(stored[0][2])) == Decimal("12.50")
    assert stored[1][2] is None
    assert rows(database_file, "SELECT first_name, language FROM contact_person ORDER BY first_name") == [
        ("Anna", "de"), ("Piet", "de"),
    ]
    assert rows(database_file, "SELECT action, actor_kind, actor_label FROM audit_event") == [
        ("debtors.imported", "SYSTEM", "gatehouse import-debtors")
    ]


def test_command_exits_1_and_reports_the_bad_rows_by_line_on_stderr(gatehouse, database_file, tmp_path):
    # Given a file with bad rows between good ones
    csv_file = tmp_path / "debtors.csv"
    csv_file.write_text(BAD_ROWS_FILE, encoding="utf-8")

    # When imported
    result = gatehouse("import-debtors", str(csv_file))

    # Then it exits with 1, lists each refused row by line on stderr, and loaded the good rows
    assert result.exit_code == 1, result.output
    assert summary(11, (3, 0, 0), (1, 0, 0), 8) in result.stdout
    assert "line 4: vat_number: Enter a VAT number such as 'NL853865392B01'." in result.stderr
    assert "line 11: The row has more cells than the header has columns." in result.stderr
    refused_lines = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in refused_lines] == [
        f"line {n}" for n in (3, 4, 7, 8, 9, 10, 11, 12)
    ]
    assert "line " not in result.stdout
    assert "Traceback" not in result.output
    assert rows(database_file, "SELECT number FROM debtor ORDER BY number") == [("G1",), ("G2",), ("G3",)]


def test_command_refuses_a_file_without_a_required_column_readably(gatehouse, database_file, tmp_path):
    # Given a file without the debtor_name column
    csv_file = tmp_path / "debtors.csv"
    csv_file.write_text("debtor_number,address\nD1,Somewhere\n", encoding="utf-8")

    # When imported
    result = gatehouse("import-debtors", str(csv_file))

    # Then it fails with a message naming the column, no traceback, nothing stored
    assert result.exit_code != 0
    assert "Error: The header lacks the column(s): debtor_name." in result.output
    assert "Traceback" not in result.output
    assert rows(database_file, "SELECT count(*) FROM debtor") == [(0,)]
    assert rows(database_file, "SELECT count(*) FROM audit_event") == [(0,)]


def test_command_refuses_a_file_that_is_not_utf8_readably(gatehouse, database_file, tmp_path):
    # Given a Windows-1252 export with an accented name
    csv_file = tmp_path / "debtors.csv"
    csv_file.write_bytes("debtor_number,debtor_name\nD1,Caf\u00e9 Flore\n".encode("cp1252"))

    # When imported
    result = gatehouse("import-debtors", str(csv_file), catch_exceptions=True)

    # Then it fails with a click error message, not an unhandled exception
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Error:" in result.output
    assert "UTF-8" in result.output or "utf-8" in result.output
    assert rows(database_file, "SELECT count(*) FROM debtor") == [(0,)]


def test_command_imports_ten_thousand_rows_and_a_second_run_changes_nothing(
    gatehouse, database_file, tmp_path
):
    # Given 10,000 rows: 5,000 debtors with two contact persons each
    csv_file = tmp_path / "big.csv"
    lines = [
        "debtor_number;debtor_name;debtor_email;vat_number;price_list_tags;minimum_order_amount;"
        "contact_first_name;contact_last_name;contact_email;contact_language"
    ]
    for index in range(10_000):
        debtor = index // 2
        lines.append(
            f"N{debtor:05d};Debtor {debtor};D{debtor}@Example.com;NL{debtor:09d}B01;wholesale|t{debtor % 7};"
            f"{debtor % 500},{index % 100:02d};First{index};Last{index};C{index}@Example.com;nl"
        )
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # When it is imported twice
    first = gatehouse("import-debtors", str(csv_file))
    second = gatehouse("import-debtors", str(csv_file))

    # Then the first run creates everything and the second changes nothing
    assert first.exit_code == 0, first.output
    assert summary(10_000, (5_000, 0, 0), (10_000, 0, 0), 0) in first.stdout
    assert second.exit_code == 0, second.output
    assert summary(10_000, (0, 0, 5_000), (0, 0, 10_000), 0) in second.stdout
    assert rows(database_file, "SELECT count(*), count(DISTINCT number) FROM debtor") == [(5_000, 5_000)]
    assert rows(database_file, "SELECT count(*), count(DISTINCT email) FROM contact_person") == [
        (10_000, 10_000)
    ]
    assert rows(database_file, "SELECT email, vat_number FROM debtor WHERE number = 'N04999'") == [
        ("d4999@example.com", "NL000004999B01")
    ]
    assert rows(database_file, "SELECT count(*) FROM audit_event WHERE action = 'debtors.imported'") == [(2,)]
