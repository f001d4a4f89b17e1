"""A person's data, by email address: exported, or erased (rule 17 of docs/api.md)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from auth.permissions import may
from auth.roles import Capability
from resolvers.personal_data_erasure import erase_personal_data
from resolvers.personal_data_export import export_personal_data
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT

WHO = (
    " OWNER or MANAGER of every shop (staff of some shops: OUTSIDE_OWN_SHOPS, since a person's data "
    "spans shops); an email that is not one is INVALID at [\"email\"]. Audited, naming the person by "
    "pseudonym. docs/personal-data.md lists what it covers, table by table."
)


@strawberry.input(description="Whose data: an email address.")
class PersonalDataInput:
    email: str = strawberry.field(
        description="The person's email address, compared as stored (without surrounding blanks, "
        "in lower case)."
    )


@strawberry.type(description="What exportPersonalData answers.")
class PersonalDataPayload:
    data: JSON | None = strawberry.field(
        default=None,
        description="Everything held about the address, as a JSON object of version 1: `version`, "
        "`email`, `exportedAt`, `pseudonym` (null without a secret key), and the lists "
        "`contactPersons`, `shopUsers` (each with its `sessions` and `links`), "
        "`registrationRequests` (with `answers`), `mails` (no content), `webhookMessages`, "
        "`auditEvents`, `staffAccounts` and `debtorsWithThisEmail`. No hash, secret, link or mail "
        "content. An address nothing is held about gives every list empty. Null when userErrors "
        "refused the call.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What erasePersonalData answers.")
class ErasePersonalDataPayload:
    erased: JSON | None = strawberry.field(
        default=None,
        description="What the erasure did, as a JSON object of version 1: `version`, `pseudonym` (what "
        "the audit log now says instead of the address), and counts: `shopUsersDeleted`, "
        "`sessionsEnded`, `linksDeleted`, `registrationRequestsDeleted`, "
        "`registrationAnswersDeleted`, `mailsDeleted`, `digestsShortened`, "
        "`webhookMessagesDeleted`, `webhookDeliveriesDeleted`, `contactPersonsAnonymised`, "
        "`auditEventsPseudonymised`, and what it left: `staffAccountsKept`, `debtorsKept`. An "
        "address nothing is held about gives zero counts. Null when userErrors refused the call.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class PersonalDataMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Everything held about a person, by email address, as one JSON document: "
        "contact persons, shop users with sessions and links, registration requests with answers, "
        "mails (no content), webhook events, audit events." + WHO,
    )
    @refusals_as(PersonalDataPayload)
    async def export_personal_data(
        self, info: GatehouseInfo, input: Annotated[PersonalDataInput, INPUT]
    ) -> PersonalDataPayload:
        document = await export_personal_data(info.context.runtime, info.context.caller, input.email)
        return PersonalDataPayload(data=JSON(document))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Erase a person's data in one call: their shop users (sessions and links "
        "included), registration requests, mails and webhook events go; their contact persons "
        "stay on their debtors, anonymised; the audit log keeps a keyed pseudonym instead of the "
        "address. A server without GATEHOUSE_SECRET_KEY refuses (PERSONAL_DATA_UNAVAILABLE)." + WHO,
    )
    @refusals_as(ErasePersonalDataPayload)
    async def erase_personal_data(
        self, info: GatehouseInfo, input: Annotated[PersonalDataInput, INPUT]
    ) -> ErasePersonalDataPayload:
        counts = await erase_personal_data(info.context.runtime, info.context.caller, input.email)
        return ErasePersonalDataPayload(erased=JSON(counts))
