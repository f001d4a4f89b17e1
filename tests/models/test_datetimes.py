"""Datetimes read back as they were written, parsed in C where SQLite hands them over as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import tortoise.fields.data

from models import AdminUser


def test_the_install_parses_stored_datetimes_with_ciso8601():
    # pyproject.toml installs it with Tortoise's own `accel` marker (CPython, not Windows).
    ciso8601 = pytest.importorskip("ciso8601")
    # Tortoise takes ciso8601 when it can import it (its `accel` extra); else a parser in Python
    # that took a tenth of a staff page's CPU.
    assert vars(tortoise.fields.data)["parse_datetime"] is ciso8601.parse_datetime


async def test_a_datetime_reads_back_to_the_microsecond_and_in_utc(db):
    written = datetime(2026, 12, 3, 17, 45, 12, 345678, tzinfo=timezone(timedelta(hours=1)))
    admin = await AdminUser.create(email="clock@gatehouse.test", password_hash="x", last_login_at=written)

    read = await AdminUser.get(id=admin.id)

    assert read.last_login_at == written
    assert read.last_login_at is not None
    assert read.last_login_at.utcoffset() == timedelta(0)
    assert read.last_login_at.astimezone(UTC).hour == 16
