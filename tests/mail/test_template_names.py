"""MailTemplate names every mail there is: each has its two templates and a catalog section."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mail.outbox import enqueue
from mail.rendering import HERE, render
from mail.template_names import MailTemplate
from models import OutboxMessage

# Templates the mails extend or import: layouts, not mails.
LAYOUTS = {"base", "macros"}


def template_files() -> list[Path]:
    return sorted((HERE / "templates").glob("*.j2"))


def test_every_mail_template_has_a_text_and_an_html_part():
    names = {path.name for path in template_files()}

    missing = [
        f"{template}.{part}.j2"
        for template in MailTemplate
        for part in ("txt", "html")
        if f"{template}.{part}.j2" not in names
    ]

    assert missing == []


def test_every_template_file_but_the_layouts_is_a_mail_template():
    stems = {path.name.split(".")[0] for path in template_files()}

    assert stems - LAYOUTS == {template.value for template in MailTemplate}


@pytest.mark.parametrize("catalog", sorted((HERE / "catalogs").glob("*.toml")), ids=lambda path: path.stem)
def test_every_catalog_has_the_words_of_every_mail_and_of_no_other(catalog):
    sections = set(tomllib.loads(catalog.read_text(encoding="utf-8")))

    assert sections - {"common"} == {template.value for template in MailTemplate}


def test_a_name_that_is_no_mail_template_is_not_rendered():
    with pytest.raises(ValueError, match="unknown mail template 'welcom'"):
        render("welcom", "en", {})


async def test_a_name_that_is_no_mail_template_is_not_queued(db):
    with pytest.raises(ValueError, match="unknown mail template 'welcom'"):
        await enqueue(
            recipient="eva@x.test", template="welcom", language="en",  # type: ignore[arg-type]
            context={}, now=datetime.now(UTC),
        )

    assert await OutboxMessage.all().count() == 0


async def test_a_queued_mail_stores_its_template_as_the_plain_name(db):
    row = await enqueue(
        recipient="eva@x.test", template=MailTemplate.REQUEST_RECEIVED, language="en",
        context={"shop_name": "Flora", "name": "Eva"}, now=datetime.now(UTC),
    )

    assert type(row.template) is str
    assert await OutboxMessage.filter(template="request_received").count() == 1
