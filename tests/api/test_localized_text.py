"""Texts in several languages: which one a reader gets, and what staff may give."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from resolvers.errors import ErrorCode, Problems
from resolvers.localized_text import localized_texts, pick

SHOP_LANGUAGES = ("nl", "en", "de")
LABELS = {"en": "Chamber of Commerce number", "nl": "KvK-nummer", "fr": "Numéro CCI"}


@pytest.mark.parametrize(
    ("texts", "language", "picked"),
    [
        (LABELS, "en", "Chamber of Commerce number"),
        (LABELS, "fr", "Numéro CCI"),  # asked, though the shop no longer offers it
        (LABELS, "de", "KvK-nummer"),  # the shop's first language
        (LABELS, None, "KvK-nummer"),
        (LABELS, "", "KvK-nummer"),
        (LABELS, "en-GB", "Chamber of Commerce number"),  # the base language
        ({"de": "Telefon", "en": "Phone"}, "fr", "Phone"),  # the shop's next language
        ({"fr": "Téléphone", "es": "Teléfono"}, "nl", "Téléphone"),  # the first given
        ([("es", "Teléfono"), ("fr", "Téléphone")], "nl", "Teléfono"),
        ([("en", "First"), ("en", "Second")], "en", "First"),
        ({}, "nl", None),
        ([], None, None),
    ],
)
def test_pick_falls_back_from_the_language_asked_to_the_shops_to_any(
    texts: Mapping[str, str] | Sequence[tuple[str, str]], language: str | None, picked: str | None
) -> None:
    assert pick(texts, language, SHOP_LANGUAGES) == picked


def test_pick_without_shop_languages_takes_the_first_given() -> None:
    assert pick({"de": "Telefon", "en": "Phone"}, "fr", []) == "Telefon"


def test_localized_texts_keeps_the_trimmed_texts_in_the_given_order() -> None:
    problems = Problems()

    texts = localized_texts(problems, [("en", "  Phone "), (" nl", "Telefoon")], SHOP_LANGUAGES, "labels")

    assert not problems
    assert list(texts.items()) == [("en", "Phone"), ("nl", "Telefoon")]


def test_localized_texts_of_an_empty_list_is_empty() -> None:
    problems = Problems()

    assert localized_texts(problems, [], SHOP_LANGUAGES, "labels") == {}
    assert not problems


@pytest.mark.parametrize(
    ("items", "path"),
    [
        ([("fr", "Téléphone")], ("labels", "0", "language")),
        ([("NL", "Telefoon")], ("labels", "0", "language")),
        ([("nl", "Telefoon"), ("nl", "Tel.")], ("labels", "1", "language")),
        ([("nl", "   ")], ("labels", "0", "text")),
        ([("nl", "x" * 201)], ("labels", "0", "text")),
        ([("nl", "two\nlines")], ("labels", "0", "text")),
        ([("nl", "tab\there")], ("labels", "0", "text")),
        ([("en", "Phone"), ("nl", "nul\x00")], ("labels", "1", "text")),
    ],
)
def test_localized_texts_refuses_an_item_at_its_path(
    items: list[tuple[str, str]], path: tuple[str, ...]
) -> None:
    problems = Problems()

    localized_texts(problems.at("input"), items, SHOP_LANGUAGES, "labels")

    assert [(p.code, p.field) for p in problems] == [(ErrorCode.INVALID, ("input", *path))]


def test_localized_texts_reports_every_item_wrong_at_once() -> None:
    problems = Problems()

    localized_texts(problems, [("fr", "Téléphone"), ("nl", ""), ("en", "ok")], SHOP_LANGUAGES, "labels")

    assert [p.field for p in problems] == [("labels", "0", "language"), ("labels", "1", "text")]


def test_the_refusal_of_a_language_names_the_shops_languages() -> None:
    problems = Problems()

    localized_texts(problems, [("fr", "Téléphone")], SHOP_LANGUAGES, "labels")

    assert "nl, en, de" in next(iter(problems)).message


def test_localized_texts_takes_a_length_limit() -> None:
    problems = Problems()

    texts = localized_texts(problems, [("nl", "x" * 1000)], SHOP_LANGUAGES, "helpTexts", max_length=1000)
    localized_texts(problems, [("nl", "x" * 1001)], SHOP_LANGUAGES, "helpTexts", max_length=1000)

    assert texts == {"nl": "x" * 1000}
    assert [p.field for p in problems] == [("helpTexts", "0", "text")]


def test_a_help_text_may_have_line_breaks_when_allowed() -> None:
    problems = Problems()

    texts = localized_texts(
        problems, [("nl", "Line one\r\nLine two")], SHOP_LANGUAGES, "helpTexts", line_breaks=True
    )
    localized_texts(problems, [("en", "nul\x00")], SHOP_LANGUAGES, "helpTexts", line_breaks=True)

    assert texts == {"nl": "Line one\nLine two"}
    assert [p.field for p in problems] == [("helpTexts", "0", "text")]
