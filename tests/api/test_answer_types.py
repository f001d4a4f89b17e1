"""Typed answers to extra registration questions: what each type accepts, how it is stored,
and what it refuses (one problem at the answer's field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from models.field_types import RegistrationFieldType as T
from resolvers.answer_types import (
    MAX_TEXT_LENGTH,
    FieldRule,
    Normalised,
    check_answer,
    compact_vat_number,
    country_code,
    country_names,
)
from resolvers.errors import ErrorCode, Problem, Problems

OPTIONS = ("red", "green", "blue")


def answer(
    type_: T,
    value: str | None,
    *,
    values: Sequence[str] | None = None,
    required: bool = True,
    language: str = "en",
    country: str | None = None,
) -> tuple[Normalised | None, list[Problem]]:
    problems = Problems()
    rule = FieldRule(type_, required, OPTIONS if type_ in (T.CHOICE, T.MULTI_CHOICE) else ())
    result = check_answer(
        problems.at("answers"), rule, "q", value, values, language=language, country=country
    )
    return result, list(problems)


@pytest.mark.parametrize(
    ("type_", "given", "context", "stored"),
    [
        (T.TEXT, "  Acme Trading  ", {}, "Acme Trading"),
        (T.TEXT, "tab\tinside", {}, "tab\tinside"),
        (T.TEXT, "é" * MAX_TEXT_LENGTH, {}, "é" * MAX_TEXT_LENGTH),
        (T.MULTILINE, " line one\r\nline two\rthree\n", {}, "line one\nline two\nthree"),
        (T.NUMBER, "1.5", {}, "1.5"),
        (T.NUMBER, "1,234.50", {}, "1234.5"),
        (T.NUMBER, "-12", {}, "-12"),
        (T.NUMBER, "-0.00", {}, "0"),
        (T.NUMBER, "1200", {}, "1200"),
        (T.NUMBER, ".5", {}, "0.5"),
        (T.NUMBER, "1,5", {"language": "nl"}, "1.5"),
        (T.NUMBER, "1.234,5", {"language": "nl"}, "1234.5"),
        (T.NUMBER, "1.5", {"language": "nl"}, "1.5"),
        (T.NUMBER, "1.234", {"language": "nl"}, "1234"),
        (T.NUMBER, "1,5", {"language": "de-AT"}, "1.5"),
        (T.NUMBER, "1\u202f234,5", {"language": "fr"}, "1234.5"),
        (T.NUMBER, "2.5", {"language": "no-such-language"}, "2.5"),
        # Past the 28 digits of Decimal's default context: nothing is rounded.
        (T.NUMBER, "12345678901234567890123456789012.25", {}, "12345678901234567890123456789012.25"),
        (T.EMAIL, " Jan.Jansen@Example.COM ", {}, "jan.jansen@example.com"),
        (T.EMAIL, "buyer@shop.test", {}, "buyer@shop.test"),
        (T.PHONE, "06 12345678", {"country": "NL"}, "+31612345678"),
        (T.PHONE, "06 12345678", {"country": "nl"}, "+31612345678"),
        (T.PHONE, "+32 2 555 12 12", {}, "+3225551212"),
        (T.PHONE, "+32 2 555 12 12", {"country": "NL"}, "+3225551212"),
        (T.PHONE, "0032 2 555 12 12", {"country": "NL"}, "+3225551212"),
        (T.URL, "https://example.com", {}, "https://example.com"),
        (T.URL, "HTTPS://Shop.Example.COM/Path?Q=1#Top", {}, "https://shop.example.com/Path?Q=1#Top"),
        (T.URL, "http://localhost:8080/x", {}, "http://localhost:8080/x"),
        (T.URL, "http://[2001:DB8::1]/", {}, "http://[2001:db8::1]/"),
        (T.VAT_NUMBER, "nl 0044.95445.b01", {}, "NL004495445B01"),
        (T.VAT_NUMBER, "004495445B01", {"country": "NL"}, "NL004495445B01"),
        (T.VAT_NUMBER, "BE 0403.019.261", {}, "BE0403019261"),
        (T.VAT_NUMBER, "BE0403019261", {"country": "NL"}, "BE0403019261"),
        (T.VAT_NUMBER, "EL 094259216", {}, "EL094259216"),
        (T.VAT_NUMBER, "GR094259216", {}, "EL094259216"),
        (T.VAT_NUMBER, "094259216", {"country": "GR"}, "EL094259216"),
        (T.VAT_NUMBER, "CHE-116.281.710 MWST", {}, "CHE116281710MWST"),
        (T.VAT_NUMBER, "CHE-116.281.710 MWST", {"country": "CH"}, "CHE116281710MWST"),
        (T.VAT_NUMBER, "995 525 828 MVA", {"country": "NO"}, "NO995525828MVA"),
        (T.VAT_NUMBER, "NO 995 525 828 MVA", {}, "NO995525828MVA"),
        (T.VAT_NUMBER, "GB 980 7806 84", {}, "GB980780684"),
        (T.COUNTRY, "nl", {}, "NL"),
        (T.COUNTRY, " De ", {}, "DE"),
        (T.COUNTRY, "XK", {}, "XK"),
        (T.CHOICE, " green ", {}, "green"),
        (T.CHECKBOX, "true", {}, "true"),
        (T.CHECKBOX, "TRUE", {}, "true"),
        (T.DATE, "2024-02-29", {}, "2024-02-29"),
        (T.DATE, "0001-01-01", {}, "0001-01-01"),
    ],
)
def test_an_accepted_answer_is_stored_normalised(
    type_: T, given: str, context: dict[str, Any], stored: str
) -> None:
    result, problems = answer(type_, given, **context)

    assert problems == []
    assert result == Normalised(stored, (stored,))


@pytest.mark.parametrize(
    ("type_", "given", "context"),
    [
        (T.TEXT, "two\nlines", {}),
        (T.TEXT, "line\u2028separator", {}),
        (T.TEXT, "nul\x00inside", {}),
        (T.TEXT, "x" * (MAX_TEXT_LENGTH + 1), {}),
        (T.MULTILINE, "bell\x07", {}),
        (T.MULTILINE, "x\n" * MAX_TEXT_LENGTH, {}),
        (T.NUMBER, "one", {}),
        (T.NUMBER, "NaN", {}),
        (T.NUMBER, "Infinity", {}),
        (T.NUMBER, "-inf", {}),
        (T.NUMBER, "1e5", {}),
        (T.NUMBER, "1e999999999", {}),
        (T.NUMBER, "0x10", {}),
        (T.NUMBER, "1,5", {}),
        (T.NUMBER, "1.2.3", {}),
        (T.NUMBER, "1,5", {"language": "en"}),
        (T.NUMBER, "1" * 65, {}),
        (T.EMAIL, "not an address", {}),
        (T.EMAIL, "jan@", {}),
        (T.PHONE, "06 12345678", {}),
        (T.PHONE, "+31 6 1234", {}),
        (T.PHONE, "call me", {"country": "NL"}),
        (T.PHONE, "12345", {"country": "NL"}),
        (T.PHONE, "06 12345678", {"country": "ZZ"}),
        (T.URL, "ftp://x", {}),
        (T.URL, "javascript:alert(1)", {}),
        (T.URL, "example.com", {}),
        (T.URL, "https://", {}),
        (T.URL, "https://exa mple.com", {}),
        (T.URL, "https://exa\tmple.com", {}),
        (T.URL, "https://user:secret@example.com", {}),
        (T.URL, "https://example.com:99999", {}),
        (T.URL, "https://example.com/" + "x" * MAX_TEXT_LENGTH, {}),
        (T.VAT_NUMBER, "BE0403019262", {}),
        (T.VAT_NUMBER, "BE0403019262", {"country": "BE"}),
        (T.VAT_NUMBER, "NL004495446B01", {}),
        (T.VAT_NUMBER, "DE136695977", {}),
        (T.VAT_NUMBER, "004495445B01", {}),
        (T.VAT_NUMBER, "004495445B01", {"country": "BE"}),
        (T.VAT_NUMBER, "995 525 828 MVA", {}),
        (T.VAT_NUMBER, "123456789", {"country": "US"}),
        (T.VAT_NUMBER, "EU123456789", {}),
        (T.VAT_NUMBER, "not a number", {}),
        (T.COUNTRY, "Netherlands", {}),
        (T.COUNTRY, "EU", {}),
        (T.COUNTRY, "ZZ", {}),
        (T.COUNTRY, "001", {}),
        (T.COUNTRY, "QQ", {}),
        (T.CHOICE, "purple", {}),
        (T.CHOICE, "Green", {}),
        (T.CHECKBOX, "yes", {}),
        (T.CHECKBOX, "false", {}),
        (T.DATE, "2023-02-29", {}),
        (T.DATE, "20240101", {}),
        (T.DATE, "2024-W01-1", {}),
        (T.DATE, "31-12-2024", {}),
        (T.DATE, "2024-1-5", {}),
        (T.DATE, "\uff12\uff10\uff12\uff14-01-01", {}),
    ],
)
def test_a_refused_answer_files_one_invalid_at_its_field(
    type_: T, given: str, context: dict[str, Any]
) -> None:
    result, problems = answer(type_, given, **context)

    assert result is None
    assert [(p.code, p.field) for p in problems] == [(ErrorCode.INVALID, ("answers", "q"))]
    assert problems[0].message.endswith(".")


@pytest.mark.parametrize("type_", [t for t in T if t is not T.MULTI_CHOICE])
@pytest.mark.parametrize("given", [None, "", "   "])
def test_a_required_answer_left_out_is_field_required(type_: T, given: str | None) -> None:
    result, problems = answer(type_, given)

    assert result is None
    assert [(p.code, p.field, p.message) for p in problems] == [
        (ErrorCode.FIELD_REQUIRED, ("answers", "q"), "This field is required.")
    ]


def test_the_required_message_can_name_the_question() -> None:
    problems = Problems()

    check_answer(
        problems,
        FieldRule(T.TEXT, True),
        "q",
        None,
        None,
        language="en",
        country=None,
        required="'Chamber of Commerce number' is required.",
    )

    assert [p.message for p in problems] == ["'Chamber of Commerce number' is required."]


@pytest.mark.parametrize("type_", [t for t in T if t is not T.CHECKBOX])
@pytest.mark.parametrize("given", [None, "", "  "])
def test_an_optional_answer_may_be_left_out(type_: T, given: str | None) -> None:
    assert answer(type_, given, required=False) == (None, [])


@pytest.mark.parametrize(
    ("given", "stored"), [(None, "false"), ("", "false"), ("False", "false"), ("true", "true")]
)
def test_an_optional_checkbox_is_true_or_false(given: str | None, stored: str) -> None:
    assert answer(T.CHECKBOX, given, required=False) == (Normalised(stored, (stored,)), [])


@pytest.mark.parametrize(
    ("values", "stored"),
    [
        (["blue", "red"], ("red", "blue")),
        (["green", " green ", "green"], ("green",)),
        (["blue", "", "green", "red"], ("red", "green", "blue")),
    ],
)
def test_multi_choice_keeps_each_chosen_option_once_in_option_order(
    values: list[str], stored: tuple[str, ...]
) -> None:
    assert answer(T.MULTI_CHOICE, None, values=values) == (Normalised(", ".join(stored), stored), [])


def test_multi_choice_takes_a_lone_value_as_its_one_choice() -> None:
    assert answer(T.MULTI_CHOICE, "green") == (Normalised("green", ("green",)), [])


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (["red", "purple"], ErrorCode.INVALID),
        (["Red"], ErrorCode.INVALID),
        (["red", "nul\x00"], ErrorCode.INVALID),
        ([], ErrorCode.FIELD_REQUIRED),
        (["", " "], ErrorCode.FIELD_REQUIRED),
        (None, ErrorCode.FIELD_REQUIRED),
    ],
)
def test_multi_choice_refuses_unknown_options_and_needs_one_when_required(
    values: list[str] | None, code: ErrorCode
) -> None:
    result, problems = answer(T.MULTI_CHOICE, None, values=values)

    assert result is None
    assert [(p.code, p.field) for p in problems] == [(code, ("answers", "q"))]


def test_an_optional_multi_choice_left_empty_is_left_out() -> None:
    assert answer(T.MULTI_CHOICE, None, values=[], required=False) == (None, [])


def test_a_single_valued_type_takes_the_one_item_of_values() -> None:
    assert answer(T.COUNTRY, None, values=["be"]) == (Normalised("BE", ("BE",)), [])


def test_a_single_valued_type_refuses_several_values() -> None:
    result, problems = answer(T.CHOICE, None, values=["red", "blue"])

    assert result is None
    assert [(p.code, p.message) for p in problems] == [(ErrorCode.INVALID, "This question takes one answer.")]


def test_a_phone_number_without_country_asks_for_the_country_code() -> None:
    _, problems = answer(T.PHONE, "020 123 4567")

    assert "country code" in problems[0].message


@pytest.mark.parametrize(
    ("text", "country", "compact"),
    [
        ("nl 0044.95445.b01", None, "NL004495445B01"),
        ("NL004495445B01", "BE", "NL004495445B01"),
        ("0044 95445 B01", "nl", "NL004495445B01"),
        ("GR 094259216", None, "EL094259216"),
        ("CHE-116.281.710 MWST", None, "CHE116281710MWST"),
        ("995525828MVA", "NO", "NO995525828MVA"),
        ("DE 136 695 976", None, "DE136695976"),
        ("BE0403019262", None, None),
        ("BE0403019262", "BE", None),
        ("004495445B01", None, None),
        ("004495445B01", "Netherlands", None),
        ("", "NL", None),
        ("NL", None, None),
    ],
)
def test_compact_vat_number(text: str, country: str | None, compact: str | None) -> None:
    assert compact_vat_number(text, country) == compact


def test_the_same_vat_number_written_two_ways_compacts_alike() -> None:
    assert compact_vat_number("NL 0044.95445.B01") == compact_vat_number("nl004495445b01")


def test_country_names_are_iso_countries_named_and_sorted_in_the_language() -> None:
    names = dict(country_names("de"))

    assert names["DE"] == "Deutschland"
    assert names["NL"] == "Niederlande"
    assert len(names) == 250  # ISO 3166-1's 249, and Kosovo
    assert not {"001", "150", "ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AC", "IC"} & names.keys()
    order = [code for code, _ in country_names("de")]
    # Ägypten with the A's, Österreich with the O's, as German sorts them.
    assert order.index("AF") < order.index("EG") < order.index("AL")
    assert order.index("OM") < order.index("AT") < order.index("PK")


@pytest.mark.parametrize(
    ("language", "germany"), [("nl", "Duitsland"), ("nl-BE", "Duitsland"), ("de-AT", "Deutschland")]
)
def test_country_names_follow_the_language_and_its_region(language: str, germany: str) -> None:
    assert dict(country_names(language))["DE"] == germany


@pytest.mark.parametrize("language", ["xx", "", "not a language", "en"])
def test_country_names_fall_back_to_english(language: str) -> None:
    names = country_names(language)

    assert dict(names)["NL"] == "Netherlands"
    order = [code for code, _ in names]
    assert order[0] == "AF"
    assert order.index("AF") < order.index("AX") < order.index("AL")  # Åland Islands
    assert order[-1] == "ZW"


def test_every_country_named_is_accepted_as_a_country_answer() -> None:
    for code, _ in country_names("en"):
        assert answer(T.COUNTRY, code.lower()) == (Normalised(code, (code,)), [])


@pytest.mark.parametrize(("given", "stored"), [("nl", "NL"), (" be ", "BE"), ("CH", "CH")])
def test_country_code_is_stored_upper_case(given: str, stored: str) -> None:
    problems = Problems()

    assert country_code(problems, given, "defaultCountry") == stored
    assert not problems


@pytest.mark.parametrize("given", ["", "NLD", "EU", "ZZ", "001", "Nederland"])
def test_country_code_refuses_what_is_no_iso_country(given: str) -> None:
    problems = Problems()

    country_code(problems, given, "defaultCountry")

    assert [(p.code, p.field) for p in problems] == [(ErrorCode.INVALID, ("defaultCountry",))]
