"""Self-registration: the public form, and the requests staff review."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from models import RegistrationAnswer as RegistrationAnswerModel
from models import RegistrationRequest as RegistrationRequestModel
from models import RegistrationStatus as RegistrationStatusValue
from resolvers.registration_fields import RegistrationForm as RegistrationFormValue
from schema.accounts import AdminUser
from schema.customers import Debtor, ShopUser
from schema.nodes import Node, global_id
from schema.shops import ApprovalMode, RegistrationField, Shop

RegistrationStatus = strawberry.enum(RegistrationStatusValue, name="RegistrationStatus")


@strawberry.type(description="A shop's registration form, for anonymous storefronts.")
class RegistrationForm:
    shop: str = strawberry.field(description="The shop's handle.")
    open: bool = strawberry.field(description="Whether the shop takes registrations now.")
    approval_mode: ApprovalMode = strawberry.field(
        description="MANUAL: staff review first. AUTOMATIC: the customer sets a password and "
        "can sign in at once."
    )
    fields: list[RegistrationField] = strawberry.field(
        description="The extra questions, in order; every one must be answered."
    )
    languages: list[str] = strawberry.field(description="Offered languages; the first is the default.")

    @classmethod
    def from_value(cls, form: RegistrationFormValue) -> RegistrationForm:
        return cls(
            shop=form.shop.handle,
            open=form.open,
            approval_mode=form.approval_mode,
            fields=[RegistrationField.from_model(field) for field in form.fields],
            languages=list(form.shop.languages),
        )


@strawberry.type(description="An answer, with the label of the question as it was asked.")
class RegistrationAnswer:
    key: str
    label: str
    value: str

    @classmethod
    def from_model(cls, answer: RegistrationAnswerModel) -> RegistrationAnswer:
        return cls(key=answer.key, label=answer.label, value=answer.value)


@strawberry.type(description="A self-registration, and what staff decided.")
class RegistrationRequest(Node):
    model: strawberry.Private[RegistrationRequestModel]
    name: str
    email: str
    company: str | None
    language: str
    status: RegistrationStatus
    submitted_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None

    @classmethod
    def from_model(cls, request: RegistrationRequestModel) -> RegistrationRequest:
        return cls(
            id=global_id("RegistrationRequest", request.id),
            model=request,
            name=request.name,
            email=request.email,
            company=request.company,
            language=request.language,
            status=request.status,
            submitted_at=request.submitted_at,
            decided_at=request.decided_at,
            rejection_reason=request.rejection_reason,
        )

    @strawberry.field
    async def shop(self, info: Info) -> Shop:
        return Shop.from_model(await info.context.loaders.shop_by_id.load(self.model.shop_id))

    @strawberry.field
    async def answers(self, info: Info) -> list[RegistrationAnswer]:
        rows = await info.context.loaders.answers_by_request.load(self.model.id)
        return [RegistrationAnswer.from_model(row) for row in rows]

    @strawberry.field(description="The admin who approved or rejected it.")
    async def decided_by(self, info: Info) -> AdminUser | None:
        if self.model.decided_by_id is None:
            return None
        admin = await info.context.loaders.admin_user_by_id.load(self.model.decided_by_id)
        return AdminUser.from_model(admin) if admin else None

    @strawberry.field(description="The debtor an approval linked or made.")
    async def debtor(self, info: Info) -> Debtor | None:
        if self.model.debtor_id is None:
            return None
        row = await info.context.loaders.debtor_by_id.load(self.model.debtor_id)
        return Debtor.from_model(row) if row else None

    @strawberry.field(description="The shop user an approval made.")
    async def shop_user(self, info: Info) -> ShopUser | None:
        if self.model.shop_user_id is None:
            return None
        row = await info.context.loaders.shop_user_by_id.load(self.model.shop_user_id)
        return ShopUser.from_model(row) if row else None

    @strawberry.field(
        description="Existing debtors this request matches: a contact or debtor with the same "
        "email, the same VAT number (answer `vat_number`), or the company's name. Approval "
        "links to the first."
    )
    async def matching_debtors(self, info: Info) -> list[Debtor]:
        rows = await info.context.loaders.matching_debtors_by_request.load(self.model)
        return [Debtor.from_model(row) for row in rows]
