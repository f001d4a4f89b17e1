"""A real SMTP server (aiosmtpd) on a free loopback port, collecting what it receives."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from mail.backends import SmtpBackend
from mail.delivery import Deliverer
from resolvers.mail_jobs import mail_jobs
from tests.pg_cluster import free_port
from tests.use_cases import cheap_runtime


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == recipient]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.inbox = Inbox()
        # Controller(port=0) cannot report the port it got, so pick a free one first.
        self.port = port or free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


async def deliver(smtp: SmtpServer) -> None:
    """What the delivery loop of `serve` does: send what the outbox holds to a real SMTP server."""
    backend = SmtpBackend("127.0.0.1", smtp.port, timeout=5)
    jobs = mail_jobs(cheap_runtime())
    await Deliverer(backend, "shop@flora.test", clock=a_second_ahead, jobs=jobs).deliver_all_due()


def a_second_ahead() -> datetime:
    """The delivery clock: a second ahead, so mail queued just before counts as due."""
    return datetime.now(UTC) + timedelta(seconds=1)
