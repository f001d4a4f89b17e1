"""Fixtures for the command line and the HTTP edge."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The command group configures logging for a terminal; give the suite its own back."""
    loggers = [logging.getLogger(), logging.getLogger("tortoise")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    """Where the `gatehouse` command tests keep their SQLite database."""
    return tmp_path / "gatehouse.sqlite3"
