"""The GraphQL schema of Gatehouse, built once."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser
from strawberry.tools import merge_types

from schema.debtor_mutations import DebtorMutations
from schema.limits import QUERY_LIMITS
from schema.masking import MaskUnexpectedErrors
from schema.password_mutations import PasswordMutations
from schema.query import Query
from schema.registration_field_mutations import RegistrationFieldMutations
from schema.registration_mutations import RegistrationMutations
from schema.session_mutations import SessionMutations
from schema.shop_mutations import ShopMutations
from schema.shop_user_mutations import ShopUserMutations

Mutation = merge_types(
    "Mutation",
    (
        SessionMutations,
        PasswordMutations,
        RegistrationMutations,
        ShopMutations,
        RegistrationFieldMutations,
        DebtorMutations,
        ShopUserMutations,
    ),
)


class GatehouseSchema(strawberry.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # MaskUnexpectedErrors logs what is unexpected, with its request id; the
        # rest (validation, permissions) is the client's business, not the log's.
        return None


# Strawberry's DateTime appends the parser's own message ("day is out of range for
# month"); a client hears only that the value is not an ISO date-time.
DateTimeWithoutParserText = dataclasses.replace(
    DateTimeDefinition,
    parse_value=wrap_parser(datetime.fromisoformat, "DateTime", include_error=False),
)

schema = GatehouseSchema(
    query=Query,
    scalar_overrides={datetime: DateTimeWithoutParserText},
    mutation=Mutation,
    config=StrawberryConfig(disable_field_suggestions=True),
    extensions=[*QUERY_LIMITS, MaskUnexpectedErrors],
)
