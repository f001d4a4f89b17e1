"""Submitting the registration form (anyone), and staff decisions on requests."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import may, unrestricted
from auth.roles import Capability
from resolvers import registrations
from resolvers.registrations import MAX_ANSWER_LENGTH, MAX_BULK, verification
from schema.context import GatehouseInfo
from schema.customers import ShopUser
from schema.errors import USER_ERRORS, UserError, refusals_as, user_errors_of
from schema.inputs import INPUT
from schema.nodes import global_id, pk_of
from schema.registrations import RegistrationRequest
from schema.visibility import staff_reads

IDS = (
    f"Global ids of registration requests, 1 to {MAX_BULK}. Each is decided on its own: one "
    "refused is a UserError at [\"ids\", \"<index>\"], the others go on."
)
BULK_ERRORS = (
    "One entry per refused id, at [\"ids\", \"<index>\"] (NOT_FOUND, ALREADY_DECIDED, ...); an "
    "error at another field refused the whole call."
)


@strawberry.input(description="The answer to one of the form's extra questions.")
class AnswerInput:
    key: str = strawberry.field(description="The question's key (RegistrationField.key).")
    value: str | None = strawberry.field(
        default=None,
        description=f"The answer, at most {MAX_ANSWER_LENGTH} characters, checked and stored "
        "normalised by the question's type (RegistrationFieldType); blank or left out is "
        "FIELD_REQUIRED for a required question, and a refused one INVALID at [\"answers\", key].",
    )
    values: list[str] | None = strawberry.field(
        default=None, description="A MULTI_CHOICE's chosen option values (or use value for one)."
    )


@strawberry.input(
    description="The registration form: name, email, the shop's extra questions, and in "
    "AUTOMATIC mode a password typed twice."
)
class SubmitRegistrationInput:
    shop: str = strawberry.field(description="The shop's handle.")
    name: str = strawberry.field(description="The applicant's full name, 1 to 200 characters.")
    email: str = strawberry.field(
        description="The applicant's email, at most 150 characters; it becomes the username."
    )
    company: str | None = strawberry.field(default=None, description="The company, at most 200 characters.")
    language: str | None = strawberry.field(
        default=None, description="One of the shop's languages; default: the shop's first."
    )
    answers: list[AnswerInput] | None = strawberry.field(
        default=None,
        description="The answers to the shop's extra questions, each at most once (an optional one "
        "may be left out); an answer to a question the form does not ask is INVALID. A second "
        "submission of an email with a request still open answers as the first did and makes "
        "nothing.",
    )
    password: str | None = strawberry.field(
        default=None,
        description="AUTOMATIC mode only (required there, refused in MANUAL mode): 8 to 128 "
        "characters with letters and digits, not a well-known password.",
    )
    password_confirmation: str | None = strawberry.field(
        default=None, description="The password typed again, with `password`."
    )
    form_token: str | None = strawberry.field(
        default=None,
        description="registrationForm's formToken, read for this shop 2 seconds to 24 hours "
        "before; needed when the shop's botProtection is on (without it, or with a token too "
        "fresh, too old, of another shop or forged: INVALID at [\"formToken\"]).",
    )


@strawberry.input(description="The link an applicant followed to confirm their email (double opt-in).")
class VerifyRegistrationEmailInput:
    token: str = strawberry.field(
        description="The `token` of the link <storefrontUrl>/account/verify-registration?token=…"
    )


@strawberry.input(description="The requests to approve, and how to make their accounts.")
class ApproveInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    debtor_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Link every request to this debtor instead of its best match (or a new "
        "debtor); an unknown one is NOT_FOUND and refuses the call.",
    )
    price_list_tags: list[str] | None = strawberry.field(
        default=None, description="Added to the debtor's tags, with the shop's defaults."
    )


@strawberry.input(description="The requests to reject, and what to tell their applicants.")
class RejectInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)
    reason: str | None = strawberry.field(
        default=None, description="Why, at most 2000 characters; kept, and quoted in the mail."
    )
    notify_customer: bool | None = strawberry.field(
        default=None,
        description="Whether the applicants get a mail; null: the shop's notifyCustomerOnRejection.",
    )


@strawberry.input(description="The requests to delete for good.")
class DeleteRegistrationsInput:
    ids: list[strawberry.ID] = strawberry.field(description=IDS)


@strawberry.type(
    description="For anonymous callers both objects are null: the answer is the same whether "
    "or not the email already has an account in the shop. Staff callers see what was made."
)
class SubmitRegistrationPayload:
    registration_request: RegistrationRequest | None = strawberry.field(
        default=None,
        description="The request made (staff who may read it, in one of their shops; null for others).",
    )
    shop_user: ShopUser | None = strawberry.field(
        default=None,
        description="In AUTOMATIC mode, the user made (staff who may read it, in one of their "
        "shops; null for others).",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=USER_ERRORS)


@strawberry.type(description="What verifyRegistrationEmail answers.")
class VerifyRegistrationEmailPayload:
    verified: bool = strawberry.field(
        default=False,
        description="True when this call confirmed the email: the request is PENDING and staff "
        "are told (MANUAL mode), or the account exists (AUTOMATIC mode). False with a user error "
        "when the link does not work (any more).",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=f"{USER_ERRORS} INVALID at [\"token\"]: the link is unknown, used already, "
        "or older than 7 days (the request is gone then); RATE_LIMITED: too many calls.",
    )


@strawberry.type(description="What approve answers: the requests approved, and the ids refused.")
class ApprovePayload:
    registration_requests: list[RegistrationRequest] = strawberry.field(
        default_factory=list, description="The requests this call approved, in the order of `ids`."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=BULK_ERRORS)


@strawberry.type(description="What reject answers: the requests rejected, and the ids refused.")
class RejectPayload:
    registration_requests: list[RegistrationRequest] = strawberry.field(
        default_factory=list, description="The requests this call rejected, in the order of `ids`."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=BULK_ERRORS)


@strawberry.type(description="What deleteRegistrations answers: the ids deleted, and the ids refused.")
class DeleteRegistrationsPayload:
    deleted_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Global ids of the requests deleted, in the order of `ids`."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description=BULK_ERRORS)


def _request_pks(ids: list[strawberry.ID]) -> list[int | None]:
    return [pk_of(value, "RegistrationRequest") for value in ids]


@strawberry.type
class RegistrationMutations:
    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Register with a shop (anyone may call it). MANUAL mode: a PENDING request, "
        "and staff are notified. AUTOMATIC mode: an ACTIVE account at once. An email that has an "
        "account in the shop gets the same answer, no request, and a mail with sign-in and reset "
        "links. Rate-limited.",
    )
    @refusals_as(SubmitRegistrationPayload)
    async def submit_registration(
        self, info: GatehouseInfo, input: Annotated[SubmitRegistrationInput, INPUT]
    ) -> SubmitRegistrationPayload:
        ctx = info.context
        submission = registrations.Submission(
            shop_handle=input.shop,
            name=input.name,
            email=input.email,
            company=input.company,
            language=input.language,
            answers=[
                registrations.GivenAnswer(answer.key, answer.value, answer.values)
                for answer in input.answers or []
            ],
            form_token=input.form_token,
            password=input.password,
            password_confirmation=input.password_confirmation,
        )
        submitted = await registrations.submit_registration(ctx.runtime, ctx.caller, submission)
        request, shop_user = submitted.request, submitted.shop_user
        return SubmitRegistrationPayload(
            registration_request=(
                RegistrationRequest.from_model(request)
                if request and staff_reads(info, Capability.READ_REQUESTS, request.shop_id)
                else None
            ),
            shop_user=(
                ShopUser.from_model(shop_user)
                if shop_user and staff_reads(info, Capability.READ_SHOP_USERS, shop_user.shop_id)
                else None
            ),
        )

    @strawberry.mutation(
        permission_classes=unrestricted(),
        description="Confirm an applicant's email with the link mailed to them, for a shop with "
        "requireEmailVerification (anyone may call it): the UNVERIFIED request becomes PENDING "
        "and staff are told, or in AUTOMATIC mode the account is made with the password chosen "
        "in the form (no one is signed in). A link works once, for 7 days. Rate-limited.",
    )
    @refusals_as(VerifyRegistrationEmailPayload)
    async def verify_registration_email(
        self, info: GatehouseInfo, input: Annotated[VerifyRegistrationEmailInput, INPUT]
    ) -> VerifyRegistrationEmailPayload:
        ctx = info.context
        if await verification.verify_registration_email(ctx.runtime, ctx.caller, input.token) is None:
            raise verification.unusable_link()
        return VerifyRegistrationEmailPayload(verified=True)

    @strawberry.mutation(
        permission_classes=may(Capability.DECIDE_REQUESTS),
        description="Approve requests that are PENDING or REJECTED (OWNER, MANAGER, REVIEWER): "
        "link or make the debtor and contact person, make an INVITED user and mail the invitation. Each id "
        "succeeds or fails on its own; approving twice, even at once, makes one account. A "
        "request of a shop outside the caller's is NOT_FOUND, like an unknown id.",
    )
    @refusals_as(ApprovePayload)
    async def approve(self, info: GatehouseInfo, input: Annotated[ApproveInput, INPUT]) -> ApprovePayload:
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
        permission_classes=may(Capability.DECIDE_REQUESTS),
        description="Reject PENDING requests (OWNER, MANAGER, REVIEWER); they are kept, with the reason, and "
        "the applicants are mailed unless the call or the shop says not to. Each id succeeds or "
        "fails on its own.",
    )
    @refusals_as(RejectPayload)
    async def reject(self, info: GatehouseInfo, input: Annotated[RejectInput, INPUT]) -> RejectPayload:
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
        permission_classes=may(Capability.DECIDE_REQUESTS),
        description="Delete requests for good, in any status (OWNER, MANAGER, REVIEWER); only the audit log "
        "keeps a trace. Each id succeeds or fails on its own.",
    )
    @refusals_as(DeleteRegistrationsPayload)
    async def delete_registrations(
        self, info: GatehouseInfo, input: Annotated[DeleteRegistrationsInput, INPUT]
    ) -> DeleteRegistrationsPayload:
        result = await registrations.delete_registrations(
            info.context.runtime, info.context.caller, _request_pks(input.ids)
        )
        return DeleteRegistrationsPayload(
            deleted_ids=[global_id("RegistrationRequest", pk) for pk in result.deleted_pks],
            user_errors=user_errors_of(result.problems),
        )

