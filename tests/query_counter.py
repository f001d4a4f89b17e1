"""Counting the SQL statements that a piece of work sends, to catch N+1 regressions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_SQL_LOGGER = logging.getLogger("tortoise.db_client")


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection pool", "Closed connection pool")):
            self.statements.append(message)


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yields the list of statements sent inside the block (it fills as they are sent)."""
    counter = _Counter()
    previous_level = _SQL_LOGGER.level
    _SQL_LOGGER.setLevel(logging.DEBUG)
    _SQL_LOGGER.addHandler(counter)
    try:
        yield counter.statements
    finally:
        _SQL_LOGGER.removeHandler(counter)
        _SQL_LOGGER.setLevel(previous_level)
