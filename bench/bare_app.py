"""The yardstick: a bare Strawberry app answering the same `registrationForm` from memory.

No database, no sessions, no limits: what Strawberry, Starlette and uvicorn cost
on their own. `python -m bench.api` compares Gatehouse with it.
"""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.type
class RegistrationField:
    id: strawberry.ID
    key: str
    label: str
    position: int


@strawberry.type
class RegistrationForm:
    shop: str
    open: bool
    approval_mode: str
    fields: list[RegistrationField]
    languages: list[str]


FORM = RegistrationForm(
    shop="flora",
    open=True,
    approval_mode="MANUAL",
    fields=[
        RegistrationField(id=strawberry.ID(str(n)), key=key, label=label, position=n)
        for n, (key, label) in enumerate(
            [("chamber_of_commerce", "Chamber of Commerce number"), ("vat_number", "VAT number"),
             ("business_type", "Type of business")],
            start=1,
        )
    ],
    languages=["nl", "en", "de", "fr"],
)


@strawberry.type
class Query:
    @strawberry.field
    def registration_form(self, shop: str) -> RegistrationForm:
        return FORM


graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
app = Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])
