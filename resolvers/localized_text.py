"""Texts kept in several languages (labels, help texts): picking one, and checking staff's input."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from resolvers.errors import Problems


def pick(
    texts: Mapping[str, str] | Sequence[tuple[str, str]],
    language: str | None,
    shop_languages: Sequence[str],
) -> str | None:
    """The text in `language`, else in its base language ("de" for "de-AT"), else in the
    shop's languages in their order, else the first given; None when there is none."""
    by_language = _first_per_language(texts)
    if not by_language:
        return None
    asked = in_language(by_language, language)
    if asked is not None:
        return asked
    for candidate in shop_languages:
        if candidate in by_language:
            return by_language[candidate]
    return next(iter(by_language.values()))


def in_language(texts: Mapping[str, str], language: str | None) -> str | None:
    """The text in `language`, else in its base language ("de" for "de-AT"); None when
    neither is given."""
    for candidate in (language, language.split("-")[0]) if language else ():
        if candidate in texts:
            return texts[candidate]
    return None


def in_shop_order(texts: Mapping[str, str], shop_languages: Sequence[str]) -> list[tuple[str, str]]:
    """Every (language, text), the shop's languages first in their order, then any others
    alphabetically: a stored mapping keeps no order of its own (PostgreSQL's jsonb reorders its keys)."""
    order = {language: index for index, language in enumerate(shop_languages)}
    return sorted(texts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _first_per_language(texts: Mapping[str, str] | Sequence[tuple[str, str]]) -> dict[str, str]:
    pairs = texts.items() if isinstance(texts, Mapping) else texts
    found: dict[str, str] = {}
    for language, text in pairs:
        found.setdefault(language, text)
    return found


def localized_texts(
    problems: Problems,
    items: Sequence[tuple[str, str]],
    shop_languages: Sequence[str],
    field: str,
    *,
    max_length: int = 200,
    line_breaks: bool = False,
) -> dict[str, str]:
    """Staff's (language, text) list checked, as language → trimmed text in the given order.

    Each problem is INVALID at the item: (`field`, index, "language" or "text"). Labels are
    one line; a help text may pass `line_breaks` (\r\n becomes \n).
    """
    checked: dict[str, str] = {}
    for index, (given_language, given_text) in enumerate(items):
        at = problems.at(field, str(index))
        language = given_language.strip()
        if language not in shop_languages:
            at.invalid(f"Use one of the shop's languages: {', '.join(shop_languages)}.", "language")
        elif language in checked:
            at.invalid(f"Give one text per language; '{language}' comes twice.", "language")
        text = _checked_text(at, given_text, max_length, line_breaks)
        if not at.has("language"):
            checked[language] = text
    return checked


def _checked_text(problems: Problems, text: str, max_length: int, line_breaks: bool) -> str:
    text = text.strip().replace("\r\n", "\n")
    allowed = "\n" if line_breaks else ""
    if not text:
        problems.invalid("Enter the text.", "text")
    elif len(text) > max_length:
        problems.invalid(f"Use at most {max_length} characters.", "text")
    elif any(unicodedata.category(char) == "Cc" and char not in allowed for char in text):
        problems.invalid(
            "Remove the control characters (such as NUL) from this text."
            if line_breaks
            else "Use one line, without tabs or other control characters.",
            "text",
        )
    return text
