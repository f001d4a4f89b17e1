"""The extra questions of a shop's registration form (staff)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff
from resolvers import registration_fields
from schema.errors import UserError, refusals_as
from schema.nodes import global_id, pk_of
from schema.shops import RegistrationField


@strawberry.input(description="A new required question; `position` 1 is first, default last.")
class CreateRegistrationFieldInput:
    shop: str
    key: str = strawberry.field(description="Lower-case letters, digits, underscores; unique per form.")
    label: str
    position: int | None = None


@strawberry.input(description="A new label or place; answers already given keep their label.")
class UpdateRegistrationFieldInput:
    id: strawberry.ID
    label: str | None = None
    position: int | None = None


@strawberry.input
class DeleteRegistrationFieldInput:
    id: strawberry.ID


@strawberry.input(description="Every field of the shop's form, each once, in the new order.")
class ReorderRegistrationFieldsInput:
    shop: str
    ids: list[strawberry.ID]


@strawberry.type
class RegistrationFieldPayload:
    registration_field: RegistrationField | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteRegistrationFieldPayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegistrationFieldsPayload:
    registration_fields: list[RegistrationField] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _field_pk(value: strawberry.ID) -> int | None:
    return pk_of(value, "RegistrationField")


@strawberry.type
class RegistrationFieldMutations:
    @strawberry.mutation(permission_classes=[IsStaff], description="Add a question to a form.")
    @refusals_as(RegistrationFieldPayload)
    async def create_registration_field(
        self, info: Info, input: CreateRegistrationFieldInput
    ) -> RegistrationFieldPayload:
        field = await registration_fields.create_registration_field(
            info.context.caller, input.shop, input.key, input.label, input.position
        )
        return RegistrationFieldPayload(registration_field=RegistrationField.from_model(field))

    @strawberry.mutation(permission_classes=[IsStaff], description="Relabel or move a question.")
    @refusals_as(RegistrationFieldPayload)
    async def update_registration_field(
        self, info: Info, input: UpdateRegistrationFieldInput
    ) -> RegistrationFieldPayload:
        field = await registration_fields.update_registration_field(
            info.context.caller, _field_pk(input.id), input.label, input.position
        )
        return RegistrationFieldPayload(registration_field=RegistrationField.from_model(field))

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Remove a question; answers already given stay as they were.",
    )
    @refusals_as(DeleteRegistrationFieldPayload)
    async def delete_registration_field(
        self, info: Info, input: DeleteRegistrationFieldInput
    ) -> DeleteRegistrationFieldPayload:
        pk = await registration_fields.delete_registration_field(info.context.caller, _field_pk(input.id))
        return DeleteRegistrationFieldPayload(deleted_id=global_id("RegistrationField", pk))

    @strawberry.mutation(permission_classes=[IsStaff], description="Put a form's questions in a new order.")
    @refusals_as(RegistrationFieldsPayload)
    async def reorder_registration_fields(
        self, info: Info, input: ReorderRegistrationFieldsInput
    ) -> RegistrationFieldsPayload:
        fields = await registration_fields.reorder_registration_fields(
            info.context.caller, input.shop, [_field_pk(value) for value in input.ids]
        )
        return RegistrationFieldsPayload(
            registration_fields=[RegistrationField.from_model(field) for field in fields]
        )
