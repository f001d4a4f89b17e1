"""Normal forms of values that are compared, so the database can enforce uniqueness."""

from __future__ import annotations

import unicodedata


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
    """The form of a company name that another spelling of it shares: case-folded in every
    alphabet, composed alike ("u" + combining diaeresis is "ü"), blanks collapsed.

    Made in Python and stored with an index, so matching by company name is an indexed
    equality on both engines rather than a comparison through SQL functions.
    """
    # Folding can undo composition ("İ" folds to "i" + a combining dot): compose again after.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())
