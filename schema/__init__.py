"""The GraphQL schema of Gatehouse, built once."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from auth.error_codes import GraphQLErrorCode
from schema.coded_errors import GraphQLErrorCodes
from schema.colleague_mutations import ColleagueMutations
from schema.debtor_mutations import DebtorMutations
from schema.errors import GRAPHQL_ERRORS
from schema.limits import QUERY_LIMITS
from schema.masking import MaskUnexpectedErrors
from schema.mfa_mutations import MfaMutations
from schema.password_mutations import PasswordMutations
from schema.personal_data import PersonalDataMutations
from schema.query import Query
from schema.registration_field_mutations import RegistrationFieldMutations
from schema.registration_mutations import RegistrationMutations
from schema.scalars import SCALAR_OVERRIDES
from schema.session_list_mutations import SessionListMutations
from schema.session_mutations import SessionMutations
from schema.session_notice import SessionNotice
from schema.shop_mutations import ShopMutations
from schema.shop_user_mutations import ShopUserMutations
from schema.staff_mutations import StaffMutations
from schema.subscription_transport import SubscriptionsOverWebSocket
from schema.subscriptions import Subscription
from schema.webhooks import WebhookMutations


@strawberry.type(
    description="Everything there is to change. Each mutation says who may call it. It answers "
    "a payload whose `userErrors` list what was wrong with its input (see UserError); the "
    "errors below come in the response's `errors` instead.\n\n" + GRAPHQL_ERRORS
)
class Mutation(
    SessionMutations,
    MfaMutations,
    SessionListMutations,
    PasswordMutations,
    RegistrationMutations,
    ShopMutations,
    RegistrationFieldMutations,
    DebtorMutations,
    ShopUserMutations,
    StaffMutations,
    WebhookMutations,
    PersonalDataMutations,
    ColleagueMutations,
):
    pass


class GatehouseSchema(strawberry.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # MaskUnexpectedErrors logs what is unexpected, with its request id; the
        # rest (validation, permissions) is the client's business, not the log's.
        return None


schema = GatehouseSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Named by no field, but partners read the codes of `extensions.code` here.
    types=[GraphQLErrorCode],
    scalar_overrides=SCALAR_OVERRIDES,
    config=StrawberryConfig(disable_field_suggestions=True),
    # The transport check after the limits: it refuses only a document they let through.
    extensions=[
        GraphQLErrorCodes, *QUERY_LIMITS, SubscriptionsOverWebSocket, MaskUnexpectedErrors, SessionNotice,
    ],
)
