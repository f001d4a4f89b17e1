"""Telling a client its session has ended: `"session": "ENDED"` in the response's extensions."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

ENDED = {"session": "ENDED"}


class SessionNotice(SchemaExtension):
    """Adds `extensions.session = "ENDED"` when the token sent signed nobody in (schema/context.py).

    Only get_results is overridden: Strawberry runs no lifecycle hook for this extension, so a
    request without the notice pays one attribute read.
    """

    def get_results(self) -> dict[str, Any]:
        ended = getattr(self.execution_context.context, "session_ended", False)
        return dict(ENDED) if ended else {}
