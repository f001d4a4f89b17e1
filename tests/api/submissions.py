"""The submitRegistration input a storefront sends for Eva Jansen to shop `flora`."""

from __future__ import annotations

from typing import Any


def submission(**values: Any) -> dict[str, Any]:
    """The variables of a submitRegistration call: Eva's form with one extra answer (the
    chamber of commerce number), `values` changing or adding input fields."""
    return {"input": {
        "shop": "flora", "name": "Eva Jansen", "email": "eva@kwekerij.test",
        "company": "Kwekerij Jansen", "language": "en",
        "answers": [{"key": "chamber_of_commerce", "value": "12345678"}],
        **values,
    }}
