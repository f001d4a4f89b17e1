"""Global ids as the API writes them: the one encoding of both the GraphQL answers (schema/nodes.py
`global_id` calls this) and what the use cases send outside GraphQL (webhooks' bodies).

It is Strawberry's, which `node(id:)` reads (strawberry.relay.GlobalID): a partner stores the id
a webhook sends and passes it to `node(id:)`, so the two must never differ.
"""

from __future__ import annotations

import base64


def global_id(type_name: str, pk: int) -> str:
    """The base64 (standard alphabet, with padding) of "TypeName:pk"."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")
