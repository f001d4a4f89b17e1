"""The mark of a field a caller left out of an update, as opposed to one set to null."""

from __future__ import annotations

from typing import Any

# Compared by identity: no value a caller sends can be it.
UNCHANGED: Any = object()
