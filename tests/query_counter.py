"""Counting the SQL statements that a piece of work sends, to catch N+1 regressions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SQL_LOGGER = logging.getLogger("tortoise.db_client")


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []
        self.with_parameters: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(("Created connection pool", "Closed connection pool")):
            return
        self.statements.append(message)
        # Tortoise logs a statement as (sql, parameters); anything else counts as SQL alone.
        sql: object = message
        parameters: Any = []
        if isinstance(record.args, tuple) and len(record.args) == 2:
            sql, parameters = record.args
        self.with_parameters.append((str(sql), list(parameters or [])))


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yields the list of statements sent inside the block (it fills as they are sent)."""
    with _counting() as counter:
        yield counter.statements


@contextmanager
def captured_statements() -> Iterator[list[tuple[str, list[Any]]]]:
    """Like count_queries, with each statement's SQL and parameters apart, to EXPLAIN them."""
    with _counting() as counter:
        yield counter.with_parameters


@contextmanager
def _counting() -> Iterator[_Counter]:
    counter = _Counter()
    previous_level = _SQL_LOGGER.level
    _SQL_LOGGER.setLevel(logging.DEBUG)
    _SQL_LOGGER.addHandler(counter)
    try:
        yield counter
    finally:
        _SQL_LOGGER.removeHandler(counter)
        _SQL_LOGGER.setLevel(previous_level)


def parameter_sizes(parameters: list[Any]) -> list[int | str]:
    """What a statement's parameters' sizes are made of: a string's length, else its type (ids,
    times…), so two statements can be compared for what would show in their timing."""
    return [len(value) if isinstance(value, str) else type(value).__name__ for value in parameters]
