"""Where rendered mail goes: the log (`console`, the default) or an SMTP server (`smtp`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

import aiosmtplib

from mail.rendering import RenderedMail

logger = logging.getLogger("gatehouse.mail")


def message_id_header(message_id: str, sender: str) -> str:
    """`<id@domain>` with the sender's domain; the id is stored, so retries keep it."""
    domain = sender.rpartition("@")[2] or "gatehouse.invalid"
    return f"<{message_id}@{domain}>"


def build_message(
    mail: RenderedMail, *, sender: str, recipient: str, message_id: str, created_at: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = message_id_header(message_id, sender)
    message["Date"] = format_datetime(created_at)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class MailBackend(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class ConsoleBackend:
    """Prints each mail to the log: the default, so nothing leaves a developer's machine."""

    async def send(self, message: EmailMessage) -> None:
        text = message.get_body(preferencelist=("plain",))
        logger.info(
            "Mail to %s: %s\n%s", message["To"], message["Subject"], text.get_content() if text else ""
        )


@dataclass(frozen=True)
class SmtpBackend:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30

    def __post_init__(self) -> None:
        if self.username and not self.starttls:
            raise ValueError(
                "SMTP credentials are set without STARTTLS: Gatehouse never logs in over an "
                "unencrypted connection (set GATEHOUSE_SMTP_STARTTLS=1)."
            )

    async def send(self, message: EmailMessage) -> None:
        # start_tls is explicit: aiosmtplib would otherwise decide by itself.
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.starttls,
            timeout=self.timeout,
        )


