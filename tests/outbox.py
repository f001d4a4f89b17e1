"""Reading the mails a use case queued in the outbox, before any delivery."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from models import OutboxMessage


def link_token(message: OutboxMessage | None, key: str) -> str:
    """The `token=` of the link that `message`'s context holds under `key` (e.g. "reset_url")."""
    assert message is not None, f"no mail with a {key}"
    [token] = parse_qs(urlsplit(message.context[key]).query)["token"]
    return token
