"""Normal forms of values that are compared, so the database can enforce uniqueness."""

from __future__ import annotations


def normalise_email(email: str | None) -> str | None:
    """Emails are compared case-insensitively and without surrounding blanks."""
    if email is None:
        return None
    email = email.strip().lower()
    return email or None


def username_key(username: str) -> str:
    """The form of a username that must be unique per shop (case-insensitive)."""
    return username.strip().casefold()


def name_key(name: str) -> str:
    """The form of a company name that matches another ignoring case, in every alphabet.

    Done here rather than with SQL's UPPER(), which on SQLite folds ASCII letters only.
    """
    return " ".join(name.casefold().split())
