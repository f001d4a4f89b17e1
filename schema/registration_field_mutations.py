"""The extra questions of a shop's registration form (staff)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import may
from auth.roles import Capability
from models import RegistrationField as RegistrationFieldModel
from models.field_types import RegistrationFieldType
from resolvers import registration_fields
from resolvers.field_definitions import MAX_OPTIONS, FieldDefinition, OptionDefinition
from resolvers.registration_fields import MAX_FIELDS
from schema.context import GatehouseInfo
from schema.errors import USER_ERRORS, UserError, refusals_as
from schema.inputs import INPUT
from schema.nodes import global_id, pk_of
from schema.shops import RegistrationField

LABEL = "The question in the shop's first language, 1 to 200 characters (set after labels)."
POSITION = "Where it goes, 1 first; beyond the end (or null) puts it last."
TYPE = "What kind of answer it takes (see RegistrationFieldType)."
REQUIRED = "Whether it must be answered; a required CHECKBOX must be ticked (consent)."
LABELS = (
    "The question in each language, each one of the shop's and given once (1 to 200 characters); "
    "a form in a language without one shows the shop's first language's, else any."
)
HELP_TEXTS = "A hint per language (at most 1,000 characters, line breaks allowed); an empty list: none."
OPTIONS = (
    f"What a CHOICE or MULTI_CHOICE offers, in order (1 to {MAX_OPTIONS}); other types take none, "
    "and a field changed to one of them loses its options."
)


@strawberry.input(description="A text in one of the shop's languages.")
class LocalizedTextInput:
    language: str = strawberry.field(description="One of the shop's languages ('nl').")
    text: str = strawberry.field(description="The text in that language.")


@strawberry.input(description="One answer a CHOICE or MULTI_CHOICE question offers.")
class FieldOptionInput:
    value: str = strawberry.field(
        description="What an answer gives and what is stored: 1 to 64 letters, digits, '_', '.' or "
        "'-', unique within the question."
    )
    labels: list[LocalizedTextInput] = strawberry.field(description="What the form shows, per language.")


def _texts(given: list[LocalizedTextInput] | None) -> list[tuple[str, str]] | None:
    return None if given is None else [(text.language, text.text) for text in given]


def _options(given: list[FieldOptionInput] | None) -> list[OptionDefinition] | None:
    if given is None:
        return None
    return [OptionDefinition(option.value, _texts(option.labels) or []) for option in given]


@strawberry.input(description=f"A new question (a form has at most {MAX_FIELDS}).")
class CreateRegistrationFieldInput:
    shop: str = strawberry.field(description="The handle of the shop whose form it joins.")
    key: str = strawberry.field(
        description="Names the answers: 1 to 64 lower-case letters, digits and underscores, "
        "starting with a letter; unique per form, and none of the questions every form asks "
        "(name, email, company, language, password, password_confirmation)."
    )
    label: str | None = strawberry.field(
        default=None, description=LABEL + " Give label, labels or both."
    )
    position: int | None = strawberry.field(default=None, description=POSITION)
    type: RegistrationFieldType = strawberry.field(
        default=RegistrationFieldType.TEXT, description=TYPE + " TEXT by default."
    )
    required: bool = strawberry.field(default=True, description=REQUIRED + " True by default.")
    labels: list[LocalizedTextInput] | None = strawberry.field(default=None, description=LABELS)
    help_texts: list[LocalizedTextInput] | None = strawberry.field(default=None, description=HELP_TEXTS)
    options: list[FieldOptionInput] | None = strawberry.field(default=None, description=OPTIONS)

    def definition(self) -> FieldDefinition:
        return _definition(self)


def _definition(given: CreateRegistrationFieldInput | UpdateRegistrationFieldInput) -> FieldDefinition:
    return FieldDefinition(
        label=given.label, type=given.type, required=given.required, labels=_texts(given.labels),
        help_texts=_texts(given.help_texts), options=_options(given.options),
    )


@strawberry.input(
    description="A new definition or place; a part left out (null) keeps its value. Answers "
    "already given keep the field as it was."
)
class UpdateRegistrationFieldInput:
    id: strawberry.ID = strawberry.field(description="The registration field's global id.")
    label: str | None = strawberry.field(default=None, description=LABEL + " Null keeps it.")
    position: int | None = strawberry.field(
        default=None, description="Its new place, 1 first (beyond the end: last); null keeps it."
    )
    type: RegistrationFieldType | None = strawberry.field(default=None, description=TYPE + " Null keeps it.")
    required: bool | None = strawberry.field(default=None, description=REQUIRED + " Null keeps it.")
    labels: list[LocalizedTextInput] | None = strawberry.field(
        default=None, description=LABELS + " Replaces every language's; null keeps them."
    )
    help_texts: list[LocalizedTextInput] | None = strawberry.field(
        default=None, description=HELP_TEXTS + " Null keeps them."
    )
    options: list[FieldOptionInput] | None = strawberry.field(
        default=None, description=OPTIONS + " Replaces them all; null keeps them."
    )

    def definition(self) -> FieldDefinition:
        return _definition(self)


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


async def _languages_of(info: GatehouseInfo, shop_id: int) -> list[str]:
    shop = await info.context.loaders.shop_by_id.load(shop_id)
    return list(shop.languages) if shop else []


async def _payload(info: GatehouseInfo, field: RegistrationFieldModel) -> RegistrationFieldPayload:
    languages = await _languages_of(info, field.shop_id)
    return RegistrationFieldPayload(registration_field=RegistrationField.from_model(field, languages))


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
            info.context.caller, input.shop, input.key, input.definition(), input.position
        )
        return await _payload(info, field)

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
            info.context.caller, _field_pk(input.id), input.definition(), input.position
        )
        return await _payload(info, field)

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
        languages = await _languages_of(info, fields[0].shop_id) if fields else []
        return RegistrationFieldsPayload(
            registration_fields=[RegistrationField.from_model(field, languages) for field in fields]
        )
