"""A real SMTP server that takes every mail and only counts it: where Gatehouse's mail goes."""

from __future__ import annotations

from typing import Any, Self

from aiosmtpd.controller import Controller

from tests.pg_cluster import free_port


class _Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Only the controller's event loop thread writes it; the bench's thread only reads.
        self.received += 1
        return "250 OK"


class SmtpSink:
    def __init__(self) -> None:
        self._counter = _Counter()
        # Controller(port=0) cannot report the port it got, so pick a free one first.
        self.port = free_port()
        self._controller = Controller(self._counter, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> int:
        return self._counter.received

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
