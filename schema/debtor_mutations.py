"""Creating and changing debtors and their contact persons (staff)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff
from resolvers import debtors
from schema.customers import ContactPerson, Debtor
from schema.errors import UserError, refusals_as
from schema.inputs import given_fields
from schema.nodes import pk_of


@strawberry.input(description="A new debtor; the number is generated (D000042) when not given.")
class CreateDebtorInput:
    number: str | None = None
    name: str
    email: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    address: str | None = None
    price_list_tags: list[str] | None = None
    minimum_order_amount: Decimal | None = None
    checkout_payment_limit: Decimal | None = None


@strawberry.input(description="The debtor and the fields to change; a field left out keeps its value.")
class UpdateDebtorInput:
    id: strawberry.ID
    number: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    vat_number: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    price_list_tags: list[str] | None = strawberry.UNSET
    minimum_order_amount: Decimal | None = strawberry.UNSET
    checkout_payment_limit: Decimal | None = strawberry.UNSET


@strawberry.input(description="A new contact person of an existing debtor.")
class CreateContactPersonInput:
    debtor_id: strawberry.ID
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    language: str


@strawberry.input(description="The contact person and the fields to change; a field left out keeps its value.")
class UpdateContactPersonInput:
    id: strawberry.ID
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET


@strawberry.type
class DebtorPayload:
    debtor: Debtor | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ContactPersonPayload:
    contact_person: ContactPerson | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DebtorMutations:
    @strawberry.mutation(permission_classes=[IsStaff], description="Add a customer company.")
    @refusals_as(DebtorPayload)
    async def create_debtor(self, info: Info, input: CreateDebtorInput) -> DebtorPayload:
        debtor = await debtors.create_debtor(info.context.caller, given_fields(input))
        return DebtorPayload(debtor=Debtor.from_model(debtor))

    @strawberry.mutation(permission_classes=[IsStaff], description="Change a debtor.")
    @refusals_as(DebtorPayload)
    async def update_debtor(self, info: Info, input: UpdateDebtorInput) -> DebtorPayload:
        debtor = await debtors.update_debtor(
            info.context.caller, pk_of(input.id, "Debtor"), given_fields(input, leave_out=("id",))
        )
        return DebtorPayload(debtor=Debtor.from_model(debtor))

    @strawberry.mutation(permission_classes=[IsStaff], description="Add a person to a debtor.")
    @refusals_as(ContactPersonPayload)
    async def create_contact_person(
        self, info: Info, input: CreateContactPersonInput
    ) -> ContactPersonPayload:
        contact = await debtors.create_contact_person(
            info.context.caller,
            pk_of(input.debtor_id, "Debtor"),
            given_fields(input, leave_out=("debtor_id",)),
        )
        return ContactPersonPayload(contact_person=ContactPerson.from_model(contact))

    @strawberry.mutation(permission_classes=[IsStaff], description="Change a contact person.")
    @refusals_as(ContactPersonPayload)
    async def update_contact_person(
        self, info: Info, input: UpdateContactPersonInput
    ) -> ContactPersonPayload:
        contact = await debtors.update_contact_person(
            info.context.caller,
            pk_of(input.id, "ContactPerson"),
            given_fields(input, leave_out=("id",)),
        )
        return ContactPersonPayload(contact_person=ContactPerson.from_model(contact))
