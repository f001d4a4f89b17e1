"""Creating and changing debtors and their contact persons (staff)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from auth.permissions import may
from auth.roles import Capability
from resolvers import debtor_merge, debtors
from schema.context import GatehouseInfo
from schema.customers import ContactPerson, Debtor
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT, given_fields
from schema.nodes import pk_of

NUMBER = (
    "Unique customer number: 1 to 32 letters, digits, dots, slashes, hyphens or underscores, "
    "starting with a letter or digit; a taken one is INVALID."
)
NAME = "The company's name, 1 to 200 characters."
EMAIL = "The company's email address."
PHONE = "A phone number, at most 64 characters."
VAT_NUMBER = "VAT number, e.g. 'NL853865392B01'; spaces, dots and hyphens are dropped."
ADDRESS = "Postal address, at most 1000 characters; may span lines."
PRICE_LIST_TAGS = "Tags that choose the debtor's price lists: at most 100, 1 to 64 characters each."
MINIMUM = "Overrides the shop's minimum order amount: 0 to 999999999999.99, kept to the cent."
LIMIT = "Overrides the shop's checkout payment limit, never below the minimum: 0 to 999999999999.99."
FIRST_NAME = "Given name, 1 to 100 characters."
LAST_NAME = "Family name, 1 to 100 characters."
CONTACT_EMAIL = "Email address; mail to the person goes here."
LANGUAGE = "The language of mail to the person: a code such as 'nl', 'en' or 'de-AT'."
KEEPS = " Left out, it keeps its value; null empties it."


@strawberry.input(description="A new debtor; the number is generated (D000042) when not given.")
class CreateDebtorInput:
    number: str | None = strawberry.field(default=None, description=NUMBER + " Null: generated.")
    name: str = strawberry.field(description=NAME)
    email: str | None = strawberry.field(default=None, description=EMAIL)
    phone: str | None = strawberry.field(default=None, description=PHONE)
    vat_number: str | None = strawberry.field(default=None, description=VAT_NUMBER)
    address: str | None = strawberry.field(default=None, description=ADDRESS)
    price_list_tags: list[str] | None = strawberry.field(default=None, description=PRICE_LIST_TAGS)
    minimum_order_amount: Decimal | None = strawberry.field(default=None, description=MINIMUM)
    checkout_payment_limit: Decimal | None = strawberry.field(default=None, description=LIMIT)


@strawberry.input(description="The debtor and the fields to change; a field left out keeps its value.")
class UpdateDebtorInput:
    id: strawberry.ID = strawberry.field(description="The debtor's global id.")
    number: str | None = strawberry.field(
        default=strawberry.UNSET, description=NUMBER + " Left out, it keeps its value; null is INVALID."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=NAME + " Left out, it keeps its value; null is refused."
    )
    email: str | None = strawberry.field(default=strawberry.UNSET, description=EMAIL + KEEPS)
    phone: str | None = strawberry.field(default=strawberry.UNSET, description=PHONE + KEEPS)
    vat_number: str | None = strawberry.field(default=strawberry.UNSET, description=VAT_NUMBER + KEEPS)
    address: str | None = strawberry.field(default=strawberry.UNSET, description=ADDRESS + KEEPS)
    price_list_tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=PRICE_LIST_TAGS + KEEPS
    )
    minimum_order_amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=MINIMUM + KEEPS
    )
    checkout_payment_limit: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=LIMIT + KEEPS
    )


@strawberry.input(description="A new contact person of an existing debtor.")
class CreateContactPersonInput:
    debtor_id: strawberry.ID = strawberry.field(description="The debtor's global id.")
    first_name: str = strawberry.field(description=FIRST_NAME)
    last_name: str = strawberry.field(description=LAST_NAME)
    email: str | None = strawberry.field(default=None, description=CONTACT_EMAIL)
    phone: str | None = strawberry.field(default=None, description=PHONE)
    language: str = strawberry.field(description=LANGUAGE)


@strawberry.input(
    description="The contact person and the fields to change; a field left out keeps its value."
)
class UpdateContactPersonInput:
    id: strawberry.ID = strawberry.field(description="The contact person's global id.")
    first_name: str | None = strawberry.field(
        default=strawberry.UNSET, description=FIRST_NAME + " Left out, it keeps its value."
    )
    last_name: str | None = strawberry.field(
        default=strawberry.UNSET, description=LAST_NAME + " Left out, it keeps its value."
    )
    email: str | None = strawberry.field(default=strawberry.UNSET, description=CONTACT_EMAIL + KEEPS)
    phone: str | None = strawberry.field(default=strawberry.UNSET, description=PHONE + KEEPS)
    language: str | None = strawberry.field(
        default=strawberry.UNSET, description=LANGUAGE + " Left out, it keeps its value; null is INVALID."
    )


@strawberry.input(
    description="Duplicates of one customer company merged into the debtor that remains, in one "
    "transaction: the sources' contact persons (with their shop users), registration requests "
    "and price-list tags move to the target, the target's empty fields are filled from the "
    "sources, and the sources are deleted (rule 15 of the API reference)."
)
class MergeDebtorsInput:
    target_id: strawberry.ID = strawberry.field(
        description="The global id of the debtor that remains; one that names no debtor is "
        "NOT_FOUND at [\"targetId\"]."
    )
    source_ids: list[strawberry.ID] = strawberry.field(
        description=f"The global ids of the debtors merged into the target and then deleted: 1 to "
        f"{debtor_merge.MAX_SOURCES}, each once (else INVALID at [\"sourceIds\"], a repeat INVALID "
        "at its index), never the target (TARGET_AMONG_SOURCES at its index). An empty field of "
        "the target takes the first source's value in this order; one that names no debtor is "
        "NOT_FOUND at [\"sourceIds\", \"<index>\"]."
    )


@strawberry.type(description="What createDebtor, updateDebtor and mergeDebtors answer.")
class DebtorPayload:
    debtor: Debtor | None = strawberry.field(
        default=None, description="The debtor as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What createContactPerson and updateContactPerson answer.")
class ContactPersonPayload:
    contact_person: ContactPerson | None = strawberry.field(
        default=None, description="The contact person as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type
class DebtorMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Add a customer company (OWNER, MANAGER).",
    )
    @refusals_as(DebtorPayload)
    async def create_debtor(
        self, info: GatehouseInfo, input: Annotated[CreateDebtorInput, INPUT]
    ) -> DebtorPayload:
        debtor = await debtors.create_debtor(info.context.runtime, info.context.caller, given_fields(input))
        return DebtorPayload(debtor=Debtor.from_model(debtor))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Change a debtor's fields (OWNER, MANAGER); an unknown id is NOT_FOUND at [\"id\"].",
    )
    @refusals_as(DebtorPayload)
    async def update_debtor(
        self, info: GatehouseInfo, input: Annotated[UpdateDebtorInput, INPUT]
    ) -> DebtorPayload:
        debtor = await debtors.update_debtor(
            info.context.runtime, info.context.caller, pk_of(input.id, "Debtor"),
            given_fields(input, leave_out=("id",)),
        )
        return DebtorPayload(debtor=Debtor.from_model(debtor))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Merge duplicate debtors into one (OWNER, MANAGER), all or nothing; answers the "
        "debtor that remains, and the sources read as null by node(id:) afterwards. Two contact "
        "persons of one email stay two unless one has no shop user: that one is folded into the "
        f"other. Together at most {debtor_merge.MAX_PRICE_LIST_TAGS} price-list tags (else INVALID "
        "at [\"sourceIds\"]). Partners hear one DEBTORS_MERGED event.",
    )
    @refusals_as(DebtorPayload)
    async def merge_debtors(
        self, info: GatehouseInfo, input: Annotated[MergeDebtorsInput, INPUT]
    ) -> DebtorPayload:
        merged = await debtor_merge.merge_debtors(
            info.context.runtime, info.context.caller, pk_of(input.target_id, "Debtor"),
            [pk_of(source_id, "Debtor") for source_id in input.source_ids],
        )
        return DebtorPayload(debtor=Debtor.from_model(merged.target))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Add a person to a debtor (OWNER, MANAGER); an unknown debtor is NOT_FOUND at "
        "[\"debtorId\"].",
    )
    @refusals_as(ContactPersonPayload)
    async def create_contact_person(
        self, info: GatehouseInfo, input: Annotated[CreateContactPersonInput, INPUT]
    ) -> ContactPersonPayload:
        contact = await debtors.create_contact_person(
            info.context.caller,
            pk_of(input.debtor_id, "Debtor"),
            given_fields(input, leave_out=("debtor_id",)),
        )
        return ContactPersonPayload(contact_person=ContactPerson.from_model(contact))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_CUSTOMERS),
        description="Change a contact person's fields (OWNER, MANAGER); an unknown id is "
        "NOT_FOUND at [\"id\"].",
    )
    @refusals_as(ContactPersonPayload)
    async def update_contact_person(
        self, info: GatehouseInfo, input: Annotated[UpdateContactPersonInput, INPUT]
    ) -> ContactPersonPayload:
        contact = await debtors.update_contact_person(
            info.context.caller,
            pk_of(input.id, "ContactPerson"),
            given_fields(input, leave_out=("id",)),
        )
        return ContactPersonPayload(contact_person=ContactPerson.from_model(contact))
