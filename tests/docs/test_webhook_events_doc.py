"""The repository keeps the webhook event catalogue as docs/webhook-events.md; it must be what
the code makes, from the builders that make the bodies sent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from models import WebhookEvent
from resolvers.webhook_catalogue import CATALOGUE_VERSION, catalogue

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "docs" / "webhook-events.md"
# A section: `### <type>`, the value to subscribe with, and the example body.
EXAMPLE = re.compile(
    r"^### (\S+)\n\nSubscribe with `(\w+)`\..*?```json\n(.*?)\n```", re.MULTILINE | re.DOTALL
)


def test_docs_webhook_events_md_matches_the_code():
    if not CATALOGUE_FILE.exists():
        pytest.fail("docs/webhook-events.md is missing: run `gatehouse export-webhook-events "
                    "> docs/webhook-events.md` and commit it.", pytrace=False)
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == catalogue(), (
        "docs/webhook-events.md differs from the catalogue the code makes: run `gatehouse "
        "export-webhook-events > docs/webhook-events.md` and commit the result (after checking "
        "the change is meant for partners; a field renamed or gone raises CATALOGUE_VERSION)."
    )


def test_the_catalogue_names_its_version_and_shows_one_example_body_per_event():
    text = catalogue()
    examples = {type_name: (value, json.loads(body)) for type_name, value, body in EXAMPLE.findall(text)}

    assert f"Event catalogue version {CATALOGUE_VERSION}." in text.splitlines()[:3]
    assert list(examples) == [event.type_name for event in WebhookEvent]
    for event in WebhookEvent:
        value, example = examples[event.type_name]
        assert value == event.value
        assert list(example) == ["type", "timestamp", "data"]
        assert example["type"] == event.type_name
        assert example["timestamp"].endswith("+00:00")
