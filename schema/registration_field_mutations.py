"""The extra questions of a shop's registration form (staff)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import may
from auth.roles import Capability
from resolvers import registration_fields
from resolvers.registration_fields import MAX_FIELDS
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT
from schema.nodes import global_id, pk_of
from schema.shops import RegistrationField

LABEL = "The question as the form shows it, 1 to 200 characters."
POSITION = "Where it goes, 1 first; beyond the end (or null) puts it last."


@strawberry.input(description=f"A new required question (a form has at most {MAX_FIELDS}).")
class CreateRegistrationFieldInput:
    shop: str = strawberry.field(description="The handle of the shop whose form it joins.")
    key: str = strawberry.field(
        description="Names the answers: 1 to 64 lower-case letters, digits and underscores, "
        "starting with a letter; unique per form, and none of the questions every form asks "
        "(name, email, company, language, password, password_confirmation)."
    )
    label: str = strawberry.field(description=LABEL)
    position: int | None = strawberry.field(default=None, description=POSITION)


@strawberry.input(description="A new label or place; answers already given keep their label.")
class UpdateRegistrationFieldInput:
    id: strawberry.ID = strawberry.field(description="The registration field's global id.")
    label: str | None = strawberry.field(default=None, description=LABEL + " Null keeps it.")
    position: int | None = strawberry.field(
        default=None, description="Its new place, 1 first (beyond the end: last); null keeps it."
    )


@strawberry.input(description="The question to remove from its form.")
class DeleteRegistrationFieldInput:
    id: strawberry.ID = strawberry.field(description="The registration field's global id.")


@strawberry.input(description="Every field of the shop's form, each once, in the new order.")
class ReorderRegistrationFieldsInput:
    shop: str = strawberry.field(description="The shop's handle.")
    ids: list[strawberry.ID] = strawberry.field(
        description="Global ids of all the form's fields, each once, first to last; anything "
        "else is INVALID at [\"ids\"]."
    )


@strawberry.type(description="What createRegistrationField and updateRegistrationField answer.")
class RegistrationFieldPayload:
    registration_field: RegistrationField | None = strawberry.field(
        default=None, description="The field as it is now; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What deleteRegistrationField answers.")
class DeleteRegistrationFieldPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of the field removed; null when userErrors refused the call."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What reorderRegistrationFields answers.")
class RegistrationFieldsPayload:
    registration_fields: list[RegistrationField] = strawberry.field(
        default_factory=list, description="The form's fields in their new order; empty when refused."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


def _field_pk(value: strawberry.ID) -> int | None:
    return pk_of(value, "RegistrationField")


@strawberry.type
class RegistrationFieldMutations:
    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_SETTINGS),
        description="Add a question to a shop's form (OWNER, MANAGER); a shop outside the "
        "caller's is NOT_FOUND at [\"shop\"], like an unknown one.",
    )
    @refusals_as(RegistrationFieldPayload)
    async def create_registration_field(
        self, info: GatehouseInfo, input: Annotated[CreateRegistrationFieldInput, INPUT]
    ) -> RegistrationFieldPayload:
        field = await registration_fields.create_registration_field(
            info.context.caller, input.shop, input.key, input.label, input.position
        )
        return RegistrationFieldPayload(registration_field=RegistrationField.from_model(field))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_SETTINGS),
        description="Relabel or move a question (OWNER, MANAGER); an unknown id, or a field of "
        "a shop outside the caller's, is NOT_FOUND at [\"id\"].",
    )
    @refusals_as(RegistrationFieldPayload)
    async def update_registration_field(
        self, info: GatehouseInfo, input: Annotated[UpdateRegistrationFieldInput, INPUT]
    ) -> RegistrationFieldPayload:
        field = await registration_fields.update_registration_field(
            info.context.caller, _field_pk(input.id), input.label, input.position
        )
        return RegistrationFieldPayload(registration_field=RegistrationField.from_model(field))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_SETTINGS),
        description="Remove a question (OWNER, MANAGER); answers already given stay as they were.",
    )
    @refusals_as(DeleteRegistrationFieldPayload)
    async def delete_registration_field(
        self, info: GatehouseInfo, input: Annotated[DeleteRegistrationFieldInput, INPUT]
    ) -> DeleteRegistrationFieldPayload:
        pk = await registration_fields.delete_registration_field(info.context.caller, _field_pk(input.id))
        return DeleteRegistrationFieldPayload(deleted_id=global_id("RegistrationField", pk))

    @strawberry.mutation(
        permission_classes=may(Capability.MANAGE_SHOP_SETTINGS),
        description="Put a form's questions in a new order (OWNER, MANAGER).",
    )
    @refusals_as(RegistrationFieldsPayload)
    async def reorder_registration_fields(
        self, info: GatehouseInfo, input: Annotated[ReorderRegistrationFieldsInput, INPUT]
    ) -> RegistrationFieldsPayload:
        fields = await registration_fields.reorder_registration_fields(
            info.context.caller, input.shop, [_field_pk(value) for value in input.ids]
        )
        return RegistrationFieldsPayload(
            registration_fields=[RegistrationField.from_model(field) for field in fields]
        )
