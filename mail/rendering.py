"""Rendering a queued mail: Jinja2 templates (text and autoescaped HTML) and per-language strings.

The layout of each mail is one template per part in `templates/`; its words
are in `catalogs/<language>.toml`, so a translator edits one file per language.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from mail.template_names import mail_template

HERE = Path(__file__).resolve().parent
FALLBACK_LANGUAGE = "en"
# Staff keep no language of their own: every mail to staff goes in the default one.
STAFF_LANGUAGE = FALLBACK_LANGUAGE



@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def _environment(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        # Off only for the text parts, which HTML escaping would garble; the HTML parts escape.
        autoescape=autoescape,  # noqa: S701
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


_TEXT = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


@functools.cache
def _catalog(language: str) -> Mapping[str, Mapping[str, str]]:
    path = HERE / "catalogs" / f"{language}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def available_languages() -> list[str]:
    return sorted(path.stem for path in (HERE / "catalogs").glob("*.toml"))


def catalog_language(language: str) -> str:
    """The catalog to use for `language`: itself, its base ('de' for 'de-AT'), else English."""
    for candidate in (language, language.split("-")[0]):
        if _catalog(candidate):
            return candidate
    return FALLBACK_LANGUAGE


@functools.cache
def _compiled(environment: Environment, source: str) -> Template:
    return environment.from_string(source)


def _strings(
    environment: Environment, section: Mapping[str, str], context: Mapping[str, Any]
) -> dict[str, str]:
    """Each catalog string rendered with the mail's context (escaped for HTML)."""
    rendered: dict[str, str] = {}
    for key, source in section.items():
        value = _compiled(environment, source).render(context)
        # Rendered by the autoescaping environment, so already escaped: Markup keeps it from
        # being escaped twice where the template puts it.
        rendered[key] = Markup(value) if environment.autoescape else value  # noqa: S704
    return rendered


def render(name: str, language: str, context: Mapping[str, Any]) -> RenderedMail:
    """The mail `name` (as OutboxMessage.template stores it) in `language`; ValueError for an
    unknown name."""
    template = mail_template(name)
    catalog = _catalog(catalog_language(language))
    base = {
        **context,
        "language": catalog_language(language),
        "staff": template.for_staff,
    }
    # Staff mails greet without a name; customer mails greet the customer.
    unused = {"greeting", "signature"} if base["staff"] else {"staff_greeting", "staff_signature"}
    common = {key: text for key, text in catalog["common"].items() if key not in unused}
    parts = {}
    for part, environment in (("txt", _TEXT), ("html", _HTML)):
        strings = {
            "common": _strings(environment, common, base),
            "t": _strings(environment, catalog[template], base),
        }
        subject = _strings(_TEXT, {"subject": catalog[template]["subject"]}, base)["subject"]
        parts[part] = environment.get_template(f"{template}.{part}.j2").render(
            {**base, **strings, "subject": subject}
        )
    # Collapsed to one line: a name with a line break must not forge mail headers.
    return RenderedMail(
        subject=" ".join(subject.split()), text=parts["txt"].strip() + "\n", html=parts["html"]
    )
