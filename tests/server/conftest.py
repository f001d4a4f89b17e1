"""Fixtures for the command line and the HTTP edge."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The command group configures logging for a terminal; give the suite its own back."""
    loggers = [logging.getLogger(), logging.getLogger("tortoise")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)
