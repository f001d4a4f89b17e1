"""Submitting the registration form (anyone), and staff decisions on requests."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.permissions import IsStaff
from resolvers import registrations
from schema.customers import ShopUser
from schema.errors import UserError, refusals_as, user_errors_of
from schema.nodes import global_id, pk_of
from schema.registrations import RegistrationRequest


@strawberry.input
class AnswerInput:
    key: str
    value: str


@strawberry.input(
    description="The registration form: name, email, the shop's extra questions, and in "
    "AUTOMATIC mode a password typed twice."
)
class SubmitRegistrationInput:
    shop: str = strawberry.field(description="The shop's handle.")
    name: str
    email: str
    company: str | None = None
    language: str | None = strawberry.field(default=None, description="Default: the shop's first.")
    answers: list[AnswerInput] | None = None
    password: str | None = strawberry.field(default=None, description="AUTOMATIC mode only.")
    password_confirmation: str | None = None


@strawberry.input
class ApproveInput:
    ids: list[strawberry.ID]
    debtor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Link to this debtor instead of the best match (or a new one)."
    )
    price_list_tags: list[str] | None = strawberry.field(
        default=None, description="Added to the debtor's tags and the shop's defaults."
    )


@strawberry.input
class RejectInput:
    ids: list[strawberry.ID]
    reason: str | None = None
    notify_customer: bool | None = strawberry.field(
        default=None, description="Overrides the shop's notifyCustomerOnRejection."
    )


@strawberry.input
class DeleteRegistrationsInput:
    ids: list[strawberry.ID]


@strawberry.type(
    description="For anonymous callers both objects are null: the answer is the same whether "
    "or not the email already has an account (rule 7). Staff callers see what was made."
)
class SubmitRegistrationPayload:
    registration_request: RegistrationRequest | None = None
    shop_user: ShopUser | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ApprovePayload:
    registration_requests: list[RegistrationRequest] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RejectPayload:
    registration_requests: list[RegistrationRequest] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteRegistrationsPayload:
    deleted_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _request_pks(ids: list[strawberry.ID]) -> list[int | None]:
    return [pk_of(value, "RegistrationRequest") for value in ids]


@strawberry.type
class RegistrationMutations:
    @strawberry.mutation(description="Register with a shop (anyone).")
    @refusals_as(SubmitRegistrationPayload)
    async def submit_registration(
        self, info: Info, input: SubmitRegistrationInput
    ) -> SubmitRegistrationPayload:
        ctx = info.context
        submission = registrations.Submission(
            shop_handle=input.shop,
            name=input.name,
            email=input.email,
            company=input.company,
            language=input.language,
            answers=[(answer.key, answer.value) for answer in input.answers or []],
            password=input.password,
            password_confirmation=input.password_confirmation,
        )
        submitted = await registrations.submit_registration(ctx.runtime, ctx.caller, submission)
        if not ctx.caller.is_staff:
            return SubmitRegistrationPayload()
        return SubmitRegistrationPayload(
            registration_request=(
                RegistrationRequest.from_model(submitted.request) if submitted.request else None
            ),
            shop_user=ShopUser.from_model(submitted.shop_user) if submitted.shop_user else None,
        )

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Approve requests (PENDING or REJECTED): link or make debtor and contact, "
        "make an INVITED user and mail the invitation. Each id succeeds or fails on its own.",
    )
    @refusals_as(ApprovePayload)
    async def approve(self, info: Info, input: ApproveInput) -> ApprovePayload:
        ctx = info.context
        result = await registrations.approve_registrations(
            ctx.runtime, ctx.caller, _request_pks(input.ids),
            debtor_pk=pk_of(input.debtor_id, "Debtor") if input.debtor_id is not None else None,
            debtor_given=input.debtor_id is not None,
            price_list_tags=input.price_list_tags,
        )
        return ApprovePayload(
            registration_requests=[RegistrationRequest.from_model(r) for r in result.requests],
            user_errors=user_errors_of(result.problems),
        )

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Reject PENDING requests; they are kept, with the reason.",
    )
    @refusals_as(RejectPayload)
    async def reject(self, info: Info, input: RejectInput) -> RejectPayload:
        ctx = info.context
        result = await registrations.reject_registrations(
            ctx.runtime, ctx.caller, _request_pks(input.ids),
            reason=input.reason, notify_customer=input.notify_customer,
        )
        return RejectPayload(
            registration_requests=[RegistrationRequest.from_model(r) for r in result.requests],
            user_errors=user_errors_of(result.problems),
        )

    @strawberry.mutation(
        permission_classes=[IsStaff],
        description="Delete requests for good; only the audit log keeps a trace.",
    )
    @refusals_as(DeleteRegistrationsPayload)
    async def delete_registrations(
        self, info: Info, input: DeleteRegistrationsInput
    ) -> DeleteRegistrationsPayload:
        result = await registrations.delete_registrations(info.context.caller, _request_pks(input.ids))
        return DeleteRegistrationsPayload(
            deleted_ids=[global_id("RegistrationRequest", pk) for pk in result.deleted_pks],
            user_errors=user_errors_of(result.problems),
        )

